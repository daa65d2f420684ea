package bench

import (
	"context"
	"fmt"
	"strings"
)

// Modes are the workloads the harness knows.
const (
	ModeV3Stream = "v3-stream" // streaming produce, one long request per connection
	ModeV3Batch  = "v3-batch"  // records:batch requests
	// ModeV3Avro is v3 streaming with Avro values: a record schema of one
	// string field, given raw in every record (registered once, then
	// served from the proxy's cache), so that it measures the Avro path
	// and the registry client's caches. The proxy needs a Schema Registry.
	ModeV3Avro = "v3-stream-avro"
	// ModeV3Single sends one record per v3 produce request, a
	// Content-Length body, from Connections clients over HTTP/1.1
	// keep-alive, each waiting for its answer before the next.
	ModeV3Single = "v3-single"
	// ModeV3SingleH2 is ModeV3Single over cleartext HTTP/2 with prior
	// knowledge (h2c; HTTP/2 over TLS for an https URL): Connections
	// clients multiplex their requests over H2Connections connections.
	ModeV3SingleH2 = "v3-single-h2"
	ModeV2         = "v2-produce" // v2 produce requests of BatchSize records
	// ModeNative produces the same records straight to Kafka with
	// franz-go, asynchronously, driven as hard as Native allows: the
	// ceiling of the streaming and batch modes.
	ModeNative = "native"
	// ModeNativeSync is Connections goroutines each producing one record
	// at a time with a synchronous franz-go produce (no linger): the
	// ceiling of one record per request at the same concurrency.
	ModeNativeSync = "native-sync"
	ModeV2Read     = "v2-consume" // v2 consumer instances in one group drain what the round produced
	// ModeV2ReadLowLatency is ModeV2Read with instances created with
	// fetch.min.bytes=1: a read answers as soon as it has records
	// instead of waiting for its timeout.
	ModeV2ReadLowLatency = "v2-consume-lowlat"
	ModeNativeRead       = "native-consume" // a franz-go group consumer drains the same
	// ModeV3Fetch drains the topic with v3 stateless partition reads, one
	// reader per partition following metadata.next.
	ModeV3Fetch = "v3-fetch"
	// ModeV3StreamRead drains it with Instances v3 group streams (NDJSON)
	// in one group.
	ModeV3StreamRead = "v3-stream-read"
	// ModeV2E2E measures end-to-end latency: a native producer sends
	// records at a fixed rate, each stamped with its send time, and v2
	// consumer instances (fetch.min.bytes=1) polling in a loop report now
	// minus that time for every record they read.
	ModeV2E2E = "v2-e2e"
	// ModeNativeE2E is ModeV2E2E read by a franz-go group consumer.
	ModeNativeE2E = "native-e2e"
)

// kind is how a mode loads the proxy, which decides its native ceiling
// and whether a fixed rate applies to it.
type kind int

const (
	kindStream  kind = iota // many records in flight: streaming, batches, async native
	kindSingle              // one record per request, Connections at a time
	kindConsume             // drains the round's topic
	kindE2E                 // fixed-rate produce, latency to a reader
)

// modeSpec is a mode: how to run it and what it is compared with.
type modeSpec struct {
	name string
	kind kind
	// baseline is the native mode this one is measured against; empty
	// for the native modes themselves.
	baseline string
	// brokers: the mode talks to Kafka itself and needs --bootstrap.
	brokers bool
	run     func(context.Context, *modeRun) error
}

// specs are the modes, in the order the help lists them.
func specs() []modeSpec {
	return []modeSpec{
		{name: ModeV3Stream, kind: kindStream, baseline: ModeNative, run: runStream},
		{name: ModeV3Batch, kind: kindStream, baseline: ModeNative, run: runBatch},
		{name: ModeV3Avro, kind: kindStream, baseline: ModeNative, run: runStreamAvro},
		{name: ModeV2, kind: kindStream, baseline: ModeNative, run: runV2Produce},
		{name: ModeNative, kind: kindStream, brokers: true, run: runNative},
		{name: ModeV3Single, kind: kindSingle, baseline: ModeNativeSync, run: runSingle},
		{name: ModeV3SingleH2, kind: kindSingle, baseline: ModeNativeSync, run: runSingleH2},
		{name: ModeNativeSync, kind: kindSingle, brokers: true, run: runNativeSync},
		{name: ModeV2Read, kind: kindConsume, baseline: ModeNativeRead, run: runV2Consume},
		{name: ModeV2ReadLowLatency, kind: kindConsume, baseline: ModeNativeRead, run: runV2ConsumeLowLatency},
		{name: ModeV3Fetch, kind: kindConsume, baseline: ModeNativeRead, run: runV3Fetch},
		{name: ModeV3StreamRead, kind: kindConsume, baseline: ModeNativeRead, run: runV3StreamRead},
		{name: ModeNativeRead, kind: kindConsume, brokers: true, run: runNativeConsume},
		{name: ModeV2E2E, kind: kindE2E, baseline: ModeNativeE2E, brokers: true, run: runV2E2E},
		{name: ModeNativeE2E, kind: kindE2E, brokers: true, run: runNativeE2E},
	}
}

// Modes lists every mode's name.
func Modes() []string {
	var out []string
	for _, s := range specs() {
		out = append(out, s.name)
	}
	return out
}

// lookup finds a mode by name.
func lookup(name string) (modeSpec, error) {
	for _, s := range specs() {
		if s.name == name {
			return s, nil
		}
	}
	return modeSpec{}, fmt.Errorf("bench: unknown mode %q (want one of %s)", name, strings.Join(Modes(), ", "))
}

// baselineOf is the native mode a mode is measured against ("" for a
// native mode or an unknown one).
func baselineOf(mode string) string {
	s, err := lookup(mode)
	if err != nil {
		return ""
	}
	return s.baseline
}

// isNative reports whether a mode is a native franz-go ceiling.
func isNative(mode string) bool {
	s, err := lookup(mode)
	return err == nil && s.baseline == ""
}

// isRead reports whether a mode reads (its rate is a reader's).
func isRead(mode string) bool {
	s, err := lookup(mode)
	return err == nil && (s.kind == kindConsume || s.kind == kindE2E)
}

// modeRun is one run of one mode: what it sends, where to, and what it
// saw.
type modeRun struct {
	cfg     Config
	w       *workload
	cluster string // the proxy's cluster id
	topic   string
	nodes   *nodes
	b       *budget
	st      *stats
	// rate is the run's target in records per second (0: as fast as
	// it goes).
	rate float64
}

// v3URL is the URL of the round topic's v3 endpoint path on the next
// node.
func (r *modeRun) v3URL(path string) string {
	return r.nodes.next() + "/v3/clusters/" + r.cluster + "/topics/" + r.topic + path
}
