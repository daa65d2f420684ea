package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kafka-rest-go/kafka-rest/internal/jaas"
)

// Role says which kind of Kafka client options are built for. Each role reads
// the client.* keys and then its own prefix, which wins over client.*.
type Role int

const (
	// RoleProducer is the shared producer: client.* and producer.* keys.
	RoleProducer Role = iota
	// RoleConsumer is a v2 consumer instance: client.* and consumer.* keys.
	RoleConsumer
	// RoleAdmin is the admin client: client.* and admin.* keys.
	RoleAdmin
)

// String is the role's name in metrics: producer, consumer or admin.
func (r Role) String() string { return strings.TrimSuffix(r.prefix(), ".") }

func (r Role) prefix() string {
	switch r {
	case RoleProducer:
		return "producer."
	case RoleConsumer:
		return "consumer."
	default:
		return "admin."
	}
}

// IsPassThrough reports whether key belongs in Config.Properties: it starts
// with one of the pass-through prefixes of Confluent's kafka-rest.properties,
// client., producer., consumer. or admin.
func IsPassThrough(key string) bool {
	for _, p := range [...]string{"client.", "producer.", "consumer.", "admin."} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Config says how the proxy reaches Kafka.
type Config struct {
	// BootstrapServers are host:port pairs. A Java-style "PLAINTEXT://"
	// or "SASL_SSL://" prefix is accepted and stripped.
	BootstrapServers []string
	// Properties are the pass-through keys with their prefix kept
	// ("client.sasl.mechanism", "producer.linger.ms", ...).
	Properties map[string]string
	// Hooks, when set, gives the franz-go hooks of every client of a role
	// (metrics).
	Hooks func(Role) []kgo.Hook
	// Identity turns on identity pass-through: requests carrying the
	// caller's credentials reach Kafka as that caller.
	Identity IdentityConfig
}

// Options builds the franz-go options for a client of role r. The error
// names the key, the value and what is allowed.
func (c Config) Options(r Role) ([]kgo.Opt, error) {
	b, err := c.build(r, nil)
	if err != nil {
		return nil, err
	}
	return b.opts, nil
}

// OptionsFor builds the options of a client of role r for the caller of
// ctx: with the caller's credentials in pass-through mode (a caller
// without any is ErrNoCredentials), else as Options does.
func (c Config) OptionsFor(ctx context.Context, r Role) ([]kgo.Opt, error) {
	if !c.Identity.Enabled() {
		return c.Options(r)
	}
	cr, ok := CredentialsFrom(ctx)
	if !ok {
		return nil, ErrNoCredentials()
	}
	b, err := c.build(r, &cr)
	if err != nil {
		return nil, err
	}
	return b.opts, nil
}

// Check validates every pass-through key for every role, and returns the
// keys no franz-go option corresponds to (they are ignored), sorted.
func (c Config) Check() (ignored []string, err error) {
	seen := make(map[string]bool)
	var errs []error
	for _, r := range []Role{RoleProducer, RoleConsumer, RoleAdmin} {
		b, err := c.build(r, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, k := range b.ignored {
			if !seen[k] {
				seen[k] = true
				ignored = append(ignored, k)
			}
		}
	}
	sort.Strings(ignored)
	return ignored, errors.Join(dedupe(errs)...)
}

func dedupe(errs []error) []error {
	seen := make(map[string]bool)
	var out []error
	for _, e := range errs {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	return out
}

// InvalidValue is the error for a configuration value that is not allowed.
func InvalidValue(key, value, allowed string) error {
	return fmt.Errorf("invalid value %q for %s: %s", value, key, allowed)
}

// optBuilder accumulates options from the pass-through keys of one role.
type optBuilder struct {
	role    Role
	opts    []kgo.Opt
	ignored []string

	protocol, protocolKey string
	mechanism, mechKey    string
	jaas                  jaas.Entry
	jaasKey               string
	tls                   tlsSettings

	// identity is the pass-through configuration; creds, when set, are
	// the caller's, and replace the proxy's own SASL credentials.
	identity IdentityConfig
	creds    *Credentials
	// deliveryTimeout is delivery.timeout.ms, 0 when not set.
	deliveryTimeout time.Duration
}

func (c Config) build(r Role, creds *Credentials) (*optBuilder, error) {
	b := &optBuilder{role: r, protocol: "PLAINTEXT", identity: c.Identity, creds: creds}
	servers := make([]string, 0, len(c.BootstrapServers))
	for _, s := range c.BootstrapServers {
		if i := strings.Index(s, "://"); i >= 0 {
			s = s[i+3:]
		}
		if s = strings.TrimSpace(s); s != "" {
			servers = append(servers, s)
		}
	}
	b.opts = append(b.opts, kgo.SeedBrokers(servers...))
	if c.Hooks != nil {
		b.opts = append(b.opts, kgo.WithHooks(c.Hooks(r)...))
	}

	// client.* first, then the role's own prefix, so that it wins.
	merged := make(map[string][2]string) // stripped key -> {full key, value}
	for _, prefix := range []string{"client.", r.prefix()} {
		keys := make([]string, 0)
		for k := range c.Properties {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			merged[strings.TrimPrefix(k, prefix)] = [2]string{k, c.Properties[k]}
		}
	}
	names := make([]string, 0, len(merged))
	for k := range merged {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		full, v := merged[name][0], strings.TrimSpace(merged[name][1])
		known, err := b.apply(name, full, v)
		if err != nil {
			return nil, err
		}
		if !known {
			b.ignored = append(b.ignored, full)
		}
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return b, nil
}

// apply maps one Java client property onto franz-go. It reports whether the
// property is one franz-go has an equivalent for.
func (b *optBuilder) apply(name, key, v string) (bool, error) {
	if r, only := roleOf(name); only && r != b.role {
		return false, nil
	}
	switch name {
	case "security.protocol":
		switch strings.ToUpper(v) {
		case "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
			b.protocol, b.protocolKey = strings.ToUpper(v), key
		default:
			return true, InvalidValue(key, v, "must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
		}
	case "sasl.mechanism":
		switch strings.ToUpper(v) {
		case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
			b.mechanism, b.mechKey = strings.ToUpper(v), key
		default:
			return true, InvalidValue(key, v, "must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512")
		}
	case "sasl.jaas.config":
		j, err := jaas.ParseEntry(v)
		if err != nil {
			return true, fmt.Errorf("invalid value for %s: %w", key, err)
		}
		b.jaas, b.jaasKey = j, key
	case "ssl.truststore.location", "ssl.truststore.certificates", "ssl.truststore.type",
		"ssl.keystore.location", "ssl.keystore.type", "ssl.keystore.certificate.chain", "ssl.keystore.key",
		"ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
		"ssl.endpoint.identification.algorithm":
		return true, b.tls.set(name, key, v)
	case "client.id":
		b.opts = append(b.opts, kgo.ClientID(v))
	case "request.timeout.ms":
		return true, b.duration(key, v, kgo.RequestTimeoutOverhead)
	case "connections.max.idle.ms":
		return true, b.duration(key, v, kgo.ConnIdleTimeout)
	case "socket.connection.setup.timeout.ms":
		return true, b.duration(key, v, kgo.DialTimeout)
	case "metadata.max.age.ms":
		return true, b.duration(key, v, kgo.MetadataMaxAge)
	case "retry.backoff.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt {
			return kgo.RetryBackoffFn(func(int) time.Duration { return d })
		})
	case "default.api.timeout.ms":
		return true, b.duration(key, v, kgo.RetryTimeout)
	case "acks":
		switch v {
		case "all", "-1":
			b.opts = append(b.opts, kgo.RequiredAcks(kgo.AllISRAcks()))
		case "1":
			b.opts = append(b.opts, kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite())
		case "0":
			b.opts = append(b.opts, kgo.RequiredAcks(kgo.NoAck()), kgo.DisableIdempotentWrite())
		default:
			return true, InvalidValue(key, v, "must be one of all, -1, 0, 1")
		}
	case "enable.idempotence":
		on, err := parseBool(key, v)
		if err == nil && !on {
			b.opts = append(b.opts, kgo.DisableIdempotentWrite())
		}
		return true, err
	case "linger.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt { return kgo.ProducerLinger(d) })
	case "batch.size":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.ProducerBatchMaxBytes(n) })
	case "max.request.size":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.BrokerMaxWriteBytes(n) })
	case "buffer.memory":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.MaxBufferedBytes(int(n)) })
	case "delivery.timeout.ms":
		// Not franz-go's RecordDeliveryTimeout, which counts from the
		// record's timestamp, a time clients choose: the producer bounds
		// each record from the moment it is handed over (see Producer).
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > 1<<31-1 {
			return true, InvalidValue(key, v, "must be a whole number of milliseconds from 1 to 2147483647")
		}
		b.deliveryTimeout = time.Duration(n) * time.Millisecond
	case "retries":
		return true, b.int32(key, v, 0, func(n int32) kgo.Opt { return kgo.RecordRetries(int(n)) })
	case "max.in.flight.requests.per.connection":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.MaxProduceRequestsInflightPerBroker(int(n)) })
	case "compression.type":
		var codec kgo.CompressionCodec
		switch strings.ToLower(v) {
		case "none":
			codec = kgo.NoCompression()
		case "gzip":
			codec = kgo.GzipCompression()
		case "snappy":
			codec = kgo.SnappyCompression()
		case "lz4":
			codec = kgo.Lz4Compression()
		case "zstd":
			codec = kgo.ZstdCompression()
		default:
			return true, InvalidValue(key, v, "must be one of none, gzip, snappy, lz4, zstd")
		}
		b.opts = append(b.opts, kgo.ProducerBatchCompression(codec))
	case "fetch.max.wait.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt { return kgo.FetchMaxWait(d) })
	case "fetch.max.bytes":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.FetchMaxBytes(n) })
	case "max.partition.fetch.bytes":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.FetchMaxPartitionBytes(n) })
	case "fetch.min.bytes":
		return true, b.int32(key, v, 1, func(n int32) kgo.Opt { return kgo.FetchMinBytes(n) })
	case "isolation.level":
		switch strings.ToLower(v) {
		case "read_uncommitted":
			b.opts = append(b.opts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
		case "read_committed":
			b.opts = append(b.opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
		default:
			return true, InvalidValue(key, v, "must be read_uncommitted or read_committed")
		}
	case "client.rack":
		b.opts = append(b.opts, kgo.Rack(v))
	case "session.timeout.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt { return kgo.SessionTimeout(d) })
	case "heartbeat.interval.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt { return kgo.HeartbeatInterval(d) })
	case "max.poll.interval.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt { return kgo.RebalanceTimeout(d) })
	case "auto.commit.interval.ms":
		return true, b.duration(key, v, func(d time.Duration) kgo.Opt { return kgo.AutoCommitInterval(d) })
	case "partition.assignment.strategy":
		bal, err := balancers(key, v)
		if err == nil {
			b.opts = append(b.opts, kgo.Balancers(bal...))
		}
		return true, err
	default:
		return false, nil
	}
	return true, nil
}

