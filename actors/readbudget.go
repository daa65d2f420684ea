package actors

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// ReadBudget bounds the memory held, across every connection, for records
// being read before they are handed to the produce credits: each large
// record holds a share (a ReadHold) that grows as its buffer does and is
// given back once the record is handed over or failed. A record that
// cannot grow waits, so that its stream stops reading its body and TCP
// pushes back on the client; after the wait bound it is refused.
//
// Shares grow a piece at a time, without knowing how large a record will
// be, so the budget keeps one record able to finish whatever the others
// hold: a share may grow only while, afterwards, the budget left plus the
// largest share is still at least the most one record may need. The largest
// share can then always grow to its end, and give everything back, and so
// on; readers never wait on each other in a circle. A share that would
// exceed what one record may hold at all is refused at once.
type ReadBudget struct {
	mu      sync.Mutex
	free    int64
	size    int64
	claim   int64 // the most one share may hold
	wait    time.Duration
	holds   map[*ReadHold]struct{} // the shares holding something
	waiters []*ReadHold            // in arrival order
}

// ReadHold is one record's share of a ReadBudget. Its methods are for the
// goroutine that reads the record.
type ReadHold struct {
	b     *ReadBudget
	held  int64
	want  int64         // what it waits for, when it waits
	ready chan struct{} // closed when granted
}

// ErrReadBudget is the cause of every refusal of a ReadBudget.
var ErrReadBudget = errors.New("no room in the read budget")

// ReadBudgetError is a refusal: the record needed more than the budget
// gives it, at all or within the wait bound.
type ReadBudgetError struct {
	// Size is the whole budget, Claim the most one record may hold, Need
	// what the record asked to hold in all.
	Size, Claim, Need int64
	// Waited is the wait bound when the record waited for it in vain, 0
	// when it needed more than one record may ever hold.
	Waited time.Duration
}

func (e *ReadBudgetError) Error() string {
	if e.Waited == 0 {
		return fmt.Sprintf("the record needs more than the %d bytes one record may hold of the %d-byte read budget", e.Claim, e.Size)
	}
	return fmt.Sprintf("no room for the record's %d bytes in the %d-byte read budget within %s", e.Need, e.Size, e.Waited)
}

func (e *ReadBudgetError) Unwrap() error { return ErrReadBudget }

// NewReadBudget makes a budget of size bytes in which one record may hold
// up to maxRecord (0 or more than size: size); a share that cannot grow
// waits up to wait.
func NewReadBudget(size, maxRecord int64, wait time.Duration) *ReadBudget {
	if maxRecord <= 0 || maxRecord > size {
		maxRecord = size
	}
	return &ReadBudget{free: size, size: size, claim: maxRecord, wait: wait, holds: map[*ReadHold]struct{}{}}
}

// Claim is the most one share may hold.
func (b *ReadBudget) Claim() int64 { return b.claim }

// NewHold starts a record's share, holding nothing yet.
func (b *ReadBudget) NewHold() *ReadHold { return &ReadHold{b: b} }

// Grow waits until the share can hold n more bytes, for as long as ctx
// and the budget's wait bound allow. On an error (a *ReadBudgetError, or
// ctx's) the share holds what it held before.
func (h *ReadHold) Grow(ctx context.Context, n int64) error {
	b := h.b
	b.mu.Lock()
	need := h.held + n
	if need > b.claim {
		b.mu.Unlock()
		return &ReadBudgetError{Size: b.size, Claim: b.claim, Need: need}
	}
	h.want = n
	h.ready = make(chan struct{})
	b.waiters = append(b.waiters, h)
	b.grant()
	b.mu.Unlock()
	select {
	case <-h.ready:
		return nil
	default:
	}
	t := time.NewTimer(b.wait)
	defer t.Stop()
	var err error
	select {
	case <-h.ready:
		return nil
	case <-t.C:
		err = &ReadBudgetError{Size: b.size, Claim: b.claim, Need: need, Waited: b.wait}
	case <-ctx.Done():
		err = ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-h.ready:
		return nil // granted meanwhile: keep it
	default:
	}
	if i := slices.Index(b.waiters, h); i >= 0 {
		b.waiters = slices.Delete(b.waiters, i, i+1)
	}
	b.grant() // the head may have changed
	return err
}

// Release gives back everything the share holds; the share may grow
// again afterwards.
func (h *ReadHold) Release() {
	b := h.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if h.held == 0 {
		return
	}
	b.free += h.held
	h.held = 0
	delete(b.holds, h)
	b.grant()
}

// Held reports what the share holds.
func (h *ReadHold) Held() int64 {
	h.b.mu.Lock()
	defer h.b.mu.Unlock()
	return h.held
}

// grant gives waiters what they wait for while the budget stays safe: the
// largest share first if it waits (it can always finish), then the others
// in order, stopping at the first that does not fit, so that a large
// request is not starved by small ones. b.mu is held.
func (b *ReadBudget) grant() {
	if len(b.waiters) == 0 {
		return
	}
	largest, top := -1, int64(0)
	for h := range b.holds {
		top = max(top, h.held)
	}
	for i, w := range b.waiters {
		if w.held == top && w.want <= b.free && (largest < 0 || w.held > b.waiters[largest].held) {
			largest = i
		}
	}
	if largest >= 0 {
		b.take(largest)
	}
	for i := 0; i < len(b.waiters); {
		w := b.waiters[i]
		if w.want > b.free {
			return
		}
		if !b.safe(w) {
			i++
			continue
		}
		b.take(i)
	}
}

// safe reports whether granting w leaves a share that can finish: the
// budget left plus the largest share still covers one record's claim.
func (b *ReadBudget) safe(w *ReadHold) bool {
	top := w.held + w.want
	for h := range b.holds {
		if h != w {
			top = max(top, h.held)
		}
	}
	return b.free-w.want+top >= b.claim
}

// take grants the waiter at i and removes it from the queue. b.mu is held.
func (b *ReadBudget) take(i int) {
	w := b.waiters[i]
	b.waiters = slices.Delete(b.waiters, i, i+1)
	b.free -= w.want
	w.held += w.want
	w.want = 0
	b.holds[w] = struct{}{}
	close(w.ready)
}

// InUse reports the bytes held and the shares waiting to grow.
func (b *ReadBudget) InUse() (bytes int64, waiting int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.size - b.free, len(b.waiters)
}
