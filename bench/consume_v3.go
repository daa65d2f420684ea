package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	json "github.com/goccy/go-json"
)

// v3ReadBytes is what each v3 partition read asks for: as much as a v2
// read's default answer holds per partition, in a few requests.
const v3ReadBytes = 4 << 20

// runV3Fetch drains the round's topic with the v3 stateless partition
// read: one reader per partition follows its reads' metadata.next from the
// start, each read to the next node, until the topic is drained.
func runV3Fetch(ctx context.Context, r *modeRun) error {
	cl := httpClient(int(r.cfg.Partitions))
	d := newDrain(r.b)
	return perConnection(int(r.cfg.Partitions), func(part int) error {
		path := fmt.Sprintf("/partitions/%d/records?offset=0&max_records=10000&max_bytes=%d&timeout_ms=1000", part, v3ReadBytes)
		for !d.done(d.total.Load()) {
			start := time.Now()
			n, next, err := v3Read(ctx, cl, r.v3URL(path))
			if err != nil {
				return err
			}
			if n > 0 {
				r.st.ok(n, r.cfg.RecordSize, time.Since(start))
			}
			if d.got(n) {
				return nil
			}
			u, err := url.Parse(next)
			if err != nil {
				return fmt.Errorf("metadata.next %q: %w", next, err)
			}
			path = fmt.Sprintf("/partitions/%d/records?%s", part, u.RawQuery)
		}
		return nil
	})
}

// v3Read sends one partition read and returns how many records it
// answered and its metadata.next.
func v3Read(ctx context.Context, cl *http.Client, u string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return 0, "", err
	}
	res, err := cl.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, "", err
	}
	if res.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("GET %s answered %d: %s", u, res.StatusCode, body)
	}
	var list struct {
		Metadata struct {
			Next string `json:"next"`
		} `json:"metadata"`
		Data []struct {
			Offset int64 `json:"offset"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return 0, "", fmt.Errorf("a partition read's answer: %w", err)
	}
	return len(list.Data), list.Metadata.Next, nil
}

// runV3StreamRead drains the round's topic with Instances v3 group
// streams (NDJSON) in one fresh group, each over a request of its own to
// the next node.
func runV3StreamRead(ctx context.Context, r *modeRun) error {
	n := r.cfg.instances()
	cl := httpClient(n)
	group := groupName("kafka-rest-bench-v3")
	d := newDrain(r.b)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	return perConnection(n, func(int) error {
		u := r.nodes.next() + "/v3/clusters/" + r.cluster + "/consumer-groups/" + group + "/records?topics=" + r.topic
		req, err := http.NewRequestWithContext(sctx, "GET", u, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/x-ndjson")
		res, err := cl.Do(req)
		if err != nil {
			if sctx.Err() != nil && ctx.Err() == nil {
				return nil // the topic was drained while this stream opened
			}
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(res.Body)
			return fmt.Errorf("GET %s answered %d: %s", u, res.StatusCode, b)
		}
		// The stream writes heartbeats when idle, so a read always ends;
		// the drain's idle bound ends the mode, and then every stream.
		// Records are counted by the chunk that brought them: the lines
		// read until the reader has nothing buffered. A chunk's latency is
		// the wait for it, as a read mode's is the wait for its answer.
		lines := make(chan int, 1)
		go func() {
			defer close(lines)
			br := bufio.NewReaderSize(res.Body, 256<<10)
			n := 0
			for {
				line, err := br.ReadSlice('\n')
				if err != nil && err != bufio.ErrBufferFull {
					return
				}
				if len(line) > 1 && err == nil {
					n++
				}
				if br.Buffered() == 0 || n >= 10_000 {
					lines <- n
					n = 0
				}
			}
		}()
		last := time.Now()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case c, ok := <-lines:
				if !ok {
					return nil
				}
				if c > 0 {
					r.st.ok(c, r.cfg.RecordSize, time.Since(last))
				}
				last = time.Now()
				if d.got(c) {
					cancel()
					return nil
				}
			case <-tick.C:
				if d.done(d.total.Load()) {
					cancel()
					return nil
				}
			}
		}
	})
}
