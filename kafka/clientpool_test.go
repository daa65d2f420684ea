package kafka

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/kfakesasl"
)

// saslCluster is a kfake cluster of brokers brokers that authenticates
// users u0..u(n-1), with passwords p0..p(n-1), over SASL PLAIN, and
// refuses other logins as Kafka does.
func saslCluster(t *testing.T, n, brokers int) (string, *kfake.Cluster, *kfakesasl.Logins) {
	t.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(brokers), kfake.EnableSASL()}
	users := make(map[string]string)
	for i := range n {
		u, p := fmt.Sprintf("u%d", i), fmt.Sprintf("p%d", i)
		opts = append(opts, kfake.Superuser("PLAIN", u, p))
		users[u] = p
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0], c, kfakesasl.Refuse(c, users)
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
	addr, _, _ := saslCluster(t, 4, 1)
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
	if _, err := l1.Admin.Probe(ctx); err == nil { // a request of its own, never the client's cache
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

// TestClientPoolCredentials: a wrong password is Kafka's 401 40101 at
// once, never the client that authenticated with the right password, and
// leaves no client behind; a request without credentials is 401.
func TestClientPoolCredentials(t *testing.T) {
	addr, _, _ := saslCluster(t, 1, 1)
	p := passThroughPool(t, addr, IdentityConfig{MaxClients: 4, IdleTimeout: time.Hour, AcquireWait: time.Second})
	good := acquire(t, p, as("u0", "p0"))
	defer good.Release()
	if _, err := good.Admin.ClusterID(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, cr := range []Credentials{{User: "u0", Password: "wrong"}, {User: "nobody", Password: "p0"}} {
		l, err := p.Acquire(WithCredentials(context.Background(), cr))
		if re := Translate(err); re == nil || re.Status != 401 || re.Code != apierr.CodeKafkaAuthentication {
			t.Fatalf("%s with a wrong password got %v, %v; want 401 40101", cr.User, l, err)
		}
	}
	if n := p.Live(); n != 1 {
		t.Fatalf("%d clients hold a place, want the right password's only", n)
	}
	_, err := p.Acquire(context.Background())
	if re := Translate(err); re == nil || re.Status != 401 || re.Code != 401 {
		t.Fatalf("no credentials got %v, want 401", err)
	}
}

// TestClientPoolBadLoginsTakeNoPlace: with every place taken by callers
// whose clients work, callers with made-up credentials, many at once, get
// 401 40101 (or, beyond the logins allowed at once, 429) and never a
// place: they neither make the working callers wait nor close their
// clients, and a new caller with good credentials still gets in. The
// failed logins leave no client behind.
func TestClientPoolBadLoginsTakeNoPlace(t *testing.T) {
	const capacity = 3
	addr, _, _ := saslCluster(t, capacity+1, 1)
	p := passThroughPool(t, addr, IdentityConfig{MaxClients: capacity, IdleTimeout: time.Hour, AcquireWait: 2 * time.Second})
	var held []*Lease
	for i := range capacity - 1 {
		l := acquire(t, p, as(fmt.Sprintf("u%d", i), fmt.Sprintf("p%d", i)))
		held = append(held, l) // leased throughout the flood
	}
	idle := acquire(t, p, as(fmt.Sprintf("u%d", capacity-1), fmt.Sprintf("p%d", capacity-1)))
	idle.Release() // idle: a bad login must not close it to make room

	const bogus = 40
	var wg sync.WaitGroup
	errs := make(chan error, bogus*3)
	for i := range bogus {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 3 {
				// 401, or 429 when too many of them log in at once; never
				// a client, nor the 429 of places all taken.
				_, err := p.Acquire(as(fmt.Sprintf("bogus%d", i), fmt.Sprintf("r%d", r)))
				re := Translate(err)
				if re == nil || re.Code != apierr.CodeKafkaAuthentication && !strings.Contains(re.Message, "logging in") {
					errs <- fmt.Errorf("bogus caller %d: %v, want 401 40101", i, err)
				}
			}
		}()
	}
	// Meanwhile the callers whose clients work go on, and a new one, u3,
	// takes the idle client's place.
	for range 20 {
		for i := range capacity {
			l := acquire(t, p, as(fmt.Sprintf("u%d", i), fmt.Sprintf("p%d", i)))
			l.Release()
		}
	}
	newcomer := acquire(t, p, as(fmt.Sprintf("u%d", capacity), fmt.Sprintf("p%d", capacity)))
	if _, err := newcomer.Admin.ClusterID(context.Background()); err != nil {
		t.Fatalf("a new caller with good credentials during the flood: %v", err)
	}
	newcomer.Release()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p.mu.Lock()
	logins, failing := len(p.logins), len(p.failing)
	for _, c := range p.lru.Values() {
		if !strings.HasPrefix(c.key, "PLAIN\x00u") {
			t.Errorf("a client of %q holds a place", c.key)
		}
	}
	p.mu.Unlock()
	if logins != 0 || failing != 0 || len(p.loginSlots) != 0 {
		t.Fatalf("after the flood: %d logins, %d failed clients, %d login slots taken; want none", logins, failing, len(p.loginSlots))
	}
	for _, l := range held {
		if _, err := l.Admin.ClusterID(context.Background()); err != nil {
			t.Fatalf("a leased client stopped working during the flood: %v", err)
		}
		l.Release()
	}
}

// TestClientPoolLostLogin: when a caller's credentials stop working after
// its client logged in (a password changed, a user deleted), the next
// connection that fails to authenticate ends the leases' context with 401
// 40101, frees the client's place, and the client closes once released;
// the same credentials then get 401 at once.
func TestClientPoolLostLogin(t *testing.T) {
	addr, c, logins := saslCluster(t, 1, 2)
	p := passThroughPool(t, addr, IdentityConfig{MaxClients: 2, IdleTimeout: time.Hour, AcquireWait: time.Second})
	ctx := context.Background()
	if err := c.CreateTopic("t", 1, nil); err != nil {
		t.Fatal(err)
	}
	l := acquire(t, p, as("u0", "p0"))
	if err := l.Producer.cl.ProduceSync(ctx, &kgo.Record{Topic: "t", Value: []byte("before")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	logins.Revoke("u0")
	// The partition moves to the broker the client has no connection to.
	leader := c.LeaderFor("t", 0)
	if err := c.MoveTopicPartition("t", 0, 1-leader); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	l.Producer.Produce(l.Context(), &kgo.Record{Topic: "t", Value: []byte("after")}, func(_ *kgo.Record, err error) { got <- err })
	select {
	case <-l.Context().Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the lease's context did not end when its client could no longer log in")
	}
	if re := Translate(context.Cause(l.Context())); re.Status != 401 || re.Code != apierr.CodeKafkaAuthentication {
		t.Fatalf("the lease's context ended with %v, want 401 40101", context.Cause(l.Context()))
	}
	if err := <-got; err == nil {
		t.Fatal("a record was stored after the login was lost")
	}
	if n := p.Live(); n != 0 {
		t.Fatalf("%d clients hold a place after their login was lost, want 0", n)
	}
	l.Release()
	if _, err := p.Acquire(as("u0", "p0")); Translate(err).Status != 401 {
		t.Fatalf("the revoked credentials got %v, want 401", err)
	}
	p.mu.Lock()
	failing := len(p.failing)
	p.mu.Unlock()
	if failing != 0 {
		t.Fatalf("%d failed clients kept after their last release", failing)
	}
}

// TestClientPoolManyCallersStayBounded: hundreds of callers one after the
// other, ten times more than the cap, each reaching the cluster, leave at
// most the cap of clients and goroutines behind, and idle clients close
// by themselves.
func TestClientPoolManyCallersStayBounded(t *testing.T) {
	const users, capacity = 30, 3
	addr, _, _ := saslCluster(t, users, 1)
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