// roleOf says which role a property belongs to, when only one: a producer
// property under consumer.* means nothing, as in Java.
func roleOf(name string) (Role, bool) {
	switch name {
	case "acks", "enable.idempotence", "linger.ms", "batch.size", "max.request.size", "buffer.memory",
		"delivery.timeout.ms", "retries", "max.in.flight.requests.per.connection", "compression.type":
		return RoleProducer, true
	case "fetch.max.wait.ms", "fetch.max.bytes", "max.partition.fetch.bytes", "fetch.min.bytes",
		"isolation.level", "client.rack", "session.timeout.ms", "heartbeat.interval.ms",
		"max.poll.interval.ms", "auto.commit.interval.ms", "partition.assignment.strategy":
		return RoleConsumer, true
	case "default.api.timeout.ms":
		return RoleAdmin, true
	}
	return 0, false
}

func balancers(key, v string) ([]kgo.GroupBalancer, error) {
	var out []kgo.GroupBalancer
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		name := strings.ToLower(s[strings.LastIndex(s, ".")+1:])
		switch name {
		case "range", "rangeassignor":
			out = append(out, kgo.RangeBalancer())
		case "roundrobin", "roundrobinassignor":
			out = append(out, kgo.RoundRobinBalancer())
		case "sticky", "stickyassignor":
			out = append(out, kgo.StickyBalancer())
		case "cooperative-sticky", "cooperativestickyassignor":
			out = append(out, kgo.CooperativeStickyBalancer())
		default:
			return nil, InvalidValue(key, v, "must list range, roundrobin, sticky or cooperative-sticky (Java class names are accepted)")
		}
	}
	return out, nil
}

