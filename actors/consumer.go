package actors

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// consumerInstance is the actor of one v2 consumer instance: it owns the
// instance's franz-go group client, its subscription and the records read
// but not yet returned. Calls are served one at a time; a read waits
// inside its call, which is fine, as nothing else may use the instance
// meanwhile.
type consumerInstance struct {
	s    *Consumers
	key  consumerKey
	opts ConsumerOptions
	base []kgo.Opt

	cl      *kgo.Client
	topics  []string
	pattern string
	// assigned are the partitions of a manual assignment.
	assigned []TopicPartition
	// owned are the partitions the group gave a subscribed instance; the
	// client's rebalance callbacks change it, so it has its own lock.
	ownedMu sync.Mutex
	owned   map[TopicPartition]bool
	// leftover are records read from Kafka and not returned yet, in the
	// order franz-go gave them.
	leftover []*kgo.Record
	// stuck are the partitions stopped on a record that does not decode:
	// that record heads the partition's records in leftover, and franz-go
	// fetches no more of the partition until a seek moves it.
	stuck map[TopicPartition]bool
	// reportNext says the last read answered records while a partition
	// was stuck: the next read answers the stuck record's error, so that
	// busy partitions cannot hide it.
	reportNext bool
	// fetchErr is a fetch error met by a read that had records to answer:
	// the next read answers it.
	fetchErr error
	// returned is, per topic and partition, the offset after the last
	// record a read returned: what a commit without offsets commits.
	returned map[string]map[int32]kgo.EpochOffset
	expired  bool
}

func (c *consumerInstance) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		ctx.SetReceiveTimeout(c.s.cfg.InstanceTimeout)
	case *actor.ReceiveTimeout:
		c.expire()
		ctx.Poison(ctx.Self())
	case *consumerCall:
		c.call(ctx, m)
	case *actor.Stopping, *actor.Restarting:
		c.expire()
	}
}

// call runs one call. A panic (a bug) answers 500 at once and closes the
// instance: it leaves the registry, so later calls are 404 at once, and it
// stops itself after answering, 404, the calls already queued to it. A
// panic left to the supervisor would stop the actor with those calls
// unanswered.
func (c *consumerInstance) call(ctx actor.Context, m *consumerCall) {
	defer func() {
		if r := recover(); r != nil {
			m.reply <- callResult{err: apierr.Wrap(fmt.Errorf("panic in consumer instance %s: %v", c.key.name, r), apierr.CodeInternal, "Internal Server Error")}
			c.s.log.Error("a v2 consumer instance failed and is closed", "group", c.key.group, "instance", c.key.name, "panic", r)
			c.expire()
			ctx.Poison(ctx.Self())
		}
	}()
	if c.expired {
		m.reply <- callResult{err: ErrConsumerNotFound()}
		return
	}
	v, err := m.fn(m.ctx, c)
	m.reply <- callResult{v, err}
	if c.expired {
		ctx.Poison(ctx.Self())
	}
}

// expire takes the instance out of the registry and closes its client:
// later calls are 404. It is safe to call more than once.
func (c *consumerInstance) expire() {
	if c.expired {
		return
	}
	c.expired = true
	c.s.mu.Lock()
	delete(c.s.live, c.key)
	c.s.mu.Unlock()
	c.closeClient()
}

func (c *consumerInstance) closeClient() {
	if c.cl != nil {
		c.cl.Close() // leaves the group
		c.cl = nil
	}
	c.leftover = nil
	c.stuck = nil
	c.reportNext = false
	c.fetchErr = nil
	c.returned = nil
	c.assigned = nil
	c.ownedMu.Lock()
	c.owned = nil
	c.ownedMu.Unlock()
}

// clientOptions are the options every client of the instance starts from.
func (c *consumerInstance) clientOptions() []kgo.Opt {
	// franz-go buffers up to FetchMaxBytes per broker for each client (50
	// MiB by default): with thousands of instances that is the proxy's
	// memory. Instances start from smaller bounds; consumer.* keys in
	// c.base, applied after, still override them.
	return append([]kgo.Opt{kgo.FetchMaxBytes(4 << 20), kgo.FetchMaxPartitionBytes(1 << 20)}, c.base...)
}

