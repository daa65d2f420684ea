package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/cmd/kafka-rest/internal/properties"
	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// envPrefix marks environment variables that set keys, as in Confluent's
// images: KAFKA_REST_BOOTSTRAP_SERVERS sets bootstrap.servers.
const envPrefix = "KAFKA_REST_"

// launcherEnv are KAFKA_REST_* variables Confluent's launch scripts read
// for the JVM; they are not keys, so they are neither applied nor warned
// about.
func launcherEnv(name string) bool {
	switch name {
	case "HEAP_OPTS", "OPTS", "JVM_PERFORMANCE_OPTS", "JMX_OPTS", "JMX_PORT", "LOG4J_OPTS", "CLASSPATH", "LOG4J_ROOT_LOGLEVEL", "LOG4J_LOGGERS", "LOG_DIR":
		return true
	}
	return false
}

// config is the validated configuration, every key resolved to its value
// (the default when unset).
type config struct {
	values map[string]string
	// given holds the keys the file or the environment set.
	given     map[string]bool
	kafkaPass map[string]string // client.*, producer.*, consumer.*, admin.*
	warnings  []string
}

// loadConfig reads the properties file (if path is not empty), applies the
// KAFKA_REST_* variables of environ over it, and validates every value.
// Unknown keys become warnings; every invalid value is reported, each with
// its key, its value and what is allowed.
func loadConfig(path string, environ []string) (*config, error) {
	raw := make(map[string]string)
	source := make(map[string]string)
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading the configuration: %w", err)
		}
		entries, err := properties.Parse(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		for _, e := range entries {
			raw[e.Key] = e.Value
			source[e.Key] = fmt.Sprintf("%s:%d", path, e.Line)
		}
	}
	for _, kv := range environ {
		name, v, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || launcherEnv(name[len(envPrefix):]) {
			continue
		}
		key := envKey(name[len(envPrefix):])
		raw[key] = v
		source[key] = "environment " + name
	}

	cfg := &config{values: make(map[string]string), given: make(map[string]bool)}
	known := make(map[string]setting)
	for _, s := range settings() {
		known[s.key] = s
		if !s.legacy {
			cfg.values[s.key] = s.def
		}
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var errs []error
	pass := make(map[string]string)
	for _, k := range keys {
		v := strings.TrimSpace(raw[k])
		s, ok := known[k]
		switch {
		case ok && s.legacy:
			cfg.warnings = append(cfg.warnings, fmt.Sprintf("%s (%s) has no effect, as in Confluent's proxy", k, source[k]))
		case ok:
			if s.check != nil {
				if err := s.check(v); err != nil {
					errs = append(errs, kafka.InvalidValue(k, v, fmt.Sprintf("%v (from %s)", err, source[k])))
					continue
				}
			}
			cfg.values[k] = v
			cfg.given[k] = true
			if s.pending != "" && v != s.def {
				cfg.warnings = append(cfg.warnings, fmt.Sprintf("%s (%s) is valid but has no effect yet: it is used by %s, which this version does not serve", k, source[k], s.pending))
			}
		case kafka.IsPassThrough(k):
			pass[k] = v
		default:
			cfg.warnings = append(cfg.warnings, fmt.Sprintf("unknown key %s (%s) is ignored", k, source[k]))
		}
	}
	kc := kafka.Config{BootstrapServers: splitList(cfg.values["bootstrap.servers"]), Properties: pass, Identity: cfg.identity()}
	ignored, err := kc.Check()
	if err != nil {
		errs = append(errs, err)
	}
	if kc.Identity.Enabled() && len(kc.BootstrapServers) == 0 {
		errs = append(errs, fmt.Errorf("kafka.identity.passthrough=%s needs bootstrap.servers: the embedded development cluster has no SASL to pass callers' credentials to", cfg.values["kafka.identity.passthrough"]))
	}
	errs = append(errs, cfg.checkCluster()...)
	for _, k := range ignored {
		cfg.warnings = append(cfg.warnings, fmt.Sprintf("%s (%s) has no franz-go equivalent and is ignored", k, source[k]))
	}
	if _, err := cfg.schemaTLS(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.values["java.security.auth.login.config"] == "" {
		cfg.values["java.security.auth.login.config"] = jaasFromLauncher(environ)
	}
	cfg.kafkaPass = pass
	return cfg, nil
}

// envKey turns the part of a variable after KAFKA_REST_ into a key, as
// Confluent's images do: ___ is '-', __ is '_', _ is '.', all lower case.
func envKey(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "___", "\x00")
	s = strings.ReplaceAll(s, "__", "\x01")
	s = strings.ReplaceAll(s, "_", ".")
	s = strings.ReplaceAll(s, "\x00", "-")
	return strings.ReplaceAll(s, "\x01", "_")
}

