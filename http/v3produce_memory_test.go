package http_test

import (
	"bufio"
	"io"
	nethttp "net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/actors"
)

// TestProduceStreamMemoryIsBounded streams far more bytes than the produce
// credits allow through a broker that answers slowly, and checks that the
// process's heap stays under a bound all along: out of credit, the stream
// stops reading its body and TCP pushes back on the client.
func TestProduceStreamMemoryIsBounded(t *testing.T) {
	const (
		records    = 64 << 10 // 64 Ki records of 1 KiB: about 70 MiB of body
		heapBound  = 64 << 20
		creditSize = 4 << 20
	)
	// A broker that stores nothing (so that its own memory does not count)
	// and sleeps on every produce request.
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.BlackholeProduce(), kfake.SeedTopics(1, "slow"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		c.SleepControl(func() { time.Sleep(40 * time.Millisecond) })
		return nil, nil, false
	})
	p := startProxyWith(t, c.ListenAddrs()[0], nil, func(a *actors.Config) {
		a.Produce.GlobalBytes, a.Produce.TopicBytes, a.Produce.StreamBytes = creditSize, creditSize, creditSize/2
	})

	var maxHeap atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > maxHeap.Load() {
				maxHeap.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()

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
	close(stop)
	<-sampled
	if n != records || ok != records {
		t.Fatalf("%d answers, %d successes, for %d records", n, ok, records)
	}
	if r, b, w := p.sys.ProduceCredits(); r != 0 || b != 0 || w != 0 {
		t.Fatalf("after the stream: %d records and %d bytes of credit still taken, %d waiting", r, b, w)
	}
	t.Logf("streamed %d MiB; peak heap in use %d MiB", records>>10, maxHeap.Load()>>20)
	if maxHeap.Load() > heapBound {
		t.Fatalf("peak heap in use %d MiB, over the bound of %d MiB", maxHeap.Load()>>20, heapBound>>20)
	}
}
