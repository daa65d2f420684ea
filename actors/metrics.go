package actors

// registerGauges exposes what the actors hold, read at every scrape.
func (s *System) registerGauges() {
	m, p := s.metrics, s.producers
	m.Gauge("kafka_rest_consumer_instances", func() float64 { return float64(s.consumers.Live()) })
	m.Gauge("kafka_rest_group_streams", func() float64 { return float64(s.streams.Live()) })
	m.Gauge("kafka_rest_producer_actors", func() float64 { return float64(p.Live()) })
	m.Gauge("kafka_rest_produce_credit_records_in_use", inUse(p.credits, 0))
	m.Gauge("kafka_rest_produce_credit_bytes_in_use", inUse(p.credits, 1))
	m.Gauge(`kafka_rest_produce_streams_waiting{credit="global"}`, inUse(p.credits, 2))
	m.Gauge(`kafka_rest_produce_streams_waiting{credit="topic"}`, func() float64 { return float64(p.topicWaiters()) })
	m.Gauge("kafka_rest_consumer_read_budget_bytes_in_use", inUse(s.consumers.readCredits, 1))
	m.Gauge("kafka_rest_partition_readers_busy", func() float64 { return float64(s.readers.pool.busy()) })
}

// inUse reads one of what c.inUse reports: records (0), bytes (1) or
// waiters (2).
func inUse(c *credits, which int) func() float64 {
	return func() float64 {
		r, b, w := c.inUse()
		return float64([3]int64{r, b, int64(w)}[which])
	}
}
