// Command kafka-rest-bench load-tests a Kafka REST proxy: it produces over
// HTTP (v3 streaming, v3 batch) and, in the same run, the same records
// straight to the same brokers with franz-go, and reports records/s, MB/s,
// latency percentiles and errors, with each mode's fraction of the native
// ceiling. Point it at your own deployment, or let it start kafka-rest
// itself (--start-proxy) to also see the proxy's CPU time and memory.
//
//	kafka-rest-bench --url http://proxy:8082 --bootstrap broker:9092 --topic bench --duration 30s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kafka-rest-go/kafka-rest/bench"
	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kafka-rest-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg        bench.Config
		bootstrap  = fs.String("bootstrap", "", "Kafka brokers, host:port comma list: for the native mode, topic creation and --start-proxy")
		modes      = fs.String("modes", "v3-stream,v3-batch,v2-produce,native,v2-consume,native-consume", "modes to run, in order: v3-stream, v3-batch, v3-stream-avro (Avro values; needs a Schema Registry), v2-produce, native; v2-consume and native-consume drain what the run produced")
		registry   = fs.String("schema-registry", "", "Schema Registry URL for --start-proxy; empty: an in-memory one in this process when v3-stream-avro runs")
		jsonOut    = fs.String("json", "", "also write the results as JSON to this file (- for standard output)")
		reportOut  = fs.String("report", "", "also write the results as a self-contained HTML page with charts to this file")
		startProxy = fs.String("start-proxy", "", "start this kafka-rest binary on a free port (with --bootstrap) and report its CPU and memory")
		proxyEnv   = fs.String("proxy-env", "", "extra KAFKA_REST_* variables for --start-proxy, comma separated")
		quiet      = fs.Bool("quiet", false, "no progress line each second")
		version    = fs.Bool("version", false, "print the version, commit and Go version, and exit")
	)
	fs.StringVar(&cfg.URL, "url", "http://localhost:8082", "the proxy's base URL")
	fs.StringVar(&cfg.Topic, "topic", "kafka-rest-bench", "topic to produce to (created if missing and --bootstrap is given)")
	partitions := fs.Int("partitions", 6, "partitions of the topic when the harness creates it")
	fs.IntVar(&cfg.Connections, "connections", 8, "concurrent HTTP connections (native: as many records in flight; v2-consume: consumer instances)")
	fs.IntVar(&cfg.BatchSize, "batch", 10, "records per records:batch or v2 produce request")
	fs.IntVar(&cfg.RecordSize, "record-size", 1024, "value size in bytes")
	fs.BoolVar(&cfg.Keyed, "key", false, "give every record a key")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long each mode runs (0: until --records)")
	fs.Int64Var(&cfg.Records, "records", 0, "how many records each mode sends (0: until --duration)")
	fs.IntVar(&cfg.Rate, "rate", 0, "target records per second over all connections (0: as fast as possible)")
	fs.IntVar(&cfg.Rounds, "rounds", 1, "run the modes this many times, interleaved, and report each mode's median round (for noisy machines)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *version {
		fmt.Fprint(stdout, buildinfo.Read().About("kafka-rest-bench"))
		return 0
	}
	cfg.Partitions = int32(*partitions)
	cfg.Modes = strings.Split(*modes, ",")
	if *bootstrap != "" {
		cfg.Bootstrap = strings.Split(*bootstrap, ",")
	}
	if !*quiet {
		cfg.Progress = stderr
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var proxy *bench.Process
	if *startProxy != "" {
		if *bootstrap == "" {
			fmt.Fprintln(stderr, "kafka-rest-bench: --start-proxy needs --bootstrap")
			return 2
		}
		var extra []string
		if *proxyEnv != "" {
			extra = strings.Split(*proxyEnv, ",")
		}
		url := *registry
		if url == "" && slices.Contains(cfg.Modes, bench.ModeV3Avro) {
			reg, err := schema.StartEmbedded("127.0.0.1:0")
			if err != nil {
				fmt.Fprintln(stderr, "kafka-rest-bench:", err)
				return 1
			}
			defer reg.Close()
			url = reg.URL()
		}
		if url != "" {
			extra = append(extra, "KAFKA_REST_SCHEMA_REGISTRY_URL="+url)
		}
		var err error
		proxy, err = bench.StartProxy(ctx, *startProxy, *bootstrap, extra, nil)
		if err != nil {
			fmt.Fprintln(stderr, "kafka-rest-bench:", err)
			return 1
		}
		defer proxy.Stop()
		cfg.URL = proxy.URL()
	}

	results, err := bench.Run(ctx, cfg, proxy)
	bench.WriteTable(stdout, cfg, results)
	if *jsonOut != "" {
		if werr := writeJSON(*jsonOut, stdout, cfg, results); werr != nil {
			fmt.Fprintln(stderr, "kafka-rest-bench:", werr)
			return 1
		}
	}
	if *reportOut != "" && len(results) > 0 {
		if werr := writeReport(*reportOut, cfg, results); werr != nil {
			fmt.Fprintln(stderr, "kafka-rest-bench:", werr)
			return 1
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "kafka-rest-bench:", err)
		return 1
	}
	return 0
}

func writeReport(path string, cfg bench.Config, results []bench.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := bench.WriteHTML(f, cfg, results, time.Now()); err != nil {
		f.Close()
		return fmt.Errorf("writing the report %s: %w", path, err)
	}
	return f.Close()
}

func writeJSON(path string, stdout io.Writer, cfg bench.Config, results []bench.Result) error {
	out := struct {
		RecordSize  int            `json:"record_size"`
		Keyed       bool           `json:"keyed"`
		Connections int            `json:"connections"`
		BatchSize   int            `json:"batch_size"`
		Results     []bench.Result `json:"results"`
	}{cfg.RecordSize, cfg.Keyed, cfg.Connections, cfg.BatchSize, results}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if path == "-" {
		_, err = fmt.Fprintln(stdout, string(b))
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
