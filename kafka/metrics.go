package kafka

import (
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
)

// maxBrokers bounds the broker series of each client role.
const maxBrokers = 256

// clientHooks are the franz-go hooks of one client role (producer,
// consumer, admin), following franz-go's kprom plugin in its choice of
// hooks: connections, bytes and errors per broker, produce and fetch
// latency, batches written and read, throttling, and the records buffered
// in the role's live clients.
type clientHooks struct {
	role    string
	brokers *telemetry.Labels[*brokerSeries]

	produceLatency, fetchLatency                     *metrics.PrometheusHistogram
	producedBatches, producedRecords, producedBytes  *metrics.Counter
	producedCompressed, fetchedRecords, fetchedBytes *metrics.Counter
	fetchedCompressed                                *metrics.Counter
	throttled                                        *metrics.FloatCounter

	mu      sync.Mutex
	clients map[*kgo.Client]struct{}
}

// brokerSeries are the counters of one broker as one role sees it.
type brokerSeries struct {
	connects, connectErrors, disconnects *metrics.Counter
	written, writeErrors, read, readErrs *metrics.Counter
}

// ClientMetrics are franz-go's client metrics for every role, registered in
// one proxy's metrics: create them once per telemetry.Metrics.
type ClientMetrics struct {
	roles [3]*clientHooks // by Role
}

// NewClientMetrics registers the client series of every role in m.
func NewClientMetrics(m *telemetry.Metrics) *ClientMetrics {
	cm := &ClientMetrics{}
	set := m.Set()
	for _, role := range []Role{RoleProducer, RoleConsumer, RoleAdmin} {
		name := role.String()
		l := `{role="` + name + `"}`
		h := &clientHooks{role: name, clients: make(map[*kgo.Client]struct{}),
			produceLatency:     set.NewPrometheusHistogram(`kafka_rest_kafka_request_duration_seconds{role="` + name + `",request="produce"}`),
			fetchLatency:       set.NewPrometheusHistogram(`kafka_rest_kafka_request_duration_seconds{role="` + name + `",request="fetch"}`),
			producedBatches:    set.NewCounter("kafka_rest_kafka_produce_batches_total" + l),
			producedRecords:    set.NewCounter("kafka_rest_kafka_produce_records_total" + l),
			producedBytes:      set.NewCounter("kafka_rest_kafka_produce_uncompressed_bytes_total" + l),
			producedCompressed: set.NewCounter("kafka_rest_kafka_produce_compressed_bytes_total" + l),
			fetchedRecords:     set.NewCounter("kafka_rest_kafka_fetch_records_total" + l),
			fetchedBytes:       set.NewCounter("kafka_rest_kafka_fetch_uncompressed_bytes_total" + l),
			fetchedCompressed:  set.NewCounter("kafka_rest_kafka_fetch_compressed_bytes_total" + l),
			throttled:          set.NewFloatCounter("kafka_rest_kafka_throttle_seconds_total" + l),
		}
		h.brokers = telemetry.NewLabels(maxBrokers, func(node string) *brokerSeries {
			bl := `{role="` + name + `",node="` + node + `"}`
			return &brokerSeries{
				connects:      set.NewCounter("kafka_rest_kafka_connects_total" + bl),
				connectErrors: set.NewCounter("kafka_rest_kafka_connect_errors_total" + bl),
				disconnects:   set.NewCounter("kafka_rest_kafka_disconnects_total" + bl),
				written:       set.NewCounter("kafka_rest_kafka_write_bytes_total" + bl),
				writeErrors:   set.NewCounter("kafka_rest_kafka_write_errors_total" + bl),
				read:          set.NewCounter("kafka_rest_kafka_read_bytes_total" + bl),
				readErrs:      set.NewCounter("kafka_rest_kafka_read_errors_total" + bl),
			}
		})
		set.NewGauge("kafka_rest_kafka_clients"+l, func() float64 { return float64(h.sum(func(*kgo.Client) int64 { return 1 })) })
		set.NewGauge("kafka_rest_kafka_buffered_produce_records"+l, func() float64 {
			return float64(h.sum((*kgo.Client).BufferedProduceRecords))
		})
		set.NewGauge("kafka_rest_kafka_buffered_fetch_records"+l, func() float64 {
			return float64(h.sum((*kgo.Client).BufferedFetchRecords))
		})
		cm.roles[role] = h
	}
	return cm
}