// resetOffset is where a partition with no committed offset starts.
func (c *consumerInstance) resetOffset() kgo.Offset {
	switch c.opts.AutoOffsetReset {
	case "earliest":
		return kgo.NewOffset().AtStart()
	case "none":
		return kgo.NoResetOffset()
	}
	return kgo.NewOffset().AtEnd()
}

func (c *consumerInstance) subscribe(topics []string, pattern string) error {
	if len(topics) == 0 && pattern == "" {
		return nil // the reference's no-op
	}
	if len(c.assigned) > 0 {
		return errIllegalState("Subscription to topics, partitions and pattern are mutually exclusive")
	}
	if len(topics) == 0 {
		if _, err := regexp.Compile(pattern); err != nil {
			return apierr.New(apierr.CodeBadRequest, "Bad Request: invalid topic_pattern %q: %v", pattern, err)
		}
	}
	opts := append(c.clientOptions(), kgo.ConsumerGroup(c.key.group), kgo.ConsumeResetOffset(c.resetOffset()),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { c.own(ps, true) }),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, ps map[string][]int32) { c.revoked(ctx, cl, ps) }),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, ps map[string][]int32) { c.own(ps, false) }))
	if c.opts.AutoCommit {
		// Auto-commit only what reads returned, never records read from
		// Kafka but still waiting here for the next read.
		opts = append(opts, kgo.AutoCommitMarks())
	} else {
		opts = append(opts, kgo.DisableAutoCommit())
	}
	if len(topics) > 0 {
		opts = append(opts, kgo.ConsumeTopics(topics...))
	} else {
		opts = append(opts, kgo.ConsumeTopics(pattern), kgo.ConsumeRegex())
	}
	// The old client goes first: the new one joins its group as it is
	// created, and its assignment callback must not be undone by closing
	// the old one after.
	c.closeClient()
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return fmt.Errorf("creating the consumer of instance %s: %w", c.key.name, err)
	}
	c.cl, c.topics, c.pattern = cl, slices.Clone(topics), pattern
	return nil
}

// revokeCommitTimeout bounds the commit of a revoke: a rebalance, a
// delete or an expiry does not wait on a cluster that cannot be reached
// for longer than this.
const revokeCommitTimeout = 5 * time.Second

// revoked is called by franz-go when the group takes partitions away, and
// when the client closes. With auto-commit it commits what reads returned,
// as the default franz-go replaces here would have, and as Kafka's Java
// consumer does on close: only records delivered are marked.
func (c *consumerInstance) revoked(ctx context.Context, cl *kgo.Client, ps map[string][]int32) {
	if c.opts.AutoCommit {
		ctx, cancel := context.WithTimeout(ctx, revokeCommitTimeout)
		defer cancel()
		if err := cl.CommitMarkedOffsets(ctx); err != nil {
			c.s.log.Warn("a v2 consumer instance could not commit what it returned", "group", c.key.group, "instance", c.key.name, "err", err)
		}
	}
	c.own(ps, false)
}

// own records the group's changes to the instance's partitions; franz-go
// calls it from its own goroutine.
func (c *consumerInstance) own(ps map[string][]int32, owned bool) {
	c.ownedMu.Lock()
	defer c.ownedMu.Unlock()
	if c.owned == nil {
		c.owned = make(map[TopicPartition]bool)
	}
	for t, parts := range ps {
		for _, p := range parts {
			if owned {
				c.owned[TopicPartition{t, p}] = true
			} else {
				delete(c.owned, TopicPartition{t, p})
			}
		}
	}
}

// assignment returns the instance's partitions, sorted.
func (c *consumerInstance) assignment() []TopicPartition {
	if c.assigned != nil {
		return slices.Clone(c.assigned)
	}
	c.ownedMu.Lock()
	out := make([]TopicPartition, 0, len(c.owned))
	for tp := range c.owned {
		out = append(out, tp)
	}
	c.ownedMu.Unlock()
	slices.SortFunc(out, func(a, b TopicPartition) int {
		if a.Topic != b.Topic {
			return strings.Compare(a.Topic, b.Topic)
		}
		return int(a.Partition - b.Partition)
	})
	return out
}

