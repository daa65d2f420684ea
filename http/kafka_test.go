package http_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// Helpers that set up Kafka for the HTTP tests and check what it holds,
// through the plain franz-go admin client of a proxy under test.

// uniqueName is a topic or group name no other test, run or engineer on a
// shared broker uses.
func uniqueName(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// eventually retries check until it passes, for up to 30 s: the real broker
// applies metadata and config changes a moment after it answers, and groups
// rebalance.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// deleteAtEnd deletes topic when the test ends, if it exists then.
func deleteAtEnd(t *testing.T, p *proxy, topic string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := p.admin.DeleteTopic(ctx, topic); err != nil && !errors.Is(err, kerr.UnknownTopicOrPartition) {
			t.Logf("deleting topic %s: %v", topic, err)
		}
	})
}

// createTopic creates a topic directly in Kafka, deleted when the test
// ends, and waits until the brokers serve it with all its leaders.
func createTopic(t *testing.T, p *proxy, topic string, partitions int32) kadm.TopicDetail {
	t.Helper()
	deleteAtEnd(t, p, topic)
	r, err := p.admin.CreateTopic(context.Background(), partitions, 1, nil, topic)
	if err == nil {
		err = r.Err
	}
	if err != nil {
		t.Fatalf("creating topic %s: %v", topic, err)
	}
	return awaitTopic(t, p, topic)
}

// describeTopic asks Kafka, bypassing the client's metadata cache, about a
// topic.
func describeTopic(t *testing.T, p *proxy, topic string) kadm.TopicDetail {
	t.Helper()
	md, err := p.admin.Metadata(kadm.WithAuthorizedOps(context.Background()), topic)
	if err != nil {
		t.Fatalf("describing topic %s: %v", topic, err)
	}
	return md.Topics[topic]
}

// awaitTopic waits until Kafka serves the topic with all its leaders.
func awaitTopic(t *testing.T, p *proxy, topic string) kadm.TopicDetail {
	t.Helper()
	var td kadm.TopicDetail
	eventually(t, "topic "+topic+" to be served", func() error {
		td = describeTopic(t, p, topic)
		if td.Err != nil {
			return td.Err
		}
		if len(td.Partitions) == 0 {
			return errors.New("no partitions yet")
		}
		for _, pd := range td.Partitions {
			if pd.Leader < 0 {
				return fmt.Errorf("partition %d has no leader yet", pd.Partition)
			}
		}
		return nil
	})
	return td
}
