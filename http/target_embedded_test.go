//go:build !integration

package http_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// target starts an embedded cluster for this test: the embedded tier.
func target(t *testing.T) string {
	t.Helper()
	cfg := embedded.DefaultConfig()
	cfg.Port = 0
	e, err := embedded.Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("starting the embedded cluster: %v", err)
	}
	t.Cleanup(e.Close)
	return e.Addr()
}

// bulkRecords is how many records the bulk produce tests stream: a fraction of the real tier's, for the race detector's sake.
const bulkRecords = 20_000

// largeScale divides the sizes of TestProduceStreamConcurrentLargeRecords
// (records, budgets, bounds): a quarter of the 60 MB records here,
// where the race detector checks every byte that moves, and the real tier
// runs them whole.
const largeScale = 4

// clusterInHeap says the cluster keeps its records in the test's own heap,
// as the embedded one does: memory bounds of the proxy add what it holds.
const clusterInHeap = true
