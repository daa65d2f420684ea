package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the results as a table people can read, then how
// each proxy mode compares with its native ceiling: its fraction of the
// native throughput at full speed, its latency beside native's at a fixed
// rate.
func WriteTable(w io.Writer, cfg Config, results []Result) {
	fmt.Fprintf(w, "\n%s\n\n", summary(cfg))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\trecords\trecords/s\tMB/s\tp50 ms\tp99 ms\tp999 ms\terrors\tproxy CPU s\tproxy CPU µs/rec\tproxy peak RSS MiB\tharness CPU µs/rec\tmachine CPU µs/rec\t")
	for _, r := range results {
		cpu, perRec, rss := proxyColumns(r)
		harness, machine := cpuColumns(r)
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Label(), r.Records, r.RecordsPerSec, r.MBPerSec,
			r.LatencyP50Ms, r.LatencyP99Ms, r.LatencyP999Ms, errorsByCode(r.Errors), cpu, perRec, rss, harness, machine)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, line := range comparisons(results) {
		fmt.Fprintln(w, line)
	}
	if ran(results, ModeNative) {
		fmt.Fprintf(w, "native: %s\n", cfg.Native)
	}
}

// summary is the line that says what was measured.
func summary(cfg Config) string {
	s := fmt.Sprintf("%d-byte records, %s, %d connections, batch %d, topic %s, %d node(s), median of %d round(s)",
		cfg.RecordSize, keyed(cfg.Keyed), cfg.Connections, cfg.BatchSize, cfg.Topic, max(len(cfg.URLs), 1), max(cfg.Rounds, 1))
	if cfg.Instances > 0 {
		s += fmt.Sprintf(", %d v2 consumer instances", cfg.Instances)
	}
	if cfg.Rate > 0 {
		s += fmt.Sprintf(", produce held at %d records/s", cfg.Rate)
	}
	return s
}

// proxyColumns are the proxy's CPU seconds, CPU per record and peak RSS
// as the table shows them ("-" when not measured).
func proxyColumns(r Result) (cpu, perRecord, rss string) {
	cpu, perRecord, rss = "-", "-", "-"
	if r.ProxyCPUSeconds != nil {
		cpu = fmt.Sprintf("%.1f", *r.ProxyCPUSeconds)
	}
	perRecord = perRecordColumn(r.ProxyCPUMicrosPerRecord)
	if r.ProxyPeakRSSMiB != nil {
		rss = fmt.Sprintf("%.0f", *r.ProxyPeakRSSMiB)
	}
	return cpu, perRecord, rss
}

// cpuColumns are the harness's and the machine's CPU per record as the
// table shows them ("-" when not measured).
func cpuColumns(r Result) (harness, machine string) {
	return perRecordColumn(r.HarnessCPUMicrosPerRecord), perRecordColumn(r.MachineCPUMicrosPerRecord)
}

func perRecordColumn(us *float64) string {
	if us == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *us)
}

func ran(results []Result, mode string) bool {
	for _, r := range results {
		if r.Mode == mode {
			return true
		}
	}
	return false
}

// comparisons says, for each proxy mode whose native ceiling ran at the
// same load, how it compares: the fraction of the native throughput when
// both ran as fast as they could, their latencies when both were held at
// a rate.
func comparisons(results []Result) []string {
	var out []string
	for _, r := range results {
		base := baselineResult(results, r)
		switch {
		case base == nil:
		case r.TargetRate == 0 && base.RecordsPerSec > 0:
			line := fmt.Sprintf("%s / %s: %.2f of the native throughput", r.Label(), base.Label(), r.RecordsPerSec/base.RecordsPerSec)
			if r.MachineCPUMicrosPerRecord != nil && base.MachineCPUMicrosPerRecord != nil {
				line += fmt.Sprintf(" (the machine's CPU a record: %.1f vs %.1f µs)", *r.MachineCPUMicrosPerRecord, *base.MachineCPUMicrosPerRecord)
			}
			out = append(out, line)
		case r.TargetRate > 0:
			out = append(out, fmt.Sprintf("%s / %s: p50 %.2f vs %.2f ms, p99 %.2f vs %.2f ms", r.Label(), base.Label(),
				r.LatencyP50Ms, base.LatencyP50Ms, r.LatencyP99Ms, base.LatencyP99Ms))
		}
	}
	return out
}

// baselineResult finds the result of r's native ceiling at the same load
// (both at full speed, or both held at a rate); nil when it did not run.
func baselineResult(results []Result, r Result) *Result {
	want := r.Baseline
	if want == "" {
		want = baselineOf(r.Mode) // results written before baselines were
	}
	for i, b := range results {
		if want != "" && b.Mode == want && b.HalfLoad == r.HalfLoad && (b.TargetRate > 0) == (r.TargetRate > 0) {
			return &results[i]
		}
	}
	return nil
}

func keyed(k bool) string {
	if k {
		return "keyed"
	}
	return "no key"
}

func errorsByCode(errs map[string]int64) string {
	if len(errs) == 0 {
		return "0"
	}
	codes := make([]string, 0, len(errs))
	for c := range errs {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s:%d", c, errs[c])
	}
	return strings.Join(parts, ",")
}
