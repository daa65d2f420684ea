package actors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// Config configures the actor system.
type Config struct {
	// Kafka is how every actor's client reaches the cluster.
	Kafka kafka.Config
	// AdminPoolSize is how many admin calls may run at once; further calls
	// wait for a free worker (bounded by their context).
	AdminPoolSize int
	// Produce bounds the produce path.
	Produce ProduceConfig
	// Consumers bounds the v2 consumer instances.
	Consumers ConsumersConfig
	// Fetch bounds the v3 partition reads.
	Fetch FetchConfig
	// Streams bounds the v3 group streams.
	Streams StreamsConfig
	// Metrics receives the proxy's metrics; nil means a set of its own.
	// Kafka.Hooks, when unset, becomes its franz-go hooks.
	Metrics *telemetry.Metrics
}

// DefaultConfig returns the defaults for everything but Kafka.
func DefaultConfig() Config {
	return Config{AdminPoolSize: 8, Produce: DefaultProduceConfig(), Consumers: DefaultConsumersConfig(),
		Fetch: DefaultFetchConfig(), Streams: DefaultStreamsConfig()}
}

// System is the running actor system: a root supervisor with one subtree
// for each of what actors own, the admin pool, the topic producers and
// the v2 consumer instances. Handlers are given the one they use.
type System struct {
	cfg  Config
	log  *slog.Logger
	sys  *actor.ActorSystem
	root *actor.PID
	// clients are the shared clients, and the callers' own in identity
	// pass-through mode; every Kafka call leases its clients from here.
	clients *kafka.ClientPool

	admin     *AdminPool
	producers *Producers
	consumers *Consumers
	readers   *Readers
	streams   *Streams

	metrics   *telemetry.Metrics
	readiness readiness
}

// tree holds the PIDs of the root's children.
type tree struct {
	admin, producers, consumers *actor.PID
}

// New starts the actor system. It does not contact Kafka: the first request
// that needs the cluster does.
func New(cfg Config, log *slog.Logger) (*System, error) {
	if cfg.AdminPoolSize < 1 {
		return nil, fmt.Errorf("actors: AdminPoolSize must be at least 1, got %d", cfg.AdminPoolSize)
	}
	if cfg.Fetch.Workers < 1 || cfg.Fetch.MaxBytes < 1 {
		return nil, fmt.Errorf("actors: Fetch needs 1 or more Workers and MaxBytes, got %+v", cfg.Fetch)
	}
	if st := cfg.Streams; st.MaxPerNode < 1 || st.MaxPerGroup < 1 || st.MaxDuration <= 0 || st.BufferBytes < 1 || st.CommitInterval <= 0 || st.MaxRecords < 1 {
		return nil, fmt.Errorf("actors: Streams needs positive bounds, got %+v", st)
	}
	if err := cfg.Produce.validate(); err != nil {
		return nil, err
	}
	if cfg.Metrics == nil {
		cfg.Metrics = telemetry.New(telemetry.DefaultConfig())
	}
	if cfg.Kafka.Hooks == nil {
		cfg.Kafka.Hooks = kafka.NewClientMetrics(cfg.Metrics).Hooks
	}
	// The client may buffer more than the credits allow in flight, so
	// that handing it a record never fails for want of room.
	clients, err := kafka.NewClientPool(cfg.Kafka,
		kgo.MaxBufferedRecords(int(cfg.Produce.GlobalRecords)+1024),
		kgo.MaxBufferedBytes(int(2*cfg.Produce.GlobalBytes)+(1<<20)))
	if err != nil {
		return nil, err
	}
	sys := actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return slog.New(quietHandler{log.Handler()}).With("component", "actors")
		}),
		actor.WithDeadLetterRequestLogging(false),
	)
	s := &System{cfg: cfg, log: log, sys: sys, clients: clients, metrics: cfg.Metrics,
		readiness: readiness{sem: make(chan struct{}, 1)}}
	s.admin = newAdminPool(cfg.AdminPoolSize, clients)
	s.admin.send = sys.Root.Send
	readerPool := newAdminPool(cfg.Fetch.Workers, clients)
	readerPool.send = sys.Root.Send
	closeClients := func() { _ = clients.Close(context.Background()) }

	ready := make(chan tree, 1)
	props := actor.PropsFromProducer(func() actor.Actor { return &rootActor{pool: s.admin, readers: readerPool, ready: ready} },
		actor.WithSupervisor(stopOnFailure()))
	root, err := sys.Root.SpawnNamed(props, "kafka-rest")
	if err != nil {
		closeClients()
		return nil, fmt.Errorf("actors: starting the root supervisor: %w", err)
	}
	s.root = root
	var t tree
	select {
	case t = <-ready:
	case <-time.After(10 * time.Second):
		closeClients()
		return nil, errors.New("actors: the supervisor tree did not start within 10s")
	}
	s.producers, err = newProducers(cfg.Produce, sys.Root, spawner{sys.Root, t.producers}, clients, cfg.Metrics)
	if err != nil {
		closeClients()
		return nil, err
	}
	s.consumers = newConsumers(cfg.Consumers, cfg.Kafka, log, spawner{sys.Root, t.consumers}, clients, s.admin)
	s.readers = &Readers{cfg: cfg.Fetch, pool: readerPool, budget: s.consumers.readCredits}
	s.streams = newStreams(cfg.Streams, cfg.Kafka, log, spawner{sys.Root, t.consumers}, clients, s.admin)
	s.registerGauges()
	return s, nil
}

