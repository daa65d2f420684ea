package actors

import (
	"context"
	"fmt"
	"net/http"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// adminPool hands admin calls to idle workers. A worker runs one call at a
// time, so a slow call (a CreateTopics waiting on the controller) holds one
// worker and never delays calls that another worker can take.
type adminPool struct {
	size int
	idle chan *actor.PID // a worker is here exactly when it has no call
}

func newAdminPool(size int) *adminPool {
	return &adminPool{size: size, idle: make(chan *actor.PID, size)}
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
type adminSupervisor struct{ pool *adminPool }

func (s *adminSupervisor) Receive(c actor.Context) {
	if _, ok := c.Message().(*actor.Started); ok {
		for range s.pool.size {
			w := c.Spawn(actor.PropsFromProducer(func() actor.Actor { return &adminWorker{pool: s.pool} }))
			s.pool.idle <- w
		}
	}
}

type adminWorker struct{ pool *adminPool }

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
			m.reply <- callResult{err: &kafka.Error{
				Status: http.StatusInternalServerError, Code: http.StatusInternalServerError,
				Message: "Internal Server Error", Err: fmt.Errorf("panic in admin call: %v", r)}}
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

// adminDo runs fn on an idle admin worker, with the admin client of the
// caller of ctx, and waits for its result, or for ctx to end, whichever
// comes first.
func adminDo[T any](ctx context.Context, s *System, fn func(context.Context, *kafka.Admin) (T, error)) (T, error) {
	var zero T
	lease, err := s.clients.Acquire(ctx)
	if err != nil {
		return zero, err
	}
	var pid *actor.PID
	select {
	case pid = <-s.admin.idle:
	case <-ctx.Done():
		lease.Release()
		return zero, ctx.Err()
	}
	m := &adminCall{
		ctx:   ctx,
		lease: lease,
		fn:    func(ctx context.Context, a *kafka.Admin) (any, error) { return fn(ctx, a) },
		reply: make(chan callResult, 1),
	}
	s.sys.Root.Send(pid, m)
	return awaitReply[T](ctx, m.reply)
}

// Cluster describes the Kafka cluster.
func (s *System) Cluster(ctx context.Context) (kafka.ClusterInfo, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (kafka.ClusterInfo, error) { return a.Cluster(ctx) })
}

// ClusterID returns the id of the Kafka cluster. The caller's admin client
// asks the cluster once and keeps the answer, so this runs on the caller's
// goroutine rather than as an admin call: every v3 request, each produce
// included, checks its path's cluster id with it.
func (s *System) ClusterID(ctx context.Context) (string, error) {
	return withAdmin(ctx, s, func(a *kafka.Admin) (string, error) { return a.ClusterID(ctx) })
}

// withAdmin runs fn on the caller's goroutine with the admin client of the
// caller of ctx: for the Kafka calls of an actor that already waits in
// its own call, such as a consumer instance's.
func withAdmin[T any](ctx context.Context, s *System, fn func(*kafka.Admin) (T, error)) (T, error) {
	lease, err := s.clients.Acquire(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer lease.Release()
	return fn(lease.Admin)
}

// Identity returns how callers' credentials are passed through to Kafka.
func (s *System) Identity() kafka.IdentityConfig { return s.cfg.Kafka.Identity }

// IdentityClients reports how many callers' clients are open.
func (s *System) IdentityClients() int { return s.clients.Live() }
