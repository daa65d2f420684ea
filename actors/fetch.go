package actors

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// FetchConfig bounds the v3 stateless partition reads.
type FetchConfig struct {
	// Workers is how many reads run at once, each on a reader actor;
	// further reads wait for a free one, as long as their context lets
	// them.
	Workers int
	// MaxWait is the longest a read waits for records at the end of the
	// log.
	MaxWait time.Duration
	// MaxBytes is the most record bytes one read may ask for.
	MaxBytes int64
}

// DefaultFetchConfig returns the defaults of the consumer.v3.fetch.* keys.
func DefaultFetchConfig() FetchConfig {
	return FetchConfig{Workers: 16, MaxWait: 30 * time.Second, MaxBytes: 8 << 20}
}

// Readers serve the v3 stateless partition reads: each read runs on one of
// a fixed pool of reader actors, with the client of its caller's lease,
// after it took its max bytes from the proxy's read budget (the one the v2
// reads share, consumer.read.budget.bytes), which it gives back once its
// answer is written.
type Readers struct {
	cfg    FetchConfig
	pool   *AdminPool
	budget *credits
}

// PartitionRead is the answer of a partition read: call Release once it is
// written.
type PartitionRead struct {
	// Start is where the read started (the position resolved), Next where
	// a read that continues after it starts.
	Start, Next int64
	Records     []ConsumedRecord
	// LogStart and HighWatermark bound the partition's readable records.
	LogStart, HighWatermark int64
	Release                 func()
}

// Read reads a partition from f's position. f.MaxBytes and f.MaxWait are
// bounded by the configuration; at most maxRecords records are answered.
// A read that gets no share of the read budget within its own wait (at
// least budgetWaitMin) is 429.
func (r *Readers) Read(ctx context.Context, f kafka.Fetch, maxRecords int) (PartitionRead, error) {
	if f.MaxBytes <= 0 || int64(f.MaxBytes) > r.cfg.MaxBytes {
		f.MaxBytes = int32(min(r.cfg.MaxBytes, 1<<31-1))
	}
	if f.MaxWait < 0 || f.MaxWait > r.cfg.MaxWait {
		f.MaxWait = r.cfg.MaxWait
	}
	wait := max(f.MaxWait, budgetWaitMin)
	bctx, cancel := context.WithTimeout(ctx, wait)
	err := r.budget.take(bctx, 1, int64(f.MaxBytes))
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return PartitionRead{}, ctx.Err()
		}
		return PartitionRead{}, apierr.New(apierr.CodeTooManyRequests,
			"Too many reads in flight: no room for %d bytes in the read budget within %s; retry later or ask for fewer max_bytes.", f.MaxBytes, wait)
	}
	var once sync.Once
	release := func() { once.Do(func() { r.budget.give(1, int64(f.MaxBytes)) }) }
	// A read waits for a free reader no longer than for its budget: a
	// crowd of reads waiting at the ends of logs makes the others 429,
	// not a queue without end.
	busy, stop := afterFunc(wait)
	got, err := adminWithin(ctx, r.pool, busy, func(ctx context.Context, a *kafka.Admin) (kafka.Fetched, error) { return a.Fetch(ctx, f) })
	stop()
	if err != nil {
		release()
		if errors.Is(err, errPoolBusy) {
			return PartitionRead{}, apierr.New(apierr.CodeTooManyRequests,
				"Too many reads in flight: all %d readers stayed busy for %s (consumer.v3.fetch.workers); retry later.", r.cfg.Workers, wait)
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return PartitionRead{}, apierr.Wrap(err, apierr.CodeKafkaRetriable, "Timed out reading partition %d of topic %s.", f.Partition, f.Topic)
		}
		return PartitionRead{}, err
	}
	out := PartitionRead{Start: got.Start, Next: got.Next, LogStart: got.LogStart, HighWatermark: got.HighWatermark, Release: release}
	// Kafka answers whole batches: what passes max_records or max_bytes
	// (but the first record, so that a read always moves on) is left for
	// the read that continues at Next.
	var size int64
	for i, rec := range got.Records {
		n := int64(len(rec.Key) + len(rec.Value))
		if len(out.Records) >= maxRecords || (i > 0 && size+n > int64(f.MaxBytes)) {
			out.Next = rec.Offset
			break
		}
		size += n
		out.Records = append(out.Records, consumed(rec))
	}
	return out, nil
}

// afterFunc returns a channel closed after d, and a function that stops
// its timer.
func afterFunc(d time.Duration) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	t := time.AfterFunc(d, func() { close(ch) })
	return ch, func() { t.Stop() }
}

// budgetWaitMin is the least a read waits for its share of the read
// budget: reads that do not wait for records still ride out a moment's
// crowd.
const budgetWaitMin = time.Second

// Config returns the bounds of the reads.
func (r *Readers) Config() FetchConfig { return r.cfg }

// logAppendTime reports whether r's timestamp is the broker's append time.
func logAppendTime(r *kgo.Record) bool { return r.Attrs.TimestampType() == 1 }
