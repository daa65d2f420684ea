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
	return brokerEnv(t, "TEST_KAFKA_BOOTSTRAP")
}

// saslTarget is the same broker's SASL listener: users admin (a super
// user), alice and bob, StandardAuthorizer, no ACL means deny.
func saslTarget(t *testing.T) string {
	t.Helper()
	return brokerEnv(t, "TEST_KAFKA_SASL_BOOTSTRAP")
}

// brokerEnv is the broker address in the environment variable name.
func brokerEnv(t *testing.T, name string) string {
	t.Helper()
	addr := os.Getenv(name)
	if addr == "" {
		t.Fatal(name + " is not set: run the integration tier with make test-integration, which starts the broker")
	}
	return addr
}

// bulkRecords is how many records the bulk produce tests stream: what the issue asks of the real broker.
const bulkRecords = 100_000

// largeScale divides the sizes of TestProduceStreamConcurrentLargeRecords
// (records, budgets, bounds): 1, the issue's own 16 records of 60 MB, here
// where the broker is another process and no race detector runs.
const largeScale = 1

// clusterInHeap says the cluster keeps its records in the test's own heap:
// not a broker in a process of its own.
const clusterInHeap = false
