//go:build integration

package http_test

import (
	"os"
	"testing"
)

// target is the real Apache Kafka broker .ci/kafka.sh started: the
// integration tier. It fails, never skips, without one.
func target(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("TEST_KAFKA_BOOTSTRAP")
	if addr == "" {
		t.Fatal("TEST_KAFKA_BOOTSTRAP is not set: run the integration tier with make test-integration, which starts the broker")
	}
	return addr
}

// bulkRecords is how many records the bulk produce tests stream: what the issue asks of the real broker.
const bulkRecords = 100_000
