package http_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// scrape reads /metrics into series (name with labels) and values.
func scrape(t *testing.T, p *proxy) map[string]float64 {
	t.Helper()
	r := p.do(t, "GET", "/metrics", "").expect(t, 200, "text/plain; version=0.0.4; charset=utf-8")
	series := make(map[string]float64)
	for _, l := range strings.Split(string(r.body), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("not a Prometheus sample: %q", l)
		}
		if _, dup := series[l[:i]]; dup {
			t.Fatalf("series %s written twice", l[:i])
		}
		series[l[:i]] = v
	}
	return series
}

// expectSeries checks the exact value of each series.
func expectSeries(t *testing.T, got map[string]float64, want map[string]float64) {
	t.Helper()
	for name, v := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("no series %s", name)
			continue
		}
		if g != v {
			t.Errorf("%s = %v, want %v", name, g, v)
		}
	}
}

// sumOf adds every series of a metric whose labels contain each of parts.
func sumOf(got map[string]float64, metric string, parts ...string) (sum float64, n int) {
	for name, v := range got {
		if !strings.HasPrefix(name, metric+"{") && name != metric {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(name, p)
		}
		if ok {
			sum, n = sum+v, n+1
		}
	}
	return sum, n
}

func TestOpsMetricsAfterWorkload(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	missing := uniqueName(t, "missing")
	group := uniqueName(t, "opsgroup")

	// Requests: two cluster lists, one unknown path, one unknown cluster.
	p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
	p.do(t, "GET", "/v3/clusters/", "").expect(t, 200, "application/json")
	p.do(t, "GET", "/no/such/path", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	p.do(t, "PUT", "/v3/clusters", "").expectError(t, 405, 405, "HTTP 405 Method Not Allowed", "application/json")

	// Records: 3 stored by a batch, 1 stored and 1 refused by a stream,
	// 2 stored by v2; 2 refused for a topic Kafka does not have.
	batch := `{"entries":[{"id":"a","value":{"type":"STRING","data":"12345"}},{"id":"b","value":{"type":"STRING","data":"678"}},{"id":"c","key":{"type":"STRING","data":"k"},"value":{"type":"STRING","data":"9"}}]}`
	p.do(t, "POST", "/v3/clusters/"+clusterID(t, p)+"/topics/"+topic+"/records:batch", batch, "Content-Type: application/json").expect(t, 207, "application/json")
	r := p.do(t, "POST", "/v3/clusters/"+clusterID(t, p)+"/topics/"+topic+"/records",
		`{"value":{"type":"BINARY","data":"not base64!"}}{"value":{"type":"STRING","data":"abcd"},"headers":[{"name":"h","value":"`+base64.StdEncoding.EncodeToString([]byte("xy"))+`"}]}`,
		"Content-Type: application/json").expect(t, 200, "application/json")
	if ls := lines(t, r.body); len(ls) != 2 || fmt.Sprint(ls[0]["error_code"]) == "200" || fmt.Sprint(ls[1]["error_code"]) != "200" {
		t.Fatalf("stream answers: %s", r.body)
	}
	v2 := `{"records":[{"value":"` + base64.StdEncoding.EncodeToString([]byte("v2-one")) + `"},{"value":"` + base64.StdEncoding.EncodeToString([]byte("v2-2")) + `"}]}`
	p.do(t, "POST", "/topics/"+topic, v2, "Content-Type: "+v2Binary).expect(t, 200, "application/vnd.kafka.v2+json")
	r = p.do(t, "POST", "/v3/clusters/"+clusterID(t, p)+"/topics/"+missing+"/records:batch",
		`{"entries":[{"id":"a","value":{"type":"STRING","data":"x"}},{"id":"b","value":{"type":"STRING","data":"y"}}]}`,
		"Content-Type: application/json").expect(t, 207, "application/json")
	if !strings.Contains(string(r.body), `"successes":[]`) {
		t.Fatalf("records to a missing topic were stored: %s", r.body)
	}
	const storedBytes = 5 + 3 + (1 + 1) + (4 + 1 + 2) + 6 + 4 // values, keys and headers

	// A v2 consumer reads the 6 records back.
	base := "/consumers/" + group + "/instances/i1"
	p.do(t, "POST", "/consumers/"+group, `{"name":"i1","format":"binary","auto.offset.reset":"earliest"}`,
		"Content-Type: application/vnd.kafka.v2+json").expect(t, 200, "application/vnd.kafka.v2+json")
	p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, "Content-Type: application/vnd.kafka.v2+json").expect(t, 204, "")
	reads := 0
	var all []consumed
	eventually(t, "reading 6 records", func() error {
		reads++
		r := p.do(t, "GET", base+"/records?timeout=500", "", "Accept: "+v2Binary).expect(t, 200, v2Binary)
		var got []consumed
		if err := json.Unmarshal(r.body, &got); err != nil {
			return err
		}
		all = append(all, got...)
		if len(all) < 6 {
			return fmt.Errorf("%d records so far", len(all))
		}
		return nil
	})
	if len(all) != 6 {
		t.Fatalf("read %d records, want 6", len(all))
	}

	got := scrape(t, p)
	expectSeries(t, got, map[string]float64{
		`kafka_rest_http_requests_total{route="/v3/clusters",method="GET",status="200"}`:                                               2,
		`kafka_rest_http_requests_total{route="not_found",method="GET",status="404"}`:                                                  1,
		`kafka_rest_http_requests_total{route="method_not_allowed",method="PUT",status="405"}`:                                         1,
		`kafka_rest_http_requests_total{route="/v3/clusters/:cluster_id/topics/:topic_name/records:batch",method="POST",status="207"}`: 2,
		`kafka_rest_http_requests_total{route="/v3/clusters/:cluster_id/topics/:topic_name/records",method="POST",status="200"}`:       1,
		`kafka_rest_http_requests_total{route="/topics/:topic",method="POST",status="200"}`:                                            1,
		`kafka_rest_http_requests_total{route="/consumers/:group/instances/:instance/records",method="GET",status="200"}`:              float64(reads),
		`kafka_rest_http_request_duration_seconds_count{route="/v3/clusters",method="GET",status="200"}`:                               2,
		`kafka_rest_http_errors_total{error_code="404"}`:                                                                               1,
		`kafka_rest_http_errors_total{error_code="405"}`:                                                                               1,
		`kafka_rest_produced_records_total{topic="` + topic + `"}`:                                                                     6,
		`kafka_rest_produced_bytes_total{topic="` + topic + `"}`:                                                                       storedBytes,
		`kafka_rest_produce_errors_total{topic="` + topic + `"}`:                                                                       1,
		`kafka_rest_produce_errors_total{topic="other"}`:                                                                               2,
		`kafka_rest_produced_records_total{topic="other"}`:                                                                             0,
		`kafka_rest_consumed_records_total{group="` + group + `"}`:                                                                     6,
		`kafka_rest_consumer_instances`:                                                                                                1,
		`kafka_rest_producer_actors`:                                                                                                   2,
		`kafka_rest_partition_readers_busy`:                                                                                            0,
		`kafka_rest_produce_credit_records_in_use`:                                                                                     0,
		`kafka_rest_produce_streams_waiting{credit="global"}`:                                                                          0,
		`kafka_rest_produce_streams_waiting{credit="topic"}`:                                                                           0,
	})
	for name := range got {
		if strings.Contains(name, "route=") && (strings.Contains(name, topic) || strings.Contains(name, group)) {
			t.Errorf("a raw path in a route label: %s", name)
		}
	}
	// franz-go's hooks: the producer connected, wrote produce requests
	// and read their answers; the consumer fetched; the Go runtime and the
	// process are there.
	for _, c := range []struct {
		metric string
		parts  []string
	}{
		{"kafka_rest_kafka_connects_total", []string{`role="producer"`}},
		{"kafka_rest_kafka_write_bytes_total", []string{`role="producer"`}},
		{"kafka_rest_kafka_read_bytes_total", []string{`role="consumer"`}},
		{"kafka_rest_kafka_request_duration_seconds_count", []string{`role="producer"`, `request="produce"`}},
		{"kafka_rest_kafka_request_duration_seconds_count", []string{`role="consumer"`, `request="fetch"`}},
		{"kafka_rest_kafka_produce_records_total", []string{`role="producer"`}},
		{"kafka_rest_kafka_fetch_records_total", []string{`role="consumer"`}},
		{"go_goroutines", nil},
		{"process_resident_memory_bytes", nil},
	} {
		if sum, n := sumOf(got, c.metric, c.parts...); n == 0 || sum <= 0 {
			t.Errorf("%s %v: %d series summing to %v, want some above 0", c.metric, c.parts, n, sum)
		}
	}
	if sum, _ := sumOf(got, "kafka_rest_kafka_produce_records_total", `role="producer"`); sum != 6 {
		t.Errorf("the producer client wrote %v records in batches, want 6", sum)
	}
	if v := got[`kafka_rest_kafka_clients{role="consumer"}`]; v != 1 {
		t.Errorf("live consumer clients %v, want 1", v)
	}

	checkDashboard(t, got)

	// Deleting the instance shows at the next scrape.
	p.do(t, "DELETE", base, "", "Content-Type: application/vnd.kafka.v2+json").expect(t, 204, "")
	expectSeries(t, scrape(t, p), map[string]float64{`kafka_rest_consumer_instances`: 0, `kafka_rest_kafka_clients{role="consumer"}`: 0})
}

