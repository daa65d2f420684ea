package actors

import (
	"context"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// ConsumerGroups describes every consumer group of the cluster.
func (s *System) ConsumerGroups(ctx context.Context) ([]kafka.ConsumerGroup, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConsumerGroup, error) {
		return a.ConsumerGroups(ctx)
	})
}

// ConsumerGroup describes one consumer group; nil when there is none of that
// id.
func (s *System) ConsumerGroup(ctx context.Context, id string) (*kafka.ConsumerGroup, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (*kafka.ConsumerGroup, error) {
		return a.ConsumerGroup(ctx, id)
	})
}

// ConsumerLags returns the lags of a consumer group on the partitions it
// committed offsets for.
func (s *System) ConsumerLags(ctx context.Context, groupID string) ([]kafka.ConsumerLag, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConsumerLag, error) {
		return a.ConsumerLags(ctx, groupID)
	})
}

// CommittedOffsets returns what group committed for partitions, through
// the admin pool.
func (s *System) CommittedOffsets(ctx context.Context, group string, partitions []kafka.CommittedOffset) ([]kafka.CommittedOffset, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.CommittedOffset, error) {
		return a.CommittedOffsets(ctx, group, partitions)
	})
}