func (c *config) str(key string) string { return c.values[key] }

func (c *config) bool(key string) bool { return c.values[key] == "true" }

func (c *config) int(key string) int {
	n, _ := strconv.Atoi(c.values[key]) // validated by loadConfig
	return n
}

func (c *config) int64(key string) int64 {
	n, _ := strconv.ParseInt(c.values[key], 10, 64) // validated by loadConfig
	return n
}

func (c *config) ms(key string) time.Duration {
	return time.Duration(c.int64(key)) * time.Millisecond
}

func (c *config) urls(key string) []*url.URL {
	var out []*url.URL
	for _, s := range splitList(c.values[key]) {
		u, _ := parseURL(s) // validated by loadConfig
		out = append(out, u)
	}
	return out
}

// listeners returns the URLs to listen on: listeners, else http://0.0.0.0:port.
func (c *config) listeners() []*url.URL {
	if ls := c.urls("listeners"); len(ls) > 0 {
		return ls
	}
	return []*url.URL{{Scheme: "http", Host: net.JoinHostPort("0.0.0.0", c.str("port"))}}
}

// embedded reports whether the proxy runs its own development cluster.
func (c *config) embedded() bool { return len(splitList(c.str("bootstrap.servers"))) == 0 }

func (c *config) embeddedConfig() embedded.Config {
	return embedded.Config{
		Port:             c.int("embedded.kafka.port"),
		DataDir:          c.str("embedded.kafka.data.dir"),
		RetentionMs:      c.int64("embedded.kafka.retention.ms"),
		RetentionBytes:   c.int64("embedded.kafka.retention.bytes"),
		RetentionCheck:   c.ms("embedded.kafka.retention.check.ms"),
		NumPartitions:    c.int("embedded.kafka.num.partitions"),
		AutoCreateTopics: c.bool("embedded.kafka.auto.create.topics.enable"),
	}
}

// kafkaConfig is how the proxy reaches Kafka; bootstrap overrides
// bootstrap.servers (the embedded cluster's address).
func (c *config) kafkaConfig(bootstrap ...string) kafka.Config {
	servers := splitList(c.str("bootstrap.servers"))
	if len(bootstrap) > 0 {
		servers = bootstrap
	}
	return kafka.Config{BootstrapServers: servers, Properties: c.kafkaPass, Identity: c.identity()}
}

// identity is the pass-through configuration (kafka.identity.*).
func (c *config) identity() kafka.IdentityConfig {
	id := kafka.DefaultIdentityConfig()
	id.BasicMechanism, id.OAuthBearer, _ = kafka.ParsePassThrough(c.str("kafka.identity.passthrough")) // validated by loadConfig
	id.MaxClients = c.int("kafka.identity.clients.max")
	id.IdleTimeout = c.ms("kafka.identity.clients.idle.timeout.ms")
	id.AcquireWait = c.ms("kafka.identity.clients.wait.ms")
	return id
}

