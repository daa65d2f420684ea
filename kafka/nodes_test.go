package kafka

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func startNode(t *testing.T, bootstrap, id string, timeout time.Duration) *Nodes {
	t.Helper()
	n, err := StartNodes(context.Background(), Config{BootstrapServers: []string{bootstrap}},
		NodesConfig{ID: id, URL: "http://" + id + ":8082", Topic: "_nodes", HeartbeatInterval: timeout / 5, Timeout: timeout},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("starting node %s: %v", id, err)
	}
	return n
}

func liveIDs(n *Nodes) []string {
	var ids []string
	for _, nd := range n.Live() {
		ids = append(ids, nd.ID)
	}
	return ids
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// TestNodesSeeEachOtherAndLeave: nodes find each other through the topic,
// which is created compacted; a node that closes is gone at once, one that
// goes silent (a crash) once the timeout passes and not before, and a
// node restarted with the same id is a new incarnation.
func TestNodesSeeEachOtherAndLeave(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	addr := c.ListenAddrs()[0]
	const timeout = 1500 * time.Millisecond

	a := startNode(t, addr, "a", timeout)
	defer a.Close(context.Background())
	b := startNode(t, addr, "b", timeout)
	cn := startNode(t, addr, "c", timeout)
	waitFor(t, 5*time.Second, "a sees a, b, c", func() bool { return len(liveIDs(a)) == 3 })
	if nb, ok := a.Lookup("b"); !ok || nb.URL != "http://b:8082" {
		t.Fatalf("a's view of b: %+v %v", nb, ok)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cfgs, err := kadm.NewClient(cl).DescribeTopicConfigs(context.Background(), "_nodes")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := cfgs.On("_nodes", nil); err != nil {
		t.Fatal(err)
	} else if p := findConfig(v.Configs, "cleanup.policy"); p != "compact" {
		t.Fatalf("cleanup.policy of the nodes topic is %q, want compact", p)
	}

	// b leaves cleanly: its tombstone drops it well within the timeout.
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if d := waitFor(t, timeout, "a drops b, which left", func() bool { _, ok := a.Lookup("b"); return !ok }); d > timeout {
		t.Fatalf("b dropped after %s", d)
	}

	// c crashes: no tombstone. It stays for about the timeout, then goes.
	cn.stop()
	cn.done.Wait()
	cn.cl.Close()
	crashed := time.Now()
	if _, ok := a.Lookup("c"); !ok {
		t.Fatal("c was dropped at once, before its heartbeats could be missed")
	}
	waitFor(t, 2*timeout, "a drops c, which went silent", func() bool { _, ok := a.Lookup("c"); return !ok })
	if d := time.Since(crashed); d < timeout-timeout/5-100*time.Millisecond {
		t.Fatalf("c dropped %s after its last heartbeat could have been sent, before the timeout %s", d, timeout)
	}
	if got := liveIDs(a); len(got) != 1 || got[0] != "a" {
		t.Fatalf("a's view: %v, want only a", got)
	}

	// c restarts with the same id: a new incarnation.
	c2 := startNode(t, addr, "c", timeout)
	defer c2.Close(context.Background())
	waitFor(t, 5*time.Second, "a sees c again", func() bool { _, ok := a.Lookup("c"); return ok })
	if nc, _ := a.Lookup("c"); !nc.Started.Equal(time.UnixMilli(c2.started.UnixMilli())) {
		t.Fatalf("a sees c started at %s, want the new incarnation's %s", nc.Started, c2.started)
	}
}

func findConfig(cs []kadm.Config, name string) string {
	for _, c := range cs {
		if c.Key == name && c.Value != nil {
			return *c.Value
		}
	}
	return ""
}

// TestStartNodesRefusesBadConfig: the heartbeat must be shorter than the
// timeout, and a node needs an id and a URL.
func TestStartNodesRefusesBadConfig(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, cfg := range []NodesConfig{
		{URL: "http://x", Topic: "t", HeartbeatInterval: time.Second, Timeout: 5 * time.Second},
		{ID: "x", Topic: "t", HeartbeatInterval: time.Second, Timeout: 5 * time.Second},
		{ID: "x", URL: "http://x", Topic: "t", HeartbeatInterval: time.Second, Timeout: time.Second},
	} {
		if _, err := StartNodes(context.Background(), Config{BootstrapServers: []string{"127.0.0.1:1"}}, cfg, log); err == nil {
			t.Errorf("StartNodes(%+v) started", cfg)
		}
	}
}