// Hooks returns the hooks to give every franz-go client of role;
// Config.Hooks takes this method.
func (cm *ClientMetrics) Hooks(role Role) []kgo.Hook {
	return []kgo.Hook{cm.roles[role]}
}

// sum adds f over the live clients.
func (h *clientHooks) sum(f func(*kgo.Client) int64) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var n int64
	for cl := range h.clients {
		n += f(cl)
	}
	return n
}

func (h *clientHooks) broker(meta kgo.BrokerMetadata) *brokerSeries {
	node := strconv.Itoa(int(meta.NodeID))
	if meta.NodeID < 0 {
		node = "seed" // bootstrap connections, before the broker's id is known
	}
	return h.brokers.Get(node, true)
}

// OnNewClient implements kgo.HookNewClient.
func (h *clientHooks) OnNewClient(cl *kgo.Client) {
	h.mu.Lock()
	h.clients[cl] = struct{}{}
	h.mu.Unlock()
}

// OnClientClosed implements kgo.HookClientClosed.
func (h *clientHooks) OnClientClosed(cl *kgo.Client) {
	h.mu.Lock()
	delete(h.clients, cl)
	h.mu.Unlock()
}

// OnBrokerConnect implements kgo.HookBrokerConnect.
func (h *clientHooks) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	b := h.broker(meta)
	if err != nil {
		b.connectErrors.Inc()
		return
	}
	b.connects.Inc()
}

// OnBrokerDisconnect implements kgo.HookBrokerDisconnect.
func (h *clientHooks) OnBrokerDisconnect(meta kgo.BrokerMetadata, _ net.Conn) {
	h.broker(meta).disconnects.Inc()
}

// OnBrokerWrite implements kgo.HookBrokerWrite.
func (h *clientHooks) OnBrokerWrite(meta kgo.BrokerMetadata, _ int16, n int, _, _ time.Duration, err error) {
	b := h.broker(meta)
	b.written.Add(n)
	if err != nil {
		b.writeErrors.Inc()
	}
}

// OnBrokerRead implements kgo.HookBrokerRead.
func (h *clientHooks) OnBrokerRead(meta kgo.BrokerMetadata, _ int16, n int, _, _ time.Duration, err error) {
	b := h.broker(meta)
	b.read.Add(n)
	if err != nil {
		b.readErrs.Inc()
	}
}

// OnBrokerE2E implements kgo.HookBrokerE2E: the latency of produce and
// fetch requests, from writing the request to reading the whole answer.
func (h *clientHooks) OnBrokerE2E(_ kgo.BrokerMetadata, key int16, e2e kgo.BrokerE2E) {
	if e2e.Err() != nil {
		return
	}
	switch key {
	case kmsg.Produce.Int16():
		h.produceLatency.Update(e2e.DurationE2E().Seconds())
	case kmsg.Fetch.Int16():
		h.fetchLatency.Update(e2e.DurationE2E().Seconds())
	}
}

// OnBrokerThrottle implements kgo.HookBrokerThrottle.
func (h *clientHooks) OnBrokerThrottle(_ kgo.BrokerMetadata, d time.Duration, _ bool) {
	h.throttled.Add(d.Seconds())
}

// OnProduceBatchWritten implements kgo.HookProduceBatchWritten.
func (h *clientHooks) OnProduceBatchWritten(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.ProduceBatchMetrics) {
	h.producedBatches.Inc()
	h.producedRecords.Add(m.NumRecords)
	h.producedBytes.Add(m.UncompressedBytes)
	h.producedCompressed.Add(m.CompressedBytes)
}

// OnFetchBatchRead implements kgo.HookFetchBatchRead.
func (h *clientHooks) OnFetchBatchRead(_ kgo.BrokerMetadata, _ string, _ int32, m kgo.FetchBatchMetrics) {
	h.fetchedRecords.Add(m.NumRecords)
	h.fetchedBytes.Add(m.UncompressedBytes)
	h.fetchedCompressed.Add(m.CompressedBytes)
}
