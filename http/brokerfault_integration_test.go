//go:build integration && brokerfaults

package http_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	nethttp "net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafka-rest-go/kafka-rest/actors"
)

// The broker-fault tests kill the real broker (SIGKILL, a crash) while the
// proxy works and start it again on its data, through .ci/kafka.sh. They
// run one at a time, after the rest of the integration tier, since nothing
// else can share a broker that dies.

// faultDeliveryTimeout is producer.delivery.timeout.ms in these tests:
// short, so that an outage outlasts it in a test's time.
const faultDeliveryTimeout = 8 * time.Second

// faultSlack is what a record's answer may take beyond its delivery
// timeout: the record's way from the test's pipe into the proxy, and its
// line's way back, on a busy machine. It is also how long after the
// broker is back a record may still fail: one sent just before is queued
// behind records that expire, and an expiry fails the records behind it
// in its partition too.
const faultSlack = 2 * time.Second

// broker kills and restarts the test broker.
type broker struct {
	ctl  string
	down bool
}

func newBroker(t *testing.T) *broker {
	t.Helper()
	b := &broker{ctl: os.Getenv("TEST_KAFKA_CTL")}
	if b.ctl == "" {
		t.Fatal("TEST_KAFKA_CTL is not set: run the broker-fault tests with make test-integration")
	}
	// Whatever happens in the test, the tests after it get a broker.
	t.Cleanup(func() {
		if b.down {
			b.run(t, "restart")
		}
	})
	return b
}

func (b *broker) run(t *testing.T, what string) {
	t.Helper()
	out, err := exec.Command(b.ctl, what).CombinedOutput()
	if err != nil {
		t.Fatalf("kafka.sh %s: %v\n%s", what, err, out)
	}
	b.down = what == "kill"
}

// faultProxy starts a proxy on the test broker whose records and admin
// calls are bounded by short timeouts.
func faultProxy(t *testing.T, bootstrap string) *proxy {
	t.Helper()
	return startProxyWith(t, bootstrap, nil, func(c *actors.Config) {
		c.Kafka.Properties = map[string]string{
			"producer.delivery.timeout.ms": fmt.Sprint(faultDeliveryTimeout.Milliseconds()),
			"admin.default.api.timeout.ms": "5000",
		}
	})
}

// streamLine is one answer line of a streaming produce, with when it came.
type streamLine struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
	Partition int32  `json:"partition_id"`
	Offset    int64  `json:"offset"`
	at        time.Time
}

