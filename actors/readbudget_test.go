package actors

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// grown waits for a Grow run on another goroutine.
func grown(t *testing.T, errs <-chan error) error {
	t.Helper()
	select {
	case err := <-errs:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Grow still waits")
		return nil
	}
}

func growAsync(h *ReadHold, n int64) <-chan error {
	errs := make(chan error, 1)
	go func() { errs <- h.Grow(context.Background(), n) }()
	return errs
}

// waiting waits until n shares wait to grow.
func waiting(t *testing.T, b *ReadBudget, n int) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; {
		if _, w := b.InUse(); w == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d shares never waited", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestReadBudget(t *testing.T) {
	ctx := context.Background()
	b := NewReadBudget(100, 60, time.Hour)
	a, bb, c := b.NewHold(), b.NewHold(), b.NewHold()

	// More than one share may hold: refused at once, whatever is free.
	var re *ReadBudgetError
	if err := a.Grow(ctx, 61); !errors.As(err, &re) || !errors.Is(err, ErrReadBudget) || re.Waited != 0 || re.Claim != 60 || re.Need != 61 {
		t.Fatalf("over the claim: %v", err)
	}
	if err := a.Grow(ctx, 30); err != nil {
		t.Fatal(err)
	}
	if err := bb.Grow(ctx, 30); err != nil {
		t.Fatal(err)
	}
	// 40 bytes are free, but a third share of 30 would leave no share able
	// to grow to the 60 a record may need: C waits.
	cErr := growAsync(c, 30)
	waiting(t, b, 1)
	// A, a largest share, can finish: it passes C.
	if err := grown(t, growAsync(a, 30)); err != nil {
		t.Fatal(err)
	}
	if used, w := b.InUse(); used != 90 || w != 1 || a.Held() != 60 {
		t.Fatalf("%d used, %d waiting, A holds %d", used, w, a.Held())
	}
	a.Release()
	if err := grown(t, cErr); err != nil {
		t.Fatal(err)
	}
	if used, w := b.InUse(); used != 60 || w != 0 || c.Held() != 30 || a.Held() != 0 {
		t.Fatalf("after A: %d used, %d waiting", used, w)
	}
	bb.Release()
	c.Release()
	c.Release() // twice: nothing more to give
	if used, _ := b.InUse(); used != 0 {
		t.Fatalf("at the end: %d used", used)
	}
}

func TestReadBudgetWaitBound(t *testing.T) {
	b := NewReadBudget(100, 0, 50*time.Millisecond)
	full, late := b.NewHold(), b.NewHold()
	if err := full.Grow(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	var re *ReadBudgetError
	if err := late.Grow(context.Background(), 10); !errors.As(err, &re) || re.Waited != 50*time.Millisecond || late.Held() != 0 {
		t.Fatalf("after the wait bound: %v, holds %d", err, late.Held())
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() { errs <- late.Grow(ctx, 10) }()
	waiting(t, b, 1)
	cancel()
	if err := grown(t, errs); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	full.Release()
	if used, w := b.InUse(); used != 0 || w != 0 {
		t.Fatalf("%d used, %d waiting", used, w)
	}
}

// TestReadBudgetNoDeadlock has many readers grow records of any size up to
// the claim a piece at a time, as the framer does, each giving everything
// back once its record is read: however they interleave, all finish.
func TestReadBudgetNoDeadlock(t *testing.T) {
	const size, claim, readers, records = 1000, 400, 24, 20
	b := NewReadBudget(size, claim, time.Hour)
	var wg sync.WaitGroup
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), 1))
			for range records {
				h, held, want := b.NewHold(), int64(0), 1+rnd.Int64N(claim)
				for held < want {
					n := min(max(held, 16), want-held)
					if err := h.Grow(context.Background(), n); err != nil {
						t.Error(err)
						return
					}
					held += n
					if rnd.IntN(4) == 0 {
						time.Sleep(time.Duration(rnd.IntN(100)) * time.Microsecond)
					}
				}
				h.Release()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		used, w := b.InUse()
		t.Fatalf("readers stuck: %d bytes held, %d waiting", used, w)
	}
	if used, w := b.InUse(); used != 0 || w != 0 {
		t.Fatalf("at the end: %d used, %d waiting", used, w)
	}
}
