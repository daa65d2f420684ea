// Command kafka-rest is a Kafka REST proxy compatible with Confluent's: the
// same v2 and v3 APIs and the same kafka-rest.properties keys.
//
//	kafka-rest [path/to/kafka-rest.properties]
//
// Every key can also be set in the environment as KAFKA_REST_<KEY> (upper
// case, dots as underscores), which wins over the file. Without
// bootstrap.servers the proxy starts an embedded development Kafka cluster.
// Run kafka-rest --help for every key, kafka-rest --version for the build,
// and kafka-rest --sample-properties for a file of every key at its default.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/internal/buildinfo"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit code. It stops gracefully
// when ctx ends.
func run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	var path string
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			usage(stdout)
			return 0
		case a == "--version" || a == "-version":
			fmt.Fprint(stdout, buildinfo.Read())
			return 0
		case a == "--sample-properties":
			if err := writeSampleProperties(stdout); err != nil {
				fmt.Fprintf(stderr, "kafka-rest: %v\n", err)
				return 1
			}
			return 0
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stderr, "kafka-rest: unknown flag %s\n\n", a)
			usage(stderr)
			return 2
		case path != "":
			fmt.Fprintf(stderr, "kafka-rest: only one properties file may be given, got %s and %s\n", path, a)
			return 2
		default:
			path = a
		}
	}
	cfg, err := loadConfig(path, environ)
	if err != nil {
		fmt.Fprintf(stderr, "kafka-rest: invalid configuration:\n%s\n", indent(err.Error()))
		return 1
	}
	log := newLogger(cfg, stderr)
	for _, w := range cfg.warnings {
		log.Warn("configuration: " + w)
	}
	if err := serve(ctx, cfg, log); err != nil {
		log.Error("kafka-rest stopped", "error", err)
		return 1
	}
	return 0
}

func newLogger(cfg *config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.logLevel()}
	if cfg.str("log.format") == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs the proxy until ctx ends, then shuts it down in order: stop
