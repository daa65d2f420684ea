package actors

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// ConsumersConfig bounds the v2 consumer instances.
type ConsumersConfig struct {
	// InstanceTimeout closes an instance nobody used for that long; it
	// leaves its group.
	InstanceTimeout time.Duration
	// RequestTimeout is how long a records read waits by default, and
	// RequestMaxBytes the most key and value bytes one read returns.
	RequestTimeout  time.Duration
	RequestMaxBytes int64
	// FetchMinBytes returns a read early once this many bytes are there
	// (-1: wait for the timeout), unless the instance says otherwise.
	FetchMinBytes int64
	// MaxInstances bounds the live instances; a create beyond is 429.
	MaxInstances int
	// ReadBudgetBytes bounds the record bytes of all reads in flight: a
	// read takes its max bytes from it once it has records, before it
	// gathers its answer, and gives them back once its answer is written,
	// so that concurrent reads cannot hold more than this between them.
	ReadBudgetBytes int64
}

// DefaultConsumersConfig returns the reference's defaults.
func DefaultConsumersConfig() ConsumersConfig {
	return ConsumersConfig{InstanceTimeout: 5 * time.Minute, RequestTimeout: time.Second,
		RequestMaxBytes: 64 << 20, FetchMinBytes: -1, MaxInstances: 10_000, ReadBudgetBytes: 128 << 20}
}

// ConsumerOptions are what a create request says of a new instance.
type ConsumerOptions struct {
	Group, Name string
	// Format is binary, json, avro, jsonschema or protobuf.
	Format string
	// AutoOffsetReset is earliest, latest or none ("" is latest).
	AutoOffsetReset string
	// AutoCommit commits what reads returned every few seconds (default
	// true, as in Kafka).
	AutoCommit bool
	// FetchMinBytes and RequestTimeout override the proxy's, when set
	// (FetchMinBytes 0 means unset, RequestTimeout 0 too).
	FetchMinBytes  int64
	RequestTimeout time.Duration
}

// ConsumedRecord is a record a read returns.
type ConsumedRecord struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []Header
	Timestamp time.Time
	// LogAppendTime says Timestamp is the broker's append time, not the
	// producer's create time.
	LogAppendTime bool
	// LeaderEpoch is the epoch of the leader that wrote the record, for
	// the group streams' commits.
	LeaderEpoch int32
}

// TopicPartitionOffset is an offset of a partition, with its metadata.
type TopicPartitionOffset struct {
	Topic     string
	Partition int32
	Offset    int64
	Metadata  string
}

// TopicPartition names a partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// errIllegalState is the reference's 409 40903.
func errIllegalState(format string, args ...any) error {
	return apierr.New(apierr.CodeIllegalState, "Illegal state: "+format, args...)
}

// ErrConsumerNotFound is the reference's 404 40403 for an unknown,
// deleted or expired instance.
func ErrConsumerNotFound() error {
	return apierr.New(apierr.CodeConsumerInstanceNotFound, "Consumer instance not found.")
}

// Consumers are the v2 consumer instances: one actor each, owning its
// franz-go client, in a registry keyed by group and instance name. Every
// call names its instance and runs on that actor; an instance another
// caller created is not found, as if it did not exist.
type Consumers struct {
	cfg         ConsumersConfig
	kafkaCfg    kafka.Config
	log         *slog.Logger
	spawner     spawner
	clients     *kafka.ClientPool
	readCredits *credits // the record bytes of v2 reads in flight
	admin       *AdminPool

	mu   sync.Mutex
	live map[consumerKey]*liveConsumer
	seq  int // actor names are numbered: group and instance names may hold '/'
}

func newConsumers(cfg ConsumersConfig, kcfg kafka.Config, log *slog.Logger, sp spawner, clients *kafka.ClientPool, admin *AdminPool) *Consumers {
	return &Consumers{cfg: cfg, kafkaCfg: kcfg, log: log, spawner: sp, clients: clients, admin: admin,
		readCredits: newCredits(1<<40, cfg.ReadBudgetBytes), live: make(map[consumerKey]*liveConsumer)}
}

type consumerKey struct{ group, name string }

// liveConsumer is a live instance, its format, and in identity
// pass-through mode the credentials it was created with: its client reads
// as that caller, so only a caller with the same credentials may use it.
// ready is closed once its actor was spawned (pid set); until then the
// entry holds the name, so that the registry's lock is never held across
// the spawn.
type liveConsumer struct {
	ready  chan struct{}
	pid    *actor.PID
	owner  kafka.Credentials
	format string
}