// Admin is the admin pool: see the Admin function.
func (s *System) Admin() *AdminPool { return s.admin }

// Producers are the topic producers.
func (s *System) Producers() *Producers { return s.producers }

// Consumers are the v2 consumer instances.
func (s *System) Consumers() *Consumers { return s.consumers }

// Readers serve the v3 partition reads.
func (s *System) Readers() *Readers { return s.readers }

// Streams are the v3 group streams.
func (s *System) Streams() *Streams { return s.streams }

// Metrics returns the proxy's metrics, for the HTTP layer to count
// requests and serve them.
func (s *System) Metrics() *telemetry.Metrics { return s.metrics }

// Identity returns how callers' credentials are passed through to Kafka.
func (s *System) Identity() kafka.IdentityConfig { return s.cfg.Kafka.Identity }

// IdentityClients reports how many callers' clients are open.
func (s *System) IdentityClients() int { return s.clients.Live() }

// Shutdown stops every actor, children first, after the messages already
// queued to them, waits for Kafka to answer the records handed to it, then
// closes the Kafka clients. ctx bounds the wait.
func (s *System) Shutdown(ctx context.Context) error {
	s.streams.Stop()
	s.producers.close()
	done := make(chan error, 1)
	go func() { done <- s.sys.Root.PoisonFuture(s.root).Wait() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = fmt.Errorf("actors: shutdown did not finish: %w", ctx.Err())
	}
	if cerr := s.clients.Close(ctx); cerr != nil && err == nil {
		err = fmt.Errorf("actors: %w", cerr)
	}
	s.sys.Shutdown()
	return err
}

// rootActor is the root supervisor. It starts the three subtrees and
// stops them, children first, when it is stopped.
type rootActor struct {
	pool, readers *AdminPool
	ready         chan<- tree
}

func (r *rootActor) Receive(c actor.Context) {
	if _, ok := c.Message().(*actor.Started); !ok {
		return
	}
	var t tree
	// Admin workers are stateless: a panic restarts the one that failed.
	t.admin = c.Spawn(actor.PropsFromProducer(func() actor.Actor { return &adminSupervisor{pool: r.pool} },
		actor.WithSupervisor(actor.NewOneForOneStrategy(10, 10*time.Second, actor.DefaultDecider))))
	// Readers are admin workers of their own pool: a read that waits at
	// the end of a log never holds a worker admin calls need.
	c.Spawn(actor.PropsFromProducer(func() actor.Actor { return &adminSupervisor{pool: r.readers} },
		actor.WithSupervisor(actor.NewOneForOneStrategy(10, 10*time.Second, actor.DefaultDecider))))
	// Producers and consumers are spawned on demand below these.
	t.producers = c.Spawn(actor.PropsFromProducer(newSupervisor,
		actor.WithSupervisor(actor.NewOneForOneStrategy(10, 10*time.Second, actor.DefaultDecider))))
	t.consumers = c.Spawn(actor.PropsFromProducer(newSupervisor, actor.WithSupervisor(stopOnFailure())))
	r.ready <- t
}

// stopOnFailure stops a child that panicked instead of restarting it: its
// state (a Kafka client, positions) cannot be trusted after a panic.
func stopOnFailure() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(0, 0, func(any) actor.Directive { return actor.StopDirective })
}

// supervisor is a parent that spawns children on request.
type supervisor struct{}

func newSupervisor() actor.Actor { return supervisor{} }

// spawnChild asks a supervisor to spawn a child.
type spawnChild struct {
	props *actor.Props
	name  string
	reply chan spawned
}

type spawned struct {
	pid *actor.PID
	err error
}

func (supervisor) Receive(c actor.Context) {
	if m, ok := c.Message().(*spawnChild); ok {
		pid, err := c.SpawnNamed(m.props, m.name)
		m.reply <- spawned{pid, err}
	}
}

// spawner spawns children of one supervisor.
type spawner struct {
	root   *actor.RootContext
	parent *actor.PID
}

// spawn asks the supervisor for a new child named name and waits for it.
// It takes no context on purpose: the supervisor answers at once, and a
// caller that stopped waiting would leave a child nobody knows of.
func (sp spawner) spawn(props *actor.Props, name string) (*actor.PID, error) {
	m := &spawnChild{props: props, name: name, reply: make(chan spawned, 1)}
	sp.root.Send(sp.parent, m)
	r := <-m.reply
	return r.pid, r.err
}
