package actors

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCreditsWaitAndOrder(t *testing.T) {
	c := newCredits(10, 100)
	ctx := context.Background()
	if err := c.take(ctx, 1, 60); err != nil {
		t.Fatal(err)
	}
	// 40 bytes are left: a 50-byte taker waits. A 10-byte taker behind it
	// would fit, but waits its turn, so that large records are not starved.
	got := make(chan string, 2)
	go func() { c.take(ctx, 1, 50); got <- "big" }()
	for _, _, w := c.inUse(); w != 1; _, _, w = c.inUse() {
		time.Sleep(time.Millisecond)
	}
	go func() { c.take(ctx, 1, 10); got <- "small" }()
	select {
	case g := <-got:
		t.Fatalf("%s was granted before credit came back", g)
	case <-time.After(50 * time.Millisecond):
	}
	c.give(1, 60)
	for range 2 {
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			t.Fatal("waiters were not granted after the credit came back")
		}
	}
	if r, b, w := c.inUse(); r != 2 || b != 60 || w != 0 {
		t.Fatalf("in use %d records %d bytes, %d waiting", r, b, w)
	}
}

func TestCreditsContextAndOversize(t *testing.T) {
	c := newCredits(1, 100)
	if err := c.take(context.Background(), 1, 1000); err != nil {
		t.Fatal("a record larger than the whole budget must still pass, alone:", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := c.take(ctx, 1, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no credit left: %v, want the context's error", err)
	}
	if _, _, w := c.inUse(); w != 0 {
		t.Fatal("a taker that gave up is still waiting")
	}
	c.give(1, 1000)
	if r, b, _ := c.inUse(); r != 0 || b != 0 {
		t.Fatalf("after giving back: %d %d", r, b)
	}
}