// consumerCall is a request to an instance: fn runs on the instance's
// goroutine with its state, and its answer goes back on reply.
type consumerCall struct {
	ctx   context.Context
	fn    func(ctx context.Context, c *consumerInstance) (any, error)
	reply chan callResult
}

// Create starts an instance; the same group and name twice is
// 409 40902. In identity pass-through mode the instance reads as the
// caller of ctx, and belongs to it.
func (s *Consumers) Create(ctx context.Context, o ConsumerOptions) error {
	opts, err := s.kafkaCfg.OptionsFor(ctx, kafka.RoleConsumer)
	if err != nil {
		return err
	}
	// The caller's login is checked first, as every other call's is: a
	// login Kafka refuses is 401 40101, not an instance that reads nothing.
	lease, err := s.clients.Acquire(ctx)
	if err != nil {
		return err
	}
	lease.Release()
	owner, _ := kafka.CredentialsFrom(ctx)
	key := consumerKey{o.Group, o.Name}
	s.mu.Lock()
	if _, ok := s.live[key]; ok {
		s.mu.Unlock()
		return apierr.New(apierr.CodeConsumerAlreadyExists, "Consumer with specified consumer ID already exists in the specified consumer group.")
	}
	if n := len(s.live); n >= s.cfg.MaxInstances {
		s.mu.Unlock()
		return apierr.New(apierr.CodeTooManyRequests, "Too many consumer instances: %d are open; delete some or let them expire.", n)
	}
	lc := &liveConsumer{ready: make(chan struct{}), owner: owner, format: o.Format}
	s.live[key] = lc
	s.seq++
	name := fmt.Sprintf("consumer-%d", s.seq)
	s.mu.Unlock()

	inst := &consumerInstance{s: s, key: key, opts: o, base: opts}
	pid, err := s.spawner.spawn(actor.PropsFromProducer(func() actor.Actor { return inst }), name)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(lc.ready)
	if err != nil {
		delete(s.live, key)
		return fmt.Errorf("starting consumer instance %s of group %s: %w", o.Name, o.Group, err)
	}
	lc.pid = pid
	return nil
}

// Delete closes an instance: it leaves its group at once.
func (s *Consumers) Delete(ctx context.Context, group, name string) error {
	_, err := consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (struct{}, error) {
		c.expire()
		return struct{}{}, nil
	})
	return err
}

// Subscribe subscribes an instance to topics, or to the topics matching
// pattern when topics is empty.
func (s *Consumers) Subscribe(ctx context.Context, group, name string, topics []string, pattern string) error {
	_, err := consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (struct{}, error) {
		return struct{}{}, c.subscribe(topics, pattern)
	})
	return err
}

// Subscription returns the topics an instance subscribed to.
func (s *Consumers) Subscription(ctx context.Context, group, name string) ([]string, error) {
	return consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) ([]string, error) {
		return slices.Clone(c.topics), nil
	})
}

// Unsubscribe ends an instance's subscription; it leaves its group.
func (s *Consumers) Unsubscribe(ctx context.Context, group, name string) error {
	_, err := consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (struct{}, error) {
		c.closeClient()
		c.topics, c.pattern = nil, ""
		return struct{}{}, nil
	})
	return err
}

// Assign gives an instance partitions to read directly, outside group
// membership; none ends the assignment.
func (s *Consumers) Assign(ctx context.Context, group, name string, partitions []TopicPartition) error {
	_, err := consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (struct{}, error) {
		return struct{}{}, c.assign(ctx, partitions)
	})
	return err
}

// Assignment returns an instance's partitions: its manual assignment, or
// what its group gave it.
func (s *Consumers) Assignment(ctx context.Context, group, name string) ([]TopicPartition, error) {
	return consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) ([]TopicPartition, error) {
		return c.assignment(), nil
	})
}

// Seek moves an instance's partitions: each offset is the next to read, -2
// the earliest, -1 the latest.
func (s *Consumers) Seek(ctx context.Context, group, name string, offsets []TopicPartitionOffset) error {
	_, err := consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (struct{}, error) {
		return struct{}{}, c.seek(ctx, offsets)
	})
	return err
}

// OffsetForTime is the first offset of a partition at or after a time, or
// its end when there is none. It runs in the admin pool, as the caller of
// ctx.
func (s *Consumers) OffsetForTime(ctx context.Context, topic string, partition int32, t time.Time) (int64, error) {
	return Admin(ctx, s.admin, func(ctx context.Context, a *kafka.Admin) (int64, error) {
		o, err := a.OffsetAt(ctx, topic, partition, t.UnixMilli())
		if err == nil && o < 0 {
			o, err = a.OffsetAt(ctx, topic, partition, -1)
		}
		return o, err
	})
}

