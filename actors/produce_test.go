package actors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// produceSystem starts an embedded cluster with topics of 4 partitions and
// an actor system on it.
func produceSystem(t *testing.T, edit func(*ProduceConfig), topics ...string) *System {
	t.Helper()
	ecfg := embedded.DefaultConfig()
	ecfg.Port = 0
	e, err := embedded.Start(ecfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopics(context.Background(), 4, 1, nil, topics...); err != nil {
		t.Fatal(err)
	}
	return newSystem(t, e.Addr(), func(c *Config) {
		if edit != nil {
			edit(&c.Produce)
		}
	})
}

// produceOne produces rec and waits for Kafka's answer.
func produceOne(t *testing.T, ps *ProduceStream, topic string, rec *ProduceRecord) ProduceResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan ProduceResult, 1)
	if err := ps.Produce(ctx, topic, []*ProduceRecord{rec}, func(_ int, r ProduceResult) { got <- r }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-got:
		return r
	case <-ctx.Done():
		t.Fatal("no answer")
		return ProduceResult{}
	}
}

func TestTopicProducerPartitions(t *testing.T) {
	s := produceSystem(t, nil, "parts")
	ps := s.Producers().NewStream()
	// A key always goes to the same partition; explicit partitions are
	// kept; unkeyed records stick to one partition for a while.
	keyed := map[string]int32{}
	for i := range 40 {
		key := fmt.Sprintf("key-%d", i%8)
		r := produceOne(t, ps, "parts", &ProduceRecord{Partition: -1, Key: []byte(key), Value: []byte("v")})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if p, ok := keyed[key]; ok && p != r.Partition {
			t.Fatalf("key %s went to %d, then %d", key, p, r.Partition)
		}
		keyed[key] = r.Partition
	}
	if spread := map[int32]bool{}; len(keyed) > 0 {
		for _, p := range keyed {
			spread[p] = true
		}
		if len(spread) < 2 {
			t.Fatalf("8 keys all hashed to %v", spread)
		}
	}
	for p := range int32(4) {
		if r := produceOne(t, ps, "parts", &ProduceRecord{Partition: p, Value: []byte("v")}); r.Err != nil || r.Partition != p {
			t.Fatalf("explicit partition %d: %+v", p, r)
		}
	}
	first := produceOne(t, ps, "parts", &ProduceRecord{Partition: -1, Value: []byte("v")})
	if second := produceOne(t, ps, "parts", &ProduceRecord{Partition: -1, Value: []byte("v")}); second.Partition != first.Partition {
		t.Fatalf("unkeyed records moved from %d to %d after a few bytes", first.Partition, second.Partition)
	}
	var re *apierr.Error
	if r := produceOne(t, ps, "parts", &ProduceRecord{Partition: 4, Value: []byte("v")}); !errors.As(r.Err, &re) || re.Code != apierr.CodePartitionNotFound {
		t.Fatalf("partition 4 of 4: %v", r.Err)
	}
	if r := produceOne(t, ps, "missing", &ProduceRecord{Partition: -1, Value: []byte("v")}); !errors.As(r.Err, &re) || re.Code != apierr.CodeUnknownTopicOrPartition {
		t.Fatalf("missing topic: %v", r.Err)
	}
	if r, b, w := s.Producers().Credits(); r != 0 || b != 0 || w != 0 {
		t.Fatalf("credit still taken: %d %d %d", r, b, w)
	}
}

// TestTopicProducersAreBounded: at most MaxTopics producers live, and idle
// ones stop; records sent around evictions are all answered.
func TestTopicProducersAreBounded(t *testing.T) {
	s := produceSystem(t, func(c *ProduceConfig) {
		c.MaxTopics = 2
		c.IdleTimeout = 100 * time.Millisecond
	}, "a", "b", "c")
	ps := s.Producers().NewStream()
	for round := range 3 {
		for _, topic := range []string{"a", "b", "c"} {
			if r := produceOne(t, ps, topic, &ProduceRecord{Partition: -1, Value: []byte("v")}); r.Err != nil {
				t.Fatalf("round %d, topic %s: %v", round, topic, r.Err)
			}
			if n := s.Producers().Live(); n > 2 {
				t.Fatalf("%d topic producers live, bound 2", n)
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.Producers().Live() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle topic producers still live", s.Producers().Live())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := produceOne(t, ps, "a", &ProduceRecord{Partition: -1, Value: []byte("again")}); r.Err != nil {
		t.Fatalf("after the idle stop: %v", r.Err)
	}
}

// TestTopicProducerKeepsPartitionsOnACallersRefusal: a metadata answer
// that refuses one caller (403, or 401 once its login no longer works)
// leaves the partition count other callers learnt; a topic that is gone
// does not.
func TestTopicProducerKeepsPartitionsOnACallersRefusal(t *testing.T) {
	for _, err := range []error{kerr.TopicAuthorizationFailed, kerr.SaslAuthenticationFailed, kafka.ErrTopicNotFound("t")} {
		tp := newTopicProducer("t")
		tp.partitions, tp.loading = 4, true
		tp.loaded(nil, &metadataLoaded{err: err, who: "someone"})
		want := 4
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			want = 0
		}
		if tp.partitions != want || tp.loading {
			t.Errorf("after %v: %d partitions (loading %v), want %d", err, tp.partitions, tp.loading, want)
		}
	}
}
