package embedded

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func startEmbedded(t *testing.T, edit func(*Config)) *Cluster {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Port = 0
	if edit != nil {
		edit(&cfg)
	}
	e, err := Start(cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// TestEmbeddedServesNativeClients: a plain franz-go client, knowing only
// the address, creates a topic, produces and consumes.
func TestEmbeddedServesNativeClients(t *testing.T) {
	e := startEmbedded(t, nil)
	if !strings.HasPrefix(e.Addr(), "127.0.0.1:") {
		t.Fatalf("embedded cluster listens on %s, want 127.0.0.1 only", e.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addr()), kgo.ConsumeTopics("native"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "native"); err != nil {
		t.Fatal(err)
	}
	md, err := adm.BrokerMetadata(ctx)
	if err != nil || md.Cluster != e.ClusterID() {
		t.Fatalf("cluster id %q (%v), want %q", md.Cluster, err, e.ClusterID())
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "native", Key: []byte("k"), Value: []byte("v")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	fs := cl.PollFetches(ctx)
	if err := fs.Err0(); err != nil {
		t.Fatal(err)
	}
	recs := fs.Records()
	if len(recs) != 1 || string(recs[0].Key) != "k" || string(recs[0].Value) != "v" {
		t.Fatalf("consumed %v", recs)
	}
}

func TestEmbeddedAutoCreateIsOffByDefault(t *testing.T) {
	for _, auto := range []bool{false, true} {
		e := startEmbedded(t, func(c *Config) { c.AutoCreateTopics = auto })
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		// Like Java producers, ask for auto-creation: the broker decides.
		cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addr()), kgo.AllowAutoTopicCreation(), kgo.UnknownTopicRetries(2))
		if err != nil {
			t.Fatal(err)
		}
		err = cl.ProduceSync(ctx, &kgo.Record{Topic: "nobody-made-me", Value: []byte("x")}).FirstErr()
		if auto && err != nil {
			t.Errorf("auto-create on: %v", err)
		}
		if !auto && err == nil {
			t.Error("auto-create off: produce to a missing topic succeeded")
		}
		cl.Close()
		cancel()
	}
}

func TestEmbeddedRefusesATakenPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := DefaultConfig()
	cfg.Port = ln.Addr().(*net.TCPAddr).Port
	_, err = Start(cfg, quiet())
	if err == nil || !strings.Contains(err.Error(), "set embedded.kafka.port to a free port") {
		t.Fatalf("got %v, want an error saying what to do", err)
	}
}

// TestEmbeddedRetentionBoundsMemory: with a small retention.bytes and a
// short check interval, old records are deleted on the timer.
func TestEmbeddedRetentionBoundsMemory(t *testing.T) {
	e := startEmbedded(t, func(c *Config) {
		c.RetentionBytes = 64 << 10
		c.RetentionCheck = 100 * time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addr()), kgo.ProducerBatchMaxBytes(8<<10))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if _, err := adm.CreateTopic(ctx, 1, 1, nil, "bounded"); err != nil {
		t.Fatal(err)
	}
	value := make([]byte, 1024)
	rand.Read(value)      // incompressible, so the bound is on real bytes
	for i := range 1000 { // ~1 MiB, 16 times the bound
		cl.Produce(ctx, &kgo.Record{Topic: "bounded", Value: value}, func(_ *kgo.Record, err error) {
			if err != nil {
				t.Errorf("record %d: %v", i, err)
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		start, err := adm.ListStartOffsets(ctx, "bounded")
		if err != nil {
			t.Fatal(err)
		}
		o, _ := start.Lookup("bounded", 0)
		if o.Offset >= 500 {
			return // retention deletes whole batches, so the bound is loose
		}
		select {
		case <-ctx.Done():
			t.Fatalf("log start offset is %d after retention, want at least 500", o.Offset)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestEmbeddedDataDirSurvivesRestart: with a data directory, topics,
// records and the cluster id outlive the process.
func TestEmbeddedDataDirSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var id string
	for round := range 2 {
		cfg := DefaultConfig()
		cfg.Port = 0
		cfg.DataDir = dir
		e, err := Start(cfg, quiet())
		if err != nil {
			t.Fatal(err)
		}
		cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addr()))
		if err != nil {
			t.Fatal(err)
		}
		adm := kadm.NewClient(cl)
		if round == 0 {
			id = e.ClusterID()
			if _, err := adm.CreateTopic(ctx, 1, 1, nil, "kept"); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "kept", Value: []byte(strconv.Itoa(i))}).FirstErr(); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			if e.ClusterID() != id {
				t.Errorf("cluster id %q after restart, want %q", e.ClusterID(), id)
			}
			end, err := adm.ListEndOffsets(ctx, "kept")
			if err != nil {
				t.Fatal(err)
			}
			if o, _ := end.Lookup("kept", 0); o.Offset != 3 || !errors.Is(o.Err, nil) {
				t.Errorf("end offset after restart %d (%v), want 3", o.Offset, o.Err)
			}
		}
		cl.Close()
		e.Close()
	}
}
