package actors

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// slowBroker is a one-broker cluster with topic "t" that sleeps for pause
// on every produce request. Its clients must keep one produce request in
// flight (slowProducer): kfake's SleepControl races with itself when
// several requests of one connection sleep at once (a data race inside
// kfake that the race detector reports).
func slowBroker(t *testing.T, pause *atomic.Int64) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		c.SleepControl(func() { time.Sleep(time.Duration(pause.Load())) })
		return nil, nil, false
	})
	return c.ListenAddrs()[0]
}

// slowProducer is the key that keeps one produce request in flight, as a
// slowBroker needs.
const slowProducer = "producer.max.in.flight.requests.per.connection"

// produceAll produces n records with a caller context that ends as soon as
// they are sent, and returns their answers and how long each took.
func produceAll(t *testing.T, s *System, n int) ([]ProduceResult, []time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	recs := make([]*ProduceRecord, n)
	for i := range recs {
		recs[i] = &ProduceRecord{Partition: -1, Value: []byte("v")}
	}
	got := make(chan int, n)
	results, took := make([]ProduceResult, n), make([]time.Duration, n)
	start := time.Now()
	if err := s.Producers().NewStream().Produce(ctx, "t", recs, func(i int, r ProduceResult) {
		results[i], took[i] = r, time.Since(start)
		got <- i
	}); err != nil {
		t.Fatal(err)
	}
	cancel() // the caller leaves: its records go on
	for range n {
		select {
		case <-got:
		case <-time.After(30 * time.Second):
			t.Fatal("a record was never answered")
		}
	}
	return results, took
}

// TestProduceDeliveryTimeout checks the bound on a record's wait: a broker
// that holds produce requests for longer than producer.delivery.timeout.ms
// gets its records answered 50003 at the deadline, and the credit comes
// back once the client lets go of them; a caller that leaves does not
// cancel records the broker then stores.
func TestProduceDeliveryTimeout(t *testing.T) {
	var pause atomic.Int64
	const timeout = 500 * time.Millisecond
	s := newSystem(t, slowBroker(t, &pause), func(c *Config) {
		c.Kafka.Properties = map[string]string{"producer.delivery.timeout.ms": "500", slowProducer: "1"}
	})

	// Learn the topic first, so that the wait below is the broker's.
	if _, took := produceAll(t, s, 1); took[0] > 5*time.Second {
		t.Fatalf("a produce to a quick broker took %v", took[0])
	}

	// The broker answers long after the deadline, so that an answer
	// before it is the deadline's even on a loaded machine.
	const held = 6 * time.Second
	pause.Store(int64(held))
	results, took := produceAll(t, s, 3)
	for i, r := range results {
		re := kafka.Translate(r.Err)
		if re == nil || re.Code != apierr.CodeKafkaRetriable || !strings.HasPrefix(re.Message, "Expiring the record for topic t: 500 ms has passed") {
			t.Errorf("record %d: %v, want the delivery timeout's 50003", i, r.Err)
		}
		if took[i] < timeout || took[i] > held-2*time.Second {
			t.Errorf("record %d answered after %v, want the delivery timeout %v (the broker holds it %v)", i, took[i], timeout, held)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, b, _ := s.Producers().Credits()
		if r == 0 && b == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records, %d bytes of credit still taken", r, b)
		}
		time.Sleep(20 * time.Millisecond)
	}

	pause.Store(int64(100 * time.Millisecond))
	results, _ = produceAll(t, s, 3)
	for i, r := range results {
		if r.Err != nil || r.Offset < 0 {
			t.Errorf("record %d, its caller gone: %+v, want it stored", i, r)
		}
	}
}
