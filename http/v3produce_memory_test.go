package http_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	nethttp "net/http"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
)

// TestProduceStreamMemoryIsBounded streams far more bytes than the produce
// credits allow through a broker that answers slowly, and checks that the
// process's heap stays under a bound all along: out of credit, the stream
// stops reading its body and TCP pushes back on the client. The bound is on
// what the process holds (the live heap as each collection finds it), with
// a looser one on the heap in use, which also counts the garbage a loaded
// machine's collector has not reached yet.
func TestProduceStreamMemoryIsBounded(t *testing.T) {
	const (
		records    = 64 << 10 // 64 Ki records of 1 KiB: about 70 MiB of body
		liveBound  = 64 << 20
		inUseBound = 2 * liveBound
		creditSize = 4 << 20
	)
	// A broker that stores nothing (so that its own memory does not count)
	// and sleeps on every produce request. The sleep holds the whole fake
	// cluster, as a slow broker would: kfake's SleepControl races with
	// itself when several requests of one connection sleep at once (a data
	// race inside kfake that the race detector reports).
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.BlackholeProduce(), kfake.SeedTopics(1, "slow"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		time.Sleep(40 * time.Millisecond)
		return nil, nil, false
	})
	p := startProxyWith(t, c.ListenAddrs()[0], nil, func(a *actors.Config) {
		a.Produce.GlobalBytes, a.Produce.TopicBytes, a.Produce.StreamBytes = creditSize, creditSize, creditSize/2
	})

	runtime.GC()
	stop := heapPeaks()

	pr, pw := io.Pipe()
	go func() {
		rec := `{"value":{"type":"STRING","data":"` + strings.Repeat("v", 1<<10) + `"}}`
		w := bufio.NewWriterSize(pw, 64<<10)
		for range records {
			w.WriteString(rec)
		}
		w.Flush()
		pw.Close()
	}()
	req, _ := nethttp.NewRequest("POST", p.url+"/v3/clusters/"+v3Cluster(t, p)+"/topics/slow/records", pr)
	req.Header.Set("Content-Type", "application/json")
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	answers := bufio.NewScanner(res.Body)
	n, ok := 0, 0
	for answers.Scan() {
		n++
		if strings.HasPrefix(answers.Text(), `{"error_code":200,`) {
			ok++
		} else if n-ok < 3 {
			t.Errorf("answer %d: %s", n, answers.Text())
		}
	}
	inUse, live := stop()
	if n != records || ok != records {
		t.Fatalf("%d answers, %d successes, for %d records", n, ok, records)
	}
	if r, b, w := p.sys.Producers().Credits(); r != 0 || b != 0 || w != 0 {
		t.Fatalf("after the stream: %d records and %d bytes of credit still taken, %d waiting", r, b, w)
	}
	t.Logf("streamed %d MiB; peak live heap %d MiB, in use %d MiB", records>>10, live>>20, inUse>>20)
	if live > liveBound || inUse > inUseBound {
		t.Fatalf("peak live heap %d MiB, in use %d MiB: over the bounds of %d and %d MiB", live>>20, inUse>>20, liveBound>>20, inUseBound>>20)
	}
}

// largeRecord streams one record whose value is size bytes (a multiple of
// 3) of a block repeated (so that Kafka's compression keeps the embedded
// cluster's own copy small), started with seed so that records differ, as
// a BINARY record, without ever holding the body: it returns the body and
// the value's SHA-256. The block is a whole number of base64 quanta, so
// its encoding is written as it is, over and over: under the race detector
// encoding 720 MB would take minutes.
func largeRecord(seed uint64, size int) (io.Reader, [sha256.Size]byte) {
	block := make([]byte, 3<<10)
	rnd := rand.New(rand.NewPCG(seed, seed))
	for i := range block {
		block[i] = byte(rnd.Uint32())
	}
	binary.BigEndian.PutUint64(block, seed)
	h := sha256.New()
	for left := size; left > 0; left -= len(block) {
		h.Write(block[:min(left, len(block))])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	whole, last := base64.StdEncoding.EncodeToString(block), base64.StdEncoding.EncodeToString(block[:size%len(block)])
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 64<<10)
		w.WriteString(`{"value":{"type":"BINARY","data":"`)
		for range size / len(block) {
			w.WriteString(whole)
		}
		w.WriteString(last)
		w.WriteString(`"}}`)
		w.Flush()
		pw.Close()
	}()
	return pr, sum
}

