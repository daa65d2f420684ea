package embedded

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Config configures the in-process development cluster that runs
// when no bootstrap.servers is given.
type Config struct {
	// Port is the port the broker listens on, on 127.0.0.1; 0 picks one.
	Port int
	// DataDir, when set, persists the cluster there so it survives
	// restarts; otherwise everything is in memory.
	DataDir string
	// RetentionMs and RetentionBytes bound every partition (-1: no bound
	// of that kind). Retention runs every RetentionCheck.
	RetentionMs    int64
	RetentionBytes int64
	RetentionCheck time.Duration
	// NumPartitions is the partition count of topics created without one.
	NumPartitions int
	// AutoCreateTopics lets producers and metadata requests create topics.
	AutoCreateTopics bool
}

// DefaultConfig returns the defaults of the embedded cluster.
func DefaultConfig() Config {
	return Config{
		Port:           9092,
		RetentionMs:    int64(time.Hour / time.Millisecond),
		RetentionBytes: 256 << 20,
		RetentionCheck: 30 * time.Second,
		NumPartitions:  1,
	}
}

// Cluster is a running in-process Kafka cluster (franz-go's kfake) that
// native Kafka clients can reach on 127.0.0.1.
type Cluster struct {
	cluster *kfake.Cluster
	addr    string
	id      string
	stop    chan struct{}
	done    sync.WaitGroup
	once    sync.Once
}

// Start starts the embedded cluster. It fails with a message that
// says what to do when the port is taken.
func Start(cfg Config, log *slog.Logger) (*Cluster, error) {
	id, err := clusterID(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	brokerCfg := map[string]string{
		"log.retention.ms":    strconv.FormatInt(cfg.RetentionMs, 10),
		"log.retention.bytes": strconv.FormatInt(cfg.RetentionBytes, 10),
	}
	opts := []kfake.Opt{
		kfake.Ports(cfg.Port),
		kfake.ClusterID(id),
		kfake.DefaultNumPartitions(cfg.NumPartitions),
		kfake.BrokerConfigs(brokerCfg),
		kfake.WithLogger(kfakeLogger{log}),
		kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			ln, err := net.Listen(network, addr)
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, fmt.Errorf("the embedded Kafka cluster cannot listen on %s, the port is taken (is another Kafka running?): set embedded.kafka.port to a free port, or bootstrap.servers to use that Kafka: %w", addr, err)
			}
			return ln, err
		}),
	}
	if cfg.AutoCreateTopics {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("starting the embedded Kafka cluster: %w", err)
	}
	guard(c, int32(cfg.NumPartitions))
	e := &Cluster{cluster: c, addr: c.ListenAddrs()[0], id: id, stop: make(chan struct{})}
	if cfg.RetentionCheck > 0 {
		e.done.Add(1)
		go e.retain(cfg.RetentionCheck)
	}
	return e, nil
}

// retain applies retention on a timer: kfake applies it by itself only to
// topics with explicit retention configs, so without this memory would grow
// with every record ever produced.
func (e *Cluster) retain(every time.Duration) {
	defer e.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.cluster.ApplyRetention()
		}
	}
}

// Addr is the host:port Kafka clients bootstrap from.
func (e *Cluster) Addr() string { return e.addr }

// ClusterID is the id the cluster reports in metadata.
func (e *Cluster) ClusterID() string { return e.id }

// Cluster gives tests access to kfake's control hooks.
func (e *Cluster) Fake() *kfake.Cluster { return e.cluster }

// Close stops the cluster; it is safe to call more than once.
func (e *Cluster) Close() {
	e.once.Do(func() {
		close(e.stop)
		e.done.Wait()
		e.cluster.Close()
	})
}

// clusterID returns a Kafka-style id (22 characters of base64url), kept in
// the data directory when there is one so that it survives restarts.
func clusterID(dataDir string) (string, error) {
	var file string
	if dataDir != "" {
		if err := os.MkdirAll(dataDir, 0o755); err != nil {
			return "", fmt.Errorf("embedded.kafka.data.dir: %w", err)
		}
		file = filepath.Join(dataDir, "kafka-rest-cluster.id")
		if b, err := os.ReadFile(file); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			return strings.TrimSpace(string(b)), nil
		}
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(raw[:])
	if file != "" {
		if err := os.WriteFile(file, []byte(id+"\n"), 0o644); err != nil {
			return "", fmt.Errorf("embedded.kafka.data.dir: %w", err)
		}
	}
	return id, nil
}

// kfakeLogger routes kfake's warnings and errors to slog; its info and debug
// lines describe every request and would drown the proxy's own log.
type kfakeLogger struct{ log *slog.Logger }

func (l kfakeLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	switch level {
	case kfake.LogLevelError:
		l.log.Error(fmt.Sprintf(format, args...), "component", "embedded-kafka")
	case kfake.LogLevelWarn:
		l.log.Warn(fmt.Sprintf(format, args...), "component", "embedded-kafka")
	}
}
