package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// createTopic creates topic with partitions partitions, unless it exists,
// waits until the brokers' metadata shows a leader for each (a record sent
// before that may be refused as for an unknown topic), then warms it: a
// fresh topic's first mode would otherwise measure the wait.
func createTopic(ctx context.Context, adm *kadm.Client, seeds []string, topic string, partitions int32) error {
	resp, err := adm.CreateTopic(ctx, partitions, -1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("bench: creating topic %s: %w", topic, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if ts, err := adm.ListTopics(ctx, topic); err == nil && topicReady(ts[topic]) {
			return warmTopic(ctx, seeds, topic, partitions)
		}
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("bench: topic %s has no leader for every partition after 30s", topic)
		}
	}
}

// warmTopic writes one record without a value to each partition of topic
// and waits until each is stored. The broker's first write to a new
// partition takes it a few hundred milliseconds (its log segment and
// indexes); without this, the first mode of every round, proxy or native,
// would show that stall in its p99 at a fixed rate. The readers of the
// bench skip records without a value.
func warmTopic(ctx context.Context, seeds []string, topic string, partitions int32) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		return err
	}
	defer cl.Close()
	recs := make([]*kgo.Record, partitions)
	for p := range partitions {
		recs[p] = &kgo.Record{Topic: topic, Partition: p}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("bench: warming topic %s: %w", topic, err)
	}
	return nil
}

// topicReady reports whether every partition of a topic has a leader.
func topicReady(t kadm.TopicDetail) bool {
	if t.Err != nil || len(t.Partitions) == 0 {
		return false
	}
	for _, p := range t.Partitions {
		if p.Err != nil || p.Leader < 0 {
			return false
		}
	}
	return true
}

// deleteTopic deletes topic, even when ctx has ended.
func deleteTopic(ctx context.Context, adm *kadm.Client, topic string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	resp, err := adm.DeleteTopic(ctx, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		return fmt.Errorf("bench: deleting topic %s (delete it by hand: it holds what the round wrote): %w", topic, err)
	}
	return nil
}
