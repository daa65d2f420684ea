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
		return streamOne(ctx, cl, url, w, w.json, b, st)
	})
}

// runStreamAvro is runStream with Avro values.
func runStreamAvro(ctx context.Context, w *workload, b *budget, st *stats) error {
	return perConnection(w, "/records", func(cl *http.Client, url string) error {
		return streamOne(ctx, cl, url, w, w.avroJSON, b, st)
	})
}

// perConnection runs fn on Connections goroutines, each with the URL of
// the topic's endpoint path, and joins their errors.
func perConnection(w *workload, path string, fn func(cl *http.Client, url string) error) error {
	cl := httpClient(w.cfg.Connections)
	url := w.cfg.URL + "/v3/clusters/" + w.cluster + "/topics/" + w.cfg.Topic + path
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

func streamOne(ctx context.Context, cl *http.Client, url string, w *workload, record func(int64) string, b *budget, st *stats) error {
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
		bw.WriteString(record(first))
		for i := range b.next {
			sent <- time.Now()
			bw.WriteString(record(i))
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
		n := nextBody(b, &body, `{"entries":[`, w.cfg.BatchSize, func(body *bytes.Buffer, n int, i int64) {
			rec := w.json(i)
			body.WriteString(`{"id":"`)
			body.WriteString(strconv.Itoa(n))
			body.WriteString(`",`)
			body.WriteString(rec[1:])
		})
		if n == 0 {
			return nil
		}
		start := time.Now()
		res, err := post(ctx, cl, url, "application/json", body.Bytes())
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

// runV2Produce sends v2 produce requests of BatchSize binary records.
func runV2Produce(ctx context.Context, w *workload, b *budget, st *stats) error {
	cl := httpClient(w.cfg.Connections)
	url := w.cfg.URL + "/topics/" + w.cfg.Topic
	var wg sync.WaitGroup
	errs := make(chan error, w.cfg.Connections)
	for range w.cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- v2ProduceLoop(ctx, cl, url, w, b, st)
		}()
	}
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

func v2ProduceLoop(ctx context.Context, cl *http.Client, url string, w *workload, b *budget, st *stats) error {
	var body bytes.Buffer
	for {
		n := nextBody(b, &body, `{"records":[`, w.cfg.BatchSize, func(body *bytes.Buffer, _ int, i int64) {
			body.WriteString(w.v2[i%int64(len(w.v2))])
		})
		if n == 0 {
			return nil
		}
		start := time.Now()
		res, err := post(ctx, cl, url, "application/vnd.kafka.binary.v2+json", body.Bytes())
		if err != nil {
			return err
		}
		var ans struct {
			Offsets []struct {
				ErrorCode *int `json:"error_code"`
			} `json:"offsets"`
		}
		derr := json.NewDecoder(res.Body).Decode(&ans)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || derr != nil {
			st.fail(n, res.StatusCode)
			continue
		}
		ok := 0
		for _, o := range ans.Offsets {
			if o.ErrorCode == nil {
				ok++
			} else {
				st.fail(1, *o.ErrorCode)
			}
		}
		st.ok(ok, w.cfg.RecordSize, time.Since(start))
	}
}

// nextBody writes into body a request of up to size records taken from the
// budget, each written by entry, between head and "]}", and returns how
// many it took (0: the budget is spent).
func nextBody(b *budget, body *bytes.Buffer, head string, size int, entry func(body *bytes.Buffer, n int, i int64)) int {
	body.Reset()
	body.WriteString(head)
	n := 0
	for n < size {
		i, ok := <-b.next
		if !ok {
			break
		}
		if n > 0 {
			body.WriteByte(',')
		}
		entry(body, n, i)
		n++
	}
	body.WriteString(`]}`)
	return n
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
