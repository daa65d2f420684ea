package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Config is one run of the harness.
type Config struct {
	// URLs are the base URLs of the proxy's nodes, e.g.
	// http://localhost:8082: requests are spread over them round-robin.
	URLs []string
	// Bootstrap are the brokers the native modes (and topic creation) use.
	Bootstrap []string
	// Topic names the topics: with Bootstrap, each round produces to a
	// topic of its own, Topic-<run>-<round>, created with Partitions
	// partitions and deleted after the round (unless KeepTopics); without,
	// every round produces to Topic itself.
	Topic      string
	Partitions int32
	KeepTopics bool
	// Modes run one after the other.
	Modes []string
	// Connections are the concurrent HTTP clients (for v3-single, the
	// requests in flight; for native-sync, the producing goroutines).
	Connections int
	// Instances are the v2 consumer instances of the v2 read modes (0:
	// Connections).
	Instances int
	// H2Connections are the HTTP/2 connections v3-single-h2 multiplexes
	// its Connections clients over.
	H2Connections int
	// BatchSize is the records per records:batch or v2 produce request.
	BatchSize int
	// RecordSize is the value size in bytes; Keyed adds a key per record.
	RecordSize int
	Keyed      bool
	// Duration and Records bound each mode: whichever comes first (0:
	// no bound of that kind; at least one must be set).
	Duration time.Duration
	Records  int64
	// Rate holds the produce modes at this many records per second over
	// all connections (a request per record for v3-single), open-loop,
	// their latency counted from when each record was due (0: as fast as
	// they go).
	Rate int
	// E2ERate is the records per second the end-to-end modes send (0:
	// DefaultE2ERate).
	E2ERate int
	// HalfLoad runs the produce modes again, after their rounds at full
	// speed, at half the records per second they reached.
	HalfLoad bool
	// Rounds runs the modes this many times, interleaved, and reports each
	// mode's median round (0 or 1: once).
	Rounds int
	// Native tunes the asynchronous native baseline.
	Native NativeConfig
	// Progress receives a line a second; nil for none.
	Progress io.Writer
}

func (cfg Config) validate() ([]modeSpec, error) {
	if cfg.Duration <= 0 && cfg.Records <= 0 {
		return nil, fmt.Errorf("bench: set a duration or a record count")
	}
	if len(cfg.URLs) == 0 {
		return nil, fmt.Errorf("bench: no proxy URL")
	}
	if cfg.Connections < 1 {
		return nil, fmt.Errorf("bench: --connections must be at least 1, got %d", cfg.Connections)
	}
	if cfg.Rate < 0 || cfg.E2ERate < 0 || cfg.Instances < 0 {
		return nil, fmt.Errorf("bench: --rate, --e2e-rate and --instances must not be negative")
	}
	if cfg.Rate > 0 && cfg.HalfLoad {
		return nil, fmt.Errorf("bench: --rate and --half-load both set the rate: give one")
	}
	var out []modeSpec
	for _, m := range cfg.Modes {
		s, err := lookup(m)
		if err != nil {
			return nil, err
		}
		if s.brokers && len(cfg.Bootstrap) == 0 {
			return nil, fmt.Errorf("bench: mode %s needs the brokers' addresses (--bootstrap)", m)
		}
		if s.kind == kindE2E && cfg.RecordSize < stampSize {
			return nil, fmt.Errorf("bench: mode %s needs records of at least %d bytes (--record-size) to carry their send time", m, stampSize)
		}
		out = append(out, s)
	}
	return out, nil
}

// instances is how many v2 consumer instances the read modes run.
func (cfg Config) instances() int {
	if cfg.Instances > 0 {
		return cfg.Instances
	}
	return cfg.Connections
}

// harness runs rounds of modes.
type harness struct {
	cfg   Config
	w     *workload
	nodes *nodes
	proxy *Process
	adm   *kadm.Client // nil without Bootstrap
	runID string
	round int
	// cluster is the proxy's cluster id, which its v3 paths name.
	cluster string
}

