package actors

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// StreamsConfig bounds the v3 group streams.
type StreamsConfig struct {
	// MaxPerNode and MaxPerGroup bound the streams open on this proxy, in
	// all and of one group; one more is 429.
	MaxPerNode, MaxPerGroup int
	// MaxDuration is the longest a stream lives.
	MaxDuration time.Duration
	// BufferBytes bounds what a stream's client fetches ahead of what
	// was written: a reader that stops reading stops its own fetching.
	BufferBytes int32
	// CommitInterval is how often the records written are committed.
	CommitInterval time.Duration
	// MaxRecords is the most records one Next answers.
	MaxRecords int
}

// DefaultStreamsConfig returns the defaults of the consumer.v3.stream.* keys.
func DefaultStreamsConfig() StreamsConfig {
	return StreamsConfig{MaxPerNode: 1000, MaxPerGroup: 100, MaxDuration: 24 * time.Hour,
		BufferBytes: 1 << 20, CommitInterval: 5 * time.Second, MaxRecords: 500}
}

// StreamOptions are what a stream asks for.
type StreamOptions struct {
	Group string
	// Topics, or when empty the topics matching Pattern.
	Topics  []string
	Pattern string
	// Resume, when set, is the last record the client got (its
	// Last-Event-ID): if the group gives this member its partition, the
	// partition starts right after it, whatever the group committed.
	Resume *TopicPartitionOffset
}

// Streams are the v3 group streams: each open stream is one member of its
// consumer group, an actor owning its franz-go group client, with the
// isolated lifecycle of a v2 instance: it is closed, and leaves its group,
// when its request ends.
type Streams struct {
	cfg      StreamsConfig
	kafkaCfg kafka.Config
	log      *slog.Logger
	spawner  spawner
	clients  *kafka.ClientPool
	admin    *AdminPool

	// stopping ends when the proxy shuts down: every stream ends then,
	// committing what it wrote, and no new one opens.
	stopping context.Context
	stop     context.CancelFunc

	mu       sync.Mutex
	open     int
	perGroup map[string]int
	seq      int
}

func newStreams(cfg StreamsConfig, kcfg kafka.Config, log *slog.Logger, sp spawner, clients *kafka.ClientPool, admin *AdminPool) *Streams {
	stopping, stop := context.WithCancel(context.Background())
	return &Streams{cfg: cfg, kafkaCfg: kcfg, log: log, spawner: sp, clients: clients, admin: admin, perGroup: make(map[string]int),
		stopping: stopping, stop: stop}
}

// Stop ends every stream (each commits what it wrote and leaves its
// group) and refuses new ones: the proxy is shutting down. The requests
// of the streams then end within moments, not at the end of the grace
// period.
func (s *Streams) Stop() { s.stop() }

func errStopping() error {
	return apierr.New(apierr.CodeUnavailable, "The proxy is shutting down; reconnect to another node.")
}

// Stopping ends when Stop is called: a stream's request ends with it.
func (s *Streams) Stopping() context.Context { return s.stopping }

// Config returns the streams' bounds.
func (s *Streams) Config() StreamsConfig { return s.cfg }

