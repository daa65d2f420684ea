package bench

import (
	"slices"
	"sort"
	"sync"
	"time"
)

// stats accumulates what one mode's workers observe. Workers record into
// it concurrently; the progress line reads it every second.
type stats struct {
	mu        sync.Mutex
	records   int64 // acknowledged with success
	bytes     int64 // value bytes of those records
	errors    map[int]int64
	latencies []time.Duration
	started   time.Time
}

func newStats() *stats {
	return &stats{errors: make(map[int]int64), started: time.Now()}
}

// restart starts the clock again: what came before was setting up.
func (s *stats) restart() {
	s.mu.Lock()
	s.started = time.Now()
	s.mu.Unlock()
}

// since is the time since the clock started.
func (s *stats) since() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Since(s.started)
}

// ok records n successes of size value bytes each, every one with latency.
func (s *stats) ok(n, size int, latency time.Duration) {
	s.mu.Lock()
	s.records += int64(n)
	s.bytes += int64(n * size)
	for range n {
		s.latencies = append(s.latencies, latency)
	}
	s.mu.Unlock()
}

// fail records n records answered with error code.
func (s *stats) fail(n, code int) {
	s.mu.Lock()
	s.errors[code] += int64(n)
	s.mu.Unlock()
}

// snapshot is a point-in-time view for the progress line.
type snapshot struct {
	records, bytes, errors int64
	p99                    time.Duration
}

func (s *stats) snapshot() snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs int64
	for _, n := range s.errors {
		errs += n
	}
	// The p99 of the last second's latencies.
	tail := s.latencies
	if len(tail) > 100_000 {
		tail = tail[len(tail)-100_000:]
	}
	return snapshot{records: s.records, bytes: s.bytes, errors: errs, p99: percentile(slices.Clone(tail), 0.99)}
}

// percentile sorts ds and returns its q-quantile (0 for none).
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	i := int(q * float64(len(ds)-1))
	return ds[i]
}

// Result is what one mode measured.
type Result struct {
	Mode string `json:"mode"`
	// Rounds is how many times the mode ran; this is its median round.
	Rounds          int              `json:"rounds"`
	Records         int64            `json:"records"`
	Seconds         float64          `json:"seconds"`
	RecordsPerSec   float64          `json:"records_per_sec"`
	MBPerSec        float64          `json:"mb_per_sec"`
	LatencyP50Ms    float64          `json:"latency_p50_ms"`
	LatencyP99Ms    float64          `json:"latency_p99_ms"`
	LatencyP999Ms   float64          `json:"latency_p999_ms"`
	Errors          map[string]int64 `json:"errors_by_code"`
	ProxyCPUSeconds *float64         `json:"proxy_cpu_seconds,omitempty"`
	ProxyPeakRSSMiB *float64         `json:"proxy_peak_rss_mib,omitempty"`
	// ProxyCPUMicrosPerRecord is the proxy's CPU time per record (per
	// request, for one record per request), in microseconds.
	ProxyCPUMicrosPerRecord *float64 `json:"proxy_cpu_us_per_record,omitempty"`
	// HarnessCPUMicrosPerRecord is the load generator's own CPU time per
	// record, and MachineCPUMicrosPerRecord the busy CPU time of the whole
	// machine per record: proxy, harness, brokers and anything else it
	// ran. On a machine they share, a proxy mode's fraction of native
	// throughput is about the inverse ratio of their machine CPU.
	HarnessCPUMicrosPerRecord *float64 `json:"harness_cpu_us_per_record,omitempty"`
	MachineCPUMicrosPerRecord *float64 `json:"machine_cpu_us_per_record,omitempty"`
	// Baseline is the native mode this one is measured against; empty for
	// a native mode.
	Baseline string `json:"baseline,omitempty"`
	// TargetRate is the records per second the mode was held at (0: as
	// fast as it went); HalfLoad, that it was half of its own maximum.
	TargetRate float64 `json:"target_rate,omitempty"`
	HalfLoad   bool    `json:"half_load,omitempty"`
	// Timeline is the throughput over the run, every quarter second.
	Timeline []Point `json:"timeline"`
}

// Label names the row of a result: its mode, and the rate it was held
// at, if any.
func (r Result) Label() string {
	switch {
	case r.HalfLoad:
		return r.Mode + " @ " + human(r.TargetRate) + "/s (half)"
	case r.TargetRate > 0:
		return r.Mode + " @ " + human(r.TargetRate) + "/s"
	}
	return r.Mode
}

// result closes the books after elapsed.
func (s *stats) result(mode string, elapsed time.Duration) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	lat := s.latencies
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	r := Result{
		Mode: mode, Records: s.records, Seconds: elapsed.Seconds(),
		RecordsPerSec: float64(s.records) / elapsed.Seconds(),
		MBPerSec:      float64(s.bytes) / elapsed.Seconds() / 1e6,
		LatencyP50Ms:  ms(0.5), LatencyP99Ms: ms(0.99), LatencyP999Ms: ms(0.999),
		Errors: make(map[string]int64),
	}
	for code, n := range s.errors {
		r.Errors[itoa(code)] = n
	}
	return r
}