func TestOpsMetricsLabelCap(t *testing.T) {
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, nil, func(c *actors.Config) {
		c.Metrics = telemetry.New(telemetry.Config{MaxLabelValues: 2})
	})
	var topics []string
	for range 4 {
		topic := produceTopic(t, p, 1)
		topics = append(topics, topic)
		p.do(t, "POST", "/v3/clusters/"+clusterID(t, p)+"/topics/"+topic+"/records", `{"value":{"type":"STRING","data":"abc"}}`,
			"Content-Type: application/json").expect(t, 200, "application/json")
	}
	got := scrape(t, p)
	expectSeries(t, got, map[string]float64{
		`kafka_rest_produced_records_total{topic="` + topics[0] + `"}`: 1,
		`kafka_rest_produced_records_total{topic="` + topics[1] + `"}`: 1,
		`kafka_rest_produced_records_total{topic="other"}`:             2,
		`kafka_rest_produced_bytes_total{topic="other"}`:               6,
	})
	if _, n := sumOf(got, "kafka_rest_produced_records_total"); n != 3 {
		t.Errorf("%d produced-records series, want 3 (two topics and other)", n)
	}
}

// lockedBuffer is a log destination the server's goroutines share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startLoggedProxy is a proxy whose log the test reads.
func startLoggedProxy(t *testing.T, bootstrap string, edit func(*http.Config)) (*proxy, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	acfg := actors.DefaultConfig()
	acfg.Kafka = kafka.Config{BootstrapServers: []string{bootstrap}}
	sys, err := actors.New(acfg, log)
	if err != nil {
		t.Fatal(err)
	}
	hcfg := http.DefaultConfig()
	if edit != nil {
		edit(&hcfg)
	}
	srv := httptest.NewServer(http.New(hcfg, sys, log))
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sys.Shutdown(ctx)
	})
	return &proxy{url: srv.URL, sys: sys}, logs
}

