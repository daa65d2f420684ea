package actors

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

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

// ProduceStream is one client's produce session (a streaming request, a
// batch): it holds its own credit on top of its topics' and the global.
type ProduceStream struct {
	p       *Producers
	credits *credits
}

// NewStream starts a produce session.
func (p *Producers) NewStream() *ProduceStream {
	return &ProduceStream{p: p, credits: newCredits(p.cfg.StreamRecords, p.cfg.StreamBytes)}
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
	p, n, b := ps.p, int64(len(recs)), int64(0)
	for _, r := range recs {
		b += r.size()
	}
	err := ps.produce(ctx, topic, recs, n, b, done)
	if err != nil {
		p.metrics.ProduceFailed(topic, n)
	}
	if kafka.IsAuthentication(err) {
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
	p := ps.p
	lease, err := p.clients.Acquire(ctx)
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
	e, err := p.entry(ctx, topic)
	if err != nil {
		ps.credits.give(n, b)
		return err
	}
	if err := e.credits.take(ctx, n, b); err != nil {
		ps.credits.give(n, b)
		return err
	}
	if err := p.credits.take(ctx, n, b); err != nil {
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
		p.credits.give(n, b)
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
			p.metrics.Produced(topic, n-f, stored.Load())
			p.metrics.ProduceFailed(topic, f)
			lease.Release()
		}
		answer(i, r)
	}}
	if err := p.send(ctx, topic, e, m); err != nil {
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