// accepting, let in-flight requests finish within shutdown.graceful.ms,
// stop the actors (producers flush, consumers leave their groups), and stop
// the embedded cluster last.
func serve(ctx context.Context, cfg *config, log *slog.Logger) error {
	kcfg := cfg.kafkaConfig()
	var dev *embedded.Cluster
	if cfg.embedded() {
		var err error
		dev, err = embedded.Start(cfg.embeddedConfig(), log)
		if err != nil {
			return err
		}
		defer dev.Close()
		kcfg = cfg.kafkaConfig(dev.Addr())
		log.Warn("EMBEDDED DEVELOPMENT KAFKA CLUSTER: no bootstrap.servers is set, so kafka-rest runs an in-process Kafka for development only",
			"bootstrap", dev.Addr(), "cluster_id", dev.ClusterID(),
			"storage", storage(cfg.str("embedded.kafka.data.dir")),
			"retention_ms", cfg.int64("embedded.kafka.retention.ms"), "retention_bytes", cfg.int64("embedded.kafka.retention.bytes"))
	}

	sys, err := actors.New(cfg.actorsConfig(kcfg), log)
	if err != nil {
		return err
	}
	// The whole shutdown ends within shutdown.graceful.ms of the signal:
	// the actors (and the records their clients still hold, which Kafka
	// may never answer) get what the requests left of it.
	grace := cfg.ms("shutdown.graceful.ms")
	var stopBy time.Time
	defer func() {
		if stopBy.IsZero() { // start-up failed
			stopBy = time.Now().Add(grace)
		}
		sctx, cancel := context.WithDeadline(context.Background(), stopBy)
		defer cancel()
		if err := sys.Shutdown(sctx); err != nil {
			log.Warn("stopping actors", "error", err)
		}
	}()

	reg, stopRegistry, err := startSchemaRegistry(cfg, log)
	if err != nil {
		return err
	}
	defer stopRegistry()
	hcfg := cfg.httpConfig()
	if reg != nil {
		hcfg.Serializer, hcfg.Deserializer = reg, reg
	}
	if hcfg.Guard.Auth.Authenticator, err = cfg.authenticator(ctx, log); err != nil {
		return err
	}
	var tlsFiles *guard.TLS
	if cfg.hasHTTPS() {
		if tlsFiles, err = guard.NewTLS(ctx, cfg.tlsConfig(), log); err != nil {
			return err
		}
	}
	if cfg.bool("cluster.enable") {
		nodes, err := kafka.StartNodes(ctx, kcfg, cfg.nodesConfig(), log)
		if err != nil {
			return err
		}
		// Saying it left comes after the requests and before the
		// actors: the others drop this node at once, its instances go
		// with it, and no call is forwarded here any more.
		defer func() {
			by := stopBy
			if by.IsZero() { // start-up failed
				by = time.Now().Add(grace)
			}
			sctx, cancel := context.WithDeadline(context.Background(), by)
			defer cancel()
			if err := nodes.Close(sctx); err != nil {
				log.Warn("leaving the cluster", "error", err)
			}
		}()
		hcfg.Cluster = cfg.clusterConfig(nodes, tlsFiles)
		log.Info("cluster node", "id", cfg.str("id"), "url", cfg.str("cluster.node.url"), "topic", cfg.str("cluster.topic"))
	}
	api := http.New(hcfg, sys, log)

	var servers []*nethttp.Server
	var wg sync.WaitGroup
	serveErr := make(chan error, len(cfg.listeners()))
	for _, l := range cfg.listeners() {
		ln, err := net.Listen("tcp", l.Host)
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("listening on %s (set listeners to a free address): %w", l, err)
		}
		var tlsCfg *tls.Config
		if strings.EqualFold(l.Scheme, "https") {
			tlsCfg = tlsFiles.Config()
		}
		ln = api.Listener(ln, tlsCfg)
		srv := &nethttp.Server{
			Handler:           api,
			ConnContext:       api.ConnContext,
			ReadHeaderTimeout: cfg.ms("request.header.timeout.ms"),
			IdleTimeout:       cfg.ms("idle.timeout.ms"),
			MaxHeaderBytes:    cfg.int("max.request.header.size"),
			Protocols:         api.Protocols(),
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		}
		servers = append(servers, srv)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, nethttp.ErrServerClosed) {
				serveErr <- err
			}
		}()
		log.Info("kafka-rest listening", "listener", l.Scheme+"://"+ln.Addr().String())
	}

	if addr := cfg.str("debug.pprof.listener"); addr != "" {
		dbg, _, err := startPprof(addr, log)
		if err != nil {
			shutdown(servers, time.Now(), log)
			return err
		}
		servers = append(servers, dbg)
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down", "grace", grace)
	case err = <-serveErr:
		log.Error("a listener failed; shutting down", "error", err)
	}
	stopBy = time.Now().Add(grace)
	// Group streams last as long as their clients do: they end now,
	// committing what they wrote, so that the grace is the others'.
	sys.Streams().Stop()
	shutdown(servers, stopBy, log)
	wg.Wait()
	return err
}

// shutdown stops accepting connections and waits until stopBy for
// in-flight requests; whatever is still running then is cut off.
func shutdown(servers []*nethttp.Server, stopBy time.Time, log *slog.Logger) {
	ctx, cancel := context.WithDeadline(context.Background(), stopBy)
	defer cancel()
	grace := time.Until(stopBy).Round(time.Millisecond)
	var wg sync.WaitGroup
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Shutdown(ctx); err != nil {
				log.Warn("requests still in flight after the grace period were cut off", "grace", grace)
				s.Close()
			}
		}()
	}
	wg.Wait()
}

func storage(dir string) string {
	if dir == "" {
		return "memory"
	}
	return dir
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
