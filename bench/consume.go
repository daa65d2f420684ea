package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The consume modes drain what the topic holds (the produce modes of the
// round filled it) from its start, with a fresh group each round, until
// the mode's bound or until nothing came for drainIdle after the first
// record; the first may take up to drainStart (the group forms first).
const (
	drainIdle  = 3 * time.Second
	drainStart = 30 * time.Second
)

// drain tracks a consume mode's progress against its bounds.
type drain struct {
	b        *budget
	started  time.Time
	total    atomic.Int64
	lastSeen atomic.Int64 // unix nanos of the last record; 0 before the first
}

func newDrain(b *budget) *drain { return &drain{b: b, started: time.Now()} }

// got counts n records and reports whether the mode should stop.
func (d *drain) got(n int) bool {
	if n > 0 {
		d.lastSeen.Store(time.Now().UnixNano())
	}
	total := d.total.Add(int64(n))
	return d.done(total)
}

func (d *drain) done(total int64) bool {
	if (d.b.max > 0 && total >= d.b.max) || d.b.expired() {
		return true
	}
	last := d.lastSeen.Load()
	if last == 0 {
		return time.Since(d.started) > drainStart
	}
	return time.Since(time.Unix(0, last)) > drainIdle
}

func groupName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// runV2Consume creates Instances v2 consumer instances in one group,
// subscribes them to the round's topic and reads until it is drained.
func runV2Consume(ctx context.Context, r *modeRun) error {
	return v2Consume(ctx, r, nil)
}

// runV2ConsumeLowLatency is runV2Consume with instances that answer a
// read as soon as it has a byte (fetch.min.bytes=1).
func runV2ConsumeLowLatency(ctx context.Context, r *modeRun) error {
	return v2Consume(ctx, r, map[string]string{"fetch.min.bytes": "1"})
}

func v2Consume(ctx context.Context, r *modeRun, settings map[string]string) error {
	cl := httpClient(r.cfg.instances())
	group := groupName("kafka-rest-bench-v2")
	d := newDrain(r.b)
	return perConnection(r.cfg.instances(), func(i int) error {
		inst := v2Instance{cl: cl, nodes: r.nodes, group: group, name: fmt.Sprint("bench-", i)}
		if err := inst.start(ctx, r.topic, "earliest", settings); err != nil {
			return err
		}
		defer inst.stop(ctx)
		for !d.done(d.total.Load()) {
			start := time.Now()
			recs, err := inst.read(ctx)
			if err != nil {
				return err
			}
			if len(recs) > 0 {
				r.st.ok(len(recs), r.cfg.RecordSize, time.Since(start))
			}
			if d.got(len(recs)) {
				return nil
			}
		}
		return nil
	})
}

// v2Instance is one v2 consumer instance. Every call of its lifecycle
// goes to the next node: through a cluster of proxies, any node must
// serve any instance.
type v2Instance struct {
	cl    *http.Client
	nodes *nodes
	group string
	name  string
}

// path is the instance's URL path under a node.
func (v *v2Instance) path() string {
	return "/consumers/" + v.group + "/instances/" + v.name
}

// start creates the instance, binary, without auto commit, with extra
// settings, and subscribes it to topic.
func (v *v2Instance) start(ctx context.Context, topic, reset string, settings map[string]string) error {
	create := map[string]string{"name": v.name, "format": "binary", "auto.offset.reset": reset, "auto.commit.enable": "false"}
	for k, val := range settings {
		create[k] = val
	}
	body, err := json.Marshal(create)
	if err != nil {
		return err
	}
	if _, err := v2Call(ctx, v.cl, "POST", v.nodes.next()+"/consumers/"+v.group, string(body), http.StatusOK); err != nil {
		return err
	}
	if _, err := v2Call(ctx, v.cl, "POST", v.nodes.next()+v.path()+"/subscription", `{"topics":["`+topic+`"]}`, http.StatusNoContent); err != nil {
		v.stop(ctx)
		return err
	}
	return nil
}

// v2Record is what the harness reads of a v2 binary record.
type v2Record struct {
	Value string `json:"value"`
}

// read polls the instance's records once, waiting up to a second.
func (v *v2Instance) read(ctx context.Context) ([]v2Record, error) {
	body, err := v2Call(ctx, v.cl, "GET", v.nodes.next()+v.path()+"/records?timeout=1000", "", http.StatusOK)
	if err != nil {
		return nil, err
	}
	var recs []v2Record
	if err := json.Unmarshal(body, &recs); err != nil {
		return nil, fmt.Errorf("records answer: %w", err)
	}
	return recs, nil
}

// stop deletes the instance, even when ctx has ended.
func (v *v2Instance) stop(ctx context.Context) {
	v2Call(context.WithoutCancel(ctx), v.cl, "DELETE", v.nodes.next()+v.path(), "", http.StatusNoContent)
}

// v2Call sends a v2 request and fails on a status other than want.
func v2Call(ctx context.Context, cl *http.Client, method, url, body string, want int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
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

// runNativeConsume drains the round's topic with a franz-go group
// consumer.
func runNativeConsume(ctx context.Context, r *modeRun) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.cfg.Bootstrap...), kgo.ConsumerGroup(groupName("kafka-rest-bench-native")),
		kgo.ConsumeTopics(r.topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
	if err != nil {
		return err
	}
	defer cl.Close()
	d := newDrain(r.b)
	for !d.done(d.total.Load()) {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		start := time.Now()
		fs := cl.PollFetches(pctx)
		cancel()
		n := fs.NumRecords()
		if n > 0 {
			r.st.ok(n, r.cfg.RecordSize, time.Since(start))
		}
		if d.got(n) {
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	return nil
}
