package actors

import (
	"context"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// Configs describes the configs of r, sorted by name.
func (s *System) Configs(ctx context.Context, r kafka.ConfigResource) ([]kafka.ConfigEntry, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConfigEntry, error) { return a.Configs(ctx, r) })
}

// AllConfigs describes the configs of every topic or every broker.
func (s *System) AllConfigs(ctx context.Context, kind kafka.ConfigKind) ([]kafka.ResourceConfigs, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.ResourceConfigs, error) {
		return a.AllConfigs(ctx, kind)
	})
}

// AlterConfigs applies ops to the configs of r, or validates them only.
func (s *System) AlterConfigs(ctx context.Context, r kafka.ConfigResource, ops []kafka.ConfigOp, mode kafka.AlterMode, validateOnly bool) error {
	_, err := adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (struct{}, error) {
		return struct{}{}, a.AlterConfigs(ctx, r, ops, mode, validateOnly)
	})
	return err
}

// AlterTopicsConfigs applies the changes of several topics at once and
// returns the topics Kafka refused.
func (s *System) AlterTopicsConfigs(ctx context.Context, alters []kafka.TopicConfigAlter, validateOnly bool) ([]kafka.TopicAlterFailure, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.TopicAlterFailure, error) {
		return a.AlterTopicsConfigs(ctx, alters, validateOnly)
	})
}