func (c *config) actorsConfig(k kafka.Config) actors.Config {
	a := actors.DefaultConfig()
	a.Kafka = k
	a.AdminPoolSize = c.int("actors.admin.pool.size")
	a.Metrics = telemetry.New(telemetry.Config{MaxLabelValues: c.int("metrics.label.values.max")})
	a.Consumers = actors.ConsumersConfig{
		InstanceTimeout: c.ms("consumer.instance.timeout.ms"),
		RequestTimeout:  c.ms("consumer.request.timeout.ms"),
		RequestMaxBytes: c.int64("consumer.request.max.bytes"),
		FetchMinBytes:   c.int64("fetch.min.bytes"),
		MaxInstances:    c.int("consumer.instances.max"),
		ReadBudgetBytes: c.int64("consumer.read.budget.bytes"),
	}
	a.Fetch = actors.FetchConfig{
		Workers:  c.int("consumer.v3.fetch.workers"),
		MaxWait:  c.ms("consumer.v3.fetch.max.wait.ms"),
		MaxBytes: c.int64("consumer.v3.fetch.max.bytes"),
	}
	a.Streams = actors.StreamsConfig{
		MaxPerNode:     c.int("consumer.v3.stream.max.per.node"),
		MaxPerGroup:    c.int("consumer.v3.stream.max.per.group"),
		MaxDuration:    c.ms("consumer.v3.stream.max.duration.ms"),
		BufferBytes:    int32(c.int("consumer.v3.stream.buffer.bytes")),
		CommitInterval: c.ms("consumer.v3.stream.commit.interval.ms"),
		MaxRecords:     actors.DefaultStreamsConfig().MaxRecords,
	}
	a.Produce = actors.ProduceConfig{
		GlobalRecords: c.int64("produce.credit.global.records"), GlobalBytes: c.int64("produce.credit.global.bytes"),
		TopicRecords: c.int64("produce.credit.topic.records"), TopicBytes: c.int64("produce.credit.topic.bytes"),
		StreamRecords: c.int64("produce.credit.stream.records"), StreamBytes: c.int64("produce.credit.stream.bytes"),
		MaxTopics:   c.int("produce.topic.producers.max"),
		IdleTimeout: c.ms("produce.topic.idle.timeout.ms"),
		Limits: actors.ProduceLimits{
			Enabled:             c.bool("rate.limit.enable") && c.bool("api.v3.produce.rate.limit.enabled"),
			RecordsPerSec:       c.int64("api.v3.produce.rate.limit.max.requests.per.sec"),
			GlobalRecordsPerSec: c.int64("api.v3.produce.rate.limit.max.requests.global.per.sec"),
			BytesPerSec:         c.int64("api.v3.produce.rate.limit.max.bytes.per.sec"),
			GlobalBytesPerSec:   c.int64("api.v3.produce.rate.limit.max.bytes.global.per.sec"),
		},
	}
	return a
}

func (c *config) httpConfig() http.Config {
	h := http.DefaultConfig()
	h.Listeners = c.listeners()
	h.AdvertisedListeners = c.urls("advertised.listeners")
	h.HostName = c.str("host.name")
	h.ID = c.str("id")
	h.V2 = c.bool("api.v2.enable")
	h.V3 = c.bool("api.v3.enable")
	h.Debug = c.bool("debug")
	h.RequestLog = c.bool("use.custom.request.logging")
	h.ResourceNameAuthority = c.str("confluent.resource.name.authority")
	h.PreferredMediaTypes = splitList(c.str("response.mediatype.preferred"))
	h.DefaultMediaType = c.str("response.mediatype.default")
	h.Produce.ProduceRecordMaxBytes = c.int("api.v3.produce.request.size.limit.max.bytes")
	h.Produce.ProduceBatchMaxEntries = c.int("api.v3.produce.batch.maximum.entries")
	h.Produce.StreamMaxDuration = c.ms("streaming.connection.max.duration.ms")
	h.Produce.StreamGrace = c.ms("streaming.connection.max.duration.grace.period.ms")
	h.Produce.StreamWindow = c.int("produce.stream.window.records")
	h.Produce.StreamWriteTimeout = c.ms("produce.stream.write.timeout.ms")
	h.GroupStream.Heartbeat = c.ms("consumer.v3.stream.heartbeat.ms")
	h.GroupStream.WriteTimeout = c.ms("consumer.v3.stream.write.timeout.ms")
	h.Produce.BatchCreditWait = c.ms("produce.batch.credit.wait.ms")
	h.Produce.ReadBudgetBytes = c.int64("produce.read.budget.bytes")
	h.Produce.ReadBudgetWait = c.ms("produce.read.budget.wait.ms")
	h.Guard = c.guardConfig()
	h.Guard.MaxHeaderBytes = c.int("max.request.header.size")
	h.HTTP2 = c.bool("http2.enabled")
	return h
}

func (c *config) logLevel() slog.Level {
	var l slog.Level
	_ = l.UnmarshalText([]byte(c.str("log.level"))) // validated by loadConfig
	return l
}
