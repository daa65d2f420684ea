package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// ClientPool hands out the clients a request reaches Kafka with: the
// proxy's own shared producer and admin client, or, in identity
// pass-through mode, the client of the caller's credentials.
//
// A caller's client is one franz-go client, for producing and for admin
// calls alike, so that a caller costs one set of broker connections. A new
// caller's client logs in first (one metadata request) and takes a place
// only once Kafka has accepted its credentials: a wrong password or a
// made-up user is answered 401 40101 at once and never holds a place, so
// that callers with bad credentials cannot crowd out those whose clients
// work. Logins run apart from the places, at most IdentityConfig.MaxClients
// at once; concurrent requests with the same credentials share one.
//
// The logged-in clients live in a bounded LRU: a lease counts as a
// reference, a client with references is never closed, and one without is
// closed when it has been idle for IdentityConfig.IdleTimeout or when a new
// caller needs its place. When every place is held by a lease, a new caller
// waits for one to be released, up to IdentityConfig.AcquireWait. A client
// whose connection later fails to authenticate (a password changed, a token
// expired) leaves its place at once, its leases' Context ends with the 401,
// and it closes when its last lease is released.
type ClientPool struct {
	cfg   Config
	extra []kgo.Opt // the proxy's producer bounds, after the keys

	shared *Lease

	// loginSlots holds a token per login under way.
	loginSlots chan struct{}

	mu      sync.Mutex
	lru     *simplelru.LRU[string, *callerClient] // the logged-in clients, one per place
	logins  map[string]*login                     // the logins under way, by key
	failing map[*callerClient]struct{}            // out of the LRU, failed, still leased
	freed   chan struct{}                         // closed, and replaced, whenever a place may have come free
	closed  bool
	stop    chan struct{}
	done    sync.WaitGroup
	closers sync.WaitGroup // the goroutines closing failed clients
}

// loginTimeout bounds a new caller's login. Past it Kafka is slow or
// unreachable rather than the credentials wrong: the client is let in, and
// its requests wait or fail as every caller's do while Kafka is away.
const loginTimeout = 10 * time.Second

// clientState is where a caller's client is in its life.
type clientState int

const (
	loggingIn clientState = iota // not in the pool yet
	placed                       // in the LRU
	failed                       // out of the LRU after an authentication failure, closed when its last lease goes
	closed                       // closed or being closed
)

// callerClient is the client of one caller's credentials.
type callerClient struct {
	key      string
	cl       *kgo.Client
	producer *Producer
	admin    *Admin
	// lost ends, with the caller's 401 as its cause, when a connection of
	// the client fails to authenticate.
	lost context.Context
	lose context.CancelCauseFunc

	// Guarded by the pool's mu.
	state    clientState
	refs     int
	lastUsed time.Time
}

