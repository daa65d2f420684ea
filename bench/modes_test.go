package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	resthttp "github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// testProxy is an in-process proxy on the embedded cluster: its handler,
// to serve from as many test servers as a test wants, and the cluster's
// address.
func testProxy(t *testing.T) (http.Handler, string) {
	t.Helper()
	addr := testCluster(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acfg := actors.DefaultConfig()
	acfg.Kafka = kafka.Config{BootstrapServers: []string{addr}}
	sys, err := actors.New(acfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Shutdown(context.Background()) })
	reg, err := embedded.StartRegistry("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reg.Close() })
	scfg := schema.DefaultConfig()
	scfg.URLs = []string{reg.URL()}
	sreg, err := schema.New(scfg)
	if err != nil {
		t.Fatal(err)
	}
	hcfg := resthttp.DefaultConfig()
	hcfg.Serializer = sreg
	return resthttp.New(hcfg, sys, log), addr
}

// testCluster starts the embedded cluster for the test and returns its
// address.
func testCluster(t *testing.T) string {
	t.Helper()
	ecfg := embedded.DefaultConfig()
	ecfg.Port = 0
	e, err := embedded.Start(ecfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e.Addr()
}

// h2cServer serves h over HTTP/1.1 and cleartext HTTP/2 with prior
// knowledge.
func h2cServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetHTTP1(true)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// topicsOf lists the topics the cluster at addr holds.
func topicsOf(t *testing.T, addr string) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ts, err := kadm.NewClient(cl).ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ts.Names()
}

// TestRunAgainstAProxy runs every mode for a fixed count of records against
// an in-process proxy on the embedded cluster, served over HTTP/1.1 and
// h2c: every record is counted as a success, each mode is compared with
// its own native ceiling, and every round's topic is gone afterwards.
func TestRunAgainstAProxy(t *testing.T) {
	h, addr := testProxy(t)
	srv := h2cServer(t, h)

	cfg := Config{URLs: []string{srv.URL}, Bootstrap: []string{addr}, Topic: "bench", Partitions: 3,
		Modes: Modes(), Connections: 2, H2Connections: 1, BatchSize: 10,
		RecordSize: 100, Keyed: true, Records: 1000, Duration: time.Minute, Rounds: 2, E2ERate: 1000, Native: DefaultNativeConfig()}
	results, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(Modes()) {
		t.Fatalf("%d results for %d modes", len(results), len(Modes()))
	}
	for _, r := range results {
		t.Logf("%s: %d records, %.2f s, p50 %.2f ms, errors %v", r.Label(), r.Records, r.Seconds, r.LatencyP50Ms, r.Errors)
		// Consume modes drain at least the bound: a read returns a batch.
		// The end-to-end modes read exactly what they sent.
		enough := r.Records == 1000 || isRead(r.Mode) && r.Records >= 1000
		if !enough || r.Rounds != 2 || len(r.Errors) != 0 || r.RecordsPerSec <= 0 || r.LatencyP50Ms <= 0 || r.LatencyP999Ms < r.LatencyP50Ms {
			t.Errorf("%s: %+v", r.Mode, r)
		}
		// Zero for a mode shorter than the clock's tick, but measured.
		if r.HarnessCPUMicrosPerRecord == nil || r.MachineCPUMicrosPerRecord == nil || *r.MachineCPUMicrosPerRecord < 0 {
			t.Errorf("%s: no CPU a record for the harness or the machine", r.Mode)
		}
		if r.Baseline != baselineOf(r.Mode) {
			t.Errorf("%s: baseline %q", r.Mode, r.Baseline)
		}
	}
	var out strings.Builder
	WriteTable(&out, cfg, results)
	for _, want := range []string{"v3-stream / native:", "v3-batch / native:", "v3-stream-avro / native:", "v2-produce / native:",
		"v3-single / native-sync:", "v3-single-h2 / native-sync:", "v2-consume / native-consume:", "v2-consume-lowlat / native-consume:",
		"v3-fetch / native-consume:", "v3-stream-read / native-consume:", "v2-e2e @ 1k/s / native-e2e @ 1k/s: p50", "records/s", "p999 ms", "proxy CPU µs/rec", "machine CPU µs/rec", "of the native throughput (the machine's CPU a record: ", "native: 2 client(s) x 1 producer goroutine(s), linger 0s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table has no %q:\n%s", want, out.String())
		}
	}
	for _, topic := range topicsOf(t, addr) {
		if strings.HasPrefix(topic, "bench") {
			t.Errorf("topic %s is still there after the run", topic)
		}
	}
}

