package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The consume modes drain what the topic holds (the produce modes of the
// run filled it) from its start, with a fresh group each round, until the
// mode's bound or until nothing came for drainIdle.
const drainIdle = 3 * time.Second

// drain tracks a consume mode's progress against its bounds.
type drain struct {
	b        *budget
	total    atomic.Int64
	lastSeen atomic.Int64 // unix nanos of the last record
}

func newDrain(b *budget) *drain {
	d := &drain{b: b}
	d.lastSeen.Store(time.Now().UnixNano())
	return d
}

// got counts n records and reports whether the mode should stop.
func (d *drain) got(n int) bool {
	if n > 0 {
		d.lastSeen.Store(time.Now().UnixNano())
	}
	total := d.total.Add(int64(n))
	return d.done(total)
}

func (d *drain) done(total int64) bool {
	switch {
	case d.b.max > 0 && total >= d.b.max:
		return true
	case !d.b.deadline.IsZero() && time.Now().After(d.b.deadline):
		return true
	}
	return time.Since(time.Unix(0, d.lastSeen.Load())) > drainIdle
}

func groupName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// runV2Consume creates Connections v2 consumer instances in one group,
// subscribes them to the topic and reads until the topic is drained.
func runV2Consume(ctx context.Context, w *workload, b *budget, st *stats) error {
	cl := httpClient(w.cfg.Connections)
	group := groupName("kafka-rest-bench-v2")
	d := newDrain(b)
	var wg sync.WaitGroup
	errs := make(chan error, w.cfg.Connections)
	for i := range w.cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- consumeOne(ctx, cl, w, group, fmt.Sprint("bench-", i), d, st)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// v2Call sends a v2 request and fails on a status other than want.
func v2Call(ctx context.Context, cl *http.Client, method, url, body string, want int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.kafka.v2+json")
	}
	if method == "GET" {
		req.Header.Set("Accept", "application/vnd.kafka.binary.v2+json")
	}
	res, err := cl.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != want {
		err = fmt.Errorf("%s %s answered %d: %s", method, url, res.StatusCode, out)
	}
	return out, err
}

func consumeOne(ctx context.Context, cl *http.Client, w *workload, group, name string, d *drain, st *stats) error {
	base := w.cfg.URL + "/consumers/" + group + "/instances/" + name
	if _, err := v2Call(ctx, cl, "POST", w.cfg.URL+"/consumers/"+group,
		`{"name":"`+name+`","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`, http.StatusOK); err != nil {
		return err
	}
	defer v2Call(context.WithoutCancel(ctx), cl, "DELETE", base, "", http.StatusNoContent)
	if _, err := v2Call(ctx, cl, "POST", base+"/subscription", `{"topics":["`+w.cfg.Topic+`"]}`, http.StatusNoContent); err != nil {
		return err
	}
	for !d.done(d.total.Load()) {
		start := time.Now()
		body, err := v2Call(ctx, cl, "GET", base+"/records?timeout=1000", "", http.StatusOK)
		if err != nil {
			return err
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(body, &recs); err != nil {
			return fmt.Errorf("records answer: %w", err)
		}
		if len(recs) > 0 {
			st.ok(len(recs), w.cfg.RecordSize, time.Since(start))
		}
		if d.got(len(recs)) {
			return nil
		}
	}
	return nil
}

// runNativeConsume drains the topic with a franz-go group consumer.
func runNativeConsume(ctx context.Context, w *workload, b *budget, st *stats) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(w.cfg.Bootstrap...), kgo.ConsumerGroup(groupName("kafka-rest-bench-native")),
		kgo.ConsumeTopics(w.cfg.Topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		return err
	}
	defer cl.Close()
	d := newDrain(b)
	for !d.done(d.total.Load()) {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		start := time.Now()
		fs := cl.PollFetches(pctx)
		cancel()
		n := fs.NumRecords()
		if n > 0 {
			st.ok(n, w.cfg.RecordSize, time.Since(start))
		}
		if d.got(n) {
			return nil
		}
	}
	return nil
}
