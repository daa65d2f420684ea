package kafka

import (
	"context"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// BrokerReplicas lists the partition replicas a broker hosts, internal
// topics included, sorted by topic and partition. An unknown broker is the
// reference's 404 "Broker N cannot be found.".
func (a *Admin) BrokerReplicas(ctx context.Context, broker int32) ([]Replica, error) {
	info, err := a.Cluster(ctx)
	if err != nil {
		return nil, err
	}
	known := false
	for _, b := range info.Brokers {
		known = known || b.ID == broker
	}
	if !known {
		return nil, apierr.New(apierr.CodeNotFound, "Broker %d cannot be found.", broker)
	}
	// The metadata's assignments are what the reference reads from the
	// broker's log dirs, without a request per partition.
	topics, err := a.describeTopics(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []Replica
	for _, t := range topics { // sorted by name, partitions by id
		for _, p := range t.Partitions {
			for _, r := range p.Replicas {
				if r.Broker == broker {
					out = append(out, r)
				}
			}
		}
	}
	return out, nil
}
