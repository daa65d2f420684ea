package bench

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the results as a table people can read, and the ratio
// of each proxy mode to the native ceiling when native ran.
func WriteTable(w io.Writer, cfg Config, results []Result) {
	fmt.Fprintf(w, "\n%d-byte records, %s, %d connections, batch %d, topic %s, median of %d round(s)\n\n",
		cfg.RecordSize, keyed(cfg.Keyed), cfg.Connections, cfg.BatchSize, cfg.Topic, max(cfg.Rounds, 1))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\trecords\trecords/s\tMB/s\tp50 ms\tp99 ms\tp999 ms\terrors\tproxy CPU s\tproxy peak RSS MiB\t")
	var native, nativeRead *Result
	for i, r := range results {
		switch r.Mode {
		case ModeNative:
			native = &results[i]
		case ModeNativeRead:
			nativeRead = &results[i]
		}
		cpu, rss := "-", "-"
		if r.ProxyCPUSeconds != nil {
			cpu = fmt.Sprintf("%.1f", *r.ProxyCPUSeconds)
			rss = fmt.Sprintf("%.0f", *r.ProxyPeakRSSMiB)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.1f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t\n", r.Mode, r.Records, r.RecordsPerSec, r.MBPerSec,
			r.LatencyP50Ms, r.LatencyP99Ms, r.LatencyP999Ms, errorsByCode(r.Errors), cpu, rss)
	}
	tw.Flush()
	fmt.Fprintln(w)
	for _, r := range results {
		ceiling := native
		if r.Mode == ModeV2Read {
			ceiling = nativeRead
		}
		if r.Mode == ModeNative || r.Mode == ModeNativeRead || ceiling == nil || ceiling.RecordsPerSec == 0 {
			continue
		}
		fmt.Fprintf(w, "%s / %s: %.2f of the native throughput\n", r.Mode, ceiling.Mode, r.RecordsPerSec/ceiling.RecordsPerSec)
	}
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
