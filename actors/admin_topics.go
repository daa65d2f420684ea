package actors

import (
	"context"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// Topics lists the cluster's topics but the internal ones, sorted by name;
// authOps asks for the operations the proxy may run on each.
func (s *System) Topics(ctx context.Context, authOps bool) ([]kafka.Topic, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.Topic, error) { return a.Topics(ctx, authOps) })
}

// Topic describes one topic.
func (s *System) Topic(ctx context.Context, name string, authOps bool) (kafka.Topic, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (kafka.Topic, error) { return a.Topic(ctx, name, authOps) })
}

// CreateTopic creates a topic, or only validates its creation.
func (s *System) CreateTopic(ctx context.Context, nt kafka.NewTopic) (kafka.CreatedTopic, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (kafka.CreatedTopic, error) { return a.CreateTopic(ctx, nt) })
}

// DeleteTopic deletes a topic.
func (s *System) DeleteTopic(ctx context.Context, name string) error {
	_, err := adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (struct{}, error) {
		return struct{}{}, a.DeleteTopic(ctx, name)
	})
	return err
}

// SetPartitionsCount raises a topic's partition count to total.
func (s *System) SetPartitionsCount(ctx context.Context, name string, total int32) error {
	_, err := adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (struct{}, error) {
		return struct{}{}, a.SetPartitionsCount(ctx, name, total)
	})
	return err
}

// Partition describes one partition of a topic; found is false when the
// topic exists but has no such partition.
func (s *System) Partition(ctx context.Context, topic string, id int32) (kafka.Partition, bool, error) {
	type found struct {
		p  kafka.Partition
		ok bool
	}
	f, err := adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) (found, error) {
		p, ok, err := a.Partition(ctx, topic, id)
		return found{p, ok}, err
	})
	return f.p, f.ok, err
}

// PartitionOffsets returns the earliest and latest offsets of a partition.
func (s *System) PartitionOffsets(ctx context.Context, topic string, id int32) (earliest, latest int64, err error) {
	o, err := adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([2]int64, error) {
		e, l, err := a.PartitionOffsets(ctx, topic, id)
		return [2]int64{e, l}, err
	})
	return o[0], o[1], err
}

// Reassignments lists the ongoing partition reassignments, sorted by topic
// and partition.
func (s *System) Reassignments(ctx context.Context) ([]kafka.Reassignment, error) {
	return adminDo(ctx, s, func(ctx context.Context, a *kafka.Admin) ([]kafka.Reassignment, error) { return a.Reassignments(ctx) })
}
