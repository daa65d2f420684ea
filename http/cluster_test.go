package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// clusterNode is a node of a cluster of proxies under test.
type clusterNode struct {
	*proxy
	id    string
	srv   *httptest.Server
	nodes *kafka.Nodes
}

// startClusterNodes starts n proxies as the nodes of one cluster on the
// cluster at bootstrap, each over real HTTP, and waits until each sees
// all. topic is their nodes topic, unique to the test on a shared broker.
func startClusterNodes(t *testing.T, bootstrap, topic string, n int, edit func(*http.Config)) []*clusterNode {
	t.Helper()
	return startClusterNodesTLS(t, bootstrap, topic, 0, n, edit, nil)
}

// startClusterNodesTLS is startClusterNodes over https with the stores of
// files, which the nodes also call each other with, for nodes from to
// from+n-1 (the first nodes of the cluster were started before).
func startClusterNodesTLS(t *testing.T, bootstrap, topic string, from, n int, edit func(*http.Config), files *guard.TLS) []*clusterNode {
	t.Helper()
	scheme := "http"
	if files != nil {
		scheme = "https"
	}
	if from == 0 { // registered first, so run last: once every node left
		cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			defer cl.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := kadm.NewClient(cl).DeleteTopic(ctx, topic); err != nil {
				t.Logf("deleting the nodes topic %s: %v", topic, err)
			}
		})
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out []*clusterNode
	for i := from; i < from+n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("kafka-rest-%d-x7f", i)
		nodes, err := kafka.StartNodes(context.Background(), kafka.Config{BootstrapServers: []string{bootstrap}},
			kafka.NodesConfig{ID: id, URL: scheme + "://" + ln.Addr().String(), Topic: topic,
				HeartbeatInterval: 200 * time.Millisecond, Timeout: 2 * time.Second}, log)
		if err != nil {
			t.Fatalf("starting node %s: %v", id, err)
		}
		cn := &clusterNode{id: id, nodes: nodes}
		cn.proxy = startProxyOn(t, bootstrap, func(c *http.Config) {
			c.ID = id
			c.Cluster = &rest.ClusterConfig{Nodes: nodes, MaxConnsPerNode: 8, OwnerCacheEntries: 100}
			if files != nil {
				c.Cluster.TLS = files.PeerConfig()
			}
			if edit != nil {
				edit(c)
			}
		}, nil, func(h nethttp.Handler) *httptest.Server {
			s := httptest.NewUnstartedServer(h)
			s.Listener.Close()
			s.Listener = ln
			if files != nil {
				s.TLS = files.Config()
				s.Config.ErrorLog = stdlog.New(io.Discard, "", 0)
				s.StartTLS()
			} else {
				s.Start()
			}
			cn.srv = s
			return s
		})
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			nodes.Close(ctx)
		})
		out = append(out, cn)
	}
	for _, cn := range out {
		eventually(t, cn.id+" sees every node", func() error {
			if got := len(cn.nodes.Live()); got != from+n {
				return fmt.Errorf("%d nodes live", got)
			}
			return nil
		})
	}
	return out
}