// assign consumes partitions directly, outside any group membership: each
// starts at the group's committed offset, else where auto.offset.reset
// says. No partitions ends the assignment.
func (c *consumerInstance) assign(ctx context.Context, partitions []TopicPartition) error {
	if len(c.topics) > 0 || c.pattern != "" {
		return errIllegalState("Subscription to topics, partitions and pattern are mutually exclusive")
	}
	if len(partitions) == 0 {
		c.closeClient()
		return nil
	}
	asked := make([]kafka.CommittedOffset, len(partitions))
	for i, p := range partitions {
		asked[i] = kafka.CommittedOffset{Topic: p.Topic, Partition: p.Partition}
	}
	committed, err := withAdmin(ctx, c.s, func(a *kafka.Admin) ([]kafka.CommittedOffset, error) {
		return a.CommittedOffsets(ctx, c.key.group, asked)
	})
	if err != nil {
		return err
	}
	start := make(map[string]map[int32]kgo.Offset)
	for _, p := range partitions {
		if start[p.Topic] == nil {
			start[p.Topic] = make(map[int32]kgo.Offset)
		}
		start[p.Topic][p.Partition] = c.resetOffset()
	}
	for _, o := range committed {
		start[o.Topic][o.Partition] = kgo.NewOffset().At(o.Offset)
	}
	c.closeClient()
	cl, err := kgo.NewClient(append(c.clientOptions(), kgo.ConsumePartitions(start))...)
	if err != nil {
		return fmt.Errorf("creating the consumer of instance %s: %w", c.key.name, err)
	}
	c.cl, c.assigned = cl, slices.Clone(partitions)
	return nil
}

// seek moves partitions of the instance to offsets: -2 is the earliest,
// -1 the latest, anything else that offset. Every partition must be the
// instance's.
func (c *consumerInstance) seek(ctx context.Context, offsets []TopicPartitionOffset) error {
	if c.cl == nil {
		return errIllegalState("Consumer is not subscribed to any topics or assigned any partitions")
	}
	mine := make(map[TopicPartition]bool)
	for _, tp := range c.assignment() {
		mine[tp] = true
	}
	set := make(map[string]map[int32]kgo.EpochOffset)
	for _, o := range offsets {
		if !mine[TopicPartition{o.Topic, o.Partition}] {
			return errIllegalState("No current assignment for partition %s-%d", o.Topic, o.Partition)
		}
		at := o.Offset
		if at < 0 {
			var err error
			if at, err = withAdmin(ctx, c.s, func(a *kafka.Admin) (int64, error) { return a.OffsetAt(ctx, o.Topic, o.Partition, at) }); err != nil {
				return err
			}
		}
		if set[o.Topic] == nil {
			set[o.Topic] = make(map[int32]kgo.EpochOffset)
		}
		set[o.Topic][o.Partition] = kgo.EpochOffset{Epoch: -1, Offset: at}
	}
	c.cl.SetOffsets(set)
	// Records already read from the moved partitions are not the ones
	// the client asked for any more, and a partition stopped on a record
	// that does not decode goes on from where it was moved to.
	c.forget(func(tp TopicPartition) bool { _, moved := set[tp.Topic][tp.Partition]; return moved })
	return nil
}

// forget drops what the instance holds of the partitions drop says: the
// records read but not returned, and their stop on a record that does not
// decode.
func (c *consumerInstance) forget(drop func(TopicPartition) bool) {
	c.leftover = slices.DeleteFunc(c.leftover, func(r *kgo.Record) bool { return drop(TopicPartition{r.Topic, r.Partition}) })
	for tp := range c.stuck {
		if drop(tp) {
			c.unstick(tp)
		}
	}
}

// forgetRevoked drops what the instance holds of partitions its group took
// away: another member reads them now, from the group's committed offset,
// and a stop on one of them could never be moved on here.
func (c *consumerInstance) forgetRevoked() {
	if c.assigned != nil {
		return
	}
	c.ownedMu.Lock()
	owned := maps.Clone(c.owned)
	c.ownedMu.Unlock()
	c.forget(func(tp TopicPartition) bool { return !owned[tp] })
}

