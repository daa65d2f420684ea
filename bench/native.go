package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// NativeConfig tunes the asynchronous native baseline (ModeNative), the
// ceiling the streaming and batch modes are measured against: it must be
// a producer driven as hard as the machine allows. Every client keeps the
// proxy's durability (idempotent, acks=all) and compression (franz-go's
// default); what changes is how much is buffered, batched and in flight.
type NativeConfig struct {
	// Clients are the franz-go clients the records are spread over: each
	// has its own connection and its own five produce requests in flight
	// to each broker.
	Clients int
	// Producers are the goroutines handing records to each client: one
	// goroutine cannot call Produce fast enough to keep a client busy.
	Producers int
	// Linger lets a partition's batch wait to fill up.
	Linger time.Duration
	// MaxBufferedRecords bounds each client's buffer; Produce blocks
	// when it is full (0: franz-go's default, 50,000).
	MaxBufferedRecords int
	// BatchMaxBytes bounds a partition's batch (0: franz-go's ~1 MB).
	BatchMaxBytes int32
}

// DefaultNativeConfig is what drove franz-go hardest on the development
// machine (2 cores shared by the broker, the proxy and the harness,
// against Apache Kafka 4.3.1): two clients, each fed by one goroutine, no
// linger, franz-go's buffer. The broker serves one request at a time per
// connection, so a second client lets it use the second core; more
// goroutines per client, a linger or more clients did not go further.
// When the machine is saturated by other work, one client costs less CPU
// per record and does better: the README's Benchmarking section has the
// figures and how to check on another machine.
func DefaultNativeConfig() NativeConfig {
	return NativeConfig{Clients: 2, Producers: 1}
}

func (n NativeConfig) opts(bootstrap []string) []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(bootstrap...), kgo.ProducerLinger(n.Linger)}
	if n.MaxBufferedRecords > 0 {
		opts = append(opts, kgo.MaxBufferedRecords(n.MaxBufferedRecords))
	}
	if n.BatchMaxBytes > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(n.BatchMaxBytes))
	}
	return opts
}

// String describes the settings for the table's notes.
func (n NativeConfig) String() string {
	s := fmt.Sprintf("%d client(s) x %d producer goroutine(s), linger %v", max(n.Clients, 1), max(n.Producers, 1), n.Linger)
	if n.MaxBufferedRecords > 0 {
		s += fmt.Sprintf(", max %d buffered records", n.MaxBufferedRecords)
	}
	if n.BatchMaxBytes > 0 {
		s += fmt.Sprintf(", batches up to %d bytes", n.BatchMaxBytes)
	}
	return s
}

// nativeChunk is how many record numbers a native producer goroutine
// claims at once when no rate holds it back: claiming one at a time
// would make the shared counter the bottleneck.
const nativeChunk = 256

// runNative produces the records straight to Kafka with franz-go,
// asynchronously, with the settings of cfg.Native.
func runNative(ctx context.Context, r *modeRun) error {
	n := r.cfg.Native
	clients := make([]*kgo.Client, max(n.Clients, 1))
	for i := range clients {
		cl, err := kgo.NewClient(n.opts(r.cfg.Bootstrap)...)
		if err != nil {
			return err
		}
		defer cl.Close()
		clients[i] = cl
	}
	chunk := nativeChunk
	if r.rate > 0 {
		chunk = 1
	}
	err := perConnection(len(clients)*max(n.Producers, 1), func(g int) error {
		cl := clients[g%len(clients)]
		for {
			first, k := r.b.take(chunk)
			if k == 0 {
				return nil
			}
			for i := first; i < first+int64(k); i++ {
				at, ok := r.b.wait(ctx, i, nil)
				if !ok {
					return nil
				}
				cl.Produce(ctx, r.w.kgoRecord(r.topic, i), func(_ *kgo.Record, err error) {
					if err != nil {
						r.st.fail(1, 0)
						return
					}
					r.st.ok(1, r.cfg.RecordSize, time.Since(at))
				})
			}
		}
	})
	var errs []error
	for _, cl := range clients {
		errs = append(errs, cl.Flush(ctx))
	}
	return errors.Join(append(errs, err)...)
}

// runNativeSync is Connections goroutines each producing one record at a
// time and waiting for it, through one client with the proxy's producer
// settings (no linger): the ceiling of one record per request.
func runNativeSync(ctx context.Context, r *modeRun) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(r.cfg.Bootstrap...), kgo.ProducerLinger(0))
	if err != nil {
		return err
	}
	defer cl.Close()
	return perConnection(r.cfg.Connections, func(int) error {
		for {
			i, at, ok := r.b.next(ctx, nil)
			if !ok {
				return nil
			}
			if err := cl.ProduceSync(ctx, r.w.kgoRecord(r.topic, i)).FirstErr(); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				r.st.fail(1, 0)
				continue
			}
			r.st.ok(1, r.cfg.RecordSize, time.Since(at))
		}
	})
}
