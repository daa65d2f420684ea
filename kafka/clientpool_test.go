package kafka

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// saslCluster is a kfake cluster that authenticates users u0..u(n-1), with
// passwords p0..p(n-1), over SASL PLAIN.
func saslCluster(t *testing.T, n int) string {
	t.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(1), kfake.EnableSASL()}
	for i := range n {
		opts = append(opts, kfake.Superuser("PLAIN", fmt.Sprintf("u%d", i), fmt.Sprintf("p%d", i)))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

func passThroughPool(t *testing.T, addr string, id IdentityConfig) *ClientPool {
	t.Helper()
	id.BasicMechanism = "PLAIN"
	p, err := NewClientPool(Config{BootstrapServers: []string{addr},
		Properties: map[string]string{"client.security.protocol": "SASL_PLAINTEXT"}, Identity: id})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	return p
}

func as(user, pass string) context.Context {
	return WithCredentials(context.Background(), Credentials{User: user, Password: pass})
}

func acquire(t *testing.T, p *ClientPool, ctx context.Context) *Lease {
	t.Helper()
	l, err := p.Acquire(ctx)
	if err != nil {
		t.Fatalf("acquiring: %v", err)
	}
	return l
}

// TestClientPoolBoundsAndReferences: the pool never holds more than its
// cap, closes the least recently used idle client to make room, never a
// leased one, makes a new caller wait for a place (then 429), and the
// clients authenticate as their callers.
func TestClientPoolBoundsAndReferences(t *testing.T) {
	addr := saslCluster(t, 4)
	p := passThroughPool(t, addr, IdentityConfig{MaxClients: 2, IdleTimeout: time.Hour, AcquireWait: 300 * time.Millisecond})
	ctx := context.Background()

	l0 := acquire(t, p, as("u0", "p0"))
	if _, err := l0.Admin.ClusterID(ctx); err != nil {
		t.Fatalf("u0 cannot reach the cluster: %v", err)
	}
	l1 := acquire(t, p, as("u1", "p1"))
	if again := acquire(t, p, as("u1", "p1")); again.Admin != l1.Admin {
		t.Fatal("the same credentials got a second client")
	} else {
		again.Release()
	}
	l1.Release()
	l2 := acquire(t, p, as("u2", "p2")) // u1's idle client makes room
	if n := p.Live(); n != 2 {
		t.Fatalf("%d live clients, want the cap, 2", n)
	}
	if _, err := l1.Admin.ClusterID(ctx); err == nil {
		t.Fatal("u1's client still works after it was closed to make room")
	}

	// Both places leased: a new caller waits, then gets 429.
	start := time.Now()
	_, err := p.Acquire(as("u3", "p3"))
	var re *apierr.Error
	if !errors.As(err, &re) || re.Status != 429 || time.Since(start) < 250*time.Millisecond {
		t.Fatalf("a caller beyond the cap got %v after %v, want 429 after the wait", err, time.Since(start))
	}
	// A release lets a waiting caller in.
	got := make(chan *Lease, 1)
	go func() {
		l, err := p.Acquire(as("u3", "p3"))
		if err != nil {
			t.Errorf("u3 after a release: %v", err)
		}
		got <- l
	}()
	time.Sleep(50 * time.Millisecond)
	l2.Release()
	l3 := <-got
	if l3 == nil {
		return
	}
	if _, err := l3.Admin.ClusterID(ctx); err != nil {
		t.Fatalf("u3 cannot reach the cluster: %v", err)
	}
	// u0 held its lease throughout: its client was never closed.
	if _, err := l0.Admin.Cluster(ctx); err != nil {
		t.Fatalf("a leased client was closed under its caller: %v", err)
	}
	if n := p.Live(); n != 2 {
		t.Fatalf("%d live clients, want 2", n)
	}
	l0.Release()
	l3.Release()
}

// TestClientPoolCredentials: a wrong password gets its own client, never
// the one that authenticated with the right password, and fails to reach
// the cluster; a request without credentials is 401. (What Kafka answers
// a wrong password, 401 40101, is checked against the real broker.)
func TestClientPoolCredentials(t *testing.T) {
	addr := saslCluster(t, 1)
	p := passThroughPool(t, addr, IdentityConfig{MaxClients: 4, IdleTimeout: time.Hour})
	good := acquire(t, p, as("u0", "p0"))
	defer good.Release()
	if _, err := good.Admin.ClusterID(context.Background()); err != nil {
		t.Fatal(err)
	}
	bad := acquire(t, p, as("u0", "wrong"))
	defer bad.Release()
	if bad.ID() == good.ID() || bad.Admin == good.Admin {
		t.Fatal("a wrong password got the client of the right one")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := bad.Admin.ClusterID(ctx); err == nil {
		t.Fatal("a wrong password reached the cluster")
	}
	_, err := p.Acquire(context.Background())
	if re := Translate(err); re == nil || re.Status != 401 || re.Code != 401 {
		t.Fatalf("no credentials got %v, want 401", err)
	}
}

// TestClientPoolManyCallersStayBounded: hundreds of callers one after the
// other, ten times more than the cap, each reaching the cluster, leave at
// most the cap of clients and goroutines behind, and idle clients close
// by themselves.
func TestClientPoolManyCallersStayBounded(t *testing.T) {
	const users, capacity = 30, 3
	addr := saslCluster(t, users)
	p := passThroughPool(t, addr, IdentityConfig{MaxClients: capacity, IdleTimeout: 300 * time.Millisecond})
	ctx := context.Background()
	use := func(i int) {
		u := i % users
		l := acquire(t, p, as(fmt.Sprintf("u%d", u), fmt.Sprintf("p%d", u)))
		if _, err := l.Admin.Cluster(ctx); err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		l.Release()
	}
	for i := range capacity {
		use(i)
	}
	settle()
	base := runtime.NumGoroutine()
	for i := capacity; i < 10*users; i++ {
		use(i)
		if n := p.Live(); n > capacity {
			t.Fatalf("%d live clients after %d callers, want at most %d", n, i+1, capacity)
		}
	}
	settle()
	if n := runtime.NumGoroutine(); n > base+10 {
		t.Fatalf("%d goroutines after %d callers, %d after %d: clients leak", n, 10*users, base, capacity)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.Live() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d idle clients still open after their idle timeout", p.Live())
		}
		time.Sleep(20 * time.Millisecond)
	}
	settle()
	if n := runtime.NumGoroutine(); n >= base {
		t.Fatalf("%d goroutines once every client closed, %d with %d open", n, base, capacity)
	}
}

// settle lets closed clients' goroutines end.
func settle() {
	for range 20 {
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
}
