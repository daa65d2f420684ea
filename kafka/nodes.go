package kafka

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// NodesConfig is what a node of a cluster of proxies says of itself, and
// how it watches the others.
type NodesConfig struct {
	// ID names the node; unique in the cluster, stable across restarts
	// (a Kubernetes pod name).
	ID string
	// URL is where the other nodes reach this one (http://host:port).
	URL string
	// Topic is the compacted topic the nodes announce themselves in; it is
	// created, with one partition, when missing.
	Topic string
	// HeartbeatInterval is how often a node announces itself again, and
	// Timeout how long after its last announcement a silent node is gone.
	HeartbeatInterval, Timeout time.Duration
}

// Node is a live node of the cluster.
type Node struct {
	ID, URL string
	// Started tells incarnations of one id apart: a node restarted with
	// the same id starts clean.
	Started time.Time
	// Seen is when it last announced itself.
	Seen time.Time
}

// announcement is a node's record in the topic, keyed by its id; a
// tombstone (no value) says it left.
type announcement struct {
	ID          string `json:"id"`
	URL         string `json:"url"`
	StartedMs   int64  `json:"started_ms"`
	HeartbeatMs int64  `json:"heartbeat_ms"`
}

// Nodes is this node's view of the cluster, kept from the nodes topic: it
// announces this node there every HeartbeatInterval and reads every
// announcement, its own included, from the start of the topic.
type Nodes struct {
	cfg     NodesConfig
	log     *slog.Logger
	cl      *kgo.Client
	started time.Time

	mu    sync.Mutex
	nodes map[string]Node

	stop context.CancelFunc
	done sync.WaitGroup
}

// StartNodes creates the nodes topic if missing, announces this node (a
// failure is the error: a node that cannot announce itself cannot be
// found), and keeps announcing and reading until Close. The client is the
// proxy's own (client.* and admin.* keys), never a caller's.
func StartNodes(ctx context.Context, kc Config, cfg NodesConfig, log *slog.Logger) (*Nodes, error) {
	if cfg.ID == "" || cfg.URL == "" || cfg.Topic == "" {
		return nil, errors.New("kafka: a cluster node needs an id, a URL and a topic")
	}
	if cfg.HeartbeatInterval <= 0 || cfg.Timeout <= cfg.HeartbeatInterval {
		return nil, fmt.Errorf("kafka: the heartbeat timeout (%s) must be longer than its interval (%s)", cfg.Timeout, cfg.HeartbeatInterval)
	}
	opts, err := kc.Options(RoleAdmin)
	if err != nil {
		return nil, err
	}
	opts = append(opts, kgo.ConsumeTopics(cfg.Topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DefaultProduceTopic(cfg.Topic), kgo.FetchMaxWait(cfg.HeartbeatInterval),
		// Announcements are tiny and ordered per key: one in flight at a
		// time keeps a tombstone after the last heartbeat.
		kgo.MaxProduceRequestsInflightPerBroker(1))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("kafka: the cluster nodes client: %w", err)
	}
	n := &Nodes{cfg: cfg, log: log, cl: cl, started: time.Now(), nodes: make(map[string]Node)}
	if err := n.createTopic(ctx); err != nil {
		cl.Close()
		return nil, err
	}
	if err := n.announce(ctx); err != nil {
		cl.Close()
		return nil, fmt.Errorf("kafka: announcing this node in %s: %w", cfg.Topic, err)
	}
	run, stop := context.WithCancel(context.Background())
	n.stop = stop
	n.done.Add(2)
	go n.heartbeats(run)
	go n.watch(run)
	return n, nil
}

// createTopic creates the compacted nodes topic; one that exists is fine.
func (n *Nodes) createTopic(ctx context.Context) error {
	compact := "compact"
	_, err := kadm.NewClient(n.cl).CreateTopic(ctx, 1, -1, map[string]*string{"cleanup.policy": &compact}, n.cfg.Topic)
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("kafka: creating the cluster nodes topic %s: %w", n.cfg.Topic, err)
	}
	return nil
}