// metric is the value of a series in a node's /metrics, -1 if absent.
func metric(t *testing.T, p *proxy, series string) float64 {
	t.Helper()
	r := p.do(t, "GET", "/metrics", "")
	for _, line := range strings.Split(string(r.body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	return -1
}

// TestClusterInstanceThroughAnyNode: an instance created on one node is
// used through every node, each call on the next one, as behind a plain
// round-robin balancer: what it reads, commits and reports is what it
// would be on one node, and what it committed is in Kafka.
func TestClusterInstanceThroughAnyNode(t *testing.T) {
	bootstrap := target(t)
	ns := startClusterNodes(t, bootstrap, uniqueName(t, "_nodes"), 3, nil)
	a, b, c := ns[0], ns[1], ns[2]
	topic := uniqueName(t, "cluster")
	createTopic(t, a.proxy, topic, 1)
	group := uniqueName(t, "cgroup")
	ct := "Content-Type: " + v2CT

	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i := range 6 {
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: topic, Value: []byte(fmt.Sprint("v", i))}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	// A generated name holds the node's id, and base_uri names the node
	// the client called.
	r := a.do(t, "POST", "/consumers/"+group, `{"format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`, ct).expect(t, 200, v2CT)
	var created struct {
		InstanceID string `json:"instance_id"`
		BaseURI    string `json:"base_uri"`
	}
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(created.InstanceID, "rest-consumer-"+a.id+"-") {
		t.Fatalf("generated name %q does not hold node id %s", created.InstanceID, a.id)
	}
	base := "/consumers/" + group + "/instances/" + created.InstanceID
	if created.BaseURI != a.url+base {
		t.Fatalf("base_uri %s, want %s", created.BaseURI, a.url+base)
	}

	if r := b.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("subscribe through b: %d %s", r.status, r.body)
	}
	sameJSON(t, c.do(t, "GET", base+"/subscription", "").expect(t, 200, v2CT).body, `{"topics":["`+topic+`"]}`)
	var got []consumed
	rr := []*clusterNode{b, c, a}
	for i := 0; len(got) < 6; i++ {
		if i > 100 {
			t.Fatalf("read %d records through the nodes, want 6", len(got))
		}
		r := rr[i%3].do(t, "GET", base+"/records?timeout=300", "", "Accept: "+v2Binary).expect(t, 200, v2Binary)
		var page []consumed
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
	}
	for i, rec := range got {
		v, _ := base64.StdEncoding.DecodeString(strings.Trim(string(rec.Value), `"`))
		if rec.Offset != int64(i) || string(v) != fmt.Sprint("v", i) {
			t.Fatalf("record %d through the nodes: offset %d value %q", i, rec.Offset, v)
		}
	}
	c.do(t, "POST", base+"/offsets", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":3}]}`, ct).expect(t, 200, v2CT)
	sameJSON(t, b.do(t, "GET", base+"/offsets", `{"partitions":[{"topic":"`+topic+`","partition":0}]}`, ct).expect(t, 200, v2CT).body,
		`{"offsets":[{"topic":"`+topic+`","partition":0,"offset":4,"metadata":""}]}`)
	offs, err := a.admin.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := offs.Lookup(topic, 0); o.At != 4 {
		t.Fatalf("Kafka holds committed offset %d, want 4", o.At)
	}
	// Errors come back as the holder wrote them.
	c.do(t, "GET", base+"/records", "", "Accept: application/vnd.kafka.json.v2+json").
		expectError(t, 406, 40601, "The requested embedded data format does not match the deserializer for this consumer instance", "application/vnd.kafka.json.v2+json")
	b.do(t, "POST", base+"/positions", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":-1}]}`, ct).
		expectError(t, 400, 400, "Bad Request: offset -1 of "+topic+"-0 is negative", v2CT)
	b.do(t, "POST", base+"/positions", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":5}]}`, ct).expect(t, 204, "")
	r = c.do(t, "GET", base+"/records?timeout=2000", "", "Accept: "+v2Binary).expect(t, 200, v2Binary)
	var after []consumed
	if err := json.Unmarshal(r.body, &after); err != nil || len(after) != 1 || after[0].Offset != 5 {
		t.Fatalf("read after seeking to 5 through c: %s", r.body)
	}

	if got := metric(t, b.proxy, `kafka_rest_cluster_forwarded_requests_total{outcome="answered"}`); got < 3 {
		t.Fatalf("b forwarded %v calls, want at least 3", got)
	}
	if got := metric(t, a.proxy, `kafka_rest_cluster_forwarded_requests_total{outcome="answered"}`); got != -1 {
		t.Fatalf("a, which holds the instance, forwarded %v calls", got)
	}
	if got := metric(t, c.proxy, "kafka_rest_cluster_nodes"); got != 3 {
		t.Fatalf("c counts %v nodes, want 3", got)
	}

	if r := c.do(t, "DELETE", base, ""); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete through c: %d %s", r.status, r.body)
	}
	for _, n := range ns {
		n.do(t, "GET", base+"/records", "", "Accept: "+v2Binary).expectError(t, 404, 40403, "Consumer instance not found.", v2Binary)
	}
	if a.sys.Consumers().Live() != 0 {
		t.Fatal("a still holds the instance after its delete through c")
	}
}

// TestClusterClientNamedInstance: an instance its client named is found
// on whichever node holds it; the same name again on another node is
// 409, as on a single node; a call another node forwarded is answered
// where it lands and never forwarded again.
func TestClusterClientNamedInstance(t *testing.T) {
	bootstrap := target(t)
	ns := startClusterNodes(t, bootstrap, uniqueName(t, "_nodes"), 3, nil)
	a, b, c := ns[0], ns[1], ns[2]
	topic := uniqueName(t, "cluster")
	createTopic(t, a.proxy, topic, 1)
	group := uniqueName(t, "cgroup")
	ct := "Content-Type: " + v2CT

	r := b.do(t, "POST", "/consumers/"+group, `{"name":"mine","auto.offset.reset":"earliest"}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/mine"
	sameJSON(t, r.body, `{"instance_id":"mine","base_uri":"`+b.url+base+`"}`)
	for _, n := range []*clusterNode{a, c} {
		n.do(t, "POST", "/consumers/"+group, `{"name":"mine"}`, ct).
			expectError(t, 409, 40902, "Consumer with specified consumer ID already exists in the specified consumer group.", v2CT)
	}
	if b.sys.Consumers().Live() != 1 || a.sys.Consumers().Live()+c.sys.Consumers().Live() != 0 {
		t.Fatal("the instance is not on b alone")
	}
	for _, n := range ns {
		if r := n.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct); r.status != 204 {
			t.Fatalf("subscribe through %s: %d %s", n.id, r.status, r.body)
		}
	}
	sameJSON(t, c.do(t, "GET", base+"/subscription", "").expect(t, 200, v2CT).body, `{"topics":["`+topic+`"]}`)
	if got := metric(t, c.proxy, `kafka_rest_cluster_owner_searches_total{found="true"}`); got != 1 {
		t.Fatalf("c searched the nodes %v times with success, want once (then remembered)", got)
	}

	// A forwarded call is answered where it lands: no loop, no search.
	_, r, err := a.send("GET", base+"/subscription", "", rest.HopHeader+": "+c.id)
	if err != nil {
		t.Fatal(err)
	}
	r.expectError(t, 404, 40403, "Consumer instance not found.", v2CT)

	// A name another node generates is created on that node.
	other := "rest-consumer-" + c.id + "-00112233445566778899aabbccddeeff"
	r = a.do(t, "POST", "/consumers/"+group, `{"name":"`+other+`"}`, ct).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"instance_id":"`+other+`","base_uri":"`+a.url+"/consumers/"+group+"/instances/"+other+`"}`)
	if c.sys.Consumers().Live() != 1 {
		t.Fatal("a name c generates was not created on c")
	}
	a.do(t, "POST", "/consumers/"+group, `{"name":"rest-consumer-gone-00112233445566778899aabbccddeeff"}`, ct).
		expectError(t, 409, 40903, "Illegal state: the name rest-consumer-gone-00112233445566778899aabbccddeeff is one the proxy node gone generates, and that node is not in the cluster", v2CT)

	if r := a.do(t, "DELETE", base, ""); r.status != 204 {
		t.Fatalf("delete through a: %d %s", r.status, r.body)
	}
	for _, n := range ns {
		n.do(t, "GET", base+"/subscription", "").expectError(t, 404, 40403, "Consumer instance not found.", v2CT)
	}
	// The name is free again, on any node.
	c.do(t, "POST", "/consumers/"+group, `{"name":"mine"}`, ct).expect(t, 200, v2CT)
}

// TestClusterNodeLost: a node that leaves takes its instances with it:
// through every other node they are 404 40403 at once, and the other
// nodes' instances go on. A node that stops answering while it still
// announces itself is 503 in the error model, never a hang. A node back
// with the same id starts clean.
func TestClusterNodeLost(t *testing.T) {
	bootstrap := target(t)
	nodesTopic := uniqueName(t, "_nodes")
	ns := startClusterNodes(t, bootstrap, nodesTopic, 3, nil)
	a, b, c := ns[0], ns[1], ns[2]
	group := uniqueName(t, "cgroup")
	ct := "Content-Type: " + v2CT
	create := func(on *clusterNode) string {
		r := on.do(t, "POST", "/consumers/"+group, `{}`, ct).expect(t, 200, v2CT)
		var v struct {
			InstanceID string `json:"instance_id"`
		}
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		return "/consumers/" + group + "/instances/" + v.InstanceID
	}
	onA, onB, onC := create(a), create(b), create(c)

	// c stops answering HTTP but still announces itself.
	c.srv.Close()
	_, r, err := a.send("GET", onC+"/subscription", "")
	if err != nil {
		t.Fatal(err)
	}
	r.expect(t, 503, v2CT)
	if !strings.Contains(string(r.body), `"error_code":503`) || !strings.Contains(string(r.body), c.id) {
		t.Fatalf("unreachable node answer: %s", r.body)
	}
	if got := metric(t, a.proxy, `kafka_rest_cluster_forwarded_requests_total{outcome="unreachable"}`); got != 1 {
		t.Fatalf("a counts %v unreachable forwards, want 1", got)
	}

	// c leaves: its instances are gone through every node at once.
	if err := c.nodes.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "c's instance to be gone through a and b", func() error {
		for _, n := range []*clusterNode{a, b} {
			_, r, err := n.send("GET", onC+"/subscription", "")
			if err != nil {
				return err
			}
			if r.status != 404 {
				return fmt.Errorf("%s answers %d %s", n.id, r.status, r.body)
			}
			r.expectError(t, 404, 40403, "Consumer instance not found.", v2CT)
		}
		return nil
	})
	for _, n := range []*clusterNode{a, b} {
		for _, base := range []string{onA, onB} {
			sameJSON(t, n.do(t, "GET", base+"/subscription", "").expect(t, 200, v2CT).body, `{"topics":[]}`)
		}
		if got := len(n.nodes.Live()); got != 2 {
			t.Fatalf("%s sees %d nodes after c left, want 2", n.id, got)
		}
	}

	// c comes back with the same id: it starts clean, so its old
	// instance, forwarded to it by its name, is still not found.
	c2 := startClusterNodesTLS(t, bootstrap, nodesTopic, 2, 1, nil, nil)[0]
	if c2.id != c.id {
		t.Fatalf("restarted as %s, want %s", c2.id, c.id)
	}
	eventually(t, "a sees c again", func() error {
		if _, ok := a.nodes.Lookup(c.id); !ok {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	before := metric(t, a.proxy, `kafka_rest_cluster_forwarded_requests_total{outcome="answered"}`)
	a.do(t, "GET", onC+"/subscription", "").expectError(t, 404, 40403, "Consumer instance not found.", v2CT)
	if got := metric(t, a.proxy, `kafka_rest_cluster_forwarded_requests_total{outcome="answered"}`); got != before+1 {
		t.Fatalf("a forwarded %v calls, want %v: the call for c's instance went to the new c", got, before+1)
	}
	onC2 := create(c2)
	sameJSON(t, b.do(t, "GET", onC2+"/subscription", "").expect(t, 200, v2CT).body, `{"topics":[]}`)
}

// TestClusterCredentialsPassThrough: behind HTTP Basic on every node, a
// forwarded call is authenticated by the holder with the client's own
// credentials: refused at the first node without them, and answered
// through it with them.
func TestClusterCredentialsPassThrough(t *testing.T) {
	bootstrap := target(t)
	auth, err := guard.NewBasicAuth("KafkaRest", map[string]guard.BasicUser{
		"alice": {Password: "alice-secret", Roles: []string{"user"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ns := startClusterNodes(t, bootstrap, uniqueName(t, "_nodes"), 2, func(c *http.Config) {
		c.Guard.Auth = guard.AuthConfig{Authenticator: auth, Roles: []string{"user"}}
	})
	a, b := ns[0], ns[1]
	group := uniqueName(t, "cgroup")
	alice := basic("alice:alice-secret")
	r := a.do(t, "POST", "/consumers/"+group, `{"name":"x"}`, "Content-Type: "+v2CT, alice).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"instance_id":"x","base_uri":"`+a.url+`/consumers/`+group+`/instances/x"}`)
	base := "/consumers/" + group + "/instances/x"
	b.do(t, "GET", base+"/subscription", "").expectError(t, 401, 401, unauthorizedBasic, "application/json")
	sameJSON(t, b.do(t, "GET", base+"/subscription", "", alice).expect(t, 200, v2CT).body, `{"topics":[]}`)

	// The holder checks the credentials itself: a wrong password sent
	// straight to it, marked as forwarded, is refused there too.
	_, r, err = a.send("GET", base+"/subscription", "", rest.HopHeader+": "+b.id, basic("alice:wrong"))
	if err != nil {
		t.Fatal(err)
	}
	if r.status != 401 {
		t.Fatalf("a forwarded-marked call with a wrong password: %d %s", r.status, r.body)
	}
}

// TestClusterMutualTLS: nodes that require client certificates call each
// other over https with their own stores: the keystore's certificate as
// the client's, the truststore to check the other node. A node whose
// certificate the others do not trust cannot forward to them.
func TestClusterMutualTLS(t *testing.T) {
	bootstrap := target(t)
	ca := testpki.NewCA(t, "cluster CA")
	dir := t.TempDir()
	ks, ts := filepath.Join(dir, "node.p12"), filepath.Join(dir, "ca.pem")
	ca.Peer(t, "node").WriteKeyStore(t, ks, "PKCS12")
	ca.WriteTrustStore(t, ts, "PEM")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	files, err := guard.NewTLS(ctx, guard.TLSConfig{KeystoreLocation: ks, KeystorePassword: testpki.Password,
		TruststoreLocation: ts, TruststoreType: "PEM", ClientAuth: "REQUIRED"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	nodesTopic := uniqueName(t, "_nodes")
	ns := startClusterNodesTLS(t, bootstrap, nodesTopic, 0, 2, nil, files)
	a, b := ns[0], ns[1]
	client := httpsClient(ca.Pool(), ca.Client(t, "alice").TLS())
	a.client, b.client = client, client
	group := uniqueName(t, "cgroup")
	r := a.do(t, "POST", "/consumers/"+group, `{"name":"x"}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"instance_id":"x","base_uri":"`+a.url+`/consumers/`+group+`/instances/x"}`)
	sameJSON(t, b.do(t, "GET", "/consumers/"+group+"/instances/x/subscription", "").expect(t, 200, v2CT).body, `{"topics":[]}`)
	if got := metric(t, b.proxy, `kafka_rest_cluster_forwarded_requests_total{outcome="answered"}`); got != 1 {
		t.Fatalf("b forwarded %v calls over https, want 1", got)
	}

	// A third node with a certificate of another CA: the others refuse
	// its calls, so it finds nothing on them and cannot reach a's
	// generated instances (503, in the error model).
	other := testpki.NewCA(t, "other CA")
	ks2 := filepath.Join(dir, "stranger.p12")
	other.Peer(t, "stranger").WriteKeyStore(t, ks2, "PKCS12")
	files2, err := guard.NewTLS(ctx, guard.TLSConfig{KeystoreLocation: ks2, KeystorePassword: testpki.Password,
		TruststoreLocation: ts, TruststoreType: "PEM", ClientAuth: "NONE"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	r = a.do(t, "POST", "/consumers/"+group, `{}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
	var created struct {
		InstanceID string `json:"instance_id"`
	}
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	s := startClusterNodesTLS(t, bootstrap, nodesTopic, 2, 1, nil, files2)[0]
	s.client = httpsClient(other.Pool())
	_, r, err = s.send("GET", "/consumers/"+group+"/instances/"+created.InstanceID+"/subscription", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.status != 503 || !strings.Contains(string(r.body), `"error_code":503`) {
		t.Fatalf("a call forwarded with a certificate a does not trust: %d %s", r.status, r.body)
	}
}

// TestClusterCutAnswerIsNoAnswer: when the node holding an instance stops
// halfway through an answer, the node that forwarded the call cuts its
// client's connection too: the client sees a broken answer, never a
// shorter one that looks whole.
func TestClusterCutAnswerIsNoAnswer(t *testing.T) {
	bootstrap := target(t)
	nodesTopic := uniqueName(t, "_nodes")
	a := startClusterNodes(t, bootstrap, nodesTopic, 1, nil)[0]
	// A node that holds every instance, and dies in the middle of its
	// first records answer.
	holder := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.Method == "HEAD" {
			w.WriteHeader(204)
			return
		}
		w.Header().Set("Content-Type", v2Binary)
		w.WriteHeader(200)
		w.Write([]byte(`[{"topic":"t","key":null,"value":"eA==","partition":0,"offset":0,"timestamp":1}`))
		w.(nethttp.Flusher).Flush()
		conn, _, err := nethttp.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer holder.Close()
	fake, err := kafka.StartNodes(context.Background(), kafka.Config{BootstrapServers: []string{bootstrap}},
		kafka.NodesConfig{ID: "holder", URL: holder.URL, Topic: nodesTopic, HeartbeatInterval: 200 * time.Millisecond, Timeout: 2 * time.Second},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close(context.Background())
	eventually(t, "a sees the holder", func() error {
		if _, ok := a.nodes.Lookup("holder"); !ok {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	res, err := nethttp.Get(a.url + "/consumers/g/instances/somewhere/records")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 || err == nil {
		t.Fatalf("a cut answer reached the client as %d %q, read error %v: want the connection cut", res.StatusCode, body, err)
	}
	// a goes on serving.
	a.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
}