func (b *optBuilder) finish() error {
	sasl := strings.HasPrefix(b.protocol, "SASL_")
	useTLS := b.protocol == "SSL" || b.protocol == "SASL_SSL"
	if b.mechanism != "" && !sasl {
		return fmt.Errorf("%s=%s needs a SASL security.protocol (SASL_PLAINTEXT or SASL_SSL), but security.protocol is %s", b.mechKey, b.mechanism, b.protocol)
	}
	if b.identity.Enabled() && !sasl {
		return fmt.Errorf("kafka.identity.passthrough needs a SASL security.protocol to pass callers' credentials on: set client.security.protocol to SASL_PLAINTEXT or SASL_SSL (it is %s)", b.protocol)
	}
	switch {
	case b.creds != nil:
		m, err := b.callerMechanism()
		if err != nil {
			return err
		}
		b.opts = append(b.opts, kgo.SASL(m))
	case sasl && b.identity.Enabled() && b.mechanism == "" && b.jaasKey == "":
		// The proxy's own clients go without credentials: in pass-through
		// mode every request runs as its caller, never as the proxy.
	case sasl:
		if err := b.serviceSASL(); err != nil {
			return err
		}
	}
	if useTLS {
		cfg, err := b.tls.config()
		if err != nil {
			return err
		}
		b.opts = append(b.opts, kgo.DialTLSConfig(cfg))
	} else if b.tls.any {
		b.ignored = append(b.ignored, b.tls.keys...)
	}
	return nil
}

