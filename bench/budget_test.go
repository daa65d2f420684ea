package bench

import (
	"context"
	"testing"
	"time"
)

// TestBudgetIntendedTimes: at a fixed rate record i is due at start +
// i/rate, whatever happened before; the time bound becomes the count of
// records due within it.
func TestBudgetIntendedTimes(t *testing.T) {
	b := newBudget(0, 10*time.Second, 1000)
	for _, c := range []struct {
		i    int64
		want time.Duration
	}{{0, 0}, {1, time.Millisecond}, {999, 999 * time.Millisecond}, {1500, 1500 * time.Millisecond}, {9999, 9999 * time.Millisecond}} {
		if got := b.due(c.i).Sub(b.start); got != c.want {
			t.Errorf("record %d due at +%v, want +%v", c.i, got, c.want)
		}
	}
	if b.max != 10_000 {
		t.Errorf("10 s at 1000/s hands out %d records, want 10000", b.max)
	}
	// A rate that does not divide a second: 3 records/s.
	b = newBudget(0, time.Second, 3)
	if got := b.due(2).Sub(b.start); got != 666_666_666*time.Nanosecond {
		t.Errorf("record 2 at 3/s due at +%v", got)
	}
	// A record count below what the rate allows bounds it.
	if b = newBudget(5, time.Hour, 1000); b.max != 5 {
		t.Errorf("max %d, want 5", b.max)
	}
	// Without a rate nothing is due at a set time.
	if b = newBudget(10, 0, 0); !b.due(5).IsZero() {
		t.Errorf("due %v without a rate", b.due(5))
	}
}

// TestBudgetWaitCountsFromDue: a record sent late (the workers were busy)
// is counted from when it was due, not from when it was sent: that is
// what keeps a stalled proxy from flattering its latency.
func TestBudgetWaitCountsFromDue(t *testing.T) {
	b := newBudget(0, time.Minute, 10)
	b.start = b.start.Add(-5 * time.Second) // five seconds behind schedule
	idled := 0
	idle := func() { idled++ }
	from, ok := b.wait(context.Background(), 3, idle)
	if !ok || !from.Equal(b.start.Add(300*time.Millisecond)) || idled != 0 {
		t.Errorf("wait = %v, %v, idle called %d times; want the due time %v at once", from, ok, idled, b.start.Add(300*time.Millisecond))
	}
	// A record not yet due is waited for, after idle (a writer flushes
	// there); an ended context stops the wait.
	b = newBudget(0, time.Minute, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := b.wait(ctx, 30, idle); ok || idled != 1 {
		t.Errorf("wait for a record due in 30 s with an ended context: ok %v, idle called %d times", ok, idled)
	}
	// Without a rate, latency counts from now.
	b = newBudget(10, 0, 0)
	before := time.Now()
	if from, ok := b.wait(context.Background(), 3, nil); !ok || from.Before(before) {
		t.Errorf("wait without a rate = %v, %v", from, ok)
	}
}

// TestBudgetTake: records are handed out once each, in chunks cut at the
// bound, and not at all once it is reached or the time is up.
func TestBudgetTake(t *testing.T) {
	b := newBudget(10, 0, 0)
	var got []int
	for {
		first, n := b.take(4)
		if n == 0 {
			break
		}
		if first != int64(len(got)*4) {
			t.Fatalf("chunk %d starts at %d", len(got), first)
		}
		got = append(got, n)
	}
	if len(got) != 3 || got[0] != 4 || got[1] != 4 || got[2] != 2 {
		t.Errorf("chunks %v, want [4 4 2]", got)
	}
	b = newBudget(0, time.Nanosecond, 0)
	time.Sleep(time.Millisecond)
	if _, n := b.take(1); n != 0 || !b.expired() {
		t.Errorf("took %d after the deadline", n)
	}
}
