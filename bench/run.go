package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"golang.org/x/time/rate"
)

// Modes are the workloads the harness knows.
const (
	ModeV3Stream = "v3-stream" // streaming produce, one long request per connection
	ModeV3Batch  = "v3-batch"  // records:batch requests
	// ModeV3Avro is v3 streaming with Avro values: a record schema of one
	// string field, given raw in every record (registered once, then
	// served from the proxy's cache), so that it measures the Avro path
	// and the registry client's caches. The proxy needs a Schema Registry.
	ModeV3Avro     = "v3-stream-avro"
	ModeNative     = "native"         // the same records straight to Kafka with franz-go
	ModeV2         = "v2-produce"     // v2 produce requests of BatchSize records
	ModeV2Read     = "v2-consume"     // v2 consumer instances in one group drain what the run produced
	ModeNativeRead = "native-consume" // a franz-go group consumer drains the same
)

// Config is one run of the harness.
type Config struct {
	// URL is the proxy's base URL, e.g. http://localhost:8082.
	URL string
	// Bootstrap are the brokers the native mode (and topic creation) use.
	Bootstrap []string
	// Topic is produced to; Partitions is its partition count when the
	// harness creates it.
	Topic      string
	Partitions int32
	// Modes run one after the other.
	Modes []string
	// Connections are the concurrent HTTP connections (or, for native,
	// the concurrent producers of records).
	Connections int
	// BatchSize is the records per records:batch request.
	BatchSize int
	// RecordSize is the value size in bytes; Keyed adds a key per record.
	RecordSize int
	Keyed      bool
	// Duration and Records bound each mode: whichever comes first (0:
	// no bound of that kind; at least one must be set).
	Duration time.Duration
	Records  int64
	// Rate is the target records per second over all connections (0: as
	// fast as possible).
	Rate int
	// Rounds runs the modes this many times, interleaved, and reports each
	// mode's median round (0 or 1: once).
	Rounds int
	// Progress receives a line a second; nil for none.
	Progress io.Writer
}

// workload is what every mode produces: the same values, from a pool of
// random ones rendered once, so that generating them costs the harness
// nothing. The pool is larger than a producer batch, so that compression
// cannot find the repeats and flatter the numbers.
type workload struct {
	cfg     Config
	cluster string // the proxy's cluster id, which its v3 paths name
	values  [][]byte
	records []string // the same records as v3 produce JSON
	avro    []string // and as v3 produce JSON of Avro values
	v2      []string // and as v2 binary produce records
}