// stick stops a partition on the record that heads it in leftover: franz-go
// fetches no more of it, so that what the instance holds stays bounded.
func (c *consumerInstance) stick(tp TopicPartition) {
	if c.stuck == nil {
		c.stuck = make(map[TopicPartition]bool)
	}
	c.stuck[tp] = true
	c.cl.PauseFetchPartitions(map[string][]int32{tp.Topic: {tp.Partition}})
}

func (c *consumerInstance) unstick(tp TopicPartition) {
	delete(c.stuck, tp)
	c.cl.ResumeFetchPartitions(map[string][]int32{tp.Topic: {tp.Partition}})
}

func (c *consumerInstance) read(ctx context.Context, timeout time.Duration, maxBytes int64, decode Decoder) (Read, error) {
	none := Read{Release: func() {}}
	if c.cl == nil {
		return none, apierr.New(apierr.CodeIllegalState, "Illegal state: Consumer is not subscribed to any topics or assigned any partitions")
	}
	if err := c.fetchErr; err != nil {
		c.fetchErr = nil
		return none, err
	}
	c.forgetRevoked()
	if c.reportNext && len(c.stuck) > 0 {
		c.reportNext = false
		if err := c.recheck(ctx, decode); err != nil {
			return none, err
		}
	}
	cfg := c.s.cfg
	limit := cfg.RequestTimeout
	if c.opts.RequestTimeout > 0 {
		limit = c.opts.RequestTimeout
	}
	if timeout > 0 && timeout < limit {
		limit = timeout
	}
	if maxBytes <= 0 || maxBytes > cfg.RequestMaxBytes {
		maxBytes = cfg.RequestMaxBytes
	}
	minBytes := cfg.FetchMinBytes
	if c.opts.FetchMinBytes != 0 {
		minBytes = c.opts.FetchMinBytes
	}
	wctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if len(c.leftover) == 0 {
		// Records first, the budget after: a read waiting for records
		// holds no share, so that idle polling instances do not keep busy
		// ones waiting for the budget. What a poll brings is franz-go's
		// memory already, bounded by the instance's fetch sizes.
		fs := c.cl.PollRecords(wctx, drainRecords)
		c.leftover = append(c.leftover, fs.Records()...)
		if err := fetchError(fs); err != nil {
			if len(c.leftover) == 0 {
				return none, err
			}
			c.fetchErr = err // the records first, the error next read
		}
		if len(c.leftover) == 0 {
			return none, nil // none within the read's time
		}
	}
	budget := c.s.readCredits
	if budget.take(wctx, 1, maxBytes) != nil {
		return none, nil // no share of the budget in time: nothing read
	}
	var once sync.Once
	release := func() { once.Do(func() { budget.give(1, maxBytes) }) }
	a := &answer{ctx: ctx, maxBytes: maxBytes, minBytes: minBytes, decode: decode}
	err := c.gather(wctx, a)
	if err != nil && len(a.recs) > 0 {
		// The records are answered (the instance counts them read), and
		// the error waits for the next read.
		c.fetchErr, err = err, nil
	}
	if err == nil && len(a.recs) == 0 && a.bad != nil {
		err = a.bad
	}
	if err != nil {
		release()
		return none, err
	}
	c.reportNext = len(c.stuck) > 0
	return Read{Records: a.recs, Release: release}, nil
}

// answer is a read's answer being gathered.
type answer struct {
	ctx                context.Context // the decoder's: the request's, not the read's deadline
	recs               []ConsumedRecord
	size               int64
	maxBytes, minBytes int64
	decode             Decoder
	// full: the answer takes no more records.
	full bool
	// enough: minBytes is reached, so the read waits for nothing more;
	// it still answers, up to maxBytes, whatever the instance already
	// holds, so that a polling client does not pay a round trip per
	// fetch.
	enough bool
	// failed are the partitions whose next record did not decode during
	// this read, bad the first such error, and met says one of them was
	// new: the read then answers what it has without waiting for more.
	failed map[TopicPartition]bool
	bad    error
	met    bool
}