// login is a login under way; done closes when it ends, err then holds
// its authentication failure, if that is how it ended.
type login struct {
	done chan struct{}
	err  error
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

// Context ends when the lease's client can no longer authenticate: its
// cause is then the caller's 401 40101, which every piece of work done
// with the lease should answer with at once rather than wait for Kafka.
// The shared clients' context never ends.
func (l *Lease) Context() context.Context {
	if l.c == nil {
		return context.Background()
	}
	return l.c.lost
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
	return l.pool.lease(l.c)
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
	p := &ClientPool{cfg: cfg, extra: slices.Clip(extra), shared: &Lease{Producer: producer, Admin: admin},
		freed: make(chan struct{}), stop: make(chan struct{})}
	if !cfg.Identity.Enabled() {
		return p, nil
	}
	// The LRU never evicts by itself: admit makes room first, closing
	// only clients nobody holds.
	p.lru, _ = simplelru.NewLRU[string, *callerClient](cfg.Identity.MaxClients+1, nil)
	p.logins = make(map[string]*login)
	p.failing = make(map[*callerClient]struct{})
	p.loginSlots = make(chan struct{}, cfg.Identity.MaxClients)
	p.done.Add(1)
	go p.janitor()
	return p, nil
}

// Shared returns the proxy's own clients, whatever the caller.
func (p *ClientPool) Shared() *Lease { return p.shared }

// Acquire returns the clients for the caller of ctx: in pass-through mode
// those of its credentials (ErrNoCredentials without any; Kafka's 401
// 40101 when it refuses them), else the shared ones. Release the lease
// when the request is done with it, including every record it produced.
func (p *ClientPool) Acquire(ctx context.Context) (*Lease, error) {
	if !p.cfg.Identity.Enabled() {
		return p.shared, nil
	}
	cr, ok := CredentialsFrom(ctx)
	if !ok {
		return nil, ErrNoCredentials()
	}
	key := cr.key(p.cfg.Identity)
	for {
		c, l, mine, err := p.lookup(key)
		switch {
		case err != nil:
			return nil, err
		case c != nil:
			return p.lease(c), nil
		case mine:
			return p.login(ctx, key, cr, l)
		}
		// The same credentials are logging in: their answer is ours.
		select {
		case <-l.done:
			if l.err != nil {
				return nil, l.err
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// lookup returns key's client with a new reference, or the login of key
// under way, or a new login of key that the caller must run (mine).
func (p *ClientPool) lookup(key string) (c *callerClient, l *login, mine bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, nil, false, errShuttingDown()
	}
	if c, ok := p.lru.Get(key); ok {
		c.refs++
		return c, nil, false, nil
	}
	if l, ok := p.logins[key]; ok {
		return nil, l, false, nil
	}
	l = &login{done: make(chan struct{})}
	p.logins[key] = l
	return nil, l, true, nil
}

func errShuttingDown() error {
	return fmt.Errorf("the proxy is shutting down: %w", kgo.ErrClientClosed)
}

func (p *ClientPool) lease(c *callerClient) *Lease {
	return &Lease{Producer: c.producer, Admin: c.admin, pool: p, c: c}
}

// login builds key's client, has Kafka check its credentials, and gives
// it a place; it then ends l, with the authentication failure if Kafka
// refused them.
func (p *ClientPool) login(ctx context.Context, key string, cr Credentials, l *login) (_ *Lease, err error) {
	defer func() {
		p.mu.Lock()
		delete(p.logins, key)
		p.mu.Unlock()
		if IsAuthentication(err) {
			l.err = err
		}
		close(l.done)
	}()
	// One bound for both waits: for a login slot and for a place.
	wait, cancel := context.WithTimeout(ctx, p.cfg.Identity.AcquireWait)
	defer cancel()
	select {
	case p.loginSlots <- struct{}{}:
	default:
		select {
		case p.loginSlots <- struct{}{}:
		case <-wait.Done():
			return nil, busy(ctx, fmt.Sprintf("Too many callers are logging in to Kafka through this proxy at once (at most %d, kafka.identity.clients.max); try again later.", p.cfg.Identity.MaxClients))
		}
	}
	defer func() { <-p.loginSlots }()

	c, err := p.newCallerClient(key, cr)
	if err != nil {
		return nil, err
	}
	// A metadata request connects, and so authenticates. The login goes on
	// if its caller leaves: those waiting with the same credentials want
	// its answer.
	pctx, pcancel := context.WithTimeout(context.WithoutCancel(ctx), loginTimeout)
	err = c.cl.Ping(pctx)
	pcancel()
	if c.lost.Err() != nil || IsAuthentication(err) {
		c.cl.Close()
		if cause := context.Cause(c.lost); cause != nil {
			return nil, cause
		}
		return nil, Translate(err)
	}
	// Any other failure is Kafka's, not the credentials': the client goes
	// in, and its requests meet the failure as everyone's do.
	return p.admit(ctx, wait, c)
}

// busy is the answer to a wait for the pool that ended: ctx's error if the
// caller went away, else 429 with msg.
func busy(ctx context.Context, msg string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return apierr.New(apierr.CodeTooManyRequests, "%s", msg)
}

// newCallerClient builds the client of cr, which reports its
// authentication failures to p.
func (p *ClientPool) newCallerClient(key string, cr Credentials) (*callerClient, error) {
	c := &callerClient{key: key}
	c.lost, c.lose = context.WithCancelCause(context.Background())
	producer, err := newProducer(p.cfg, &cr, append(p.extra, kgo.WithHooks(authWatch{p, c}))...)
	if err != nil {
		return nil, fmt.Errorf("the Kafka client of a caller: %w", err)
	}
	c.cl, c.producer = producer.cl, producer
	c.admin = &Admin{cl: producer.cl, adm: kadm.NewClient(producer.cl)}
	return c, nil
}

// admit gives the logged-in c a place, with its first reference, closing
// the least recently used idle client if there is no free place, and
// waiting for one until wait ends if every place is leased.
func (p *ClientPool) admit(ctx, wait context.Context, c *callerClient) (*Lease, error) {
	for {
		freed, stale, err := p.place(c)
		for _, s := range stale {
			s.cl.Close()
		}
		if err != nil {
			c.cl.Close()
			return nil, err
		}
		if freed == nil {
			return p.lease(c), nil
		}
		select {
		case <-freed:
		case <-wait.Done():
			c.cl.Close()
			return nil, busy(ctx, fmt.Sprintf("Too many callers use Kafka through this proxy at once: all %d client places (kafka.identity.clients.max) are in use; try again later.", p.cfg.Identity.MaxClients))
		}
	}
}

// place puts c in the LRU with one reference, after taking out idle
// clients to make room (returned in stale, to close outside the lock).
// Without room it returns the channel closed when a place may free up.
func (p *ClientPool) place(c *callerClient) (freed <-chan struct{}, stale []*callerClient, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, nil, errShuttingDown()
	}
	if cause := context.Cause(c.lost); cause != nil {
		return nil, nil, cause // refused on a connection after the login's
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
			return p.freed, stale, nil
		}
		v, _ := p.lru.Peek(victim)
		p.lru.Remove(victim)
		v.state = closed
		stale = append(stale, v)
	}
	c.state, c.refs = placed, 1
	p.lru.Add(c.key, c)
	return nil, stale, nil
}

// authWatch tells the pool when a connection of a caller's client fails
// to authenticate. franz-go retries a produce whose connection failed so
// (the partition's metadata cannot load), as it would a network failure,
// until the record's deadline: this hook is how the proxy learns that no
// retry can help.
type authWatch struct {
	p *ClientPool
	c *callerClient
}

// OnBrokerConnect implements kgo.HookBrokerConnect.
func (w authWatch) OnBrokerConnect(_ kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	if IsAuthentication(err) {
		w.p.authFailed(w.c, err)
	}
}

// authFailed ends c's leases' context with the caller's 401 and takes c
// out of its place; it closes when nobody holds it.
func (p *ClientPool) authFailed(c *callerClient, err error) {
	c.lose(Translate(err))
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.state != placed {
		return // still logging in (the login answers), or gone already
	}
	p.lru.Remove(c.key)
	p.signalFreed()
	if c.refs > 0 {
		c.state = failed
		p.failing[c] = struct{}{}
		return
	}
	c.state = closed
	p.closeLater(c)
}

// closeLater closes c on a goroutine of its own: the hooks and record
// callbacks that let go of a client run on the client's own goroutines,
// which its Close waits for. Called with mu held.
func (p *ClientPool) closeLater(c *callerClient) {
	p.closers.Add(1)
	go func() {
		defer p.closers.Done()
		c.cl.Close()
	}()
}

// signalFreed wakes whoever waits for a place. Called with mu held.
func (p *ClientPool) signalFreed() {
	close(p.freed)
	p.freed = make(chan struct{})
}

func (p *ClientPool) release(c *callerClient) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.refs--
	c.lastUsed = time.Now()
	if c.refs > 0 {
		return
	}
	switch c.state {
	case placed:
		p.signalFreed()
	case failed:
		delete(p.failing, c)
		c.state = closed
		p.closeLater(c)
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
			c.state = closed
			idle = append(idle, c)
		}
	}
	return idle
}

// Live reports how many callers' clients hold a place.
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
		for c := range p.failing {
			all = append(all, c)
		}
		for _, c := range all {
			c.state = closed
		}
		p.lru.Purge()
		clear(p.failing)
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
	p.closers.Wait()
	p.shared.Producer.Close()
	p.shared.Admin.Close()
	return errors.Join(dedupe(errs)...)
}
