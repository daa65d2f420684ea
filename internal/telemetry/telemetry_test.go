package telemetry

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// series returns the sample lines of the proxy's own metrics.
func series(m *Metrics, prefix string) []string {
	var b bytes.Buffer
	m.set.WritePrometheus(&b)
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestSeriesStayBoundedWithTenThousandTopics(t *testing.T) {
	const cap = 100
	m := New(Config{MaxLabelValues: cap})
	for i := range 10_000 {
		topic := fmt.Sprintf("topic-%05d", i)
		m.Produced(topic, 2, 20)
		m.ProduceFailed(topic, 1)
		m.Consumed("group-"+topic, 3)
		m.Request("/topics/:topic", "GET", 200, 0, time.Millisecond)
		m.Request("/topics/:topic", "BREW-"+topic, 404, 40401, time.Millisecond)
	}
	// Per topic: records, bytes, errors; cap topics and "other".
	if got := len(series(m, "kafka_rest_produce")); got != 3*(cap+1) {
		t.Fatalf("%d produce series, want %d", got, 3*(cap+1))
	}
	if got := len(series(m, "kafka_rest_consumed_records_total")); got != cap+1 {
		t.Fatalf("%d consume series, want %d", got, cap+1)
	}
	// Two routes by method and status: counters and histograms with
	// their buckets, whatever methods clients make up.
	if got := len(series(m, "kafka_rest_http_requests_total")); got != 2 {
		t.Fatalf("%d request series, want 2: %v", got, series(m, "kafka_rest_http_requests_total"))
	}
	if got := len(series(m, "kafka_rest_http_errors_total")); got != 1 {
		t.Fatalf("%d error series, want 1", got)
	}
	// Nothing is lost: what has no series of its own counts in "other".
	var b bytes.Buffer
	m.set.WritePrometheus(&b)
	for _, want := range []string{
		`kafka_rest_produced_records_total{topic="topic-00000"} 2`,
		fmt.Sprintf(`kafka_rest_produced_records_total{topic="other"} %d`, 2*(10_000-cap)),
		fmt.Sprintf(`kafka_rest_produce_errors_total{topic="other"} %d`, 10_000-cap),
		fmt.Sprintf(`kafka_rest_consumed_records_total{group="other"} %d`, 3*(10_000-cap)),
		`kafka_rest_http_requests_total{route="/topics/:topic",method="other",status="404"} 10000`,
		`kafka_rest_http_errors_total{error_code="40401"} 10000`,
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Fatalf("no line %q", want)
		}
	}
}

func TestUnprovenTopicsTakeNoSeries(t *testing.T) {
	m := New(Config{MaxLabelValues: 1})
	// Errors for made-up topics never take the one slot...
	m.ProduceFailed("made-up", 5)
	m.Produced("real", 1, 10)
	// ...which the first topic that stored a record gets.
	m.ProduceFailed("real", 2)
	m.Produced("late", 1, 10)
	want := []string{
		`kafka_rest_produce_errors_total{topic="other"} 5`,
		`kafka_rest_produce_errors_total{topic="real"} 2`,
		`kafka_rest_produced_records_total{topic="other"} 1`,
		`kafka_rest_produced_records_total{topic="real"} 1`,
	}
	got := strings.Join(series(m, "kafka_rest_produce"), "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("no %q in\n%s", w, got)
		}
	}
}

func TestLabelValuesAreEscaped(t *testing.T) {
	m := New(DefaultConfig())
	m.Consumed("a \"quoted\" \\ group\nwith a line", 1)
	got := series(m, "kafka_rest_consumed_records_total")
	if len(got) != 2 || got[0] != `kafka_rest_consumed_records_total{group="a \"quoted\" \\ group\nwith a line"} 1` {
		t.Fatalf("series %q", got)
	}
}

func TestSetsOfTwoProxiesStayApart(t *testing.T) {
	a, b := New(DefaultConfig()), New(DefaultConfig())
	a.Produced("t", 1, 1)
	if got := series(b, "kafka_rest_produced_records_total"); len(got) != 1 || got[0] != `kafka_rest_produced_records_total{topic="other"} 0` {
		t.Fatalf("the second proxy's metrics hold %v", got)
	}
}
