package http_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
)

// TestV2ConsumerSoak: 200 instances in 10 groups read and commit without
// pause while other instances are created, deleted and left to expire.
// Afterwards no instance, goroutine or memory is left over beyond a bound,
// and every group's committed offsets are the last its members committed.
func TestV2ConsumerSoak(t *testing.T) {
	bootstrap := target(t)
	// Instances the churn leaves behind expire within the final wait; the
	// readers' instances must not expire while 200 are being created on
	// a loaded machine (the race detector, other test binaries).
	p := startProxyWith(t, bootstrap, nil, func(a *actors.Config) { a.Consumers.InstanceTimeout = 15 * time.Second })
	topic := uniqueName(t, "soak")
	createTopic(t, p, topic, 4)
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i := range 4000 {
		cl.Produce(context.Background(), &kgo.Record{Topic: topic, Key: []byte(fmt.Sprint(i)), Value: []byte("v")}, nil)
	}
	if err := cl.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapInuse

	ct := "Content-Type: " + v2CT
	type inst struct{ group, base string }
	var insts []inst
	prefix := uniqueName(t, "soakg")
	for g := range 10 {
		group := fmt.Sprintf("%s-%d", prefix, g)
		for i := range 20 {
			base := fmt.Sprintf("/consumers/%s/instances/i%d", group, i)
			p.do(t, "POST", "/consumers/"+group, fmt.Sprintf(`{"name":"i%d","auto.offset.reset":"earliest","auto.commit.enable":"false"}`, i), ct).expect(t, 200, v2CT)
			p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)
			insts = append(insts, inst{group, base})
		}
	}

	// Commits are serialized per group, so that the last commit the test
	// saw for a partition is the last the broker stored.
	var mu sync.Mutex
	groupLocks := map[string]*sync.Mutex{}
	last := map[string]map[int32]int64{} // group -> partition -> committed offset
	for _, in := range insts {
		if groupLocks[in.group] == nil {
			groupLocks[in.group] = &sync.Mutex{}
			last[in.group] = map[int32]int64{}
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				for i := w; i < len(insts); i += 8 {
					in := insts[i]
					r := p.do(t, "GET", in.base+"/records?timeout=20&max_bytes=65536", "", "Accept: "+v2Binary)
					var recs []consumed
					if r.status != 200 || json.Unmarshal(r.body, &recs) != nil {
						t.Errorf("read %s: %d %s", in.base, r.status, r.body)
						return
					}
					if len(recs) == 0 {
						continue
					}
					top := map[int32]int64{}
					var parts []string
					for _, rec := range recs {
						if rec.Offset >= top[rec.Partition] {
							top[rec.Partition] = rec.Offset
						}
					}
					for part, off := range top {
						parts = append(parts, fmt.Sprintf(`{"topic":%q,"partition":%d,"offset":%d}`, topic, part, off))
					}
					gl := groupLocks[in.group]
					gl.Lock()
					r = p.do(t, "POST", in.base+"/offsets", `{"offsets":[`+strings.Join(parts, ",")+`]}`, ct)
					if r.status == 200 {
						mu.Lock()
						for part, off := range top {
							last[in.group][part] = off + 1
						}
						mu.Unlock()
					}
					gl.Unlock()
				}
			}
		}()
	}
	// Churn beside them: instances created, read once, then deleted or
	// left to expire.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; time.Now().Before(deadline); n++ {
			group := prefix + "-churn"
			base := fmt.Sprintf("/consumers/%s/instances/c%d", group, n)
			p.do(t, "POST", "/consumers/"+group, fmt.Sprintf(`{"name":"c%d"}`, n), ct)
			p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)
			p.do(t, "GET", base+"/records?timeout=20", "", "Accept: "+v2Binary)
			if n%2 == 0 {
				p.do(t, "DELETE", base, "")
			}
		}
	}()
	wg.Wait()
	if t.Failed() {
		return
	}

	for g, parts := range last {
		offs, err := p.admin.FetchOffsets(context.Background(), g)
		if err != nil {
			t.Fatal(err)
		}
		for part, want := range parts {
			if o, _ := offs.Lookup(topic, part); o.At != want {
				t.Errorf("group %s partition %d: committed %d, the members last committed %d", g, part, o.At, want)
			}
		}
	}
	for _, in := range insts {
		p.do(t, "DELETE", in.base, "")
	}
	eventually(t, "every instance to be gone", func() error {
		if n := p.sys.Consumers().Live(); n != 0 {
			return fmt.Errorf("%d instances still open", n)
		}
		return nil
	})
	eventually(t, "goroutines back near the baseline", func() error {
		runtime.GC()
		if n := runtime.NumGoroutine(); n > baseGoroutines+50 {
			return fmt.Errorf("%d goroutines, %d before the soak", n, baseGoroutines)
		}
		return nil
	})
	runtime.GC()
	runtime.ReadMemStats(&ms)
	t.Logf("goroutines %d (before %d), heap in use %d MiB (before %d MiB)", runtime.NumGoroutine(), baseGoroutines, ms.HeapInuse>>20, baseHeap>>20)
	if ms.HeapInuse > baseHeap+64<<20 {
		t.Fatalf("heap in use %d MiB after the soak, %d MiB before", ms.HeapInuse>>20, baseHeap>>20)
	}
}
