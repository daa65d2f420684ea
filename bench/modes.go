package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"
)

// runStream streams records over Connections long requests, full duplex:
// a writer per connection sends records as the budget allows, a reader
// matches each answer line to its record (answers come in input order).
func runStream(ctx context.Context, w *workload, b *budget, st *stats) error {
	return perConnection(w, "/records", func(cl *http.Client, url string) error {
		return streamOne(ctx, cl, url, w, b, st)
	})
}

// perConnection runs fn on Connections goroutines, each with the URL of
// the topic's endpoint path, and joins their errors.
func perConnection(w *workload, path string, fn func(cl *http.Client, url string) error) error {
	cl := httpClient(w.cfg.Connections)
	url := w.cfg.URL + "/v3/clusters/bench/topics/" + w.cfg.Topic + path
	errs := make(chan error, w.cfg.Connections)
	var wg sync.WaitGroup
	for range w.cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- fn(cl, url)
		}()
	}
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

func streamOne(ctx context.Context, cl *http.Client, url string, w *workload, b *budget, st *stats) error {
	// A stream starts with its first record: the other connections may
	// have taken the whole budget, and an empty body is a 422.
	first, ok := <-b.next
	if !ok {
		return nil
	}
	pr, pw := io.Pipe()
	sent := make(chan time.Time, 1<<16)
	go func() {
		defer close(sent)
		bw := bufio.NewWriterSize(pw, 64<<10)
		sent <- time.Now()
		bw.WriteString(w.json(first))
		for i := range b.next {
			sent <- time.Now()
			bw.WriteString(w.json(i))
			// Flush when nothing else is ready to go, so that a slow
			// rate does not sit in the buffer.
			if len(b.next) == 0 && bw.Flush() != nil {
				break
			}
		}
		bw.Flush()
		pw.Close()
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", url, pr)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := cl.Do(req)
	if err != nil {
		pr.CloseWithError(err)
		for range sent {
		}
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
		pr.CloseWithError(errors.New("refused"))
		for range sent {
		}
		return fmt.Errorf("the proxy answered %d: %s", res.StatusCode, body)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		at, ok := <-sent
		if !ok {
			return fmt.Errorf("more answers than records")
		}
		if code := errorCode(sc.Bytes()); code == http.StatusOK {
			st.ok(1, w.cfg.RecordSize, time.Since(at))
		} else {
			st.fail(1, code)
		}
	}
	for range sent {
		st.fail(1, 0) // a record the stream never answered
	}
	return sc.Err()
}

// errorCode reads the error_code of an answer line without decoding all of
// it: the proxy writes it first.
func errorCode(line []byte) int {
	const prefix = `{"error_code":`
	if !bytes.HasPrefix(line, []byte(prefix)) {
		return -1
	}
	rest := line[len(prefix):]
	end := bytes.IndexAny(rest, ",}")
	if end < 0 {
		return -1
	}
	n, err := strconv.Atoi(string(rest[:end]))
	if err != nil {
		return -1
	}
	return n
}

// runBatch sends records:batch requests of BatchSize records over
// Connections connections.
func runBatch(ctx context.Context, w *workload, b *budget, st *stats) error {
	return perConnection(w, "/records:batch", func(cl *http.Client, url string) error {
		return batchLoop(ctx, cl, url, w, b, st)
	})
}

func batchLoop(ctx context.Context, cl *http.Client, url string, w *workload, b *budget, st *stats) error {
	var body bytes.Buffer
	for {
		body.Reset()
		body.WriteString(`{"entries":[`)
		n := 0
		for n < w.cfg.BatchSize {
			i, ok := <-b.next
			if !ok {
				break
			}
			if n > 0 {
				body.WriteByte(',')
			}
			rec := w.json(i)
			body.WriteString(`{"id":"`)
			body.WriteString(strconv.Itoa(n))
			body.WriteString(`",`)
			body.WriteString(rec[1:])
			n++
		}
		if n == 0 {
			return nil
		}
		body.WriteString(`]}`)
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body.Bytes()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := cl.Do(req)
		if err != nil {
			return err
		}
		var ans struct {
			Successes []json.RawMessage `json:"successes"`
			Failures  []struct {
				ErrorCode int `json:"error_code"`
			} `json:"failures"`
		}
		derr := json.NewDecoder(res.Body).Decode(&ans)
		res.Body.Close()
		if res.StatusCode != http.StatusMultiStatus || derr != nil {
			st.fail(n, res.StatusCode)
			continue
		}
		st.ok(len(ans.Successes), w.cfg.RecordSize, time.Since(start))
		for _, f := range ans.Failures {
			st.fail(1, f.ErrorCode)
		}
	}
}

// runNative produces the same records straight to Kafka with franz-go,
// with the proxy's producer settings (no linger, idempotent, acks=all), as
// many in flight as the proxy modes can have.
func runNative(ctx context.Context, w *workload, b *budget, st *stats) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(w.cfg.Bootstrap...), kgo.ProducerLinger(0),
		kgo.MaxBufferedRecords(max(w.cfg.Connections, 1)*4096))
	if err != nil {
		return err
	}
	defer cl.Close()
	for i := range b.next {
		at := time.Now()
		cl.Produce(ctx, w.kgoRecord(i), func(_ *kgo.Record, err error) {
			if err != nil {
				st.fail(1, 0)
				return
			}
			st.ok(1, w.cfg.RecordSize, time.Since(at))
		})
	}
	return cl.Flush(ctx)
}

func collect(errs <-chan error) []error {
	var out []error
	for err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}
