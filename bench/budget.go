package bench

import (
	"context"
	"sync/atomic"
	"time"
)

// budget hands out record numbers until a mode's bound is reached, and,
// at a fixed rate, the time each record is due to be sent.
//
// A fixed-rate run is open-loop: record i is due at start + i/rate
// whatever happened to the records before it, and its latency is counted
// from that time, not from when a worker got round to sending it. A proxy
// that stalls therefore shows the stall in the latency of every record
// that was due meanwhile, instead of the load generator politely waiting
// (coordinated omission).
type budget struct {
	start    time.Time
	deadline time.Time // zero: no time bound
	max      int64     // 0: no count bound
	rate     float64   // records per second; 0: as fast as possible
	claimed  atomic.Int64
}

// newBudget starts a budget now: up to max records (0: no bound) within
// d (0: no bound), at rate records per second (0: as fast as possible).
func newBudget(limit int64, d time.Duration, rate float64) *budget {
	b := &budget{start: time.Now(), max: limit, rate: rate}
	if d > 0 {
		b.deadline = b.start.Add(d)
		if rate > 0 {
			// At a fixed rate the time bound is a count: the records due
			// before the deadline.
			n := int64(rate * d.Seconds())
			if b.max == 0 || n < b.max {
				b.max = max(n, 1)
			}
		}
	}
	return b
}

// take claims up to n consecutive record numbers: the first and how many
// (0 when the budget is spent).
func (b *budget) take(n int) (first int64, count int) {
	if b.rate == 0 && !b.deadline.IsZero() && time.Now().After(b.deadline) {
		return 0, 0
	}
	end := b.claimed.Add(int64(n))
	first = end - int64(n)
	if b.max > 0 {
		if first >= b.max {
			return 0, 0
		}
		end = min(end, b.max)
	}
	return first, int(end - first)
}

// due is when record i is to be sent: the zero time when the budget has
// no rate.
func (b *budget) due(i int64) time.Time {
	if b.rate == 0 {
		return time.Time{}
	}
	return b.start.Add(time.Duration(float64(i) / b.rate * float64(time.Second)))
}

// wait sleeps until record i is due and returns the time its latency is
// counted from: when it was due, or now when the budget has no rate.
// Before sleeping it calls idle, if not nil: a writer flushes there what
// it holds, so that what is due does not wait in its buffer. It returns
// early, with ok false, when ctx ends.
func (b *budget) wait(ctx context.Context, i int64, idle func()) (from time.Time, ok bool) {
	at := b.due(i)
	if at.IsZero() {
		return time.Now(), ctx.Err() == nil
	}
	if d := time.Until(at); d > 0 {
		if idle != nil {
			idle()
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return at, false
		}
	}
	return at, ctx.Err() == nil
}

// next claims the next record and waits until it is due (calling idle
// before sleeping, as wait does); it returns the record and the time its
// latency is counted from, and ok false when the budget is spent or ctx
// ended.
func (b *budget) next(ctx context.Context, idle func()) (i int64, from time.Time, ok bool) {
	i, n := b.take(1)
	if n == 0 {
		return 0, time.Time{}, false
	}
	from, ok = b.wait(ctx, i, idle)
	return i, from, ok
}

// expired reports whether the budget's time bound has passed (the consume
// modes stop on it).
func (b *budget) expired() bool {
	return !b.deadline.IsZero() && time.Now().After(b.deadline)
}