// callerMechanism is the SASL mechanism of the caller's credentials.
func (b *optBuilder) callerMechanism() (sasl.Mechanism, error) {
	c := *b.creds
	switch c.mechanism(b.identity) {
	case "OAUTHBEARER":
		if !b.identity.OAuthBearer {
			return nil, ErrNoCredentials()
		}
		return refusableOAuth{oauth.Auth{Token: c.Token}.AsMechanism()}, nil
	case "PLAIN":
		return plain.Auth{User: c.User, Pass: c.Password}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: c.User, Pass: c.Password}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: c.User, Pass: c.Password}.AsSha512Mechanism(), nil
	}
	return nil, ErrNoCredentials() // Basic credentials, but only bearer tokens pass through
}

// serviceSASL adds the proxy's own SASL credentials, from sasl.mechanism
// and sasl.jaas.config.
func (b *optBuilder) serviceSASL() error {
	mech := b.mechanism
	if mech == "" {
		// Java's default is GSSAPI, which franz-go does not speak.
		return fmt.Errorf("%s=%s needs sasl.mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (the Java default GSSAPI is not supported)", b.protocolKey, b.protocol)
	}
	if b.jaasKey == "" {
		return fmt.Errorf("sasl.mechanism=%s needs sasl.jaas.config with username and password (set %s)", mech, strings.Replace(b.mechKey, "mechanism", "jaas.config", 1))
	}
	user, pass := b.jaas.Options["username"], b.jaas.Options["password"]
	if user == "" {
		return fmt.Errorf("invalid value for %s: the login module has no username option", b.jaasKey)
	}
	module := b.jaas.Module[strings.LastIndex(b.jaas.Module, ".")+1:]
	switch mech {
	case "PLAIN":
		if module != "PlainLoginModule" {
			return fmt.Errorf("invalid value for %s: sasl.mechanism PLAIN needs org.apache.kafka.common.security.plain.PlainLoginModule, got %s", b.jaasKey, b.jaas.Module)
		}
		b.opts = append(b.opts, kgo.SASL(plain.Auth{User: user, Pass: pass}.AsMechanism()))
	default:
		if module != "ScramLoginModule" {
			return fmt.Errorf("invalid value for %s: sasl.mechanism %s needs org.apache.kafka.common.security.scram.ScramLoginModule, got %s", b.jaasKey, mech, b.jaas.Module)
		}
		a := scram.Auth{User: user, Pass: pass}
		if mech == "SCRAM-SHA-256" {
			b.opts = append(b.opts, kgo.SASL(a.AsSha256Mechanism()))
		} else {
			b.opts = append(b.opts, kgo.SASL(a.AsSha512Mechanism()))
		}
	}
	return nil
}

func (b *optBuilder) duration(key, v string, fn func(time.Duration) kgo.Opt) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return InvalidValue(key, v, "must be a whole number of milliseconds, 0 or more")
	}
	b.opts = append(b.opts, fn(time.Duration(n)*time.Millisecond))
	return nil
}

func (b *optBuilder) int32(key, v string, min int32, fn func(int32) kgo.Opt) error {
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || int32(n) < min {
		return InvalidValue(key, v, fmt.Sprintf("must be a whole number from %d to 2147483647", min))
	}
	b.opts = append(b.opts, fn(int32(n)))
	return nil
}

func parseBool(key, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, InvalidValue(key, v, "must be true or false")
}
