//go:build integration && brokerfaults

package http_test

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"
)

// brokerCtl runs .ci/kafka.sh kill or restart on the broker of this run.
func brokerCtl(t *testing.T, action string) {
	t.Helper()
	ctl := os.Getenv("TEST_KAFKA_CTL")
	if ctl == "" {
		t.Fatal("TEST_KAFKA_CTL is not set: run the broker-fault tests with make test-integration")
	}
	out, err := exec.Command(ctl, action).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", ctl, action, err, out)
	}
}

// awaitReadiness polls /readyz until it answers status, for up to limit.
func awaitReadiness(t *testing.T, p *proxy, status int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		r := p.do(t, "GET", "/readyz", "")
		if r.status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still answers %d %s after %v, want %d", r.status, r.body, limit, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestBrokerFaultReadiness: /readyz answers 503 with its reason while the
// broker is down and 200 again once it is back; /healthz answers 200
// throughout, since the process itself is fine.
func TestBrokerFaultReadiness(t *testing.T) {
	p := startProxy(t, target(t), nil)
	p.do(t, "GET", "/readyz", "").expect(t, 200, "application/json")

	brokerCtl(t, "kill")
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			brokerCtl(t, "restart") // leave the broker up for the next test
		}
	})
	awaitReadiness(t, p, 503, 30*time.Second)
	r := p.do(t, "GET", "/readyz", "").expect(t, 503, "application/json")
	if e := r.json(t); fmt.Sprint(e["error_code"]) != "503" || e["message"] != "Not ready: Kafka did not answer a metadata request." {
		t.Fatalf("not-ready answer %s", r.body)
	}
	sameJSON(t, p.do(t, "GET", "/healthz", "").expect(t, 200, "application/json").body, `{"status":"ok"}`)
	got := scrape(t, p)
	if sum, n := sumOf(got, "kafka_rest_kafka_connect_errors_total", `role="admin"`); n == 0 || sum == 0 {
		t.Errorf("no failed admin connection counted while the broker was down")
	}

	brokerCtl(t, "restart")
	restarted = true
	awaitReadiness(t, p, 200, 60*time.Second)
	sameJSON(t, p.do(t, "GET", "/readyz", "").expect(t, 200, "application/json").body, `{"status":"ready"}`)
}
