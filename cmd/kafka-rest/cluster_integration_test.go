//go:build integration

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// clusterProc is a node of the cluster under test: the built binary,
// run as a process of its own.
type clusterProc struct {
	id, url string
	cmd     *exec.Cmd
	log     *bytes.Buffer
	dead    atomic.Bool
}

// roundRobin sends every call to the next live node, as a plain
// round-robin balancer that drops a node once it is dead.
type roundRobin struct {
	nodes []*clusterProc
	n     atomic.Uint64
	cl    *http.Client
}

func (rr *roundRobin) next() *clusterProc {
	for {
		p := rr.nodes[(rr.n.Add(1)-1)%uint64(len(rr.nodes))]
		if !p.dead.Load() {
			return p
		}
	}
}

// call sends one request to node p and returns its status and body.
func (rr *roundRobin) call(ctx context.Context, p *clusterProc, method, path, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.url+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.kafka.v2+json")
	}
	req.Header.Set("Accept", "application/vnd.kafka.binary.v2+json, application/vnd.kafka.v2+json")
	res, err := rr.cl.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s on %s: %w", method, path, p.id, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// must is call on the next node, expecting status.
func (rr *roundRobin) must(ctx context.Context, method, path, body string, status int) ([]byte, *clusterProc, error) {
	p := rr.next()
	st, b, err := rr.call(ctx, p, method, path, body)
	if err != nil {
		return nil, p, err
	}
	if st != status {
		return b, p, fmt.Errorf("%s %s through %s: %d %s, want %d", method, path, p.id, st, b, status)
	}
	return b, p, nil
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// clusterInstance is a v2 consumer instance of the test and what it read.
type clusterInstance struct {
	base, holder string
	// committed are the records (partition, offset) it read and then
	// committed: its committed range, which it must never read again.
	committed map[[2]int64]bool
	read      int
}

// TestClusterThreeNodesSIGKILL runs three nodes of the built binary on the
// real broker. A client sends every call to the next node and runs the
// whole v2 consumer lifecycle for many instances at once (half named by
// the proxy, half by the client); then one node is killed with SIGKILL.
// Its instances answer 404 40403 through the others within the heartbeat
// timeout; the other instances go on and, between them, read every record;
// no instance reads a record again within its committed range; the
// group's committed offsets in Kafka reach the end of every partition.
// Last, a node stopped with SIGTERM is dropped by the other at once.
func TestClusterThreeNodesSIGKILL(t *testing.T) {
	bootstrap := os.Getenv("TEST_KAFKA_BOOTSTRAP")
	if bootstrap == "" {
		t.Fatal("TEST_KAFKA_BOOTSTRAP is not set: run the integration tier with make test-integration, which starts the broker")
	}
	bin := filepath.Join(t.TempDir(), "kafka-rest")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("building kafka-rest: %v\n%s", err, out)
	}
	suffix := make([]byte, 5)
	rand.Read(suffix)
	run := hex.EncodeToString(suffix)
	topic, group, nodesTopic := "cluster-"+run, "cluster-group-"+run, "_kafka-rest-nodes-"+run
	const partitions, perPartition, instances = 12, 40, 12
	const heartbeatTimeout = 3 * time.Second

	kc, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	adm := kadm.NewClient(kc)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := adm.CreateTopic(ctx, partitions, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	defer adm.DeleteTopics(context.Background(), topic, nodesTopic)
	var recs []*kgo.Record
	for p := range int32(partitions) {
		for i := range perPartition {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: []byte(fmt.Sprint(p, "-", i))})
		}
	}
	pc, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	pc.Close()

	var procs []*clusterProc
	for i := range 3 {
		port := freePort(t)
		p := &clusterProc{id: fmt.Sprintf("kafka-rest-%d-%s", i, run), url: fmt.Sprintf("http://127.0.0.1:%d", port), log: &bytes.Buffer{}}
		p.cmd = exec.Command(bin)
		p.cmd.Env = append(os.Environ(),
			"KAFKA_REST_BOOTSTRAP_SERVERS="+bootstrap,
			"KAFKA_REST_LISTENERS="+p.url,
			"KAFKA_REST_ID="+p.id,
			"KAFKA_REST_CLUSTER_ENABLE=true",
			"KAFKA_REST_CLUSTER_NODE_URL="+p.url,
			"KAFKA_REST_CLUSTER_TOPIC="+nodesTopic,
			"KAFKA_REST_CLUSTER_HEARTBEAT_INTERVAL_MS=300",
			fmt.Sprint("KAFKA_REST_CLUSTER_HEARTBEAT_TIMEOUT_MS=", heartbeatTimeout.Milliseconds()),
			// The killed node's members leave the group after this.
			"KAFKA_REST_CONSUMER_SESSION_TIMEOUT_MS=6000",
			"KAFKA_REST_CONSUMER_HEARTBEAT_INTERVAL_MS=1000",
			"KAFKA_REST_USE_CUSTOM_REQUEST_LOGGING=false",
		)
		p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	t.Cleanup(func() {
		for _, p := range procs {
			if !p.dead.Load() {
				p.cmd.Process.Signal(syscall.SIGTERM)
			}
			p.cmd.Wait() // a second Wait only returns an error
			if t.Failed() {
				t.Logf("log of %s:\n%s", p.id, p.log)
			}
		}
	})
	rr := &roundRobin{nodes: procs, cl: &http.Client{Timeout: 20 * time.Second}}
	deadline := time.Now().Add(30 * time.Second)
	for _, p := range procs {
		for {
			st, b, err := rr.call(ctx, p, "GET", "/metrics", "")
			if err == nil && st == 200 && strings.Contains(string(b), "\nkafka_rest_cluster_nodes 3\n") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s does not see three nodes: %v %d", p.id, err, st)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Create and subscribe every instance, each call on the next node.
	insts := make([]*clusterInstance, instances)
	for i := range insts {
		body := `{"format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`
		if i%2 == 1 {
			body = fmt.Sprintf(`{"name":"named-%d","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`, i)
		}
		b, p, err := rr.must(ctx, "POST", "/consumers/"+group, body, 200)
		if err != nil {
			t.Fatal(err)
		}
		var created struct {
			InstanceID string `json:"instance_id"`
			BaseURI    string `json:"base_uri"`
		}
		if err := json.Unmarshal(b, &created); err != nil {
			t.Fatal(err)
		}
		path := "/consumers/" + group + "/instances/" + created.InstanceID
		if created.BaseURI != p.url+path {
			t.Fatalf("base_uri %s, want the called node's %s", created.BaseURI, p.url+path)
		}
		insts[i] = &clusterInstance{base: path, holder: p.id, committed: map[[2]int64]bool{}}
		if _, _, err := rr.must(ctx, "POST", path+"/subscription", `{"topics":["`+topic+`"]}`, 204); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex // guards every instance's committed and the union
	union := map[[2]int64]bool{}
	var dupes []string
	// readOnce reads an instance's records through the next node, commits
	// them through the next, and moves its position to where it is
	// through the next (a seek that changes nothing).
	readOnce := func(in *clusterInstance) (int, error) {
		b, _, err := rr.must(ctx, "GET", in.base+"/records?timeout=500&max_bytes=4096", "", 200)
		if err != nil {
			return 0, err
		}
		var got []struct {
			Partition int32 `json:"partition"`
			Offset    int64 `json:"offset"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			return 0, fmt.Errorf("records answer %s: %w", b, err)
		}
		next := map[int32]int64{}
		mu.Lock()
		for _, r := range got {
			k := [2]int64{int64(r.Partition), r.Offset}
			if in.committed[k] {
				dupes = append(dupes, fmt.Sprintf("%s read %d-%d again after committing it", in.base, r.Partition, r.Offset))
			}
			union[k] = true
			next[r.Partition] = r.Offset + 1
		}
		in.read += len(got)
		mu.Unlock()
		if len(got) == 0 {
			return 0, nil
		}
		if _, _, err := rr.must(ctx, "POST", in.base+"/offsets", "", 200); err != nil {
			return 0, err
		}
		mu.Lock()
		for _, r := range got {
			in.committed[[2]int64{int64(r.Partition), r.Offset}] = true
		}
		mu.Unlock()
		var offs []string
		for p, o := range next {
			offs = append(offs, fmt.Sprintf(`{"topic":%q,"partition":%d,"offset":%d}`, topic, p, o))
		}
		p := rr.next()
		st, body, err := rr.call(ctx, p, "POST", in.base+"/positions", `{"offsets":[`+strings.Join(offs, ",")+`]}`)
		// A partition the group moved away meanwhile is 409 40903.
		if err != nil || (st != 204 && !(st == 409 && strings.Contains(string(body), "40903"))) {
			return 0, fmt.Errorf("seek through %s: %d %s %v", p.id, st, body, err)
		}
		return len(got), nil
	}
	readAll := func(which []*clusterInstance, until func() bool) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, len(which))
		for _, in := range which {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !until() && ctx.Err() == nil {
					if _, err := readOnce(in); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	// Phase one: until a third of the records were read.
	readAll(insts, func() bool { mu.Lock(); defer mu.Unlock(); return len(union) >= partitions*perPartition/3 })

	// Kill the node that holds instances, with SIGKILL: no goodbye.
	victim := procs[1]
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.dead.Store(true)
	killed := time.Now()
	var lost, alive []*clusterInstance
	for _, in := range insts {
		if in.holder == victim.id {
			lost = append(lost, in)
		} else {
			alive = append(alive, in)
		}
	}
	if len(lost) == 0 || len(alive) == 0 {
		t.Fatalf("%d instances on the killed node, %d elsewhere: the round robin did not spread them", len(lost), len(alive))
	}
	// Its instances are 404 40403 through both other nodes within the
	// heartbeat timeout (and a margin for the check itself).
	for _, in := range lost {
		for _, p := range procs {
			if p.dead.Load() {
				continue
			}
			for {
				st, b, err := rr.call(ctx, p, "GET", in.base+"/subscription", "")
				if err == nil && st == 404 && strings.Contains(string(b), `"error_code":40403`) {
					break
				}
				if time.Since(killed) > heartbeatTimeout+2*time.Second {
					t.Fatalf("%s through %s %s after the kill: %d %s %v", in.base, p.id, time.Since(killed), st, b, err)
				}
				if err == nil && st != 503 && st != 404 {
					t.Fatalf("%s through %s before the timeout: %d %s, want 503 (unreachable) or 404", in.base, p.id, st, b)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	t.Logf("the killed node's %d instances were 404 40403 through every other node %s after the kill", len(lost), time.Since(killed).Round(time.Millisecond))

	// Phase two: the others go on, and between them read every record
	// (the group gives them the killed node's partitions after its
	// members' session timeout).
	readAll(alive, func() bool { mu.Lock(); defer mu.Unlock(); return len(union) == partitions*perPartition })
	if len(dupes) > 0 {
		t.Fatalf("records read twice within an instance: %v", dupes)
	}
	offs, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	for p := range int32(partitions) {
		if o, ok := offs.Lookup(topic, p); !ok || o.At != perPartition {
			t.Errorf("partition %d: committed %d in Kafka, want %d", p, o.At, perPartition)
		}
	}
	// Delete the rest, each through the next node; gone through all.
	for _, in := range alive {
		if _, _, err := rr.must(ctx, "DELETE", in.base, "", 204); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, _, err := rr.must(ctx, "GET", in.base+"/subscription", "", 404); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A node stopped with SIGTERM says goodbye: the last one drops it at
	// once, well before the heartbeat timeout would.
	leaving, last := procs[2], procs[0]
	if err := leaving.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	if err := leaving.cmd.Wait(); err != nil {
		t.Fatalf("%s exited with %v after SIGTERM", leaving.id, err)
	}
	leaving.dead.Store(true)
	for {
		st, b, err := rr.call(ctx, last, "GET", "/metrics", "")
		if err == nil && st == 200 && strings.Contains(string(b), "\nkafka_rest_cluster_nodes 1\n") {
			break
		}
		if time.Since(stopped) > heartbeatTimeout/2 {
			t.Fatalf("%s still counts %s %s after its SIGTERM: its goodbye was not seen", last.id, leaving.id, time.Since(stopped))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("%s dropped %s %s after its SIGTERM", last.id, leaving.id, time.Since(stopped).Round(time.Millisecond))
	for _, p := range procs {
		if p.dead.Load() {
			continue
		}
		st, b, err := rr.call(ctx, p, "GET", "/metrics", "")
		if err != nil || st != 200 || !strings.Contains(string(b), "\nkafka_rest_cluster_nodes 1\n") ||
			!strings.Contains(string(b), `kafka_rest_cluster_forwarded_requests_total{outcome="answered"}`) {
			t.Fatalf("%s metrics: %d %v, want 1 node and forwarded calls", p.id, st, err)
		}
	}
}
