package actors

import (
	"context"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// BrokerReplicas lists the partition replicas a broker hosts, sorted by
// topic and partition.
func (s *System) BrokerReplicas(ctx context.Context, broker int32) ([]kafka.Replica, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.Replica, error) {
		return a.BrokerReplicas(ctx, broker)
	})
}
