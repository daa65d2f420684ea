package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// ClientPool hands out the clients a request reaches Kafka with: the
// proxy's own shared producer and admin client, or, in identity
// pass-through mode, the client of the caller's credentials.
//
// A caller's client is one franz-go client, for producing and for admin
// calls alike, so that a caller costs one set of broker connections. The
// clients live in a bounded LRU: a lease counts as a reference, a client
// with references is never closed, and one without is closed when it has
// been idle for IdentityConfig.IdleTimeout or when a new caller needs its
// place. When every place is held by a lease, a new caller waits for one
// to be released, up to IdentityConfig.AcquireWait.
type ClientPool struct {
	cfg   Config
	extra []kgo.Opt // the proxy's producer bounds, after the keys

	shared *Lease

	mu     sync.Mutex
	lru    *simplelru.LRU[string, *callerClient]
	freed  chan struct{} // closed, and replaced, whenever a client loses its last lease
	closed bool
	stop   chan struct{}
	done   sync.WaitGroup
}

// callerClient is the client of one caller's credentials.
type callerClient struct {
	key      string
	cl       *kgo.Client
	producer *Producer
	admin    *Admin
	refs     int
	lastUsed time.Time
}

// Lease is the clients one request uses; Release gives them back.
type Lease struct {
	// Producer produces records; Admin runs admin calls.
	Producer *Producer
	Admin    *Admin

	pool *ClientPool
	c    *callerClient // nil for the shared clients
	once sync.Once
}

// ID tells the leases of different callers apart: equal IDs are the same
// credentials. The shared clients' ID is empty.
func (l *Lease) ID() string {
	if l.c == nil {
		return ""
	}
	return l.c.key
}

// Retain returns another lease on the same clients, for work that may
// outlive this lease; release both.
func (l *Lease) Retain() *Lease {
	if l.c == nil {
		return l
	}
	l.pool.mu.Lock()
	l.c.refs++
	l.pool.mu.Unlock()
	return &Lease{Producer: l.Producer, Admin: l.Admin, pool: l.pool, c: l.c}
}

// Release gives the lease back; later calls do nothing. The clients must
// not be used after it.
func (l *Lease) Release() {
	if l.c == nil {
		return
	}
	l.once.Do(func() { l.pool.release(l.c) })
}

// NewClientPool builds the shared producer and admin client from cfg (the
// producer from ProducerDefaults, the keys, then extra) and, when
// cfg.Identity is enabled, the pool of callers' clients with its janitor.
// Nothing connects until a request needs the cluster.
func NewClientPool(cfg Config, extra ...kgo.Opt) (*ClientPool, error) {
	if id := cfg.Identity; id.Enabled() && (id.MaxClients < 1 || id.IdleTimeout <= 0 || id.AcquireWait < 0) {
		return nil, fmt.Errorf("kafka: identity pass-through needs MaxClients of 1 or more and a positive IdleTimeout: %+v", id)
	}
	producer, err := NewProducer(cfg, extra...)
	if err != nil {
		return nil, err
	}
	admin, err := NewAdmin(cfg)
	if err != nil {
		producer.Close()
		return nil, err
	}
	p := &ClientPool{cfg: cfg, extra: extra, shared: &Lease{Producer: producer, Admin: admin},
		freed: make(chan struct{}), stop: make(chan struct{})}
	if !cfg.Identity.Enabled() {
		return p, nil
	}
	// The LRU never evicts by itself: acquire makes room first, closing
	// only clients nobody holds.
	p.lru, _ = simplelru.NewLRU[string, *callerClient](cfg.Identity.MaxClients+1, nil)
	p.done.Add(1)
	go p.janitor()
	return p, nil
}

// Shared returns the proxy's own clients, whatever the caller.
func (p *ClientPool) Shared() *Lease { return p.shared }

