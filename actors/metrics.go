package actors

import "github.com/kafka-rest-go/kafka-rest/internal/telemetry"

// Metrics returns the proxy's metrics, for the HTTP layer to count
// requests and serve them.
func (s *System) Metrics() *telemetry.Metrics { return s.metrics }

// registerGauges exposes what the actors hold, read at every scrape.
func (s *System) registerGauges() {
	m := s.metrics
	m.Gauge("kafka_rest_consumer_instances", func() float64 { return float64(s.LiveConsumers()) })
	m.Gauge("kafka_rest_producer_actors", func() float64 { return float64(s.LiveTopicProducers()) })
	m.Gauge("kafka_rest_produce_credit_records_in_use", inUse(s.credits, 0))
	m.Gauge("kafka_rest_produce_credit_bytes_in_use", inUse(s.credits, 1))
	m.Gauge(`kafka_rest_produce_streams_waiting{credit="global"}`, inUse(s.credits, 2))
	m.Gauge(`kafka_rest_produce_streams_waiting{credit="topic"}`, func() float64 { return float64(s.topicWaiters()) })
	m.Gauge("kafka_rest_consumer_read_budget_bytes_in_use", inUse(s.readCredits, 1))
}

// inUse reads one of what c.inUse reports: records (0), bytes (1) or
// waiters (2).
func inUse(c *credits, which int) func() float64 {
	return func() float64 {
		r, b, w := c.inUse()
		return float64([3]int64{r, b, int64(w)}[which])
	}
}

// topicWaiters is how many produce sessions wait for a topic's credit,
// over every live topic.
func (s *System) topicWaiters() int {
	s.topics.mu.Lock()
	defer s.topics.mu.Unlock()
	n := 0
	for _, e := range s.topics.lru.Values() {
		_, _, w := e.credits.inUse()
		n += w
	}
	return n
}
