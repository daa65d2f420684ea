package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// DefaultE2ERate is the records per second the end-to-end modes send
// unless told otherwise: a steady trickle, so that their latency is a
// reader's, not a queue's.
const DefaultE2ERate = 100

// e2eReady bounds how long the readers of an end-to-end mode may take to
// join their group and get every partition; e2eCatchUp is the least time
// they get to read what is left once the producer is done.
const (
	e2eReady   = time.Minute
	e2eCatchUp = 30 * time.Second
)

// e2e is one end-to-end run: the readers count what they saw against what
// the producer sent.
type e2e struct {
	r        *modeRun
	produced atomic.Int64
	sent     atomic.Bool // the producer is done: produced is final
	received atomic.Int64
	lastSeen atomic.Int64 // unix nanos of the last record read
	stop     chan struct{}
}

// seen records the latency of a record read now, from its stamped value.
func (e *e2e) seen(stamp time.Time, now time.Time) {
	e.r.st.ok(1, e.r.cfg.RecordSize, now.Sub(stamp))
	e.received.Add(1)
	e.lastSeen.Store(now.UnixNano())
}

// drained reports whether the readers have read all the producer sent,
// or nothing more came for drainIdle after it was done.
func (e *e2e) drained() bool {
	if !e.sent.Load() {
		return false
	}
	return e.received.Load() >= e.produced.Load() || time.Since(time.Unix(0, e.lastSeen.Load())) > drainIdle
}

// runV2E2E reads the end-to-end records with Instances v2 consumer
// instances polling in a loop, with fetch.min.bytes=1.
func runV2E2E(ctx context.Context, r *modeRun) error {
	n := r.cfg.instances()
	return runE2E(ctx, r, n, func(ctx context.Context, topic, group string, e *e2e) error {
		cl := httpClient(n)
		return perConnection(n, func(i int) error {
			inst := v2Instance{cl: cl, nodes: r.nodes, group: group, name: fmt.Sprint("bench-e2e-", i)}
			if err := inst.start(ctx, topic, "earliest", map[string]string{"fetch.min.bytes": "1"}); err != nil {
				return err
			}
			defer inst.stop(ctx)
			for {
				select {
				case <-e.stop:
					return nil
				default:
				}
				recs, err := inst.read(ctx)
				if err != nil {
					return err
				}
				now := time.Now()
				for _, rec := range recs {
					if rec.Value == "" {
						continue // the topic's warm-up (warmTopic)
					}
					at, err := stampOfBase64(rec.Value)
					if err != nil {
						return err
					}
					e.seen(at, now)
				}
			}
		})
	})
}

// runNativeE2E reads the end-to-end records with a franz-go group
// consumer.
func runNativeE2E(ctx context.Context, r *modeRun) error {
	return runE2E(ctx, r, 1, func(ctx context.Context, topic, group string, e *e2e) error {
		cl, err := kgo.NewClient(kgo.SeedBrokers(r.cfg.Bootstrap...), kgo.ConsumerGroup(group),
			kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit())
		if err != nil {
			return err
		}
		defer cl.Close()
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-e.stop:
				cancel()
			case <-pctx.Done():
			}
		}()
		for pctx.Err() == nil {
			fs := cl.PollFetches(pctx)
			now := time.Now()
			var bad error
			fs.EachRecord(func(rec *kgo.Record) {
				if len(rec.Value) == 0 {
					return // the topic's warm-up (warmTopic)
				}
				at, err := stampOf(rec.Value)
				if err != nil {
					bad = err
					return
				}
				e.seen(at, now)
			})
			if bad != nil {
				return bad
			}
		}
		return nil
	})
}

// runE2E runs an end-to-end mode on a topic of its own: it starts the
// readers (members of one group), waits until the group is stable with
// every partition assigned, then produces at the run's rate with a
// native producer, each value stamped with when it was due, and stops
// the readers once they read everything or nothing more comes.
func runE2E(ctx context.Context, r *modeRun, members int, readers func(ctx context.Context, topic, group string, e *e2e) error) error {
	if r.cfg.RecordSize < stampSize {
		return fmt.Errorf("the end-to-end modes need records of at least %d bytes for the send time", stampSize)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.cfg.Bootstrap...), kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	topic := r.topic + "-e2e"
	if err := createTopic(ctx, adm, r.cfg.Bootstrap, topic, r.cfg.Partitions); err != nil {
		return err
	}
	defer deleteTopic(ctx, adm, topic)

	e := &e2e{r: r, stop: make(chan struct{})}
	group := groupName("kafka-rest-bench-e2e")
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The wait for the group ends early when the readers fail.
	wctx, wcancel := context.WithCancel(ctx)
	defer wcancel()
	var readErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer wcancel()
		readErr = readers(rctx, topic, group, e)
	})
	stopReaders := func() {
		close(e.stop)
		wg.Wait()
	}

	if err := waitStable(wctx, adm, group, topic, members, r.cfg.Partitions, e2eReady); err != nil {
		cancel()
		stopReaders()
		if readErr != nil {
			return readErr
		}
		return err
	}
	// The clock starts once the readers are ready: the records/s are the
	// rate held, the latencies the readers'.
	r.st.restart()
	b := newBudget(r.cfg.Records, r.cfg.Duration, r.rate)
	var failed atomic.Int64
	for {
		i, n := b.take(1)
		if n == 0 {
			break
		}
		at, ok := b.wait(ctx, i, nil)
		if !ok {
			break
		}
		e.produced.Add(1)
		cl.Produce(ctx, r.w.stamped(topic, i, at), func(_ *kgo.Record, err error) {
			if err != nil {
				failed.Add(1)
			}
		})
	}
	ferr := cl.Flush(ctx)
	e.produced.Add(-failed.Load())
	if failed.Load() > 0 {
		r.st.fail(int(failed.Load()), 0)
	}
	e.lastSeen.Store(time.Now().UnixNano())
	e.sent.Store(true)
	// Readers that fall behind get as long again as the mode ran (at
	// least e2eCatchUp) to catch up; what they have not read by then
	// counts as lost.
	catchUp := time.After(max(r.st.since(), e2eCatchUp))
wait:
	for !e.drained() {
		select {
		case <-time.After(50 * time.Millisecond):
		case <-catchUp:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	if lost := e.produced.Load() - e.received.Load(); lost > 0 {
		r.st.fail(int(lost), 0) // produced, never read
	}
	stopReaders()
	return errors.Join(ferr, readErr)
}

// waitStable waits until group is stable with members members that share
// every one of the partitions of topic.
func waitStable(ctx context.Context, adm *kadm.Client, group, topic string, members int, partitions int32, bound time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	var last string
	for {
		gs, err := adm.DescribeGroups(ctx, group)
		if err == nil {
			g := gs[group]
			assigned := len(g.AssignedPartitions()[topic])
			last = fmt.Sprintf("state %q, %d of %d members, %d of %d partitions assigned", g.State, len(g.Members), members, assigned, partitions)
			if g.Err == nil && g.State == "Stable" && len(g.Members) == members && assigned == int(partitions) {
				return nil
			}
		} else {
			last = err.Error()
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("the readers' group %s was not ready within %v (%s)", group, bound, last)
		}
	}
}