// Open joins o.Group as a new member reading o's topics, as the caller of
// ctx. Beyond MaxPerNode or MaxPerGroup it is 429; a topic that does not
// exist is 404 40403, a pattern that is not a regular expression 400.
// Close the stream when its request ends.
func (s *Streams) Open(ctx context.Context, o StreamOptions) (*Stream, error) {
	if s.stopping.Err() != nil {
		return nil, errStopping()
	}
	if len(o.Topics) == 0 {
		if _, err := regexp.Compile(o.Pattern); err != nil {
			return nil, apierr.New(apierr.CodeBadRequest, "topic_pattern %q is not a regular expression: %v", o.Pattern, err)
		}
	}
	opts, err := s.kafkaCfg.OptionsFor(ctx, kafka.RoleConsumer)
	if err != nil {
		return nil, err
	}
	// The caller's login and its topics are checked as the caller, before
	// the stream takes a place: a stream that could read nothing is an
	// error now, not an empty stream.
	if len(o.Topics) > 0 {
		if err := s.admin.Run(ctx, func(ctx context.Context, a *kafka.Admin) error { return a.TopicsExist(ctx, o.Topics) }); err != nil {
			return nil, err
		}
	} else {
		lease, err := s.clients.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		lease.Release()
	}
	s.mu.Lock()
	switch {
	case s.stopping.Err() != nil:
		s.mu.Unlock()
		return nil, errStopping()
	case s.open >= s.cfg.MaxPerNode:
		s.mu.Unlock()
		return nil, apierr.New(apierr.CodeTooManyRequests, "Too many group streams: %d are open on this node (consumer.v3.stream.max.per.node); retry later.", s.open)
	case s.perGroup[o.Group] >= s.cfg.MaxPerGroup:
		n := s.perGroup[o.Group]
		s.mu.Unlock()
		return nil, apierr.New(apierr.CodeTooManyRequests, "Too many group streams of consumer group %s: %d are open on this node (consumer.v3.stream.max.per.group); retry later.", o.Group, n)
	}
	s.open++
	s.perGroup[o.Group]++
	s.seq++
	name := fmt.Sprintf("stream-%d", s.seq)
	s.mu.Unlock()

	m := &member{s: s, opts: o, base: opts, joined: make(chan struct{}), done: make(chan struct{})}
	if err := m.start(); err != nil {
		s.left(o.Group)
		return nil, err
	}
	// The stream answers once it is a member of the group, so that a
	// record produced after that is one it reads: for a while at most,
	// after which the stream goes on joining as it reads.
	jctx, cancel := context.WithTimeout(ctx, joinWait)
	select {
	case <-m.joined:
	case <-jctx.Done():
	}
	cancel()
	if err := ctx.Err(); err != nil {
		m.close()
		return nil, err
	}
	pid, err := s.spawner.spawn(actor.PropsFromProducer(func() actor.Actor { return m }), name)
	if err != nil {
		m.close() // gives its places back
		return nil, fmt.Errorf("starting a stream of group %s: %w", o.Group, err)
	}
	return &Stream{s: s, pid: pid, group: o.Group, done: m.done}, nil
}

// joinWait bounds how long Open waits for the group to take the stream in.
const joinWait = 30 * time.Second

// left gives back a closed stream's places.
func (s *Streams) left(group string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open--
	if s.perGroup[group]--; s.perGroup[group] <= 0 {
		delete(s.perGroup, group)
	}
}

// Live reports how many streams are open.
func (s *Streams) Live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// Stream is one open group stream, for the request that opened it.
type Stream struct {
	s     *Streams
	pid   *actor.PID
	group string
	once  sync.Once
	// done is closed when the stream's actor closed: a call then is
	// answered at once, never left waiting for an actor that is gone.
	done <-chan struct{}
}

// streamCall is a call to a stream's actor: fn runs on its goroutine.
type streamCall struct {
	ctx   context.Context
	fn    func(ctx context.Context, m *member) (any, error)
	reply chan callResult
}

func streamDo[T any](ctx context.Context, st *Stream, fn func(context.Context, *member) (T, error)) (T, error) {
	c := &streamCall{ctx: ctx, reply: make(chan callResult, 1),
		fn: func(ctx context.Context, m *member) (any, error) { return fn(ctx, m) }}
	st.s.spawner.root.Send(st.pid, c)
	var zero T
	select {
	case r := <-c.reply:
		if r.err != nil {
			return zero, r.err
		}
		return r.v.(T), nil
	case <-st.done:
		select {
		case r := <-c.reply: // answered as it closed
			if r.err != nil {
				return zero, r.err
			}
			return r.v.(T), nil
		default:
			return zero, errStreamClosed()
		}
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// errStreamClosed answers a call to a stream whose actor closed (the
// proxy shuts down, or the stream failed).
func errStreamClosed() error {
	return apierr.New(apierr.CodeUnavailable, "The stream is closed; reconnect.")
}

// Next waits up to wait for the stream's next records (none when the wait
// ends first). Until Written is called for them the group does not
// rebalance this member: what it was given is written before another
// member may take its partitions.
func (st *Stream) Next(ctx context.Context, wait time.Duration) ([]ConsumedRecord, error) {
	return streamDo(ctx, st, func(ctx context.Context, m *member) ([]ConsumedRecord, error) { return m.next(ctx, wait) })
}

// Written says which of the records Next answered were written to the
// client, in order (a prefix of them): only those are committed. It lets
// the group rebalance again.
func (st *Stream) Written(ctx context.Context, recs []ConsumedRecord) error {
	_, err := streamDo(ctx, st, func(ctx context.Context, m *member) (struct{}, error) { m.written(recs); return struct{}{}, nil })
	return err
}

// Close commits what was written and leaves the group, in the background;
// later calls do nothing.
func (st *Stream) Close() {
	st.once.Do(func() {
		st.s.spawner.root.Poison(st.pid)
	})
}