// Acquire returns the clients for the caller of ctx: in pass-through mode
// those of its credentials (ErrNoCredentials without any), else the
// shared ones. Release the lease when the request is done with it,
// including every record it produced.
func (p *ClientPool) Acquire(ctx context.Context) (*Lease, error) {
	if !p.cfg.Identity.Enabled() {
		return p.shared, nil
	}
	cr, ok := CredentialsFrom(ctx)
	if !ok {
		return nil, ErrNoCredentials()
	}
	key := cr.key(p.cfg.Identity)
	var wait <-chan time.Time
	for {
		c, freed, stale, err := p.acquireOrRoom(key, cr)
		for _, s := range stale {
			s.cl.Close()
		}
		if err != nil || c != nil {
			if c == nil {
				return nil, err
			}
			return &Lease{Producer: c.producer, Admin: c.admin, pool: p, c: c}, nil
		}
		if wait == nil {
			t := time.NewTimer(p.cfg.Identity.AcquireWait)
			defer t.Stop()
			wait = t.C
		}
		select {
		case <-freed:
		case <-wait:
			return nil, apierr.New(apierr.CodeTooManyRequests, "Too many callers use Kafka through this proxy at once: all %d client places (kafka.identity.clients.max) are in use; try again later.", p.cfg.Identity.MaxClients)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// acquireOrRoom takes a reference on key's client, creating it if there
// is room or an idle client to close for it (returned in stale, to close
// outside the lock). With neither, it returns the channel closed when a
// client is next released.
func (p *ClientPool) acquireOrRoom(key string, cr Credentials) (c *callerClient, freed <-chan struct{}, stale []*callerClient, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, nil, nil, fmt.Errorf("the proxy is shutting down: %w", kgo.ErrClientClosed)
	}
	if c, ok := p.lru.Get(key); ok {
		c.refs++
		return c, nil, nil, nil
	}
	for p.lru.Len() >= p.cfg.Identity.MaxClients {
		victim := ""
		for _, k := range p.lru.Keys() { // least recently used first
			if v, _ := p.lru.Peek(k); v.refs == 0 {
				victim = k
				break
			}
		}
		if victim == "" {
			return nil, p.freed, stale, nil
		}
		v, _ := p.lru.Peek(victim)
		p.lru.Remove(victim)
		stale = append(stale, v)
	}
	// Building a client does not connect: it is cheap enough for the lock.
	producer, err := newProducer(p.cfg, &cr, p.extra...)
	if err != nil {
		return nil, nil, stale, fmt.Errorf("the Kafka client of a caller: %w", err)
	}
	cl := producer.cl
	c = &callerClient{key: key, cl: cl, producer: producer, admin: &Admin{cl: cl, adm: kadm.NewClient(cl)}, refs: 1}
	p.lru.Add(key, c)
	return c, nil, stale, nil
}

func (p *ClientPool) release(c *callerClient) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.refs--
	c.lastUsed = time.Now()
	if c.refs == 0 {
		close(p.freed)
		p.freed = make(chan struct{})
	}
}

// janitor closes the clients idle for longer than IdleTimeout.
func (p *ClientPool) janitor() {
	defer p.done.Done()
	idle := p.cfg.Identity.IdleTimeout
	t := time.NewTicker(max(idle/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			for _, c := range p.takeIdle(now.Add(-idle)) {
				c.cl.Close()
			}
		}
	}
}

// takeIdle removes the clients without a lease last used before cutoff.
func (p *ClientPool) takeIdle(cutoff time.Time) []*callerClient {
	p.mu.Lock()
	defer p.mu.Unlock()
	var idle []*callerClient
	for _, k := range p.lru.Keys() {
		if c, _ := p.lru.Peek(k); c.refs == 0 && c.lastUsed.Before(cutoff) {
			p.lru.Remove(k)
			idle = append(idle, c)
		}
	}
	return idle
}

// Live reports how many callers' clients are open.
func (p *ClientPool) Live() int {
	if p.lru == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lru.Len()
}

// Close waits, as long as ctx allows, for Kafka to answer the records
// handed to any client, then closes every client. Leases must be released
// first.
func (p *ClientPool) Close(ctx context.Context) error {
	var all []*callerClient
	if p.lru != nil {
		close(p.stop)
		p.done.Wait()
		p.mu.Lock()
		p.closed = true
		for _, k := range p.lru.Keys() {
			c, _ := p.lru.Peek(k)
			all = append(all, c)
		}
		p.lru.Purge()
		p.mu.Unlock()
	}
	var errs []error
	if err := p.shared.Producer.Flush(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flushing the producer: %w", err))
	}
	for _, c := range all {
		if err := c.cl.Flush(ctx); err != nil {
			errs = append(errs, fmt.Errorf("flushing a caller's producer: %w", err))
		}
		c.cl.Close()
	}
	p.shared.Producer.Close()
	p.shared.Admin.Close()
	return errors.Join(dedupe(errs)...)
}