// gather takes records from what was read before and from Kafka until the
// read's deadline, maxBytes or minBytes, or until a record that does not
// decode is met. Once minBytes is reached it waits no more, but still
// takes, up to maxBytes, what franz-go already buffered.
func (c *consumerInstance) gather(wctx context.Context, a *answer) error {
	drained := false
	for {
		took := len(a.recs)
		c.take(a)
		if a.full || a.met {
			return nil
		}
		pollCtx := wctx
		if a.enough {
			if drained && len(a.recs) == took {
				// What the last drain brought cannot be answered (a
				// stuck partition's): ask for no more.
				return nil
			}
			pollCtx, drained = nil, true // no wait: only what is buffered
		}
		fs := c.cl.PollRecords(pollCtx, drainRecords)
		// franz-go has moved past whatever a poll returns, even beside an
		// error or as the read's time runs out: it is kept, never dropped.
		c.leftover = append(c.leftover, fs.Records()...)
		if err := fetchError(fs); err != nil {
			c.take(a)
			return err
		}
		if drained && fs.NumRecords() == 0 {
			return nil // nothing more buffered
		}
		if wctx.Err() != nil {
			return nil // the read's time is up
		}
	}
}

// drainRecords bounds one poll: what a read cannot answer stays in
// leftover, so the instance holds at most this many records beyond
// franz-go's own buffer.
const drainRecords = 500

// take moves records from leftover into a, in order, until a is full. A
// record that does not decode stays, with every later record of its
// partition, and its partition stops; records of other partitions go on.
func (c *consumerInstance) take(a *answer) {
	kept := c.leftover[:0]
	for _, r := range c.leftover {
		tp := TopicPartition{r.Topic, r.Partition}
		if a.full || a.failed[tp] {
			kept = append(kept, r)
			continue
		}
		n := int64(len(r.Key) + len(r.Value))
		if a.size+n > a.maxBytes {
			a.full = true // the rest stays for the next read
			kept = append(kept, r)
			continue
		}
		rec := consumed(r)
		if a.decode != nil {
			var err error
			if rec, err = a.decode(a.ctx, rec); err != nil {
				if a.failed == nil {
					a.failed = make(map[TopicPartition]bool)
				}
				a.failed[tp] = true
				if a.bad == nil {
					a.bad = err
				}
				if !c.stuck[tp] {
					a.met = true
					c.stick(tp)
				}
				kept = append(kept, r)
				continue
			}
		}
		if c.stuck[tp] {
			c.unstick(tp) // it decodes now: its registry is back, say
		}
		c.returnedRecord(r)
		a.recs = append(a.recs, rec)
		a.size += n
		if a.minBytes > 0 && a.size >= a.minBytes {
			a.enough = true
		}
	}
	clear(c.leftover[len(kept):])
	c.leftover = kept
}

// recheck decodes again the record each stuck partition stopped on. The
// first that still fails is the read's answer; one that decodes now frees
// its partition.
func (c *consumerInstance) recheck(ctx context.Context, decode Decoder) error {
	seen := make(map[TopicPartition]bool)
	for _, r := range c.leftover {
		tp := TopicPartition{r.Topic, r.Partition}
		if !c.stuck[tp] || seen[tp] {
			continue
		}
		seen[tp] = true
		if decode != nil {
			if _, err := decode(ctx, consumed(r)); err != nil {
				return err
			}
		}
		c.unstick(tp)
	}
	return nil
}

// returnedRecord counts r as returned: auto-commit and a commit without
// offsets may now pass it.
func (c *consumerInstance) returnedRecord(r *kgo.Record) {
	if c.opts.AutoCommit {
		c.cl.MarkCommitRecords(r)
	}
	if c.returned == nil {
		c.returned = make(map[string]map[int32]kgo.EpochOffset)
	}
	if c.returned[r.Topic] == nil {
		c.returned[r.Topic] = make(map[int32]kgo.EpochOffset)
	}
	c.returned[r.Topic][r.Partition] = kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: r.Offset + 1}
}