// TestBrokerFaultStreamingProduce kills the broker in the middle of a
// streaming produce for longer than the delivery timeout and starts it
// again. Every record gets its line within the delivery timeout (plus a
// little): a success, or a 50003 in the error model; the records sent once
// the broker is back succeed without the proxy being touched; and Kafka
// holds every record answered 200 where its answer said, and no record
// twice.
func TestBrokerFaultStreamingProduce(t *testing.T) {
	bootstrap := target(t)
	b := newBroker(t)
	p := faultProxy(t, bootstrap)
	topic := produceTopic(t, p, 3)

	pr, pw := io.Pipe()
	var (
		mu   sync.Mutex
		sent []time.Time // when record i was handed to the connection
	)
	stop := make(chan struct{})
	go func() {
		defer pw.Close()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			rec := fmt.Sprintf(`{"key":{"type":"STRING","data":"k%d"},"value":{"type":"STRING","data":"r-%d"}}`, i%16, i)
			mu.Lock()
			sent = append(sent, time.Now())
			mu.Unlock()
			if _, err := pw.Write([]byte(rec)); err != nil {
				return
			}
		}
	}()
	req, _ := nethttp.NewRequest("POST", p.url+"/v3/clusters/"+v3Cluster(t, p)+"/topics/"+topic+"/records", pr)
	req.Header.Set("Content-Type", "application/json")
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	answers := make(chan []streamLine, 1)
	go func() {
		var out []streamLine
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			var l streamLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Errorf("answer %d is not JSON: %q", len(out), sc.Text())
			}
			l.at = time.Now()
			out = append(out, l)
		}
		answers <- out
	}()

	time.Sleep(2 * time.Second)
	killed := time.Now() // the broker may die at any moment of the command
	b.run(t, "kill")
	// Long enough that the records sent first in the outage expire.
	time.Sleep(faultDeliveryTimeout + 3*time.Second)
	b.run(t, "restart")
	back := time.Now()
	t.Logf("broker down for %v (its restart took %v)", back.Sub(killed).Round(time.Millisecond), back.Sub(killed.Add(faultDeliveryTimeout+3*time.Second)).Round(time.Millisecond))
	time.Sleep(faultSlack + 3*time.Second)
	close(stop)

	var lines []streamLine
	select {
	case lines = <-answers:
	case <-time.After(faultDeliveryTimeout + 2*faultSlack):
		t.Fatal("the stream was not answered in full within the delivery timeout after its last record")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != len(sent) {
		t.Fatalf("%d answers for %d records", len(lines), len(sent))
	}

	acked := map[[2]int64]string{} // partition/offset -> value
	errs := map[string]int{}
	var waits []time.Duration
	var firstErr, lastErr time.Time
	for i, l := range lines {
		wait := l.at.Sub(sent[i])
		waits = append(waits, wait)
		if wait > faultDeliveryTimeout+faultSlack {
			t.Errorf("record %d (sent %v after the kill) was answered after %v", i, sent[i].Sub(killed).Round(time.Millisecond), wait)
		}
		switch {
		case l.ErrorCode == 200:
			acked[[2]int64{int64(l.Partition), l.Offset}] = fmt.Sprintf("r-%d", i)
		case l.ErrorCode == 50003 && l.Message != "":
			errs[l.Message]++
			if firstErr.IsZero() {
				firstErr = sent[i]
			}
			lastErr = sent[i]
			// A record sent just before the kill may have been in
			// flight when the broker died.
			if sent[i].Before(killed.Add(-faultSlack)) || sent[i].After(back.Add(faultSlack)) {
				t.Errorf("record %d failed, sent %v after the kill while the broker was up: %s", i, sent[i].Sub(killed), l.Message)
			}
		default:
			t.Errorf("record %d: error_code %d %q, want 200 or 50003 with a message", i, l.ErrorCode, l.Message)
		}
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	t.Logf("%d records: %d acknowledged, %d failed (sent from %v to %v after the kill); answer waits p50 %v, p99 %v, max %v",
		len(lines), len(acked), len(lines)-len(acked), firstErr.Sub(killed).Round(time.Millisecond), lastErr.Sub(killed).Round(time.Millisecond),
		waits[len(waits)/2].Round(time.Millisecond), waits[len(waits)*99/100].Round(time.Millisecond), waits[len(waits)-1].Round(time.Millisecond))
	for msg, n := range errs {
		t.Logf("%d records failed with %q", n, msg)
	}
	if len(errs) == 0 {
		t.Error("no record failed: the outage did not outlast the delivery timeout, so the test tested nothing")
	}
	if len(acked) == 0 || len(acked) == len(lines) {
		t.Errorf("%d of %d records acknowledged; want the records before the kill and after the restart", len(acked), len(lines))
	}

	// Kafka holds every acknowledged record where its answer said, and
	// no record twice.
	ends, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	ends.Each(func(o kadm.ListedOffset) { total += int(o.Offset) })
	recs := readBack(t, bootstrap, topic, total)
	seen := map[string][2]int64{}
	for _, r := range recs {
		v, at := string(r.Value), [2]int64{int64(r.Partition), r.Offset}
		if prev, dup := seen[v]; dup {
			t.Errorf("%s is in Kafka twice: at %v and %v", v, prev, at)
		}
		seen[v] = at
	}
	for at, v := range acked {
		if got, ok := seen[v]; !ok || got != at {
			t.Errorf("%s was acknowledged at %v; Kafka has it at %v (present: %v)", v, at, got, ok)
		}
	}
	t.Logf("Kafka holds %d records: %d acknowledged, %d of the failed ones", len(recs), len(acked), len(recs)-len(acked))

	// Every credit taken in the outage comes back.
	eventually(t, "the produce credit to come back", func() error {
		if r, b, w := p.sys.Producers().Credits(); r != 0 || b != 0 || w != 0 {
			return fmt.Errorf("%d records, %d bytes in flight, %d waiting", r, b, w)
		}
		return nil
	})
}

// v2Records is a v2 binary produce body of n records.
func v2Records(n int) string {
	recs := make([]string, n)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"value":"%s"}`, [...]string{"YQ==", "Yg==", "Yw=="}[i%3])
	}
	return `{"records":[` + strings.Join(recs, ",") + `]}`
}

// TestBrokerFaultV2ProduceAndAdmin calls a v2 produce, a v3 admin call, a
// v3 produce to a topic the proxy has not seen and a records:batch while
// the broker is down: each answers an error in the error model within its
// timeout (the delivery timeout, admin.default.api.timeout.ms), never
// hangs; once the broker is back, all succeed on the same proxy.
func TestBrokerFaultV2ProduceAndAdmin(t *testing.T) {
	bootstrap := target(t)
	b := newBroker(t)
	p := faultProxy(t, bootstrap)
	topic := produceTopic(t, p, 1)
	const v2Binary = "application/vnd.kafka.binary.v2+json"
	p.do(t, "POST", "/topics/"+topic, v2Records(3), "Content-Type: "+v2Binary).expect(t, 200, "application/vnd.kafka.v2+json")
	cluster := p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json").json(t)["data"].([]any)[0].(map[string]any)["cluster_id"].(string)
	topicPath := "/v3/clusters/" + cluster + "/topics/" + topic
	// A topic the proxy has not produced to: its producer actor has to
	// ask Kafka for its partitions, in the outage.
	fresh := produceTopic(t, p, 2)
	freshPath := "/v3/clusters/" + cluster + "/topics/" + fresh + "/records"

	b.run(t, "kill")
	start := time.Now()
	r := p.do(t, "POST", "/topics/"+topic, v2Records(3), "Content-Type: "+v2Binary)
	took := time.Since(start)
	t.Logf("v2 produce during the outage: %v, %d %s", took.Round(time.Millisecond), r.status, r.body)
	if took > faultDeliveryTimeout+faultSlack {
		t.Errorf("v2 produce took %v, more than the delivery timeout %v", took, faultDeliveryTimeout)
	}
	var v2 struct {
		Offsets []struct {
			ErrorCode *int    `json:"error_code"`
			Error     *string `json:"error"`
		} `json:"offsets"`
	}
	r.expect(t, 200, "application/vnd.kafka.v2+json")
	if err := json.Unmarshal(r.body, &v2); err != nil || len(v2.Offsets) != 3 {
		t.Fatalf("v2 produce answer %s: %v", r.body, err)
	}
	for i, o := range v2.Offsets {
		if o.ErrorCode == nil || *o.ErrorCode != 50003 || o.Error == nil || *o.Error == "" {
			t.Errorf("v2 offset %d: %s, want error_code 50003 with an error", i, r.body)
		}
	}

	start = time.Now()
	r = p.do(t, "GET", topicPath, "")
	took = time.Since(start)
	t.Logf("v3 admin call during the outage: %v, %d %s", took.Round(time.Millisecond), r.status, r.body)
	if took > 5*time.Second+faultSlack {
		t.Errorf("v3 admin call took %v, more than admin.default.api.timeout.ms 5000", took)
	}
	r.expect(t, 500, "application/json")
	if e := r.json(t); fmt.Sprint(e["error_code"]) != "50003" || e["message"] == "" {
		t.Errorf("v3 admin call during the outage: %s, want error_code 50003 with a message", r.body)
	}

	start = time.Now()
	r = p.do(t, "POST", freshPath, `{"value":{"type":"STRING","data":"fresh"}}`, "Content-Type: application/json")
	took = time.Since(start)
	t.Logf("v3 produce to a new topic during the outage: %v, %d %s", took.Round(time.Millisecond), r.status, r.body)
	if took > faultDeliveryTimeout+faultSlack {
		t.Errorf("v3 produce to a new topic took %v, more than the delivery timeout %v", took, faultDeliveryTimeout)
	}
	if l := lines(t, r.expect(t, 200, "application/json").body); len(l) != 1 || fmt.Sprint(l[0]["error_code"]) != "50003" || l[0]["message"] == "" {
		t.Errorf("v3 produce to a new topic during the outage: %s, want one line with error_code 50003", r.body)
	}

	batch := `{"entries":[{"id":"1","value":{"type":"STRING","data":"d"}},{"id":"2","value":{"type":"STRING","data":"e"}}]}`
	batchPath := "/v3/clusters/" + cluster + "/topics/" + topic + "/records:batch"
	start = time.Now()
	r = p.do(t, "POST", batchPath, batch, "Content-Type: application/json")
	took = time.Since(start)
	t.Logf("v3 batch produce during the outage: %v, %d %s", took.Round(time.Millisecond), r.status, r.body)
	if took > faultDeliveryTimeout+faultSlack {
		t.Errorf("v3 batch produce took %v, more than the delivery timeout %v", took, faultDeliveryTimeout)
	}
	var br struct {
		Successes []any `json:"successes"`
		Failures  []struct {
			ID        string `json:"id"`
			ErrorCode int    `json:"error_code"`
			Message   string `json:"message"`
		} `json:"failures"`
	}
	if err := json.Unmarshal(r.expect(t, 207, "application/json").body, &br); err != nil || len(br.Successes) != 0 || len(br.Failures) != 2 {
		t.Fatalf("v3 batch produce during the outage: %s, want 2 failures", r.body)
	}
	for _, f := range br.Failures {
		if f.ErrorCode != 50003 || f.Message == "" {
			t.Errorf("batch entry %s: %d %q, want 50003 with a message", f.ID, f.ErrorCode, f.Message)
		}
	}

	b.run(t, "restart")
	eventually(t, "v3 batch produce after the restart", func() error {
		r := p.do(t, "POST", batchPath, batch, "Content-Type: application/json")
		if r.status != 207 || !strings.Contains(string(r.body), `"failures":[]`) {
			return fmt.Errorf("%d %s", r.status, r.body)
		}
		return nil
	})
	eventually(t, "v3 produce to the new topic after the restart", func() error {
		r := p.do(t, "POST", freshPath, `{"value":{"type":"STRING","data":"fresh"}}`, "Content-Type: application/json")
		if l := lines(t, r.body); r.status != 200 || len(l) != 1 || fmt.Sprint(l[0]["error_code"]) != "200" {
			return fmt.Errorf("%d %s", r.status, r.body)
		}
		return nil
	})
	eventually(t, "v2 produce after the restart", func() error {
		r := p.do(t, "POST", "/topics/"+topic, v2Records(3), "Content-Type: "+v2Binary)
		if r.status != 200 || strings.Contains(string(r.body), "error_code\":5") {
			return fmt.Errorf("%d %s", r.status, r.body)
		}
		return nil
	})
	eventually(t, "v3 admin call after the restart", func() error {
		if r := p.do(t, "GET", topicPath, ""); r.status != 200 {
			return fmt.Errorf("%d %s", r.status, r.body)
		}
		return nil
	})
	if recs := readBack(t, bootstrap, fresh, 1); string(recs[0].Value) != "fresh" {
		t.Errorf("the new topic holds %q", recs[0].Value)
	}
	// The records sent in the outage are not in Kafka: they expired in
	// the client, never sent. Those before and after are (an attempt
	// after the restart may have been retried).
	ends, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	ends.Each(func(o kadm.ListedOffset) { total += int(o.Offset) })
	var values []string
	for _, r := range readBack(t, bootstrap, topic, total) {
		values = append(values, string(r.Value))
	}
	after := strings.Join(values[min(3, len(values)):], ",")
	if len(values) < 8 || strings.Join(values[:3], ",") != "a,b,c" || !strings.Contains(after, "d,e") || !strings.Contains(after, "a,b,c") {
		t.Errorf("Kafka holds %q: want a,b,c before the outage, then d,e and a,b,c after it", values)
	}
}
