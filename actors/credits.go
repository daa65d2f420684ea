package actors

import (
	"context"
	"slices"
	"sync"
)

// credits bound what is in flight: records and bytes taken before a record
// goes to its actor and given back when Kafka has answered. A taker waits
// while too little is left (a streaming request then stops reading its body
// and TCP pushes back on the client), bounded by its context. Waiters are
// served in order, so a large record is not starved by small ones.
type credits struct {
	mu               sync.Mutex
	records, bytes   int64 // what is left
	maxRec, maxBytes int64
	waiters          []*creditWaiter
}

type creditWaiter struct {
	records, bytes int64
	ready          chan struct{}
}

func newCredits(records, bytes int64) *credits {
	return &credits{records: records, bytes: bytes, maxRec: records, maxBytes: bytes}
}

// take waits until n records and b bytes can be taken, or ctx ends. A
// single record larger than the whole byte budget takes all of it, so that
// it can still pass, alone.
func (c *credits) take(ctx context.Context, n, b int64) error {
	b = min(b, c.maxBytes)
	n = min(n, c.maxRec)
	c.mu.Lock()
	if len(c.waiters) == 0 && c.records >= n && c.bytes >= b {
		c.records -= n
		c.bytes -= b
		c.mu.Unlock()
		return nil
	}
	w := &creditWaiter{records: n, bytes: b, ready: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		select {
		case <-w.ready: // granted meanwhile: hand it back
			c.records += n
			c.bytes += b
			c.grant()
		default:
			if i := slices.Index(c.waiters, w); i >= 0 {
				c.waiters = slices.Delete(c.waiters, i, i+1)
			}
			c.grant() // the head may have changed
		}
		return ctx.Err()
	}
}

// give returns n records and b bytes taken before.
func (c *credits) give(n, b int64) {
	b = min(b, c.maxBytes)
	n = min(n, c.maxRec)
	c.mu.Lock()
	c.records += n
	c.bytes += b
	c.grant()
	c.mu.Unlock()
}

// grant wakes waiters in order while their credit is there. c.mu is held.
func (c *credits) grant() {
	for len(c.waiters) > 0 {
		w := c.waiters[0]
		if c.records < w.records || c.bytes < w.bytes {
			return
		}
		c.records -= w.records
		c.bytes -= w.bytes
		c.waiters = c.waiters[1:]
		close(w.ready)
	}
}

// inUse reports the records and bytes taken and the number of waiters.
func (c *credits) inUse() (records, bytes int64, waiting int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.maxRec - c.records, c.maxBytes - c.bytes, len(c.waiters)
}
