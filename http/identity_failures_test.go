package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	nethttp "net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Identity pass-through with bad credentials, as callers see it. The
// scenarios here run against kfake (identity_embedded_test.go) and a real
// broker (identity_integration_test.go).

// refused is the message of Kafka's 401 40101 for a login it refused.
const refused = "SASL Authentication failed."

// identityCallers are the callers of a scenario, as Authorization
// headers: admin and alice have working credentials and may write the
// scenario's topic; wrong is alice with a wrong password; bogus(i) are
// made-up credentials, other ones for each i.
type identityCallers struct {
	admin, alice, wrong string
	bogus               func(i int) string
	// values reads every value of a one-partition topic from Kafka with a
	// plain client.
	values func(t *testing.T, topic string) []string
}

// produceLine streams one STRING record to topic as the caller of auth
// and returns its answer line.
func produceLine(t *testing.T, p *proxy, topic, value, auth string) map[string]any {
	t.Helper()
	r := p.do(t, "POST", "/v3/clusters/"+p.cluster(t, auth)+"/topics/"+topic+"/records", `{"value":{"type":"STRING","data":"`+value+`"}}`,
		"Content-Type: application/json", auth).expect(t, 200, "application/json")
	ls := lines(t, r.body)
	if len(ls) != 1 {
		t.Fatalf("%d answer lines: %s", len(ls), r.body)
	}
	return ls[0]
}

func expectProduced(t *testing.T, line map[string]any, topic string) {
	t.Helper()
	if fmt.Sprint(line["error_code"]) != "200" || line["topic_name"] != topic {
		t.Fatalf("want a record stored in %s, got %v", topic, line)
	}
}

// values reads every record of a one-partition topic with a plain client.
func values(t *testing.T, bootstrap, topic string, opts ...kgo.Opt) []string {
	t.Helper()
	opts = append(opts, kgo.SeedBrokers(bootstrap), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	end, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := end.Lookup(topic, 0)
	var out []string
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for int64(len(out)) < o.Offset {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("reading %s: %v", topic, err)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, string(r.Value)) })
	}
	return out
}

// answerBound bounds every answer in these scenarios: generous, far from
// a measure, and far below the delivery timeout (120 s) that records of
// credentials Kafka refused used to wait for.
const answerBound = 10 * time.Second

// checkWrongPasswordOnWarmTopic: once the topic's producer knows its
// partitions, a wrong password still gets Kafka's 401 40101 at once, on
// v3 streaming and batch produce, v2 produce and admin calls; the topic's
// metadata and alice's client are unharmed, and nothing of the wrong
// password lands in Kafka or stays in the pool.
func checkWrongPasswordOnWarmTopic(t *testing.T, p *proxy, topic string, c identityCallers) {
	expectProduced(t, produceLine(t, p, topic, "warm", c.alice), topic)
	p.client = &nethttp.Client{Timeout: answerBound}

	expectRefusedStream(t, p, topic, c.wrong, 3)

	batch := `{"entries":[{"id":"a","value":{"type":"STRING","data":"wrong-a"}},{"id":"b","value":{"type":"STRING","data":"wrong-b"}}]}`
	r := p.do(t, "POST", "/v3/clusters/"+p.cluster(t, c.admin)+"/topics/"+topic+"/records:batch", batch, "Content-Type: application/json", c.wrong).
		expect(t, 207, "application/json")
	sameJSON(t, r.body, `{"successes":[],"failures":[{"id":"a","error_code":40101,"message":"`+refused+`"},{"id":"b","error_code":40101,"message":"`+refused+`"}]}`)

	v2body := `{"records":[{"value":"` + base64.StdEncoding.EncodeToString([]byte("wrong-v2")) + `"}]}`
	r = p.do(t, "POST", "/topics/"+topic, v2body, "Content-Type: application/vnd.kafka.binary.v2+json", c.wrong).expect(t, 401, v2CT)
	sameJSON(t, r.body, `{"offsets":[{"partition":null,"offset":null,"error_code":40101,"error":"`+refused+`"}],"key_schema_id":null,"value_schema_id":null}`)

	p.do(t, "GET", "/v3/clusters", "", c.wrong).expectError(t, 401, 40101, refused, "application/json")
	p.do(t, "POST", "/consumers/wrong-password", `{"name":"i","format":"binary"}`, "Content-Type: "+v2CT, c.wrong).
		expectError(t, 401, 40101, refused, v2CT)
	if n := p.sys.Consumers().Live(); n != 0 {
		t.Fatalf("%d consumer instances after a refused login, want none", n)
	}

	expectProduced(t, produceLine(t, p, topic, "after", c.alice), topic)
	if got, want := c.values(t, topic), []string{"warm", "after"}; !slices.Equal(got, want) {
		t.Fatalf("topic %s holds %q, want %q", topic, got, want)
	}
	expectCallerClients(t, p, 1) // alice's
}

// expectRefusedStream streams n records to topic as the caller of auth and
// expects each to be answered Kafka's 401 40101.
func expectRefusedStream(t *testing.T, p *proxy, topic, auth string, n int) {
	t.Helper()
	var body strings.Builder
	for i := range n {
		fmt.Fprintf(&body, `{"value":{"type":"STRING","data":"refused-%d"}}`, i)
	}
	r := p.do(t, "POST", "/v3/clusters/"+p.cluster(t, auth)+"/topics/"+topic+"/records", body.String(), "Content-Type: application/json", auth).
		expect(t, 200, "application/json")
	ls := lines(t, r.body)
	if len(ls) != n {
		t.Fatalf("%d answer lines for %d records: %s", len(ls), n, r.body)
	}
	for i, l := range ls {
		if fmt.Sprint(l["error_code"]) != "40101" || l["message"] != refused {
			t.Fatalf("record %d: %v, want 40101 %q", i, l, refused)
		}
	}
}

