package v3

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
)

// The read budget of streaming produce (produce.read.budget.bytes): the
// memory all streams hold between them for records being read, before the
// produce credits take over. A record longer than readFree takes its share
// as its buffer grows; one that cannot get it is answered 413 and the
// stream goes on.

// readFree is how long a record may be without taking from the read
// budget: its stream's own buffer, reused from record to record.
const readFree = 64 << 10

// newReadHold starts a record's share of the read budget.
func (s *produce) newReadHold() codec.Hold { return s.readBudget.NewHold() }

// readBudgetLine is the answer of a record the read budget refused.
func (s *produce) readBudgetLine(err error) *produced {
	var be *actors.ReadBudgetError
	if !errors.As(err, &be) {
		return recordError(err)
	}
	if be.Waited == 0 {
		return &produced{ErrorCode: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf(
			"Record too large: reading it takes more than the %d bytes one record may hold of the proxy's read budget (produce.read.budget.bytes).", be.Claim)}
	}
	return &produced{ErrorCode: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf(
		"Record too large for now: no room for it in the proxy's read budget (produce.read.budget.bytes) within %s (produce.read.budget.wait.ms); send it again later.", be.Waited)}
}

// newProduce is the produce handler of d, with its read budget.
func newProduce(b *base, d Deps) *produce {
	s := &produce{base: b, cfg: d.Produce, producers: d.Producers, serializer: d.Serializer, metrics: d.Metrics, log: d.Log}
	s.readBudget = actors.NewReadBudget(d.Produce.ReadBudgetBytes, int64(s.recordMaxBytes()), d.Produce.ReadBudgetWait)
	s.registerReadBudgetGauges()
	return s
}

// registerReadBudgetGauges exposes what the read budget holds.
func (s *produce) registerReadBudgetGauges() {
	m := s.metrics
	m.Gauge("kafka_rest_produce_read_budget_bytes_in_use", func() float64 {
		b, _ := s.readBudget.InUse()
		return float64(b)
	})
	m.Gauge("kafka_rest_produce_read_budget_waiting", func() float64 {
		_, w := s.readBudget.InUse()
		return float64(w)
	})
}
