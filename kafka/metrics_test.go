package kafka

import (
	"testing"

	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
)

func TestClientMetricsOfTwoProxiesStayApart(t *testing.T) {
	a := NewClientMetrics(telemetry.New(telemetry.DefaultConfig()))
	b := NewClientMetrics(telemetry.New(telemetry.DefaultConfig()))
	if got := a.Hooks(RoleProducer); len(got) != 1 || got[0] == b.Hooks(RoleProducer)[0] {
		t.Fatalf("hooks shared between proxies")
	}
	if a.Hooks(RoleProducer)[0] == a.Hooks(RoleAdmin)[0] {
		t.Fatalf("hooks shared between roles")
	}
}