// Run runs every mode of cfg in turn, Rounds times interleaved, then, with
// HalfLoad, the produce modes at half their speed, and returns each mode's
// median round. proxy, if not nil, is the proxy process whose CPU and
// memory each mode reports. On an error it returns what it measured so
// far.
func Run(ctx context.Context, cfg Config, proxy *Process) ([]Result, error) {
	modes, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	var id [3]byte
	rand.Read(id[:])
	h := &harness{cfg: cfg, w: newWorkload(cfg), nodes: newNodes(cfg.URLs), proxy: proxy, runID: hex.EncodeToString(id[:])}
	if len(cfg.Bootstrap) > 0 {
		cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.Bootstrap...))
		if err != nil {
			return nil, err
		}
		defer cl.Close()
		h.adm = kadm.NewClient(cl)
	}
	if err := h.preflight(ctx, modes); err != nil {
		return nil, err
	}
	// Rounds interleave the modes, so that a machine whose speed drifts
	// (a shared VM) slows every mode alike; each mode reports its median
	// round.
	full := make(map[string][]Result)
	for range max(cfg.Rounds, 1) {
		err := h.runRound(ctx, modes, func(s modeSpec) float64 { return h.rateOf(s) }, full)
		if err != nil {
			return medians(cfg.Modes, full), err
		}
	}
	out := medians(cfg.Modes, full)
	if !cfg.HalfLoad {
		return out, nil
	}
	half := make(map[string]float64)
	var halfModes []modeSpec
	var names []string
	for _, r := range out {
		s, _ := lookup(r.Mode)
		if (s.kind == kindStream || s.kind == kindSingle) && r.RecordsPerSec >= 2 {
			half[r.Mode] = r.RecordsPerSec / 2
			halfModes = append(halfModes, s)
			names = append(names, r.Mode)
		}
	}
	halves := make(map[string][]Result)
	for range max(cfg.Rounds, 1) {
		err := h.runRound(ctx, halfModes, func(s modeSpec) float64 { return half[s.name] }, halves)
		if err != nil {
			return append(out, markHalf(medians(names, halves))...), err
		}
	}
	return append(out, markHalf(medians(names, halves))...), nil
}

func markHalf(rs []Result) []Result {
	for i := range rs {
		rs[i].HalfLoad = true
	}
	return rs
}

// rateOf is the rate a mode runs at in a full-speed round.
func (h *harness) rateOf(s modeSpec) float64 {
	switch s.kind {
	case kindConsume:
		return 0
	case kindE2E:
		if h.cfg.E2ERate > 0 {
			return float64(h.cfg.E2ERate)
		}
		return DefaultE2ERate
	}
	return float64(h.cfg.Rate)
}

// runRound runs modes once each, at the rates rateOf gives, on a topic of
// the round's own, and adds their results to into.
func (h *harness) runRound(ctx context.Context, modes []modeSpec, rateOf func(modeSpec) float64, into map[string][]Result) (err error) {
	topic := h.cfg.Topic
	if h.adm != nil {
		h.round++
		topic = h.cfg.Topic + "-" + h.runID + "-" + strconv.Itoa(h.round)
		if err := createTopic(ctx, h.adm, h.cfg.Bootstrap, topic, h.cfg.Partitions); err != nil {
			return err
		}
		if !h.cfg.KeepTopics {
			// A round writes gigabytes: the broker's disk must not fill.
			defer func() {
				if derr := deleteTopic(ctx, h.adm, topic); derr != nil {
					err = errors.Join(err, derr)
				}
			}()
		}
		if needsFill(modes) {
			if _, err := h.runMode(ctx, modeSpec{name: "fill", kind: kindStream, run: runNative}, topic, 0); err != nil {
				return fmt.Errorf("bench: filling the topic for the consume modes: %w", err)
			}
		}
	}
	for _, s := range modes {
		res, err := h.runMode(ctx, s, topic, rateOf(s))
		if err != nil {
			return err
		}
		into[s.name] = append(into[s.name], res)
	}
	return nil
}

// needsFill reports whether a consume mode would run before any mode that
// writes the round's topic: the harness then fills it first.
func needsFill(modes []modeSpec) bool {
	for _, s := range modes {
		switch s.kind {
		case kindStream, kindSingle:
			return false
		case kindConsume:
			return true
		}
	}
	return false
}