func (n *Nodes) announce(ctx context.Context) error {
	now := time.Now()
	v, err := json.Marshal(announcement{ID: n.cfg.ID, URL: n.cfg.URL, StartedMs: n.started.UnixMilli(), HeartbeatMs: now.UnixMilli()})
	if err != nil {
		return err
	}
	return n.cl.ProduceSync(ctx, &kgo.Record{Key: []byte(n.cfg.ID), Value: v}).FirstErr()
}

// heartbeats announces this node every interval; a failed announcement is
// logged and the next one tries again: the others drop this node only
// after Timeout without one.
func (n *Nodes) heartbeats(ctx context.Context) {
	defer n.done.Done()
	t := time.NewTicker(n.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		actx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
		err := n.announce(actx)
		cancel()
		if err != nil && ctx.Err() == nil {
			n.log.Warn("cluster: announcing this node failed; the others drop it if this lasts", "topic", n.cfg.Topic, "timeout", n.cfg.Timeout, "error", err)
		}
	}
}

// watch reads every announcement into the view.
func (n *Nodes) watch(ctx context.Context) {
	defer n.done.Done()
	for {
		fs := n.cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return
		}
		fs.EachError(func(topic string, p int32, err error) {
			n.log.Warn("cluster: reading the nodes topic", "topic", topic, "partition", p, "error", err)
		})
		fs.EachRecord(func(r *kgo.Record) { n.apply(r, time.Now()) })
	}
}

// apply takes one record of the topic into the view. A node was seen at
// its heartbeat's time, but never later than now: an old announcement read
// at start-up is old, and a node whose clock runs ahead is not kept alive
// by it.
func (n *Nodes) apply(r *kgo.Record, now time.Time) {
	id := string(r.Key)
	n.mu.Lock()
	defer n.mu.Unlock()
	if r.Value == nil {
		delete(n.nodes, id)
		return
	}
	var a announcement
	if err := json.Unmarshal(r.Value, &a); err != nil || a.ID != id || a.URL == "" {
		n.log.Warn("cluster: ignoring an announcement that is not a node's", "topic", r.Topic, "offset", r.Offset, "key", id)
		return
	}
	seen := time.UnixMilli(a.HeartbeatMs)
	if seen.After(now) {
		seen = now
	}
	n.nodes[id] = Node{ID: id, URL: a.URL, Started: time.UnixMilli(a.StartedMs), Seen: seen}
}

// Self is this node.
func (n *Nodes) Self() Node {
	return Node{ID: n.cfg.ID, URL: n.cfg.URL, Started: n.started, Seen: time.Now()}
}

// Timeout is how long a silent node stays in the view.
func (n *Nodes) Timeout() time.Duration { return n.cfg.Timeout }

// Lookup returns the live node id: announced within Timeout and not left.
// This node is always live to itself.
func (n *Nodes) Lookup(id string) (Node, bool) {
	if id == n.cfg.ID {
		return n.Self(), true
	}
	n.mu.Lock()
	nd, ok := n.nodes[id]
	n.mu.Unlock()
	if !ok || time.Since(nd.Seen) > n.cfg.Timeout {
		return Node{}, false
	}
	return nd, true
}

// Live returns the live nodes, this one included, by id.
func (n *Nodes) Live() []Node {
	now := time.Now()
	out := []Node{n.Self()}
	n.mu.Lock()
	for id, nd := range n.nodes {
		if id != n.cfg.ID && now.Sub(nd.Seen) <= n.cfg.Timeout {
			out = append(out, nd)
		}
	}
	n.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Close stops announcing, says in the topic that this node left (a
// tombstone, so that the others drop it at once rather than after
// Timeout), and closes the client. ctx bounds the tombstone's write.
func (n *Nodes) Close(ctx context.Context) error {
	n.stop()
	n.done.Wait()
	err := n.cl.ProduceSync(ctx, &kgo.Record{Key: []byte(n.cfg.ID)}).FirstErr()
	n.cl.Close()
	if err != nil {
		return fmt.Errorf("kafka: saying this node left the cluster: %w", err)
	}
	return nil
}