// Format returns the format an instance was created with. It never
// changes, so the registry answers, without a call to the instance.
func (s *Consumers) Format(ctx context.Context, group, name string) (string, error) {
	lc, err := s.lookup(ctx, group, name)
	if err != nil {
		return "", err
	}
	return lc.format, nil
}

// Read is the answer of a records read: call Release once it is written.
type Read struct {
	Records []ConsumedRecord
	Release func()
}

// Decoder turns a record into what a read answers (its key and value as
// JSON, for the embedded formats). An error, the API's 408 40801 naming the
// record, means the record cannot be delivered: it stays where it is, with
// every later record of its partition.
type Decoder func(ctx context.Context, r ConsumedRecord) (ConsumedRecord, error)

// Read reads an instance's records as the reference does: it gathers them
// until the timeout (0: the instance's, else the proxy's), until the next
// would pass maxBytes (0: consumer.request.max.bytes), or until
// fetch.min.bytes are there. Records it could not return stay for the next
// read. A read waits for its share of the read budget within its timeout;
// one that gets none answers no records.
//
// Each record goes through decode (nil: records as they are) before the
// instance counts it as read. A partition whose next record does not
// decode stops on it, and its error is the answer of a read with nothing
// else to answer, and of every read that follows one answering records
// while a partition is stopped; seeking the partition moves it on. Other
// partitions go on meanwhile, and nothing commits past the record.
func (s *Consumers) Read(ctx context.Context, group, name string, timeout time.Duration, maxBytes int64, decode Decoder) (Read, error) {
	return consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (Read, error) {
		return c.read(ctx, timeout, maxBytes, decode)
	})
}

// Commit commits offsets for an instance's group: each the next to
// read (the caller passes the last it consumed, plus one). nil commits what
// reads returned.
func (s *Consumers) Commit(ctx context.Context, group, name string, offsets []TopicPartitionOffset) error {
	_, err := consumerDo(ctx, s, group, name, func(ctx context.Context, c *consumerInstance) (struct{}, error) {
		return struct{}{}, c.commit(ctx, offsets)
	})
	return err
}

// consumerDo runs fn on the instance's actor and waits for its answer, or
// for ctx. Another caller's instance is not found, as if it did not
// exist: the reference's answer, which tells nothing of other callers.
func consumerDo[T any](ctx context.Context, s *Consumers, group, name string, fn func(context.Context, *consumerInstance) (T, error)) (T, error) {
	var zero T
	m := &consumerCall{ctx: ctx, reply: make(chan callResult, 1),
		fn: func(ctx context.Context, c *consumerInstance) (any, error) { return fn(ctx, c) }}
	if _, err := s.lookup(ctx, group, name); err != nil {
		return zero, err
	}
	// Sends happen under the registry's lock, where removals happen too:
	// a call sent to an instance is queued before it stops, so it is
	// always answered.
	s.mu.Lock()
	lc, ok := s.live[consumerKey{group, name}]
	if ok && lc.pid != nil {
		s.spawner.root.Send(lc.pid, m)
	}
	s.mu.Unlock()
	if !ok || lc.pid == nil {
		return zero, ErrConsumerNotFound()
	}
	return awaitReply[T](ctx, m.reply)
}

// lookup finds the caller's instance, waiting for one still starting.
func (s *Consumers) lookup(ctx context.Context, group, name string) (*liveConsumer, error) {
	caller, _ := kafka.CredentialsFrom(ctx)
	s.mu.Lock()
	lc, ok := s.live[consumerKey{group, name}]
	s.mu.Unlock()
	if !ok || lc.owner != caller {
		return nil, ErrConsumerNotFound()
	}
	select {
	case <-lc.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if lc.pid == nil { // it could not start
		return nil, ErrConsumerNotFound()
	}
	return lc, nil
}

// withAdmin runs fn on the caller's goroutine with the admin client of the
// caller of ctx: for the Kafka calls of an instance, which already waits
// in its own call and so needs no worker of the pool.
func withAdmin[T any](ctx context.Context, s *Consumers, fn func(*kafka.Admin) (T, error)) (T, error) {
	lease, err := s.clients.Acquire(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	defer lease.Release()
	return fn(lease.Admin)
}

// Holds reports whether this proxy holds the instance, whoever created
// it: a call for it is answered here (404 for another caller).
func (s *Consumers) Holds(group, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.live[consumerKey{group, name}]
	return ok
}

// Live reports how many v2 consumer instances are open.
func (s *Consumers) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}
