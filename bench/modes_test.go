package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	resthttp "github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// TestRunAgainstAProxy runs every mode for a fixed count of records against
// an in-process proxy on the embedded cluster: every record is counted as
// a success, and the table shows each mode's ratio to native.
func TestRunAgainstAProxy(t *testing.T) {
	ecfg := embedded.DefaultConfig()
	ecfg.Port = 0
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := embedded.Start(ecfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	acfg := actors.DefaultConfig()
	acfg.Kafka = kafka.Config{BootstrapServers: []string{e.Addr()}}
	sys, err := actors.New(acfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Shutdown(context.Background())
	reg, err := embedded.StartRegistry("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	scfg := schema.DefaultConfig()
	scfg.URLs = []string{reg.URL()}
	sreg, err := schema.New(scfg)
	if err != nil {
		t.Fatal(err)
	}
	hcfg := resthttp.DefaultConfig()
	hcfg.Serializer = sreg
	srv := httptest.NewServer(resthttp.New(hcfg, sys, log))
	defer srv.Close()

	cfg := Config{URL: srv.URL, Bootstrap: []string{e.Addr()}, Topic: "bench", Partitions: 3,
		Modes: []string{ModeV3Stream, ModeV3Batch, ModeV3Avro, ModeV2, ModeNative, ModeV2Read, ModeNativeRead}, Connections: 2, BatchSize: 10,
		RecordSize: 100, Keyed: true, Records: 2000, Duration: time.Minute, Rounds: 3}
	results, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 7 {
		t.Fatalf("%d results", len(results))
	}
	for _, r := range results {
		// Consume modes drain at least the bound: a read returns a batch.
		enough := r.Records == 2000 || (r.Mode == ModeV2Read || r.Mode == ModeNativeRead) && r.Records >= 2000
		if !enough || r.Rounds != 3 || len(r.Errors) != 0 || r.RecordsPerSec <= 0 || r.LatencyP50Ms <= 0 || r.LatencyP999Ms < r.LatencyP50Ms {
			t.Errorf("%s: %+v", r.Mode, r)
		}
	}
	var out strings.Builder
	WriteTable(&out, cfg, results)
	for _, want := range []string{"v3-stream / native", "v3-batch / native", "v3-stream-avro / native", "v2-produce / native", "v2-consume / native-consume", "records/s", "p999 ms"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table has no %q:\n%s", want, out.String())
		}
	}
}