// largeTopic creates a topic of one partition that takes records of up
// to 70 MB, and deletes it after the test.
func largeTopic(t *testing.T, p *proxy) string {
	t.Helper()
	topic := uniqueName(t, "large")
	resp, err := p.admin.CreateTopic(context.Background(), 1, 1, map[string]*string{"max.message.bytes": kadm.StringPtr("70000000")}, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatal(err)
	}
	deleteAtEnd(t, p, topic)
	return topic
}

// heapPeaks samples the heap until stop is called, which returns the
// highest samples of the heap in use (live objects and those not collected
// yet: with GOGC=100 it reaches about twice the live heap before a
// collection) and of the live heap as the last collection found it (what
// the process really holds).
func heapPeaks() (stop func() (inUse, live uint64)) {
	var inUse, live atomic.Uint64
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		for {
			metrics.Read(s)
			for i, peak := range []*atomic.Uint64{&inUse, &live} {
				if v := s[i].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() (uint64, uint64) {
		close(done)
		<-sampled
		return inUse.Load(), live.Load()
	}
}

// TestProduceStreamConcurrentLargeRecords: 16 streams each send one record
// of 60 MB of JSON (45 MB of BINARY value, under the per-record limit) at
// once (the embedded tier divides every size by largeScale). Without a bound on what all streams read, the proxy held each
// record two or three times over (the framer's growing buffer, its
// decoded copy) and 16 of them took gigabytes. With the read budget the
// records wait their turn, every stream answers its record with an
// offset, Kafka has exactly those bytes, and the heap of the whole test
// (proxy, embedded cluster and clients) stays bounded: what it holds, by
// the read budget (64 MiB), the produce credits (64 MiB) and what franz-go
// and the embedded cluster make of the record in flight; what it uses, by
// twice that, as Go's collector lets the heap grow.
func TestProduceStreamConcurrentLargeRecords(t *testing.T) {
	const (
		streams    = 16
		valueSize  = 45_000_000 / largeScale / 3 * 3
		liveBound  = 512 << 20 / largeScale
		inUseBound = 1 << 30 / largeScale
	)
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, func(c *http.Config) {
		c.Produce.ReadBudgetBytes /= largeScale
		c.Produce.ReadBudgetWait = 5 * time.Minute // the machine may be slow: the bound is not what this test is about
	}, func(a *actors.Config) {
		a.Kafka.Properties = map[string]string{"producer.batch.size": "70000000"}
		pc := &a.Produce
		pc.GlobalBytes, pc.TopicBytes, pc.StreamBytes = pc.GlobalBytes/largeScale, pc.TopicBytes/largeScale, pc.StreamBytes/largeScale
	})
	topic := largeTopic(t, p)
	url := p.url + "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic + "/records"
	runtime.GC()

	stop := heapPeaks()
	want := make(map[[sha256.Size]byte]int)
	lines := make([]string, streams)
	var wg sync.WaitGroup
	for i := range streams {
		body, sum := largeRecord(uint64(i), valueSize)
		want[sum] = i
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := nethttp.NewRequest("POST", url, body)
			req.Header.Set("Content-Type", "application/json")
			res, err := nethttp.DefaultClient.Do(req)
			if err != nil {
				lines[i] = err.Error()
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			lines[i] = string(b)
		}()
	}
	wg.Wait()
	inUse, live := stop()
	for i, l := range lines {
		if !strings.HasPrefix(l, `{"error_code":200,`) || !strings.Contains(l, `"offset":`) || strings.Count(l, "\r\n") != 1 {
			t.Errorf("stream %d answered %.300q, want one success line", i, l)
		}
	}
	t.Logf("%d streams of one %d MB record: peak live heap %d MiB, peak heap in use %d MiB", streams, valueSize/1_000_000, live>>20, inUse>>20)
	if live > liveBound || inUse > inUseBound {
		t.Errorf("peak live heap %d MiB, heap in use %d MiB: over the bounds of %d MiB and %d MiB", live>>20, inUse>>20, liveBound>>20, inUseBound>>20)
	}
	if m := scrape(t, p); m["kafka_rest_produce_read_budget_bytes_in_use"] != 0 || m["kafka_rest_produce_read_budget_waiting"] != 0 {
		t.Errorf("after the streams: %v bytes of read budget held, %v waiting", m["kafka_rest_produce_read_budget_bytes_in_use"], m["kafka_rest_produce_read_budget_waiting"])
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxBytes(100<<20), kgo.FetchMaxPartitionBytes(100<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for n := 0; n < streams; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("reading back after %d records: %v", n, err)
		}
		for _, r := range fs.Records() {
			n++
			sum := sha256.Sum256(r.Value)
			if _, ok := want[sum]; !ok {
				t.Fatalf("record at offset %d (%d bytes) is none of the records sent", r.Offset, len(r.Value))
			}
			delete(want, sum)
		}
	}
	if len(want) != 0 {
		t.Fatalf("%d records sent are not in Kafka", len(want))
	}
}

// TestProduceStreamReadBudget: a record that needs more than the read
// budget lets one record hold is answered 413 at once; one that finds the
// budget taken by other streams waits, then is answered 413; either way
// the stream goes on, and the records around it are answered and stored.
func TestProduceStreamReadBudget(t *testing.T) {
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, func(c *http.Config) {
		c.Produce.ReadBudgetBytes, c.Produce.ReadBudgetWait = 4<<20, 300*time.Millisecond
	}, func(a *actors.Config) {
		a.Kafka.Properties = map[string]string{"producer.batch.size": "10000000"}
	})
	topic := largeTopic(t, p)
	url := p.url + "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic + "/records"
	record := func(value string) string { return `{"value":{"type":"STRING","data":"` + value + `"}}` }
	big, medium := strings.Repeat("b", 5<<20), strings.Repeat("m", 3<<20)
	stream := func(body io.Reader) []map[string]any {
		req, _ := nethttp.NewRequest("POST", url, body)
		req.Header.Set("Content-Type", "application/json")
		res, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return lines(t, b)
	}
	expect := func(ls []map[string]any, want ...string) {
		t.Helper()
		if len(ls) != len(want) {
			t.Fatalf("%d lines, want %d: %v", len(ls), len(want), ls)
		}
		for i, w := range want {
			if got := fmt.Sprint(ls[i]["error_code"]); got != "200" && w == "" || w != "" && (got != "413" || ls[i]["message"] != w) {
				t.Fatalf("line %d: %v, want %q", i, ls[i], w)
			}
		}
	}

	// More than the whole budget: refused at once.
	expect(stream(strings.NewReader(record("one")+record(big)+record("two")+record(medium))),
		"", "Record too large: reading it takes more than the 4194304 bytes one record may hold of the proxy's read budget (produce.read.budget.bytes).", "", "")

	// Stream A stops in the middle of a record that holds the whole budget.
	pr, pw := io.Pipe()
	answersA := make(chan []map[string]any, 1)
	go func() { answersA <- stream(pr) }()
	full := record(medium)
	if _, err := pw.Write([]byte(full[:len(full)-(256<<10)])); err != nil {
		t.Fatal(err)
	}
	eventually(t, "stream A holds the read budget", func() error {
		if m := scrape(t, p); m["kafka_rest_produce_read_budget_bytes_in_use"] != 4<<20 {
			return fmt.Errorf("%v bytes held", m["kafka_rest_produce_read_budget_bytes_in_use"])
		}
		return nil
	})
	// Stream B's large record finds no room within the wait: 413, and B
	// goes on.
	expect(stream(strings.NewReader(record("three")+record(medium)+record("four"))),
		"", "Record too large for now: no room for it in the proxy's read budget (produce.read.budget.bytes) within 300ms (produce.read.budget.wait.ms); send it again later.", "")
	// A ends its record: stored.
	pw.Write([]byte(full[len(full)-(256<<10):]))
	pw.Close()
	expect(<-answersA, "")

	recs := readBack(t, bootstrap, topic, 6)
	for i, want := range []string{"one", "two", medium, "three", "four", medium} {
		if string(recs[i].Value) != want {
			t.Errorf("record %d in Kafka: %.20q (%d bytes), want %.20q", i, recs[i].Value, len(recs[i].Value), want)
		}
	}
	// The refused records count as failed (under the topic, or under
	// "other" before it stored a record).
	m := scrape(t, p)
	if failed, _ := sumOf(m, "kafka_rest_produce_errors_total"); m["kafka_rest_produce_read_budget_bytes_in_use"] != 0 || failed != 2 {
		t.Errorf("after the streams: %v bytes held, %v records failed", m["kafka_rest_produce_read_budget_bytes_in_use"], failed)
	}
}