// checkBogusCallersLockNobodyOut: while 40 callers with made-up
// credentials hammer the proxy (v3 produce, v2 produce and admin calls),
// far more than the pool's places, admin, whose client is in the pool,
// and alice, a new caller, produce one record a request: every one is
// stored and answered within the bound, never 429. The bogus callers get
// 401 40101, or 429 when too many of them log in at once. Afterwards the
// pool holds admin's and alice's clients only, and every other client the
// flood made is closed.
func checkBogusCallersLockNobodyOut(t *testing.T, p *proxy, topic string, c identityCallers) {
	expectProduced(t, produceLine(t, p, topic, "admin-warm", c.admin), topic)
	p.client = &nethttp.Client{Timeout: answerBound}
	cluster := p.cluster(t, c.admin)

	var (
		mu       sync.Mutex
		problems []string
	)
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	stop := make(chan struct{})
	var flood sync.WaitGroup
	var bogusRequests atomic.Int64
	for i := range 40 {
		flood.Add(1)
		go func() {
			defer flood.Done()
			for n := 0; ; n++ {
				if n >= 3 {
					select {
					case <-stop:
						return
					default:
					}
				}
				if err := bogusRequest(p, cluster, topic, n%3, c.bogus(i*1000+n)); err != nil {
					report("bogus caller %d: %v", i, err)
					return
				}
				bogusRequests.Add(1)
			}
		}()
	}

	const each = 10
	var good sync.WaitGroup
	var want []string
	for _, who := range []struct{ name, auth string }{{"admin", c.admin}, {"alice", c.alice}} {
		for i := range each {
			want = append(want, fmt.Sprintf("%s-%d", who.name, i))
		}
		good.Add(1)
		go func() {
			defer good.Done()
			for i := range each {
				_, r, err := p.send("POST", "/v3/clusters/"+cluster+"/topics/"+topic+"/records",
					fmt.Sprintf(`{"value":{"type":"STRING","data":"%s-%d"}}`, who.name, i), "Content-Type: application/json", who.auth)
				if err != nil {
					report("%s's record %d during the flood: %v", who.name, i, err)
					return
				}
				if r.status != 200 || !strings.HasPrefix(string(r.body), `{"error_code":200,`) {
					report("%s's record %d during the flood: %d %s", who.name, i, r.status, r.body)
					return
				}
			}
		}()
	}
	good.Wait()
	close(stop)
	flood.Wait()
	if len(problems) > 0 {
		t.Fatalf("%d problems, among them:\n%s", len(problems), strings.Join(problems[:min(len(problems), 10)], "\n"))
	}
	t.Logf("%d requests with made-up credentials", bogusRequests.Load())

	got := c.values(t, topic)
	slices.Sort(got)
	want = append(want, "admin-warm")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("topic %s holds %q, want %q", topic, got, want)
	}
	expectCallerClients(t, p, 2) // admin's and alice's
}

// expectCallerClients checks that n callers' clients are in the pool, and
// that, the proxy's own producer aside, no other client is left open.
func expectCallerClients(t *testing.T, p *proxy, n int) {
	t.Helper()
	if got := p.sys.IdentityClients(); got != n {
		t.Fatalf("%d callers' clients in the pool, want %d", got, n)
	}
	eventually(t, "the clients of failed logins to close", func() error {
		if got := scrape(t, p)[`kafka_rest_kafka_clients{role="producer"}`]; got != float64(n+1) {
			return fmt.Errorf("%v producer clients open, want %d", got, n+1)
		}
		return nil
	})
}

// bogusRequest sends one request of kind (0: v3 streaming produce to
// cluster, 1: v2 produce, 2: an admin call) with made-up credentials and checks that it
// is refused as Kafka refused the login, or 429 for too many logins at
// once.
func bogusRequest(p *proxy, cluster, topic string, kind int, auth string) error {
	var (
		r   response
		err error
	)
	switch kind {
	case 0:
		_, r, err = p.send("POST", "/v3/clusters/"+cluster+"/topics/"+topic+"/records", `{"value":{"type":"STRING","data":"bogus"}}`, "Content-Type: application/json", auth)
	case 1:
		v2body := `{"records":[{"value":"` + base64.StdEncoding.EncodeToString([]byte("bogus")) + `"}]}`
		_, r, err = p.send("POST", "/topics/"+topic, v2body, "Content-Type: application/vnd.kafka.binary.v2+json", auth)
	default:
		_, r, err = p.send("GET", "/v3/clusters", "", auth)
	}
	if err != nil {
		return err
	}
	var e struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
		Offsets   []struct {
			ErrorCode int    `json:"error_code"`
			Error     string `json:"error"`
		} `json:"offsets"`
	}
	if json.Unmarshal(r.body, &e) == nil && len(e.Offsets) == 1 {
		e.ErrorCode, e.Message = e.Offsets[0].ErrorCode, e.Offsets[0].Error
	}
	switch {
	case e.ErrorCode == 40101 && e.Message == refused && (r.status == 401 || kind == 0 && r.status == 200):
	case e.ErrorCode == 429 && strings.Contains(e.Message, "logging in") && (r.status == 429 || kind == 0 && r.status == 200):
	default:
		return fmt.Errorf("answered %d %s", r.status, r.body)
	}
	return nil
}