// TestSingleH2NeedsH2C: against a proxy that speaks only HTTP/1, the
// HTTP/2 mode fails at once and says why, and sends nothing.
func TestSingleH2NeedsH2C(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			hits.Add(1)
		}
	}))
	defer srv.Close()
	cfg := Config{URLs: []string{srv.URL}, Topic: "bench", Modes: []string{ModeV3SingleH2}, Connections: 2,
		RecordSize: 1000, Records: 10}
	_, err := Run(context.Background(), cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "does not speak cleartext HTTP/2 (h2c") || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
	if hits.Load() != 0 {
		t.Errorf("%d records were sent", hits.Load())
	}
	if err := probeH2C(context.Background(), h2cServer(t, http.NotFoundHandler()).URL); err != nil {
		t.Errorf("an h2c server: %v", err)
	}
}

// TestSeveralNodes: with several node URLs, produce requests and every
// call of the v2 consumer instances' lifecycle spread over all of them,
// round-robin. The nodes here serve one proxy, so that the instances live
// wherever a call lands, as they will in a cluster.
func TestSeveralNodes(t *testing.T) {
	h, addr := testProxy(t)
	var mu sync.Mutex
	calls := make(map[string]map[string]int) // node -> kind of call -> count
	var urls []string
	for range 3 {
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			kind := r.Method + " " + lastSegment(r.URL.Path)
			mu.Lock()
			if calls[srv.URL] == nil {
				calls[srv.URL] = make(map[string]int)
			}
			calls[srv.URL][kind]++
			mu.Unlock()
			h.ServeHTTP(w, r)
		}))
		defer srv.Close()
		urls = append(urls, srv.URL)
	}
	cfg := Config{URLs: urls, Bootstrap: []string{addr}, Topic: "bench", Partitions: 3,
		Modes: []string{ModeV3Single, ModeV2Read}, Connections: 3, RecordSize: 100, Records: 300, Duration: time.Minute}
	results, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Records < 300 || len(r.Errors) != 0 {
			t.Errorf("%s: %+v", r.Mode, r)
		}
	}
	lifecycle := make(map[string]int)
	v2 := make(map[string]int)
	total := 0
	for _, u := range urls {
		c := calls[u]
		// 300 single-record requests, round-robin over three nodes.
		if c["POST records"] != 100 {
			t.Errorf("node %s had %d produce requests, want 100: %v", u, c["POST records"], calls)
		}
		for k, n := range c {
			if k != "POST records" {
				v2[u] += n
				total += n
			}
		}
		for _, k := range []string{"POST instance", "POST subscription", "DELETE instance"} {
			lifecycle[k] += c[k]
		}
	}
	// Three instances, each created, subscribed and deleted once, and
	// their reads: every call to the next node, so each node served a
	// third of them.
	if lifecycle["POST instance"] != 3 || lifecycle["POST subscription"] != 3 || lifecycle["DELETE instance"] != 3 {
		t.Errorf("lifecycle calls %v: %v", lifecycle, calls)
	}
	for _, u := range urls {
		if d := v2[u] - total/3; d < -1 || d > 1 {
			t.Errorf("node %s served %d of %d v2 consumer calls: %v", u, v2[u], total, calls)
		}
	}
}

// lastSegment names a call by its path's last segment, "instance" for a
// consumer instance itself (created at its group's path, deleted at its
// own).
func lastSegment(p string) string {
	last := p[strings.LastIndexByte(p, '/')+1:]
	switch {
	case strings.HasPrefix(last, "kafka-rest-bench-v2-"), strings.HasPrefix(last, "bench-") && strings.Contains(p, "/instances/"):
		return "instance"
	}
	return last
}

