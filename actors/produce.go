package actors

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// ProduceConfig bounds the produce path. Credits are taken before a record
// goes to its topic's actor and given back when Kafka has answered, so that
// what the proxy holds stays bounded whatever clients send.
type ProduceConfig struct {
	// GlobalRecords and GlobalBytes bound everything in flight.
	GlobalRecords, GlobalBytes int64
	// TopicRecords and TopicBytes bound one topic, so that a slow topic
	// cannot take the whole budget.
	TopicRecords, TopicBytes int64
	// StreamRecords and StreamBytes bound one request, so that one client
	// cannot take a topic's whole budget.
	StreamRecords, StreamBytes int64
	// MaxTopics bounds the live topic producers (least recently used go
	// first); IdleTimeout stops one nobody has used for that long.
	MaxTopics   int
	IdleTimeout time.Duration
	// Limits are the produce rate limits.
	Limits ProduceLimits
}

// DefaultProduceConfig returns the defaults, chosen for a 2-core machine:
// enough in flight to keep Kafka busy, little enough that a stalled broker
// costs at most about 64 MiB of held records.
func DefaultProduceConfig() ProduceConfig {
	return ProduceConfig{
		GlobalRecords: 200_000, GlobalBytes: 64 << 20,
		TopicRecords: 100_000, TopicBytes: 32 << 20,
		StreamRecords: 20_000, StreamBytes: 8 << 20,
		MaxTopics:   10_000,
		IdleTimeout: 5 * time.Minute,
	}
}

func (c ProduceConfig) validate() error {
	for _, v := range []int64{c.GlobalRecords, c.GlobalBytes, c.TopicRecords, c.TopicBytes, c.StreamRecords, c.StreamBytes, int64(c.MaxTopics), int64(c.IdleTimeout)} {
		if v <= 0 {
			return fmt.Errorf("actors: every ProduceConfig bound must be positive: %+v", c)
		}
	}
	return nil
}

// topicEntry is a live topic producer.
type topicEntry struct {
	pid      *actor.PID
	credits  *credits
	lastUsed time.Time
	evicted  bool // set, under the registry's lock, when it is stopped
}

// topics is the registry of live topic producers.
type topics struct {
	mu   sync.Mutex
	lru  *simplelru.LRU[string, *topicEntry]
	seq  int
	stop chan struct{}
	done sync.WaitGroup
}

// ProduceStream is one client's produce session (a streaming request, a
// batch): it holds its own credit on top of its topics' and the global.
type ProduceStream struct {
	s       *System
	credits *credits
}

// NewProduceStream starts a produce session.
func (s *System) NewProduceStream() *ProduceStream {
	return &ProduceStream{s: s, credits: newCredits(s.cfg.Produce.StreamRecords, s.cfg.Produce.StreamBytes)}
}

// Produce sends recs to topic's producer once credit allows, waiting for
// it as long as ctx does; done is then called exactly once per record with
// Kafka's answer and the record's index (from any goroutine; it must not
// block). An error means no record was sent and done will not be called;
// Kafka refusing the caller's login (401 40101) is not one, but each
// record's answer.
// The records go to Kafka with the client of ctx's caller (see
// kafka.ClientPool), held until the last of them is answered.
//
// Once sent, the records no longer depend on ctx: each is answered within
// the producer's delivery timeout from now, whether or not the caller is
// still there. A record cancelled with its caller would fail the records
// of other callers queued behind it in its partition, and a caller's short
// credit wait (a batch's) would cut its records' time with Kafka short.
//
// Records that are at hand together go together: one credit take, one
// registry lookup and one message for the group.
func (ps *ProduceStream) Produce(ctx context.Context, topic string, recs []*ProduceRecord, done func(i int, r ProduceResult)) error {
	if len(recs) == 0 {
		return nil
	}
	s, n, b := ps.s, int64(len(recs)), int64(0)
	for _, r := range recs {
		b += r.size()
	}
	err := ps.produce(ctx, topic, recs, n, b, done)
	if err != nil {
		s.metrics.ProduceFailed(topic, n)
	}
	if re := kafka.Translate(err); re != nil && re.Code == kafka.CodeKafkaAuthentication {
		// Kafka refused the caller's login: that is each record's answer,
		// as when it refuses a record itself.
		for i := range recs {
			done(i, ProduceResult{Offset: -1, Err: err})
		}
		return nil
	}
	return err
}

