package telemetry

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

// Config bounds the metrics.
type Config struct {
	// MaxLabelValues is how many topics, and separately how many consumer
	// groups, get series of their own; the rest share the "other" series.
	MaxLabelValues int
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config { return Config{MaxLabelValues: 500} }

// Metrics is one proxy's metrics. Its methods are safe for concurrent use
// and cost a map lookup and atomic adds.
type Metrics struct {
	set    *metrics.Set
	topics *Labels[*produceSeries]
	groups *Labels[*metrics.Counter]
	// read are the records the v3 partition reads answered, per topic.
	read *Labels[*metrics.Counter]
	// requests are the series of each route, method and status met, so
	// that counting a request builds no name: it is on every request's
	// path. Routes are templates and methods and statuses few, so it
	// stays small.
	requests sync.Map // requestKey -> *requestSeries
}

type requestKey struct {
	route, method string
	status        int
}

type requestSeries struct {
	count    *metrics.Counter
	duration *metrics.PrometheusHistogram
}

// produceSeries are a topic's produce counters.
type produceSeries struct {
	records, bytes, errors *metrics.Counter
}

// New returns an empty set of metrics; a MaxLabelValues below 1 means the
// default.
func New(cfg Config) *Metrics {
	if cfg.MaxLabelValues < 1 {
		cfg.MaxLabelValues = DefaultConfig().MaxLabelValues
	}
	set := metrics.NewSet()
	m := &Metrics{set: set}
	m.topics = NewLabels(cfg.MaxLabelValues, func(topic string) *produceSeries {
		return &produceSeries{
			records: set.NewCounter(`kafka_rest_produced_records_total{topic="` + topic + `"}`),
			bytes:   set.NewCounter(`kafka_rest_produced_bytes_total{topic="` + topic + `"}`),
			errors:  set.NewCounter(`kafka_rest_produce_errors_total{topic="` + topic + `"}`),
		}
	})
	m.groups = NewLabels(cfg.MaxLabelValues, func(group string) *metrics.Counter {
		return set.NewCounter(`kafka_rest_consumed_records_total{group="` + group + `"}`)
	})
	m.read = NewLabels(cfg.MaxLabelValues, func(topic string) *metrics.Counter {
		return set.NewCounter(`kafka_rest_read_records_total{topic="` + topic + `"}`)
	})
	registerBuildInfo(set, buildinfo.Read())
	return m
}

// Set is the set every series of this proxy is registered in, for the
// packages that add series of their own (franz-go's client hooks).
func (m *Metrics) Set() *metrics.Set { return m.set }

// WritePrometheus writes every metric in Prometheus text format: the
// proxy's own, then the Go runtime's and the process's.
func (m *Metrics) WritePrometheus(w io.Writer) {
	m.set.WritePrometheus(w)
	metrics.WriteGoMetrics(w)
	metrics.WriteProcMetrics(w)
	metrics.WriteFDMetrics(w)
}

// Gauge registers a gauge read from f at every scrape; name may carry
// labels. Registering a name twice keeps the first.
func (m *Metrics) Gauge(name string, f func() float64) {
	m.set.GetOrCreateGauge(name, f)
}

// Request counts one HTTP request by route template (never the raw path),
// method and status, and its error code when it answered one. Method is
// bounded: methods outside the standard set count as "other".
func (m *Metrics) Request(route, method string, status, errorCode int, d time.Duration) {
	k := requestKey{route, knownMethod(method), status}
	v, ok := m.requests.Load(k)
	if !ok {
		labels := `{route="` + escape(route) + `",method="` + k.method + `",status="` + strconv.Itoa(status) + `"}`
		v, _ = m.requests.LoadOrStore(k, &requestSeries{
			count:    m.set.GetOrCreateCounter("kafka_rest_http_requests_total" + labels),
			duration: m.set.GetOrCreatePrometheusHistogram("kafka_rest_http_request_duration_seconds" + labels),
		})
	}
	rs := v.(*requestSeries)
	rs.count.Inc()
	rs.duration.Update(d.Seconds())
	if errorCode != 0 {
		m.set.GetOrCreateCounter(fmt.Sprintf(`kafka_rest_http_errors_total{error_code="%d"}`, errorCode)).Inc()
	}
}

func knownMethod(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return m
	}
	return otherLabel
}

// Produced counts records (key, value and header bytes) Kafka stored in
// topic. A topic gets series of its own once it has stored a record.
func (m *Metrics) Produced(topic string, records, bytes int64) {
	if records == 0 {
		return
	}
	s := m.topics.Get(topic, true)
	s.records.AddInt64(records)
	s.bytes.AddInt64(bytes)
}

// ProduceFailed counts records produced to topic that were answered with
// an error, whether Kafka or the proxy refused them. A topic that never
// stored a record counts under "other".
func (m *Metrics) ProduceFailed(topic string, records int64) {
	if records == 0 {
		return
	}
	m.topics.Get(topic, false).errors.AddInt64(records)
}

// Consumed counts records a v2 consumer instance of group returned.
func (m *Metrics) Consumed(group string, records int) {
	if records == 0 {
		return
	}
	m.groups.Get(group, true).AddInt64(int64(records))
}

// Forwarded counts a v2 consumer call this node forwarded to the node
// holding its instance: answered by that node, or not (unreachable).
func (m *Metrics) Forwarded(answered bool) {
	outcome := "answered"
	if !answered {
		outcome = "unreachable"
	}
	m.set.GetOrCreateCounter(`kafka_rest_cluster_forwarded_requests_total{outcome="` + outcome + `"}`).Inc()
}

// OwnerAsked counts a search of the other nodes for the holder of an
// instance named by its client: found on one of them, or on none.
func (m *Metrics) OwnerAsked(found bool) {
	m.set.GetOrCreateCounter(`kafka_rest_cluster_owner_searches_total{found="` + strconv.FormatBool(found) + `"}`).Inc()
}

// Read counts records a v3 partition read of topic answered.
func (m *Metrics) Read(topic string, records int) {
	if records == 0 {
		return
	}
	m.read.Get(topic, true).AddInt64(int64(records))
}