func TestOpsHealthAndRequestLog(t *testing.T) {
	bootstrap := target(t)
	p, logs := startLoggedProxy(t, bootstrap, nil)
	r := p.do(t, "GET", "/healthz", "").expect(t, 200, "application/json")
	sameJSON(t, r.body, `{"status":"ok"}`)
	r = p.do(t, "GET", "/readyz", "").expect(t, 200, "application/json")
	sameJSON(t, r.body, `{"status":"ready"}`)
	p.do(t, "GET", "/readyz/", "").expect(t, 200, "application/json")
	p.do(t, "GET", "/metrics", "").expect(t, 200, "text/plain; version=0.0.4; charset=utf-8")
	p.do(t, "POST", "/healthz", "").expectError(t, 405, 405, "HTTP 405 Method Not Allowed", "application/json")
	p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")

	// One request line: the cluster list (and the 405); none for the
	// probes and the scrape.
	var requests []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "msg=request ") {
			requests = append(requests, l)
		}
	}
	if len(requests) != 2 || !strings.Contains(requests[0], "route=method_not_allowed") || !strings.Contains(requests[1], "route=/v3/clusters ") {
		t.Fatalf("request log lines:\n%s", strings.Join(requests, "\n"))
	}
	got := scrape(t, p)
	for _, route := range []string{"/healthz", "/readyz", "/metrics"} {
		if _, n := sumOf(got, "kafka_rest_http_requests_total", `route="`+route+`"`); n != 0 {
			t.Errorf("%s counted as a request", route)
		}
	}
}

func TestOpsNotReady(t *testing.T) {
	closed := closedAddr(t)
	for _, debug := range []bool{false, true} {
		p, logs := startLoggedProxy(t, closed, func(c *http.Config) { c.Debug = debug })
		p.do(t, "GET", "/healthz", "").expect(t, 200, "application/json")
		r := p.do(t, "GET", "/readyz", "").expect(t, 503, "application/json")
		e := r.json(t)
		msg, _ := e["message"].(string)
		const reason = "Not ready: Kafka did not answer a metadata request."
		if fmt.Sprint(e["error_code"]) != "503" || !strings.HasPrefix(msg, reason) {
			t.Fatalf("debug=%v: %s", debug, r.body)
		}
		// debug=true adds the cause, as the reference adds the exception.
		t.Logf("debug=%v: %s", debug, msg)
		if debug != (msg != reason) {
			t.Fatalf("debug=%v: message %q", debug, msg)
		}
		// The answer is reused for a second, and the change logged once.
		p.do(t, "GET", "/readyz", "").expect(t, 503, "application/json")
		if n := strings.Count(logs.String(), "not ready"); n != 1 {
			t.Fatalf("debug=%v: %d not-ready log lines:\n%s", debug, n, logs)
		}
	}
}

