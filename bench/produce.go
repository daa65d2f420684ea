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
)

// runStream streams records over Connections long requests, full duplex:
// a writer per connection sends records as the budget allows, a reader
// matches each answer line to its record (answers come in input order).
func runStream(ctx context.Context, r *modeRun) error {
	cl := httpClient(r.cfg.Connections)
	return perConnection(r.cfg.Connections, func(int) error {
		return streamOne(ctx, cl, r, r.w.json)
	})
}

// runStreamAvro is runStream with Avro values.
func runStreamAvro(ctx context.Context, r *modeRun) error {
	cl := httpClient(r.cfg.Connections)
	return perConnection(r.cfg.Connections, func(int) error {
		return streamOne(ctx, cl, r, r.w.avroJSON)
	})
}

// perConnection runs fn on n goroutines, each told its number, and joins
// their errors.
func perConnection(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = fn(i) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func streamOne(ctx context.Context, cl *http.Client, r *modeRun, record func(int64) string) error {
	// A stream starts with its first record: the other connections may
	// have taken the whole budget, and an empty body is a 422.
	first, firstAt, ok := r.b.next(ctx, nil)
	if !ok {
		return nil
	}
	pr, pw := io.Pipe()
	sent := make(chan time.Time, 1<<16)
	go func() {
		defer close(sent)
		bw := bufio.NewWriterSize(pw, 64<<10)
		sent <- firstAt
		bw.WriteString(record(first))
		// At a fixed rate what is written goes out before waiting for
		// the next record, not when the buffer fills.
		flush := func() { bw.Flush() }
		for {
			i, at, ok := r.b.next(ctx, flush)
			if !ok {
				break
			}
			sent <- at
			if _, err := bw.WriteString(record(i)); err != nil {
				break
			}
		}
		bw.Flush()
		pw.Close()
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", r.v3URL("/records"), pr)
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
			r.st.ok(1, r.cfg.RecordSize, time.Since(at))
		} else {
			r.st.fail(1, code)
		}
	}
	for range sent {
		r.st.fail(1, 0) // a record the stream never answered
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
func runBatch(ctx context.Context, r *modeRun) error {
	return batches(ctx, r, `{"entries":[`, func(body *bytes.Buffer, n int, i int64) {
		rec := r.w.json(i)
		body.WriteString(`{"id":"`)
		body.WriteString(strconv.Itoa(n))
		body.WriteString(`",`)
		body.WriteString(rec[1:])
	}, func() string { return r.v3URL("/records:batch") }, "application/json", http.StatusMultiStatus,
		func(dec *json.Decoder) (int, []int, error) {
			var ans struct {
				Successes []json.RawMessage `json:"successes"`
				Failures  []struct {
					ErrorCode int `json:"error_code"`
				} `json:"failures"`
			}
			err := dec.Decode(&ans)
			var failed []int
			for _, f := range ans.Failures {
				failed = append(failed, f.ErrorCode)
			}
			return len(ans.Successes), failed, err
		})
}

// runV2Produce sends v2 produce requests of BatchSize binary records.
func runV2Produce(ctx context.Context, r *modeRun) error {
	return batches(ctx, r, `{"records":[`, func(body *bytes.Buffer, _ int, i int64) {
		body.WriteString(r.w.v2[i%int64(len(r.w.v2))])
	}, func() string { return r.nodes.next() + "/topics/" + r.topic }, "application/vnd.kafka.binary.v2+json", http.StatusOK,
		func(dec *json.Decoder) (int, []int, error) {
			var ans struct {
				Offsets []struct {
					ErrorCode *int `json:"error_code"`
				} `json:"offsets"`
			}
			err := dec.Decode(&ans)
			good, failed := 0, []int(nil)
			for _, o := range ans.Offsets {
				if o.ErrorCode == nil {
					good++
				} else {
					failed = append(failed, *o.ErrorCode)
				}
			}
			return good, failed, err
		})
}

// batches sends requests of BatchSize records over Connections
// connections: each body is head, the records written by entry, "]}",
// posted to url() as contentType; an answer of status want is read by
// answer into how many records succeeded and the error codes of those
// that failed.
func batches(ctx context.Context, r *modeRun, head string, entry func(body *bytes.Buffer, n int, i int64), url func() string,
	contentType string, want int, answer func(*json.Decoder) (good int, failed []int, err error)) error {
	cl := httpClient(r.cfg.Connections)
	return perConnection(r.cfg.Connections, func(int) error {
		var body bytes.Buffer
		for {
			n, at, ok := nextBody(ctx, r.b, &body, head, r.cfg.BatchSize, entry)
			if !ok {
				return nil
			}
			res, err := post(ctx, cl, url(), contentType, body.Bytes())
			if err != nil {
				return err
			}
			good, failed, derr := answer(json.NewDecoder(res.Body))
			res.Body.Close()
			if res.StatusCode != want || derr != nil {
				r.st.fail(n, res.StatusCode)
				continue
			}
			r.st.ok(good, r.cfg.RecordSize, time.Since(at))
			for _, code := range failed {
				r.st.fail(1, code)
			}
		}
	})
}

// nextBody writes into body a request of up to size records taken from the
// budget, each written by entry, between head and "]}". It returns how
// many it took, when the request is due (the last record's due time: a
// batch is complete then) and false when the budget is spent or ctx ended.
func nextBody(ctx context.Context, b *budget, body *bytes.Buffer, head string, size int, entry func(body *bytes.Buffer, n int, i int64)) (int, time.Time, bool) {
	first, n := b.take(size)
	if n == 0 {
		return 0, time.Time{}, false
	}
	at, ok := b.wait(ctx, first+int64(n)-1, nil)
	if !ok {
		return 0, time.Time{}, false
	}
	body.Reset()
	body.WriteString(head)
	for k := range n {
		if k > 0 {
			body.WriteByte(',')
		}
		entry(body, k, first+int64(k))
	}
	body.WriteString(`]}`)
	return n, at, true
}

// post sends one request body.
func post(ctx context.Context, cl *http.Client, url, contentType string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	return cl.Do(req)
}

// httpClient keeps up to conns keep-alive HTTP/1.1 connections to each
// node.
func httpClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		WriteBufferSize: 64 << 10, ReadBufferSize: 64 << 10,
	}}
}
