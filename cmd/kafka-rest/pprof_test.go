package main

import (
	"bytes"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// get answers a GET's status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestDebugListenerServesProfilesApart: debug.pprof.listener serves Go's
// profiles on its own address, the public listener never does, and the
// public listener serves the operations endpoints.
func TestDebugListenerServesProfilesApart(t *testing.T) {
	p := startProcess(t, "listeners=http://127.0.0.1:0\nembedded.kafka.port=0\ndebug.pprof.listener=127.0.0.1:0\n")
	public := p.listening(t)
	debugLine := regexp.MustCompile(`pprof debug listener on.* listener=(http://\S+/debug/pprof/)`)
	var debug string
	for deadline := time.Now().Add(10 * time.Second); debug == ""; time.Sleep(20 * time.Millisecond) {
		if m := debugLine.FindStringSubmatch(p.log()); m != nil {
			debug = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no pprof listener in the log:\n%s", p.log())
		}
	}

	for path, want := range map[string]string{
		"":                     "goroutine",
		"goroutine?debug=1":    "goroutine profile: total",
		"heap?debug=1":         "heap profile:",
		"cmdline":              "kafka-rest",
		"profile?seconds=1":    "", // a CPU profile, binary
		"trace?seconds=0.1":    "", // an execution trace, binary
		"mutex?debug=1":        "mutex",
		"block?debug=1":        "contention",
		"threadcreate?debug=1": "threadcreate profile",
	} {
		status, body := get(t, debug+path)
		if status != 200 || !strings.Contains(body, want) || body == "" {
			t.Errorf("GET %s: %d, %d bytes, want 200 with %q", debug+path, status, len(body), want)
		}
	}
	if status, _ := get(t, "http://"+public+"/debug/pprof/"); status != 404 {
		t.Errorf("the public listener answers /debug/pprof/ with %d, want 404", status)
	}
	if status, _ := get(t, strings.TrimSuffix(debug, "/debug/pprof/")+"/v3/clusters"); status != 404 {
		t.Errorf("the debug listener serves the API: %d", status)
	}
	status, body := get(t, "http://"+public+"/readyz")
	if status != 200 || body != `{"status":"ready"}` {
		t.Errorf("GET /readyz: %d %s", status, body)
	}
	status, body = get(t, "http://"+public+"/metrics")
	for _, want := range []string{"\nkafka_rest_consumer_instances 0\n", `kafka_rest_kafka_connects_total{role="admin",node=`, "\ngo_goroutines "} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("GET /metrics: %d, no %q", status, want)
		}
	}
}

// TestLogFormat: log.format picks slog's text or JSON handler, log.level
// its level.
func TestLogFormat(t *testing.T) {
	for format, want := range map[string]string{
		"text": "level=WARN msg=shown key=v\n",
		"json": `"level":"WARN","msg":"shown","key":"v"}` + "\n",
	} {
		cfg, err := loadConfig(writeProps(t, "log.format="+format+"\nlog.level=warn\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		log := newLogger(cfg, &b)
		log.Info("hidden")
		log.Warn("shown", "key", "v")
		if !strings.HasSuffix(b.String(), want) || strings.Count(b.String(), "\n") != 1 {
			t.Errorf("log.format=%s: %q, want a line ending %q", format, b.String(), want)
		}
	}
}