func newWorkload(cfg Config) *workload {
	w := &workload{cfg: cfg}
	n := max(64, (4<<20)/max(cfg.RecordSize, 1))
	for i := range n {
		v := make([]byte, cfg.RecordSize)
		rand.Read(v)
		w.values = append(w.values, v)
		var b strings.Builder
		b.WriteString(`{`)
		if cfg.Keyed {
			b.WriteString(`"key":{"type":"STRING","data":"`)
			b.WriteString(key(int64(i)))
			b.WriteString(`"},`)
		}
		b.WriteString(`"value":{"type":"BINARY","data":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(v))
		b.WriteString(`"}}`)
		w.records = append(w.records, b.String())
		w.avro = append(w.avro, avroRecord(v, cfg.Keyed, i))
		v2 := `{"value":"` + base64.StdEncoding.EncodeToString(v) + `"`
		if cfg.Keyed {
			v2 += `,"key":"` + base64.StdEncoding.EncodeToString([]byte(key(int64(i)))) + `"`
		}
		w.v2 = append(w.v2, v2+"}")
	}
	return w
}

// avroSchema is the value schema of ModeV3Avro, as a JSON string.
const avroSchema = `"{\"type\":\"record\",\"name\":\"BenchRecord\",\"namespace\":\"kafka_rest_bench\",\"fields\":[{\"name\":\"payload\",\"type\":\"string\"}]}"`

// avroRecord is a v3 produce record of ModeV3Avro whose payload is the
// value's random bytes as base64, cut to the value's size so that the Avro
// value is about as large as the binary modes' values.
func avroRecord(v []byte, keyed bool, i int) string {
	var b strings.Builder
	b.WriteString(`{`)
	if keyed {
		b.WriteString(`"key":{"type":"STRING","data":"`)
		b.WriteString(key(int64(i)))
		b.WriteString(`"},`)
	}
	b.WriteString(`"value":{"type":"AVRO","schema":` + avroSchema + `,"data":{"payload":"`)
	b.WriteString(base64.StdEncoding.EncodeToString(v)[:len(v)])
	b.WriteString(`"}}}`)
	return b.String()
}

// key is the key of record i: a thousand distinct keys.
func key(i int64) string { return "key-" + strconv.FormatInt(i%1000, 10) }

// json returns the i-th record as v3 produce JSON.
func (w *workload) json(i int64) string { return w.records[i%int64(len(w.records))] }

// avroJSON returns the i-th record as v3 produce JSON with an Avro value.
func (w *workload) avroJSON(i int64) string { return w.avro[i%int64(len(w.avro))] }

// kgoRecord returns the i-th record for the native mode: the same key and
// value as json(i).
func (w *workload) kgoRecord(i int64) *kgo.Record {
	j := i % int64(len(w.values))
	r := &kgo.Record{Topic: w.cfg.Topic, Value: w.values[j]}
	if w.cfg.Keyed {
		r.Key = []byte(key(j))
	}
	return r
}

// budget hands out record numbers until the mode's bound is reached.
type budget struct {
	deadline time.Time
	max      int64
	next     chan int64
	limiter  *rate.Limiter
}

func newBudget(ctx context.Context, cfg Config) *budget {
	b := &budget{max: cfg.Records, next: make(chan int64, 1024)}
	if cfg.Duration > 0 {
		b.deadline = time.Now().Add(cfg.Duration)
	}
	if cfg.Rate > 0 {
		b.limiter = rate.NewLimiter(rate.Limit(cfg.Rate), max(1, cfg.Rate/100))
	}
	go func() {
		defer close(b.next)
		for i := int64(0); b.max == 0 || i < b.max; i++ {
			if !b.deadline.IsZero() && time.Now().After(b.deadline) {
				return
			}
			if b.limiter != nil && b.limiter.Wait(ctx) != nil {
				return
			}
			select {
			case b.next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	return b
}

// Run runs every mode of cfg in turn and returns their results. sample, if
// not nil, is called around each mode to measure the proxy process.
func Run(ctx context.Context, cfg Config, proxy *Process) ([]Result, error) {
	if cfg.Duration <= 0 && cfg.Records <= 0 {
		return nil, fmt.Errorf("bench: set a duration or a record count")
	}
	if len(cfg.Bootstrap) > 0 {
		if err := ensureTopic(ctx, cfg); err != nil {
			return nil, err
		}
	}
	w := newWorkload(cfg)
	if slices.ContainsFunc(cfg.Modes, func(m string) bool { return m == ModeV3Stream || m == ModeV3Batch || m == ModeV3Avro }) {
		id, err := proxyCluster(ctx, cfg.URL)
		if err != nil {
			return nil, err
		}
		w.cluster = id
	}
	// Rounds interleave the modes, so that a machine whose speed drifts
	// (a shared VM) slows every mode alike; each mode reports its median
	// round.
	rounds := make(map[string][]Result)
	for range max(cfg.Rounds, 1) {
		for _, mode := range cfg.Modes {
			res, err := runMode(ctx, cfg, w, mode, proxy)
			if err != nil {
				return medians(cfg.Modes, rounds), err
			}
			rounds[mode] = append(rounds[mode], res)
		}
	}
	return medians(cfg.Modes, rounds), nil
}

// medians picks, for each mode in order, its round of median throughput.
func medians(modes []string, rounds map[string][]Result) []Result {
	var out []Result
	for _, mode := range modes {
		rs := rounds[mode]
		if len(rs) == 0 {
			continue
		}
		sort.Slice(rs, func(i, j int) bool { return rs[i].RecordsPerSec < rs[j].RecordsPerSec })
		m := rs[len(rs)/2]
		m.Rounds = len(rs)
		out = append(out, m)
	}
	return out
}

// runMode runs one mode once.
func runMode(ctx context.Context, cfg Config, w *workload, mode string, proxy *Process) (Result, error) {
	var run func(context.Context, *workload, *budget, *stats) error
	switch mode {
	case ModeV3Stream:
		run = runStream
	case ModeV3Batch:
		run = runBatch
	case ModeV3Avro:
		run = runStreamAvro
	case ModeV2:
		run = runV2Produce
	case ModeNative, ModeNativeRead:
		if len(cfg.Bootstrap) == 0 {
			return Result{}, fmt.Errorf("bench: mode %s needs the brokers' addresses (--bootstrap)", mode)
		}
		run = runNative
		if mode == ModeNativeRead {
			run = runNativeConsume
		}
	case ModeV2Read:
		run = runV2Consume
	default:
		return Result{}, fmt.Errorf("bench: unknown mode %q (want %s)", mode,
			strings.Join([]string{ModeV3Stream, ModeV3Batch, ModeV3Avro, ModeV2, ModeNative, ModeV2Read, ModeNativeRead}, ", "))
	}
	st := newStats()
	var before ProcessStats
	if proxy != nil {
		before, _ = proxy.Stats()
		proxy.ResetPeak()
	}
	stopSampling := sample(cfg.Progress, mode, st)
	start := time.Now()
	err := run(ctx, w, newBudget(ctx, cfg), st)
	elapsed := time.Since(start)
	timeline := stopSampling()
	if err != nil {
		return Result{}, fmt.Errorf("bench: mode %s: %w", mode, err)
	}
	res := st.result(mode, elapsed)
	res.Timeline = timeline
	if proxy != nil && mode != ModeNative && mode != ModeNativeRead {
		after, _ := proxy.Stats()
		cpu := (after.CPU - before.CPU).Seconds()
		peak := float64(proxy.Peak()) / (1 << 20)
		res.ProxyCPUSeconds, res.ProxyPeakRSSMiB = &cpu, &peak
	}
	return res, nil
}

// ensureTopic creates the topic if it does not exist.
func ensureTopic(ctx context.Context, cfg Config) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(cfg.Bootstrap...))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	topics, err := adm.ListTopics(ctx, cfg.Topic)
	if err != nil {
		return fmt.Errorf("bench: listing topics: %w", err)
	}
	if topics.Has(cfg.Topic) {
		return nil
	}
	resp, err := adm.CreateTopic(ctx, cfg.Partitions, -1, nil, cfg.Topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		return fmt.Errorf("bench: creating topic %s: %w", cfg.Topic, err)
	}
	return nil
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

// httpClient is tuned for a handful of long connections.
func httpClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		WriteBufferSize: 64 << 10, ReadBufferSize: 64 << 10,
	}}
}

func itoa(n int) string { return strconv.Itoa(n) }
