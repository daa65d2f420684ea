// Command kafka-rest-bench load-tests a Kafka REST proxy: it produces over
// HTTP (v3 streaming, batches, one record per request over HTTP/1.1 or
// h2c, v2 produce) and reads with v2 consumer instances, and, in the same
// run, does the same straight to the same brokers with franz-go at the
// same concurrency; it reports records/s, MB/s, latency percentiles and
// errors, with each mode's fraction of its native ceiling. --rate holds the
// produce modes at a fixed rate (open-loop) and --half-load at half their
// maximum, for their latency; --url takes several nodes, spread
// round-robin. Point it at your own deployment, or let it start kafka-rest
// itself (--start-proxy) to also see the proxy's CPU time, CPU per record
// and memory.
//
//	kafka-rest-bench --url http://proxy:8082 --bootstrap broker:9092 --duration 30s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/kafka-rest-go/kafka-rest/bench"
	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// urlFlag collects --url, repeated or comma separated.
type urlFlag []string

func (u *urlFlag) String() string { return strings.Join(*u, ",") }

func (u *urlFlag) Set(v string) error {
	*u = append(*u, v)
	return nil
}

// defaultModes run when --modes is not given: everything that needs no
// Schema Registry and no h2c.
const defaultModes = "v3-stream,v3-batch,v2-produce,native,v3-single,native-sync,v2-consume,v2-consume-lowlat,v3-fetch,v3-stream-read,native-consume,v2-e2e,native-e2e"

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kafka-rest-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg        = bench.Config{Native: bench.DefaultNativeConfig()}
		urls       urlFlag
		bootstrap  = fs.String("bootstrap", "", "Kafka brokers, host:port comma list: for the native modes, the rounds' topics and --start-proxy")
		modes      = fs.String("modes", defaultModes, "modes to run, in order, of: "+strings.Join(bench.Modes(), ", ")+" (see the README's Benchmarking section)")
		registry   = fs.String("schema-registry", "", "Schema Registry URL for --start-proxy; empty: an in-memory one in this process when v3-stream-avro runs")
		jsonOut    = fs.String("json", "", "also write the results as JSON to this file (- for standard output)")
		reportOut  = fs.String("report", "", "also write the results as a self-contained HTML page with charts to this file")
		startProxy = fs.String("start-proxy", "", "start this kafka-rest binary on a free port (with --bootstrap) and report its CPU and memory")
		proxyEnv   = fs.String("proxy-env", "", "extra KAFKA_REST_* variables for --start-proxy, comma separated")
		quiet      = fs.Bool("quiet", false, "no progress line each second")
		cpuProfile = fs.String("cpuprofile", "", "write a CPU profile of the harness itself to this file (to see what the load generator costs)")
		version    = fs.Bool("version", false, "print the version, commit and Go version, and exit")
	)
	fs.Var(&urls, "url", "the proxy's base URL; several nodes: repeat the flag or separate URLs by commas, requests go round-robin (default http://localhost:8082)")
	fs.StringVar(&cfg.Topic, "topic", "kafka-rest-bench", "topic name; with --bootstrap each round produces to a new topic <topic>-<run>-<round>, deleted after the round")
	fs.BoolVar(&cfg.KeepTopics, "keep-topics", false, "do not delete the rounds' topics")
	partitions := fs.Int("partitions", 6, "partitions of the topics the harness creates")
	fs.IntVar(&cfg.Connections, "connections", 8, "concurrent HTTP clients (v3-single: requests in flight; native-sync: producing goroutines)")
	fs.IntVar(&cfg.Instances, "instances", 0, "v2 consumer instances of the v2 read modes (0: --connections)")
	fs.IntVar(&cfg.H2Connections, "h2-connections", 1, "HTTP/2 connections v3-single-h2 multiplexes its --connections clients over")
	fs.IntVar(&cfg.BatchSize, "batch", 10, "records per records:batch or v2 produce request")
	fs.IntVar(&cfg.RecordSize, "record-size", 1024, "value size in bytes")
	fs.BoolVar(&cfg.Keyed, "key", false, "give every record a key")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long each mode runs (0: until --records)")
	fs.Int64Var(&cfg.Records, "records", 0, "how many records each mode sends (0: until --duration)")
	fs.IntVar(&cfg.Rate, "rate", 0, "hold the produce modes at this many records (v3-single: requests) per second, open-loop, latency from when each was due (0: as fast as possible)")
	fs.IntVar(&cfg.E2ERate, "e2e-rate", bench.DefaultE2ERate, "records per second the end-to-end modes send")
	fs.BoolVar(&cfg.HalfLoad, "half-load", false, "then run the produce modes again at half the records/s each reached, and report their latency")
	fs.IntVar(&cfg.Rounds, "rounds", 1, "run the modes this many times, interleaved, and report each mode's median round (for noisy machines)")
	fs.IntVar(&cfg.Native.Clients, "native-clients", cfg.Native.Clients, "native: franz-go clients")
	fs.IntVar(&cfg.Native.Producers, "native-producers", cfg.Native.Producers, "native: goroutines producing through each client")
	fs.DurationVar(&cfg.Native.Linger, "native-linger", cfg.Native.Linger, "native: producer linger")
	fs.IntVar(&cfg.Native.MaxBufferedRecords, "native-buffered", cfg.Native.MaxBufferedRecords, "native: max buffered records per client (0: franz-go's default)")
	batchBytes := fs.Int("native-batch-bytes", int(cfg.Native.BatchMaxBytes), "native: max bytes of a partition's batch (0: franz-go's default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *version {
		fmt.Fprint(stdout, buildinfo.Read().About("kafka-rest-bench"))
		return 0
	}
	if len(urls) == 0 {
		urls = urlFlag{"http://localhost:8082"}
	}
	var err error
	if cfg.URLs, err = bench.ParseURLs(urls); err != nil {
		fmt.Fprintln(stderr, "kafka-rest-bench:", err)
		return 2
	}
	cfg.Native.BatchMaxBytes = int32(*batchBytes)
	cfg.Partitions = int32(*partitions)
	cfg.Modes = strings.Split(*modes, ",")
	if *bootstrap != "" {
		cfg.Bootstrap = strings.Split(*bootstrap, ",")
	}
	if !*quiet {
		cfg.Progress = stderr
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "kafka-rest-bench: --cpuprofile:", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
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
			reg, err := embedded.StartRegistry("127.0.0.1:0")
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
		cfg.URLs = []string{proxy.URL()}
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
		Nodes       int            `json:"nodes"`
		Rate        int            `json:"rate,omitempty"`
		Native      string         `json:"native"`
		Results     []bench.Result `json:"results"`
	}{cfg.RecordSize, cfg.Keyed, cfg.Connections, cfg.BatchSize, len(cfg.URLs), cfg.Rate, cfg.Native.String(), results}
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