// produce takes the credit of the records, n of them and b bytes, and
// sends them to topic's producer.
func (ps *ProduceStream) produce(ctx context.Context, topic string, recs []*ProduceRecord, n, b int64, done func(int, ProduceResult)) error {
	s := ps.s
	lease, err := s.clients.Acquire(ctx)
	if err != nil {
		return err
	}
	sent := false
	defer func() {
		if !sent {
			lease.Release()
		}
	}()
	if err := ps.credits.take(ctx, n, b); err != nil {
		return err
	}
	e, err := s.topicEntry(ctx, topic)
	if err != nil {
		ps.credits.give(n, b)
		return err
	}
	if err := e.credits.take(ctx, n, b); err != nil {
		ps.credits.give(n, b)
		return err
	}
	if err := s.credits.take(ctx, n, b); err != nil {
		e.credits.give(n, b)
		ps.credits.give(n, b)
		return err
	}
	// The group's credit and lease come back when the client is done with
	// its last record: exactly what was taken, whatever the bounds clamped.
	// Its metrics are counted then too, in one go.
	topicCredits := e.credits
	var left, failed, stored atomic.Int64
	left.Store(n)
	timeout := lease.Producer.DeliveryTimeout()
	// The records' context ends at their deadline, or as soon as the
	// caller's client can no longer authenticate (the lease's context).
	deliver, cancel := context.WithTimeout(lease.Context(), timeout)
	answered := make([]atomic.Bool, len(recs))
	answer := func(i int, r ProduceResult) {
		if answered[i].CompareAndSwap(false, true) {
			done(i, r)
		}
	}
	// Then every record not answered yet is answered, whatever the client
	// still does with it: franz-go looks at a record's context only when a
	// request fails or is about to be written, seconds later in an outage.
	// The credit stays taken until the client lets go of the records, so
	// that what the proxy holds stays bounded.
	stopExpiry := context.AfterFunc(deliver, func() {
		if err := deliveryFailure(deliver, topic, timeout, deliver.Err()); err != deliver.Err() {
			for i := range recs {
				answer(i, ProduceResult{Offset: -1, Err: err})
			}
		}
	})
	release := func() {
		stopExpiry()
		cancel()
		s.credits.give(n, b)
		topicCredits.give(n, b)
		ps.credits.give(n, b)
	}
	m := &produceMsg{ctx: deliver, timeout: timeout, lease: lease, recs: recs, done: func(i int, r ProduceResult) {
		if r.Err != nil {
			failed.Add(1)
		} else {
			stored.Add(recs[i].dataSize())
		}
		// The last answer gives the credit back before it is delivered, so
		// that whoever sees it sees the credit free.
		if left.Add(-1) == 0 {
			release()
			f := failed.Load()
			s.metrics.Produced(topic, n-f, stored.Load())
			s.metrics.ProduceFailed(topic, f)
			lease.Release()
		}
		answer(i, r)
	}}
	if err := s.sendToTopic(ctx, topic, e, m); err != nil {
		release() // nothing was sent: no answer will come
		return err
	}
	sent = true // the topic's producer answers every record, and so releases the lease
	return nil
}

// deliveryFailure is why a record produced with ctx failed with err: when
// err is ctx's own end, the delivery timeout or the caller's lost
// authentication rather than a bare context error; else err.
func deliveryFailure(ctx context.Context, topic string, timeout time.Duration, err error) error {
	if ctx.Err() == nil || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return kafka.ErrDeliveryTimeout(topic, timeout, err)
	}
	if cause := context.Cause(ctx); cause != ctx.Err() {
		return cause // the lease's: its client failed to authenticate
	}
	return err
}

// InFlight reports the records and bytes this session has in flight.
func (ps *ProduceStream) InFlight() (records, bytes int64) {
	r, b, _ := ps.credits.inUse()
	return r, b
}

// topicEntry returns topic's live producer, starting one if needed.
func (s *System) topicEntry(ctx context.Context, topic string) (*topicEntry, error) {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	if e, ok := s.topics.lru.Get(topic); ok {
		e.lastUsed = time.Now()
		return e, nil
	}
	s.topics.seq++
	props := actor.PropsFromProducer(func() actor.Actor { return newTopicProducer(topic) })
	// A name of its own: a stopped producer of the same topic may still be
	// finishing its queue.
	pid, err := s.spawn(ctx, s.tree.producers, props, fmt.Sprintf("%s#%d", topic, s.topics.seq))
	if err != nil {
		return nil, fmt.Errorf("starting the producer of topic %s: %w", topic, err)
	}
	e := &topicEntry{pid: pid, credits: newCredits(s.cfg.Produce.TopicRecords, s.cfg.Produce.TopicBytes), lastUsed: time.Now()}
	s.topics.lru.Add(topic, e)
	return e, nil
}

// sendToTopic sends m to e, or to topic's current producer if e was
// stopped meanwhile. The send happens under the registry's lock, where
// stops happen too: a message sent to a producer is queued before its
// stop, so it is always answered.
func (s *System) sendToTopic(ctx context.Context, topic string, e *topicEntry, m *produceMsg) error {
	for {
		s.topics.mu.Lock()
		if !e.evicted {
			s.sys.Root.Send(e.pid, m)
			s.topics.mu.Unlock()
			return nil
		}
		s.topics.mu.Unlock()
		var err error
		if e, err = s.topicEntry(ctx, topic); err != nil {
			return err
		}
	}
}

// startTopics builds the registry and its janitor, which stops producers
// idle for longer than IdleTimeout.
func (s *System) startTopics() error {
	lru, err := simplelru.NewLRU(s.cfg.Produce.MaxTopics, func(_ string, e *topicEntry) {
		// Called under the registry's lock: queued records are produced
		// before the producer stops.
		e.evicted = true
		s.sys.Root.Poison(e.pid)
	})
	if err != nil {
		return err
	}
	s.topics = &topics{lru: lru, stop: make(chan struct{})}
	s.topics.done.Add(1)
	go func() {
		defer s.topics.done.Done()
		t := time.NewTicker(max(s.cfg.Produce.IdleTimeout/4, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-s.topics.stop:
				return
			case <-t.C:
				s.stopIdleTopics(time.Now().Add(-s.cfg.Produce.IdleTimeout))
			}
		}
	}()
	return nil
}

// stopIdleTopics stops the producers last used before cutoff that have
// nothing in flight.
func (s *System) stopIdleTopics(cutoff time.Time) {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	for _, topic := range s.topics.lru.Keys() { // oldest first
		e, _ := s.topics.lru.Peek(topic)
		if e.lastUsed.After(cutoff) {
			return
		}
		if r, _, w := e.credits.inUse(); r == 0 && w == 0 {
			s.topics.lru.Remove(topic) // the eviction callback stops it
		}
	}
}

// LiveTopicProducers reports how many topic producers are running.
func (s *System) LiveTopicProducers() int {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	return s.topics.lru.Len()
}

// ProduceCredits reports the global records and bytes in flight and the
// number of sessions waiting for credit.
func (s *System) ProduceCredits() (records, bytes int64, waiting int) {
	return s.credits.inUse()
}
