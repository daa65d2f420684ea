package actors

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// Producers is the produce path: one actor per live topic, started on the
// first record for it and stopped when idle or when too many topics are
// live; the credits that bound what is in flight, globally and per topic;
// and the produce rate limits. Start a session with NewStream.
type Producers struct {
	cfg     ProduceConfig
	root    *actor.RootContext
	spawner spawner
	clients *kafka.ClientPool
	metrics *telemetry.Metrics
	credits *credits // the global produce credit
	limiter *produceLimiter

	mu   sync.Mutex
	lru  *simplelru.LRU[string, *topicEntry]
	seq  int
	stop chan struct{}
	done sync.WaitGroup
}

// topicEntry is a live topic producer. ready is closed once its actor was
// spawned (pid set) or could not be (err set); until then the entry holds
// the topic's place in the registry, so that concurrent first records of a
// topic start one actor, and the registry's lock is never held across the
// spawn.
type topicEntry struct {
	ready    chan struct{}
	pid      *actor.PID
	err      error
	credits  *credits
	lastUsed time.Time
	evicted  bool // set, under the registry's lock, when it is stopped
}

func newProducers(cfg ProduceConfig, root *actor.RootContext, sp spawner, clients *kafka.ClientPool, m *telemetry.Metrics) (*Producers, error) {
	p := &Producers{cfg: cfg, root: root, spawner: sp, clients: clients, metrics: m,
		credits: newCredits(cfg.GlobalRecords, cfg.GlobalBytes),
		limiter: newProduceLimiter(cfg.Limits),
		stop:    make(chan struct{})}
	lru, err := simplelru.NewLRU(cfg.MaxTopics, func(_ string, e *topicEntry) {
		// Called under the registry's lock: queued records are produced
		// before the producer stops. One still starting is stopped when
		// its spawn returns.
		e.evicted = true
		if e.pid != nil {
			root.Poison(e.pid)
		}
	})
	if err != nil {
		return nil, err
	}
	p.lru = lru
	p.done.Add(1)
	go p.janitor()
	return p, nil
}

// janitor stops producers idle for longer than IdleTimeout.
func (p *Producers) janitor() {
	defer p.done.Done()
	t := time.NewTicker(max(p.cfg.IdleTimeout/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.stopIdle(time.Now().Add(-p.cfg.IdleTimeout))
		}
	}
}

// close stops the janitor; the actors stop with the supervisor tree.
func (p *Producers) close() {
	close(p.stop)
	p.done.Wait()
}

// Allow takes one record of size bytes (its JSON) from the produce rate
// limits of cluster and of the proxy; over a limit, it returns the
// reference's 429 error.
func (p *Producers) Allow(cluster string, size int) error {
	return p.limiter.allow(cluster, size)
}

// entry returns topic's live producer, starting one if needed.
func (p *Producers) entry(ctx context.Context, topic string) (*topicEntry, error) {
	p.mu.Lock()
	e, ok := p.lru.Get(topic)
	if ok {
		e.lastUsed = time.Now()
		p.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return e, e.err
	}
	e = &topicEntry{ready: make(chan struct{}), credits: newCredits(p.cfg.TopicRecords, p.cfg.TopicBytes), lastUsed: time.Now()}
	p.seq++
	// A name of its own: a stopped producer of the same topic may still
	// be finishing its queue.
	name := fmt.Sprintf("%s#%d", topic, p.seq)
	p.lru.Add(topic, e)
	p.mu.Unlock()

	props := actor.PropsFromProducer(func() actor.Actor { return newTopicProducer(topic) })
	pid, err := p.spawner.spawn(props, name)
	p.mu.Lock()
	e.pid, e.err = pid, err
	if err != nil {
		e.err = fmt.Errorf("starting the producer of topic %s: %w", topic, err)
		if cur, ok := p.lru.Peek(topic); ok && cur == e {
			p.lru.Remove(topic)
		}
	} else if e.evicted {
		p.root.Poison(pid)
	}
	close(e.ready)
	p.mu.Unlock()
	return e, e.err
}

// send sends m to e, or to topic's current producer if e was stopped
// meanwhile. The send happens under the registry's lock, where stops
// happen too: a message sent to a producer is queued before its stop, so
// it is always answered.
func (p *Producers) send(ctx context.Context, topic string, e *topicEntry, m *produceMsg) error {
	for {
		p.mu.Lock()
		if !e.evicted {
			p.root.Send(e.pid, m)
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		var err error
		if e, err = p.entry(ctx, topic); err != nil {
			return err
		}
	}
}

// stopIdle stops the producers last used before cutoff that have nothing
// in flight.
func (p *Producers) stopIdle(cutoff time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, topic := range p.lru.Keys() { // oldest first
		e, _ := p.lru.Peek(topic)
		if e.lastUsed.After(cutoff) {
			return
		}
		if r, _, w := e.credits.inUse(); r == 0 && w == 0 && e.pid != nil {
			p.lru.Remove(topic) // the eviction callback stops it
		}
	}
}

// Live reports how many topic producers are running.
func (p *Producers) Live() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lru.Len()
}

// Credits reports the global records and bytes in flight and the number
// of sessions waiting for credit.
func (p *Producers) Credits() (records, bytes int64, waiting int) {
	return p.credits.inUse()
}

// topicWaiters is how many produce sessions wait for a topic's credit,
// over every live topic.
func (p *Producers) topicWaiters() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, e := range p.lru.Values() {
		_, _, w := e.credits.inUse()
		n += w
	}
	return n
}
