package actors

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// member is the actor of one group stream: it owns the stream's franz-go
// group client. Records it answers are not marked for commit until the
// stream says they were written, and the client blocks rebalances from a
// poll until then, so a partition the group takes away is committed
// exactly after the last record written, never past one that was not.
type member struct {
	s    *Streams
	opts StreamOptions
	base []kgo.Opt

	cl     *kgo.Client
	closed bool
	// resumed says Resume was applied (or can no longer be).
	resumed bool
	// joined is closed once the group first gave the member its
	// partitions (none, maybe).
	joined     chan struct{}
	joinedOnce sync.Once
	// done is closed once the member closed.
	done chan struct{}
}

func (m *member) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		ctx.SetReceiveTimeout(m.s.cfg.MaxDuration + time.Minute) // a request that never closed its stream
	case *actor.ReceiveTimeout:
		ctx.Poison(ctx.Self())
	case *streamCall:
		m.call(ctx, msg)
	case *actor.Stopping, *actor.Restarting:
		m.close()
	}
}

// call runs one call; a panic (a bug) answers 500 and closes the stream.
func (m *member) call(ctx actor.Context, c *streamCall) {
	defer func() {
		if r := recover(); r != nil {
			c.reply <- callResult{err: apierr.Wrap(fmt.Errorf("panic in group stream of %s: %v", m.opts.Group, r), apierr.CodeInternal, "Internal Server Error")}
			m.s.log.Error("a group stream failed and is closed", "group", m.opts.Group, "panic", r)
			m.close()
			ctx.Poison(ctx.Self())
		}
	}()
	if m.closed {
		c.reply <- callResult{err: errStreamClosed()}
		return
	}
	v, err := c.fn(c.ctx, m)
	c.reply <- callResult{v, err}
}

// start creates the member's client: it joins the group at once.
func (m *member) start() error {
	cfg := m.s.cfg
	// franz-go holds at most one fetch per broker it has not handed out:
	// bounding a fetch bounds what a stalled reader makes the proxy hold.
	opts := append([]kgo.Opt{kgo.FetchMaxBytes(cfg.BufferBytes), kgo.FetchMaxPartitionBytes(cfg.BufferBytes)}, m.base...)
	opts = append(opts, kgo.ConsumerGroup(m.opts.Group), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.BlockRebalanceOnPoll(), kgo.AutoCommitMarks(), kgo.AutoCommitInterval(cfg.CommitInterval),
		kgo.OnPartitionsRevoked(m.revoked),
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) { m.joinedOnce.Do(func() { close(m.joined) }) }),
		kgo.AdjustFetchOffsetsFn(m.adjust))
	if len(m.opts.Topics) > 0 {
		opts = append(opts, kgo.ConsumeTopics(m.opts.Topics...))
	} else {
		opts = append(opts, kgo.ConsumeTopics(m.opts.Pattern), kgo.ConsumeRegex())
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("creating the consumer of a stream of group %s: %w", m.opts.Group, err)
	}
	m.cl = cl
	return nil
}

// adjust starts the partition of Resume right after the record the client
// last got, the first time the group gives it to this member.
func (m *member) adjust(_ context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	r := m.opts.Resume
	if r == nil || m.resumed {
		return offsets, nil
	}
	if _, ok := offsets[r.Topic][r.Partition]; ok {
		offsets[r.Topic][r.Partition] = kgo.NewOffset().At(r.Offset + 1).WithEpoch(-1)
		m.resumed = true
	}
	return offsets, nil
}

// streamCommitTimeout bounds the commit of what was written when
// partitions go away or the stream closes.
const streamCommitTimeout = 5 * time.Second

// revoked commits the records written before partitions go to another
// member or the stream closes.
func (m *member) revoked(ctx context.Context, cl *kgo.Client, _ map[string][]int32) {
	ctx, cancel := context.WithTimeout(ctx, streamCommitTimeout)
	defer cancel()
	if err := cl.CommitMarkedOffsets(ctx); err != nil && !errors.Is(err, context.Canceled) {
		m.s.log.Warn("a group stream could not commit what it wrote", "group", m.opts.Group, "err", err)
	}
}

// next polls for records, up to wait.
func (m *member) next(ctx context.Context, wait time.Duration) ([]ConsumedRecord, error) {
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	fs := m.cl.PollRecords(wctx, m.s.cfg.MaxRecords)
	if err := fetchError(fs); err != nil {
		m.cl.AllowRebalance()
		return nil, err
	}
	recs := fs.Records()
	if len(recs) == 0 {
		m.cl.AllowRebalance()
		return nil, nil
	}
	out := make([]ConsumedRecord, len(recs))
	for i, r := range recs {
		out[i] = consumed(r)
		out[i].LeaderEpoch = r.LeaderEpoch
	}
	return out, nil
}

// written marks the records written for commit and lets the group
// rebalance.
func (m *member) written(recs []ConsumedRecord) {
	for _, r := range recs {
		m.cl.MarkCommitRecords(&kgo.Record{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, LeaderEpoch: r.LeaderEpoch})
	}
	m.cl.AllowRebalance()
}

// close commits what was written and leaves the group; it gives the
// stream's places back.
func (m *member) close() {
	if m.closed {
		return
	}
	m.closed = true
	defer close(m.done)
	if m.cl != nil {
		m.cl.AllowRebalance()
		m.cl.Close() // revokes, so commits what was written, and leaves the group
	}
	m.s.left(m.opts.Group)
}