// TestFixedRateAndHalfLoad: at a fixed rate each produce mode sends the
// records due within the duration and says at which rate; with HalfLoad,
// the produce modes run again at half the rate they reached.
func TestFixedRateAndHalfLoad(t *testing.T) {
	h, addr := testProxy(t)
	srv := httptest.NewServer(h)
	defer srv.Close()
	cfg := Config{URLs: []string{srv.URL}, Bootstrap: []string{addr}, Topic: "bench", Partitions: 3,
		Modes: []string{ModeV3Single, ModeNativeSync}, Connections: 2, RecordSize: 100, Duration: 500 * time.Millisecond, Rate: 200}
	results, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		// 200 records/s for half a second: 100 records due.
		if r.Records != 100 || r.TargetRate != 200 || len(r.Errors) != 0 || !strings.Contains(r.Label(), "@ 200/s") {
			t.Errorf("%s: %+v", r.Label(), r)
		}
	}

	cfg.Rate, cfg.HalfLoad, cfg.Modes = 0, true, []string{ModeV3Single, ModeNativeSync, ModeV2Read}
	results, err = Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, r := range results {
		labels = append(labels, r.Label())
	}
	if len(results) != 5 || !results[3].HalfLoad || !results[4].HalfLoad || results[3].Mode != ModeV3Single || results[4].Mode != ModeNativeSync {
		t.Fatalf("rows %q", labels)
	}
	for i, r := range results[3:] {
		if want := results[i].RecordsPerSec / 2; r.TargetRate != want || r.Records == 0 || len(r.Errors) != 0 {
			t.Errorf("%s: target %v, want %v; %+v", r.Label(), r.TargetRate, want, r)
		}
	}
	var out strings.Builder
	WriteTable(&out, cfg, results)
	if !strings.Contains(out.String(), "(half) / native-sync @ ") || !strings.Contains(out.String(), "v3-single / native-sync: ") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestModes: every mode is listed once, and each proxy mode is measured
// against a native mode that exists, of its own kind.
func TestModes(t *testing.T) {
	names := Modes()
	for _, want := range []string{ModeV3Stream, ModeV3Batch, ModeV3Avro, ModeV2, ModeNative, ModeV3Single, ModeV3SingleH2,
		ModeNativeSync, ModeV2Read, ModeV2ReadLowLatency, ModeV3Fetch, ModeV3StreamRead, ModeNativeRead, ModeV2E2E, ModeNativeE2E} {
		if n := len(slices.DeleteFunc(slices.Clone(names), func(s string) bool { return s != want })); n != 1 {
			t.Errorf("mode %s listed %d times", want, n)
		}
	}
	if len(names) != 15 {
		t.Errorf("%d modes: %v", len(names), names)
	}
	for _, s := range specs() {
		if s.baseline == "" {
			if !s.brokers {
				t.Errorf("native mode %s does not need the brokers", s.name)
			}
			continue
		}
		b, err := lookup(s.baseline)
		if err != nil || b.baseline != "" || b.kind != s.kind {
			t.Errorf("%s is measured against %s: %+v %v", s.name, s.baseline, b, err)
		}
	}
	if _, err := lookup("v3-nope"); err == nil || !strings.Contains(err.Error(), ModeV3Single) {
		t.Errorf("unknown mode: %v", err)
	}
	if _, err := (Config{URLs: []string{"http://x"}, Modes: []string{ModeNativeSync}, Connections: 1, Records: 1}).validate(); err == nil ||
		!strings.Contains(err.Error(), "--bootstrap") {
		t.Errorf("a native mode without brokers: %v", err)
	}
	if _, err := (Config{URLs: []string{"http://x"}, Connections: 1, Records: 1, Rate: 10, HalfLoad: true}).validate(); err == nil {
		t.Error("--rate with --half-load was accepted")
	}
}