// consumed is r as a read answers it, before decoding.
func consumed(r *kgo.Record) ConsumedRecord {
	return ConsumedRecord{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Key: r.Key, Value: r.Value, Headers: headersOf(r.Headers), Timestamp: r.Timestamp,
		LogAppendTime: logAppendTime(r)}
}

// fetchError is the first error of fs that is not the end of the read.
func fetchError(fs kgo.Fetches) error {
	for _, e := range fs.Errors() {
		if errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, context.Canceled) {
			continue
		}
		return e.Err
	}
	return nil
}

func (c *consumerInstance) commit(ctx context.Context, offsets []TopicPartitionOffset) error {
	if c.cl == nil {
		return apierr.New(apierr.CodeIllegalState, "Illegal state: Consumer is not subscribed to any topics or assigned any partitions")
	}
	m := c.returned
	if offsets != nil {
		m = make(map[string]map[int32]kgo.EpochOffset)
	}
	if c.assigned != nil {
		// Not a group member: commit as a simple consumer of the group.
		var out []kafka.CommittedOffset
		for _, o := range offsets {
			out = append(out, kafka.CommittedOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset, Metadata: o.Metadata})
		}
		if offsets == nil {
			for t, ps := range m {
				for p, eo := range ps {
					out = append(out, kafka.CommittedOffset{Topic: t, Partition: p, Offset: eo.Offset})
				}
			}
		}
		if len(out) == 0 {
			return nil
		}
		_, err := withAdmin(ctx, c.s, func(a *kafka.Admin) (struct{}, error) {
			return struct{}{}, a.CommitGroupOffsets(ctx, c.key.group, out)
		})
		return err
	}
	for _, o := range offsets {
		if m[o.Topic] == nil {
			m[o.Topic] = make(map[int32]kgo.EpochOffset)
		}
		m[o.Topic][o.Partition] = kgo.EpochOffset{Epoch: -1, Offset: o.Offset}
	}
	if len(m) == 0 {
		return nil
	}
	if member, gen := c.cl.GroupMetadata(); offsets != nil && member != "" {
		return c.commitWithMetadata(ctx, member, gen, offsets)
	}
	var err error
	c.cl.CommitOffsetsSync(ctx, m, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, cerr error) {
		err = cerr
		if err == nil {
			err = firstCommitError(resp)
		}
	})
	return err
}

// commitWithMetadata commits offsets as the group member the instance is,
// keeping each offset's metadata: franz-go's own commits write theirs.
func (c *consumerInstance) commitWithMetadata(ctx context.Context, member string, gen int32, offsets []TopicPartitionOffset) error {
	var names []string
	for _, o := range offsets {
		names = append(names, o.Topic)
	}
	// Newer versions of the request name topics by id, older ones by
	// name; the client picks the version, so both are given.
	ids, err := withAdmin(ctx, c.s, func(a *kafka.Admin) (map[string][16]byte, error) { return a.TopicIDs(ctx, names...) })
	if err != nil {
		return err
	}
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group, req.MemberID, req.Generation = c.key.group, member, gen
	idx := make(map[string]int)
	for _, o := range offsets {
		i, ok := idx[o.Topic]
		if !ok {
			t := kmsg.NewOffsetCommitRequestTopic()
			t.Topic, t.TopicID = o.Topic, ids[o.Topic]
			req.Topics = append(req.Topics, t)
			i = len(req.Topics) - 1
			idx[o.Topic] = i
		}
		p := kmsg.NewOffsetCommitRequestTopicPartition()
		p.Partition, p.Offset, p.LeaderEpoch = o.Partition, o.Offset, -1
		p.Metadata = kmsg.StringPtr(o.Metadata)
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, p)
	}
	resp, err := req.RequestWith(ctx, c.cl)
	if err != nil {
		return err
	}
	return firstCommitError(resp)
}

// firstCommitError is the first partition error of a commit's answer.
func firstCommitError(resp *kmsg.OffsetCommitResponse) error {
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return err
			}
		}
	}
	return nil
}
