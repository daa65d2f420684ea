package bench

import (
	"strings"
	"testing"
)

// TestCPUPerRecord: the proxy's CPU seconds over the records, in
// microseconds; nothing when no record went through.
func TestCPUPerRecord(t *testing.T) {
	if us := cpuPerRecord(2.5, 500_000); us == nil || *us != 5 {
		t.Errorf("2.5 s over 500,000 records: %v µs", us)
	}
	if us := cpuPerRecord(0.3, 1); us == nil || *us != 300_000 {
		t.Errorf("0.3 s over one request: %v µs", us)
	}
	if us := cpuPerRecord(1, 0); us != nil {
		t.Errorf("no records: %v", *us)
	}
}

// TestTableComparesWithTheRightBaseline: a single-record mode is compared
// with native-sync, streaming with native, reads with native-consume, at
// the same load; rows held at a rate compare latencies; the CPU per
// record is shown beside the CPU seconds.
func TestTableComparesWithTheRightBaseline(t *testing.T) {
	cpu, perRec, rss := 3.0, 12.5, 80.0
	harness, streamMachine, nativeMachine := 1.25, 6.5, 3.75
	rs := []Result{
		{Mode: ModeV3Stream, Baseline: ModeNative, RecordsPerSec: 200_000, HarnessCPUMicrosPerRecord: &harness, MachineCPUMicrosPerRecord: &streamMachine},
		{Mode: ModeNative, RecordsPerSec: 500_000, MachineCPUMicrosPerRecord: &nativeMachine},
		{Mode: ModeV3Single, Baseline: ModeNativeSync, RecordsPerSec: 6_000, ProxyCPUSeconds: &cpu, ProxyCPUMicrosPerRecord: &perRec, ProxyPeakRSSMiB: &rss},
		{Mode: ModeNativeSync, RecordsPerSec: 30_000},
		{Mode: ModeV2ReadLowLatency, Baseline: ModeNativeRead, RecordsPerSec: 10_000},
		{Mode: ModeNativeRead, RecordsPerSec: 1_000_000},
		{Mode: ModeV3Single, Baseline: ModeNativeSync, HalfLoad: true, TargetRate: 3_000, LatencyP50Ms: 1.5, LatencyP99Ms: 4.25},
		{Mode: ModeNativeSync, HalfLoad: true, TargetRate: 15_000, LatencyP50Ms: 0.5, LatencyP99Ms: 1.25},
	}
	var b strings.Builder
	WriteTable(&b, Config{RecordSize: 1024, Connections: 16, URLs: []string{"http://a", "http://b"}}, rs)
	out := b.String()
	for _, want := range []string{
		"v3-stream / native: 0.40 of the native throughput (the machine's CPU a record: 6.5 vs 3.8 µs)",
		"harness CPU µs/rec", "machine CPU µs/rec", "1.2",
		"v3-single / native-sync: 0.20 of the native throughput\n",
		"v2-consume-lowlat / native-consume: 0.01 of the native throughput",
		"v3-single @ 3k/s (half) / native-sync @ 15k/s (half): p50 1.50 vs 0.50 ms, p99 4.25 vs 1.25 ms",
		"proxy CPU µs/rec", "12.5", "2 node(s)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "v3-single / native:") || strings.Contains(out, "native-sync / ") {
		t.Errorf("a mode compared with the wrong baseline:\n%s", out)
	}
}