// runMode runs one mode once, on topic, at rate records per second (0:
// as fast as it goes).
func (h *harness) runMode(ctx context.Context, s modeSpec, topic string, rate float64) (Result, error) {
	st := newStats()
	var before ProcessStats
	if h.proxy != nil {
		before, _ = h.proxy.Stats()
		h.proxy.ResetPeak()
	}
	cpu := markCPU()
	label := s.name
	if rate > 0 && s.kind != kindE2E {
		label += "@" + human(rate) + "/s"
	}
	stopSampling := sample(h.cfg.Progress, label, st)
	budgetRate := rate
	if s.kind == kindConsume {
		budgetRate = 0
	}
	r := &modeRun{cfg: h.cfg, w: h.w, cluster: h.cluster, topic: topic, nodes: h.nodes, st: st, rate: rate,
		b: newBudget(h.cfg.Records, h.cfg.Duration, budgetRate)}
	err := s.run(ctx, r)
	elapsed := st.since()
	timeline := stopSampling()
	if err != nil {
		return Result{}, fmt.Errorf("bench: mode %s: %w", s.name, err)
	}
	res := st.result(s.name, elapsed)
	res.Timeline = timeline
	res.Baseline = s.baseline
	res.TargetRate = rate
	res.HarnessCPUMicrosPerRecord, res.MachineCPUMicrosPerRecord = cpu.perRecord(res.Records)
	if h.proxy != nil && s.baseline != "" {
		after, _ := h.proxy.Stats()
		cpu := (after.CPU - before.CPU).Seconds()
		peak := float64(h.proxy.Peak()) / (1 << 20)
		res.ProxyCPUSeconds, res.ProxyPeakRSSMiB = &cpu, &peak
		res.ProxyCPUMicrosPerRecord = cpuPerRecord(cpu, res.Records)
	}
	return res, nil
}

// cpuMark is the harness's and the machine's CPU time at a moment (a
// mode's start); ok is false where they cannot be read.
type cpuMark struct {
	harness, machine time.Duration
	ok               bool
}

// markCPU reads them now.
func markCPU() cpuMark {
	self, err1 := ReadProcess(os.Getpid())
	machine, err2 := ReadMachineCPU()
	return cpuMark{harness: self.CPU, machine: machine, ok: err1 == nil && err2 == nil}
}

// perRecord is the harness's and the machine's CPU time since m, per
// record, in microseconds (nil where unknown).
func (m cpuMark) perRecord(records int64) (harness, machine *float64) {
	now := markCPU()
	if !m.ok || !now.ok {
		return nil, nil
	}
	return cpuPerRecord((now.harness - m.harness).Seconds(), records), cpuPerRecord((now.machine - m.machine).Seconds(), records)
}

// cpuPerRecord is cpuSeconds per record, in microseconds (nil when there
// were no records).
func cpuPerRecord(cpuSeconds float64, records int64) *float64 {
	if records <= 0 {
		return nil
	}
	us := cpuSeconds * 1e6 / float64(records)
	return &us
}

// medians picks, for each mode in order, its median round: by throughput
// at full speed, by p99 latency at a fixed rate (where the throughput is
// the rate).
func medians(modes []string, rounds map[string][]Result) []Result {
	var out []Result
	for _, mode := range modes {
		rs := rounds[mode]
		if len(rs) == 0 {
			continue
		}
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].TargetRate > 0 {
				return rs[i].LatencyP99Ms < rs[j].LatencyP99Ms
			}
			return rs[i].RecordsPerSec < rs[j].RecordsPerSec
		})
		m := rs[len(rs)/2]
		m.Rounds = len(rs)
		out = append(out, m)
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// preflight checks what the modes need of the nodes before any of them
// sends a record: HTTP/2 for v3-single-h2, and the id of the cluster the
// v3 paths name (from the brokers when the harness reaches them, so that
// the nodes see only the modes' own requests).
func (h *harness) preflight(ctx context.Context, modes []modeSpec) error {
	if slices.ContainsFunc(modes, func(s modeSpec) bool { return s.name == ModeV3SingleH2 }) {
		for _, u := range h.nodes.urls {
			if err := probeH2C(ctx, u); err != nil {
				return err
			}
		}
	}
	if !slices.ContainsFunc(modes, func(s modeSpec) bool { return strings.HasPrefix(s.name, "v3-") }) {
		return nil
	}
	if h.adm != nil {
		md, err := h.adm.BrokerMetadata(ctx)
		if err != nil {
			return fmt.Errorf("bench: asking the brokers their cluster id: %w", err)
		}
		h.cluster = md.Cluster
		return nil
	}
	id, err := proxyCluster(ctx, h.nodes.urls[0])
	h.cluster = id
	return err
}

// proxyCluster asks the proxy at url the id of its cluster: its v3
// produce paths answer 404 for any other.
func proxyCluster(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url+"/v3/clusters", nil)
	if err != nil {
		return "", err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("bench: asking the proxy its cluster id: %w", err)
	}
	defer res.Body.Close()
	var out struct {
		Data []struct {
			ClusterID string `json:"cluster_id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusOK || len(out.Data) == 0 {
		return "", fmt.Errorf("bench: GET %s/v3/clusters answered %s without a cluster id (%v)", url, res.Status, err)
	}
	return out.Data[0].ClusterID, nil
}
