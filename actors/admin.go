package actors

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// AdminPool runs admin calls on a fixed number of worker actors. A worker
// runs one call at a time, so a slow call (a CreateTopics waiting on the
// controller) holds one worker and never delays calls another worker can
// take; callers beyond the pool's size wait for a free worker, as long as
// their context lets them.
//
// Every call runs with the admin client of its caller's lease (the proxy's
// own, or in identity pass-through mode the caller's): see Admin.
type AdminPool struct {
	send    func(pid *actor.PID, m any)
	clients *kafka.ClientPool
	size    int
	idle    chan *actor.PID // a worker is here exactly when it has no call
	// clusterID is the cluster's id once known: it never changes, and
	// every v3 request checks its path against it.
	clusterID atomic.Pointer[string]
}

func newAdminPool(size int, clients *kafka.ClientPool) *AdminPool {
	return &AdminPool{clients: clients, size: size, idle: make(chan *actor.PID, size)}
}

// Admin runs call on an idle worker of p with the admin client of ctx's
// caller, and returns its result, or ctx's error if ctx ends first. It is
// the one way the HTTP layer reaches Kafka's admin API: a handler says
// what to call, the pool bounds how many calls run at once.
func Admin[T any](ctx context.Context, p *AdminPool, call func(context.Context, *kafka.Admin) (T, error)) (T, error) {
	return adminWithin(ctx, p, nil, call)
}

// adminWithin is Admin whose wait for an idle worker also ends when
// busy does (nil: never), with errPoolBusy.
func adminWithin[T any](ctx context.Context, p *AdminPool, busy <-chan struct{}, call func(context.Context, *kafka.Admin) (T, error)) (T, error) {
	var zero T
	lease, err := p.clients.Acquire(ctx)
	if err != nil {
		return zero, err
	}
	var pid *actor.PID
	select {
	case pid = <-p.idle:
	case <-ctx.Done():
		lease.Release()
		return zero, ctx.Err()
	case <-busy:
		lease.Release()
		return zero, errPoolBusy
	}
	m := &adminCall{
		ctx:   ctx,
		lease: lease,
		fn:    func(ctx context.Context, a *kafka.Admin) (any, error) { return call(ctx, a) },
		reply: make(chan callResult, 1),
	}
	p.send(pid, m)
	return awaitReply[T](ctx, m.reply)
}

// busy is how many of the pool's workers are running a call (or not
// started yet).
func (p *AdminPool) busy() int { return p.size - len(p.idle) }

// errPoolBusy is adminWithin's answer when no worker came free in time.
var errPoolBusy = errors.New("no idle worker in time")

// Run is Admin for a call with no result.
func (p *AdminPool) Run(ctx context.Context, call func(context.Context, *kafka.Admin) error) error {
	_, err := Admin(ctx, p, func(ctx context.Context, a *kafka.Admin) (struct{}, error) { return struct{}{}, call(ctx, a) })
	return err
}

// Cluster describes the cluster: its id, controller and brokers.
func (p *AdminPool) Cluster(ctx context.Context) (kafka.ClusterInfo, error) {
	info, err := Admin(ctx, p, func(ctx context.Context, a *kafka.Admin) (kafka.ClusterInfo, error) { return a.Cluster(ctx) })
	if err == nil && info.ID != "" {
		p.clusterID.Store(&info.ID)
	}
	return info, err
}

// ClusterID returns the cluster's id. Only the first call asks Kafka (in
// the pool, as the caller of ctx); later calls read what it answered,
// without a round trip.
func (p *AdminPool) ClusterID(ctx context.Context) (string, error) {
	if id := p.clusterID.Load(); id != nil {
		return *id, nil
	}
	info, err := p.Cluster(ctx)
	return info.ID, err
}

// adminCall is the message a worker runs: fn with the caller's context
// and the admin client of the caller's lease, which the worker releases.
type adminCall struct {
	ctx   context.Context
	lease *kafka.Lease
	fn    func(context.Context, *kafka.Admin) (any, error)
	reply chan callResult
}

// callResult is the answer of a call to an actor.
type callResult struct {
	v   any
	err error
}

// awaitReply waits for a call's answer, or for ctx to end.
func awaitReply[T any](ctx context.Context, reply <-chan callResult) (T, error) {
	var zero T
	select {
	case r := <-reply:
		if r.err != nil {
			return zero, r.err
		}
		return r.v.(T), nil
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// adminSupervisor starts the pool's workers and restarts one that panics.
type adminSupervisor struct{ pool *AdminPool }

func (s *adminSupervisor) Receive(c actor.Context) {
	if _, ok := c.Message().(*actor.Started); ok {
		for range s.pool.size {
			w := c.Spawn(actor.PropsFromProducer(func() actor.Actor { return &adminWorker{pool: s.pool} }))
			s.pool.idle <- w
		}
	}
}

type adminWorker struct{ pool *AdminPool }

func (w *adminWorker) Receive(c actor.Context) {
	m, ok := c.Message().(*adminCall)
	if !ok {
		return
	}
	// Back to the idle list whatever happens, a panic included: the
	// restarted instance keeps this PID and mailbox.
	defer func() { w.pool.idle <- c.Self() }()
	w.run(m)
}

func (w *adminWorker) run(m *adminCall) {
	defer m.lease.Release()
	defer func() {
		if r := recover(); r != nil {
			m.reply <- callResult{err: apierr.Wrap(fmt.Errorf("panic in admin call: %v", r), apierr.CodeInternal, "Internal Server Error")}
			panic(r) // a bug: let the supervisor replace this worker
		}
	}()
	if err := m.ctx.Err(); err != nil {
		m.reply <- callResult{err: err}
		return
	}
	v, err := m.fn(m.ctx, m.lease.Admin)
	m.reply <- callResult{v, err}
}
