//go:build integration

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestShutdownWithRefusedRecords: see checkShutdownWithRefusedRecords;
// the real broker's SASL listener, with SCRAM users.
func TestShutdownWithRefusedRecords(t *testing.T) {
	bootstrap, sasl := os.Getenv("TEST_KAFKA_BOOTSTRAP"), os.Getenv("TEST_KAFKA_SASL_BOOTSTRAP")
	if bootstrap == "" || sasl == "" {
		t.Fatal("TEST_KAFKA_BOOTSTRAP and TEST_KAFKA_SASL_BOOTSTRAP are not set: run the integration tier with make test-integration, which starts the broker")
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	b := make([]byte, 6)
	rand.Read(b)
	topic := "shutdown-refused-" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	defer adm.DeleteTopics(ctx, topic)
	const grace = 3 * time.Second
	checkShutdownWithRefusedRecords(t, identityProps(sasl, "SASL_SCRAM_SHA_512", grace), topic,
		"admin:admin-secret", "admin:wrong", grace, nil)
}