// closedAddr is a local address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(nethttp.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	return addr
}

// checkDashboard fails unless every metric the Grafana dashboard queries is
// one the proxy serves: a renamed metric would leave a panel empty.
func checkDashboard(t *testing.T, scraped map[string]float64) {
	t.Helper()
	b, err := os.ReadFile("../internal/telemetry/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			ID      int    `json:"id"`
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	served := make(map[string]bool)
	for name := range scraped {
		served[strings.SplitN(name, "{", 2)[0]] = true
	}
	ids := make(map[int]bool)
	names := regexp.MustCompile(`\b(?:kafka_rest|go|process)_[a-z0-9_]+\b`)
	queried := 0
	for _, p := range dash.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		for _, tg := range p.Targets {
			for _, m := range names.FindAllString(tg.Expr, -1) {
				queried++
				if !served[m] {
					t.Errorf("panel %q queries %s, which /metrics does not serve", p.Title, m)
				}
			}
		}
	}
	if queried < 30 {
		t.Errorf("the dashboard queries %d metrics", queried)
	}
}

// TestOpsMetricsCreditGauges: while Kafka holds a topic's records, the
// credit they took and the session waiting for more show at a scrape, and
// both go back to zero once Kafka answers.
func TestOpsMetricsCreditGauges(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "held"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free() // before the cluster closes, even when the test fails
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		c.SleepControl(func() { <-release })
		return nil, nil, false
	})
	// One produce request in flight: kfake's SleepControl races with
	// itself when several requests of one connection sleep at once.
	p := startProxyWith(t, c.ListenAddrs()[0], nil, func(a *actors.Config) {
		a.Produce.TopicRecords = 2
		a.Kafka.Properties = map[string]string{"producer.max.in.flight.requests.per.connection": "1"}
	})
	cluster := clusterID(t, p)

	batch := func(n int) <-chan int {
		status := make(chan int, 1)
		var entries []string
		for i := range n {
			entries = append(entries, fmt.Sprintf(`{"id":"e%d","value":{"type":"STRING","data":"abcd"}}`, i))
		}
		go func() {
			res, err := nethttp.Post(p.url+"/v3/clusters/"+cluster+"/topics/held/records:batch", "application/json",
				strings.NewReader(`{"entries":[`+strings.Join(entries, ",")+`]}`))
			if err != nil {
				status <- 0
				return
			}
			res.Body.Close()
			status <- res.StatusCode
		}()
		return status
	}
	first := batch(2) // takes the topic's whole credit, held by Kafka
	eventually(t, "the first batch in flight", func() error {
		if v := scrape(t, p)["kafka_rest_produce_credit_records_in_use"]; v != 2 {
			return fmt.Errorf("%v records in use", v)
		}
		return nil
	})
	second := batch(1) // waits for the topic's credit
	eventually(t, "the second batch waiting", func() error {
		if v := scrape(t, p)[`kafka_rest_produce_streams_waiting{credit="topic"}`]; v != 1 {
			return fmt.Errorf("%v waiting", v)
		}
		return nil
	})
	expectSeries(t, scrape(t, p), map[string]float64{
		`kafka_rest_produce_streams_waiting{credit="global"}`: 0,
		`kafka_rest_produce_credit_bytes_in_use`:              2 * (4 + 64),
		`kafka_rest_producer_actors`:                          1,
	})
	free()
	if s1, s2 := <-first, <-second; s1 != 207 || s2 != 207 {
		t.Fatalf("batches answered %d and %d, want 207", s1, s2)
	}
	eventually(t, "the credit back", func() error {
		got := scrape(t, p)
		for name, want := range map[string]float64{
			`kafka_rest_produce_credit_records_in_use`:           0,
			`kafka_rest_produce_credit_bytes_in_use`:             0,
			`kafka_rest_produce_streams_waiting{credit="topic"}`: 0,
			`kafka_rest_produced_records_total{topic="held"}`:    3,
			`kafka_rest_produced_bytes_total{topic="held"}`:      12,
		} {
			if got[name] != want {
				return fmt.Errorf("%s = %v, want %v", name, got[name], want)
			}
		}
		return nil
	})
}
