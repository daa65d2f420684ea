package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// setting is one key of kafka-rest.properties: its default, what it means,
// and what values it takes.
type setting struct {
	key, def, doc string
	check         func(string) error
	// legacy keys are accepted for compatibility and have no effect, as
	// in the reference.
	legacy bool
	// pending names the part of the API that will use a key this version
	// validates but does not act on yet; setting it is a warning.
	pending string
}

// settings is the catalogue of every key the proxy reads, in the order
// --help and the README list them.
func settings() []setting {
	return []setting{
		// Listening and URLs.
		{key: "listeners", def: "", doc: "Comma-separated http://host:port and https://host:port URLs to listen on (https uses the ssl.* keys). Empty means http://0.0.0.0:<port>.", check: listenerList},
		{key: "port", def: "8082", doc: "Port of the default listener when listeners is empty (deprecated in the reference).", check: intRange(0, 65535)},
		{key: "advertised.listeners", def: "", doc: "Comma-separated URLs clients reach the proxy at; the first of the request's scheme is used in absolute URLs (metadata.self, base_uri, Location).", check: urlList},
		{key: "host.name", def: "", doc: "Host used in absolute URLs when no advertised listener matches (deprecated in the reference)."},
		{key: "id", def: "", doc: "This proxy's id; part of generated v2 consumer instance names."},
		{key: "api.v2.enable", def: "true", doc: "Serve the v2 API (/topics, /consumers, /brokers, /).", check: boolean},
		{key: "api.v3.enable", def: "true", doc: "Serve the v3 API (/v3/...).", check: boolean},
		{key: "confluent.resource.name.authority", def: "", doc: "Authority of crn:// resource names in v3 metadata."},
		{key: "response.mediatype.preferred", def: "application/json,application/vnd.kafka.v2+json", doc: "Media types an error outside a route (415) may be written in, in order.", check: nonEmptyList},
		{key: "response.mediatype.default", def: "application/json", doc: "Media type of such an error when the client accepts none of the preferred ones."},
		{key: "debug", def: "false", doc: "Add the cause of an error to its message.", check: boolean},
		{key: "log.level", def: "info", doc: "Log level: debug, info, warn or error.", check: oneOf("debug", "info", "warn", "error")},
		{key: "log.format", def: "text", doc: "Log format: text or json.", check: oneOf("text", "json")},
		{key: "shutdown.graceful.ms", def: "5000", doc: "On SIGINT/SIGTERM, how long the whole shutdown may take: in-flight requests may finish within it (what is left is then cut off), then the actors and Kafka clients stop in what remains.", check: intRange(0, 1<<31-1)},
		{key: "idle.timeout.ms", def: "30000", doc: "How long an idle keep-alive connection stays open.", check: intRange(1, 1<<31-1)},
		{key: "http2.enabled", def: "true", doc: "Serve HTTP/2 beside HTTP/1.1: h2 through ALPN on https listeners, cleartext HTTP/2 with prior knowledge (h2c) on http ones.", check: boolean},
		{key: "max.request.header.size", def: "8192", doc: "Largest request header block, in bytes.", check: intRange(1024, 1<<24)},
		{key: "debug.pprof.listener", def: "", doc: "host:port of an opt-in debug listener serving Go's pprof profiles at /debug/pprof/; empty: off. Never expose it publicly.", check: hostPortOrEmpty},
		{key: "use.custom.request.logging", def: "true", doc: "Write a log line per request (method, route, status, error code, duration).", check: boolean},

		// Several nodes: v2 consumer instances reachable through any node.
		{key: "cluster.enable", def: "false", doc: "Run as a node of a cluster of proxies: nodes announce themselves in a Kafka topic, and a v2 consumer call reaching a node that does not hold the instance is forwarded to the node that does. Needs id (unique per node) and cluster.node.url. Off: a single proxy, each instance reachable only through the node that created it.", check: boolean},
		{key: "cluster.node.url", def: "", doc: "URL the other nodes reach this one at (http://host:port or https://...), with cluster.enable.", check: urlList},
		{key: "cluster.topic", def: "_kafka-rest-nodes", doc: "Compacted topic the nodes announce themselves in; created (one partition, the broker's replication factor) when missing.", check: topicName},
		{key: "cluster.heartbeat.interval.ms", def: "1000", doc: "How often a node announces itself.", check: intRange(10, 1<<31-1)},
		{key: "cluster.heartbeat.timeout.ms", def: "10000", doc: "A node silent this long is gone: its v2 consumer instances answer 404 40403 through every node. Longer than cluster.heartbeat.interval.ms.", check: intRange(100, 1<<31-1)},
		{key: "cluster.forward.connections.max", def: "64", doc: "Connections a node opens to each other node to forward calls; more calls wait for one.", check: intRange(1, 100000)},
		{key: "cluster.owner.cache.entries", def: "10000", doc: "Instances named by their clients whose node is remembered (LRU); others are asked for at the next call.", check: intRange(1, 10000000)},

		// Operations: metrics.
		{key: "metrics.label.values.max", def: "500", doc: "Topics, and separately v2 consumer groups, that get /metrics series of their own (first come); the rest share the series labelled other.", check: intRange(1, 100000)},

		// Kafka.
		{key: "bootstrap.servers", def: "", doc: "Kafka brokers, host:port comma list (PLAINTEXT:// and similar prefixes are accepted). Empty starts the embedded development cluster.", check: bootstrapList},
		{key: "kafka.identity.passthrough", def: "NONE", doc: "Identity pass-through: each request reaches Kafka as its caller. NONE, or a comma list of what HTTP Basic credentials become (one of SASL_PLAIN, SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_512) and OAUTHBEARER (bearer tokens). Needs client.security.protocol SASL_PLAINTEXT or SASL_SSL.", check: func(v string) error {
			_, _, err := kafka.ParsePassThrough(v)
			return err
		}},
		{key: "kafka.identity.clients.max", def: "1000", doc: "Live Kafka clients of callers' credentials; the least recently used idle one closes first. When all are in use, a new caller waits (kafka.identity.clients.wait.ms), then gets 429. As many logins of new callers may run at once, apart from these; a login Kafka refuses is 401 at once and takes no place.", check: intRange(1, 1<<20)},
		{key: "kafka.identity.clients.idle.timeout.ms", def: "300000", doc: "A caller's Kafka client unused this long closes.", check: intRange(1, 1<<31-1)},
		{key: "kafka.identity.clients.wait.ms", def: "10000", doc: "How long a new caller waits for a client place when all are in use, or for a login when as many run, before 429.", check: intRange(0, 1<<31-1)},
		{key: "actors.admin.pool.size", def: "8", doc: "How many admin calls run at once; more wait for a free worker.", check: intRange(1, 1024)},

		// The embedded development cluster.
		{key: "embedded.kafka.port", def: "9092", doc: "Port of the embedded cluster on 127.0.0.1 (0 picks a free one).", check: intRange(0, 65535)},
		{key: "embedded.kafka.data.dir", def: "", doc: "Directory the embedded cluster persists to; empty keeps everything in memory."},
		{key: "embedded.kafka.retention.ms", def: "3600000", doc: "Records older than this are deleted from the embedded cluster (-1: never).", check: int64Min(-1)},
		{key: "embedded.kafka.retention.bytes", def: "268435456", doc: "Each embedded partition keeps at most this many bytes (-1: no bound).", check: int64Min(-1)},
		{key: "embedded.kafka.retention.check.ms", def: "30000", doc: "How often retention runs on the embedded cluster.", check: intRange(100, 1<<31-1)},
		{key: "embedded.kafka.num.partitions", def: "1", doc: "Partitions of embedded topics created without a count.", check: intRange(1, 10000)},
		{key: "embedded.kafka.auto.create.topics.enable", def: "false", doc: "Let the embedded cluster create topics on first produce or metadata request.", check: boolean},

		// Schema Registry.
		{key: "schema.registry.url", def: "http://localhost:8081", doc: "Schema Registry URLs (comma list); empty disables the schema formats. With the embedded cluster and no value set, an embedded development registry serves them.", check: urlList},
		{key: "schema.registry.basic.auth.credentials.source", def: "URL", doc: "Where the registry's HTTP Basic credentials come from: URL (user info of schema.registry.url) or USER_INFO (schema.registry.basic.auth.user.info).", check: oneOf("URL", "USER_INFO")},
		{key: "schema.registry.basic.auth.user.info", def: "", doc: "user:password for the registry, with credentials source USER_INFO.", check: userInfo},
		{key: "schema.registry.bearer.auth.credentials.source", def: "", doc: "STATIC_TOKEN to send schema.registry.bearer.auth.token as a bearer token (it wins over Basic credentials).", check: oneOf("", "STATIC_TOKEN")},
		{key: "schema.registry.bearer.auth.token", def: "", doc: "The registry's bearer token, with credentials source STATIC_TOKEN."},
		{key: "schema.registry.ssl.truststore.location", def: "", doc: "Truststore (JKS, PKCS12 or PEM) with the CA certificates that sign an https registry."},
		{key: "schema.registry.ssl.truststore.certificates", def: "", doc: "The same CA certificates, inline PEM."},
		{key: "schema.registry.ssl.truststore.type", def: "JKS", doc: "JKS, PKCS12 or PEM; a PEM file is read as PEM, and JKS and PKCS12 as what the file is, whichever of the two is set.", check: oneOf("JKS", "PKCS12", "PEM")},
		{key: "schema.registry.ssl.truststore.password", def: "", doc: "Password of a JKS or PKCS12 truststore."},
		{key: "schema.registry.ssl.keystore.location", def: "", doc: "Keystore (JKS, PKCS12, or PEM with the certificate chain and its unencrypted key) with the client certificate, for a registry that asks for one."},
		{key: "schema.registry.ssl.keystore.certificate.chain", def: "", doc: "The client certificate chain, inline PEM (with schema.registry.ssl.keystore.key)."},
		{key: "schema.registry.ssl.keystore.key", def: "", doc: "The client key, inline PEM."},
		{key: "schema.registry.ssl.keystore.type", def: "JKS", doc: "JKS, PKCS12 or PEM, read as the truststore's type is.", check: oneOf("JKS", "PKCS12", "PEM")},
		{key: "schema.registry.ssl.keystore.password", def: "", doc: "Password of a JKS or PKCS12 keystore."},
		{key: "schema.registry.ssl.key.password", def: "", doc: "Password of the key in a JKS keystore; empty: the keystore's."},
		{key: "schema.registry.ssl.endpoint.identification.algorithm", def: "https", doc: "https checks the registry's host name; empty checks only its certificate chain.", check: oneOf("https", "")},
		{key: "schema.registry.key.subject.name.strategy", def: "TopicNameStrategy", doc: "Subject of keys whose request names neither subject nor strategy: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy (Confluent's class names, with or without their package, are accepted).", check: subjectStrategy},
		{key: "schema.registry.value.subject.name.strategy", def: "TopicNameStrategy", doc: "The same for values.", check: subjectStrategy},
		{key: "schema.registry.request.timeout.ms", def: "30000", doc: "Longest call to the registry.", check: intRange(1, 1<<31-1)},
		{key: "schema.registry.latest.cache.ttl.ms", def: "1000", doc: "How long the latest schema of a subject (records without schema, schema_id or schema_version) is reused before the registry is asked again; 0 asks every time. A schema this proxy registers is the latest at once.", check: intRange(0, 1<<31-1)},
		{key: "schema.registry.cache.schemas.max", def: "1000", doc: "Entries of each of the registry client's LRU caches: schemas by id, by subject and version, by subject and text, parsed schemas, latest versions.", check: intRange(1, 1<<20)},
		{key: "embedded.schema.registry.port", def: "8081", doc: "Port on 127.0.0.1 of the embedded development Schema Registry, started with the embedded cluster when schema.registry.url is not set (0 picks a free one).", check: intRange(0, 65535)},

		// v2 consumers.
		{key: "consumer.request.timeout.ms", def: "1000", doc: "Longest a v2 records request waits for data.", check: intRange(0, 1<<31-1)},
		{key: "consumer.request.max.bytes", def: "67108864", doc: "Most key and value bytes in one v2 records response.", check: int64Min(1)},
		{key: "consumer.instance.timeout.ms", def: "300000", doc: "Idle v2 consumer instances are closed after this long.", check: intRange(1, 1<<31-1)},
		{key: "consumer.iterator.backoff.ms", def: "50", doc: "Accepted for compatibility: a records read waits on Kafka's fetches, not on a polling loop.", check: intRange(0, 1<<31-1)},
		{key: "consumer.read.budget.bytes", def: "134217728", doc: "Record bytes all v2 reads in flight may hold between them: a read takes its max bytes before it gathers records and gives them back once its answer is written.", check: int64Min(1)},
		{key: "consumer.instances.max", def: "10000", doc: "Live v2 consumer instances; a create beyond is 429.", check: intRange(1, 1<<24)},
		{key: "consumer.v3.fetch.workers", def: "16", doc: "v3 partition reads (GET .../partitions/{p}/records) served at once, each on a reader actor; more wait for a free one as long as their timeout_ms (at least 1 s), then answer 429.", check: intRange(1, 4096)},
		{key: "consumer.v3.fetch.max.wait.ms", def: "30000", doc: "Longest timeout_ms a v3 partition read may wait for records at the end of the log.", check: intRange(0, 1<<31-1)},
		{key: "consumer.v3.fetch.max.bytes", def: "8388608", doc: "Largest max_bytes of a v3 partition read; each read holds its max_bytes of consumer.read.budget.bytes until its answer is written.", check: intRange(1, 1<<31-1)},
		{key: "consumer.v3.stream.max.per.node", def: "1000", doc: "Open v3 group streams (GET .../consumer-groups/{g}/records) on this proxy; one more is 429.", check: intRange(1, 1<<24)},
		{key: "consumer.v3.stream.max.per.group", def: "100", doc: "Open v3 group streams of one consumer group on this proxy; one more is 429.", check: intRange(1, 1<<24)},
		{key: "consumer.v3.stream.max.duration.ms", def: "86400000", doc: "Longest life of a v3 group stream: it then commits what it wrote and ends; the client reconnects (EventSource does by itself).", check: intRange(1, 1<<31-1)},
		{key: "consumer.v3.stream.buffer.bytes", def: "1048576", doc: "Record bytes a v3 group stream's client may fetch ahead of what it wrote: a reader that stops reading stops its own fetching at this.", check: intRange(1024, 1<<30)},
		{key: "consumer.v3.stream.commit.interval.ms", def: "5000", doc: "How often a v3 group stream commits the records it wrote; it also commits when it ends and when the group takes partitions away.", check: intRange(100, 1<<31-1)},
		{key: "consumer.v3.stream.write.timeout.ms", def: "60000", doc: "A v3 group stream whose client makes no progress reading for this long ends; what it wrote before stays committed.", check: intRange(1, 1<<31-1)},
		{key: "consumer.v3.stream.heartbeat.ms", def: "15000", doc: "An idle v3 group stream writes a comment line this often, so that proxies and browsers keep it open.", check: intRange(100, 1<<31-1)},
		{key: "consumer.threads", def: "50", doc: "Most v2 records requests served at once (-1: no limit).", check: minusOneOrRange(1, 1<<31-1), pending: "the v2 consumer API"},
		{key: "fetch.min.bytes", def: "-1", doc: "A v2 records request returns as soon as this many bytes are there (-1: wait for the timeout).", check: intRange(-1, 10000000)},

		// v3 produce.
		{key: "api.v3.produce.batch.maximum.entries", def: "10", doc: "Most entries in one records:batch request.", check: intRange(1, 50)},
		{key: "api.v3.produce.request.size.limit.max.bytes", def: "0", doc: "Largest record in a streaming produce body, in bytes of JSON; a larger one ends the stream. 0: the proxy's own bound, 64 MiB.", check: intRange(0, 1<<31-1)},
		{key: "api.v3.produce.response.thread.pool.size", def: "0", doc: "Accepted for compatibility: produce answers are written by each connection (0 or more).", check: intRange(0, 1<<16)},
		{key: "streaming.connection.max.duration.ms", def: "86400000", doc: "Longest life of a streaming produce connection.", check: int64Min(1)},
		{key: "streaming.connection.max.duration.grace.period.ms", def: "500", doc: "Time after the maximum duration for outstanding records before the stream closes.", check: int64Min(0)},
		{key: "null.request.body.always.publishes.empty.record", def: "false", doc: "Schema-typed data:null publishes an empty record (legacy behaviour) rather than a null one.", check: boolean},

		// Produce bounds (this proxy's own keys): what may be in flight.
		{key: "produce.credit.global.records", def: "200000", doc: "Records in flight to Kafka, whole proxy. Out of credit, a stream stops reading its body.", check: int64Min(1)},
		{key: "produce.credit.global.bytes", def: "67108864", doc: "Key, value and header bytes in flight to Kafka, whole proxy.", check: int64Min(1)},
		{key: "produce.credit.topic.records", def: "100000", doc: "Records in flight to one topic.", check: int64Min(1)},
		{key: "produce.credit.topic.bytes", def: "33554432", doc: "Bytes in flight to one topic.", check: int64Min(1)},
		{key: "produce.credit.stream.records", def: "20000", doc: "Records in flight from one request.", check: int64Min(1)},
		{key: "produce.credit.stream.bytes", def: "8388608", doc: "Bytes in flight from one request.", check: int64Min(1)},
		{key: "produce.read.budget.bytes", def: "67108864", doc: "Memory all streaming produce requests hold between them for records being read, before they take produce credit; a record over 64 KiB takes its share as it is read, waits for it (its stream stops reading), or is answered 413.", check: int64Min(1)},
		{key: "produce.read.budget.wait.ms", def: "30000", doc: "How long a streamed record waits for its share of produce.read.budget.bytes before it is answered 413.", check: intRange(0, 1<<31-1)},
		{key: "produce.stream.window.records", def: "4096", doc: "Records of one stream read but not yet answered.", check: intRange(1, 1<<20)},
		{key: "produce.stream.write.timeout.ms", def: "60000", doc: "A streaming answer write that makes no progress this long (the client stopped reading) ends the stream.", check: intRange(1, 1<<31-1)},
		{key: "produce.batch.credit.wait.ms", def: "10000", doc: "How long a records:batch entry waits for credit before it is answered 429.", check: intRange(0, 1<<31-1)},
		{key: "produce.topic.producers.max", def: "10000", doc: "Live per-topic producer actors; the least recently used stops first.", check: intRange(1, 1<<24)},
		{key: "produce.topic.idle.timeout.ms", def: "300000", doc: "A per-topic producer actor unused this long stops.", check: intRange(1, 1<<31-1)},

		// Rate limits.
		{key: "rate.limit.enable", def: "false", doc: "Turn the rate limiters on: the generic request limiter, and the produce limiter with api.v3.produce.rate.limit.enabled.", check: boolean},
		{key: "rate.limit.backend", def: "guava", doc: "Accepted for compatibility: guava or resilience4j (one limiter here).", check: oneOf("guava", "resilience4j")},
		{key: "rate.limit.permits.per.sec", def: "50", doc: "Request permits per second, whole proxy (streaming produce excluded, as in the reference).", check: intRange(1, 1<<31-1)},
		{key: "rate.limit.per.cluster.permits.per.sec", def: "50", doc: "Request permits per second per cluster id of a v3 path.", check: intRange(1, 1<<31-1)},
		{key: "rate.limit.timeout.ms", def: "0", doc: "How long a request waits for permits before 429.", check: intRange(0, 1<<31-1)},
		{key: "rate.limit.default.cost", def: "1", doc: "Permits an endpoint costs unless rate.limit.costs says otherwise (0: free).", check: intRange(0, 1<<31-1)},
		{key: "rate.limit.costs", def: "", doc: "Endpoint costs: endpoint=cost comma list, e.g. api.v3.clusters.*=1,api.v3.brokers.list=2.", check: costList},
		{key: "rate.limit.per.cluster.cache.expiry.ms", def: "3600000", doc: "Accepted for compatibility: per-cluster limiters are kept in a bounded LRU instead.", check: int64Min(0)},
		{key: "api.v3.produce.rate.limit.enabled", def: "false", doc: "Rate-limit v3 produce (needs rate.limit.enable too).", check: boolean},
		{key: "api.v3.produce.rate.limit.max.requests.per.sec", def: "10000", doc: "Produced records per second per cluster.", check: int64Min(1)},
		{key: "api.v3.produce.rate.limit.max.requests.global.per.sec", def: "10000", doc: "Produced records per second, whole proxy.", check: int64Min(1)},
		{key: "api.v3.produce.rate.limit.max.bytes.per.sec", def: "10000000", doc: "Produced bytes per second per cluster.", check: int64Min(1)},
		{key: "api.v3.produce.rate.limit.max.bytes.global.per.sec", def: "10000000", doc: "Produced bytes per second, whole proxy.", check: int64Min(1)},
		{key: "api.v3.produce.rate.limit.cache.expiry.ms", def: "3600000", doc: "Accepted for compatibility: per-cluster limiters are kept in a bounded LRU instead.", check: int64Min(0)},

		// Access.
		{key: "api.endpoints.allowlist", def: "", doc: "Only these endpoints are served: endpoint names (api.v3.topics.list) or groups (api.v3.topics.*), comma-separated; empty serves all.", check: nameList},
		{key: "api.endpoints.blocklist", def: "", doc: "These endpoints answer 404 (GET) or 405 (other methods), even to unauthenticated clients.", check: nameList},

		// Authentication.
		{key: "authentication.method", def: "NONE", doc: "Client authentication: NONE, BASIC (users of a Jetty password file named by the JAAS config) or BEARER (JWTs checked against a JWK Set).", check: oneOf("NONE", "BASIC", "BEARER")},
		{key: "authentication.realm", def: "", doc: "Realm of the challenge; for BASIC also the section of the JAAS config that names the password file."},
		{key: "authentication.roles", def: "*", doc: "Roles of which a caller needs one (403 otherwise); * lets in any authenticated caller.", check: nonEmptyList},
		{key: "authentication.skip.paths", def: "", doc: "Paths served without authentication: exact (/v3/clusters), /prefix/* or *.suffix, comma-separated.", check: pathSpecList},
		{key: "java.security.auth.login.config", def: "", doc: "JAAS config file for BASIC; empty: taken from -Djava.security.auth.login.config= in KAFKAREST_OPTS or KAFKA_REST_OPTS, as the reference's launcher does."},
		{key: "authentication.bearer.jwks.url", def: "", doc: "URL of the JWK Set that signs bearer tokens (fetched at start and every authentication.bearer.jwks.refresh.ms).", check: urlList},
		{key: "authentication.bearer.jwks.file", def: "", doc: "File of the JWK Set that signs bearer tokens (re-read when it changes)."},
		{key: "authentication.bearer.jwks.refresh.ms", def: "3600000", doc: "How often the JWK Set URL is fetched again, or the file checked for changes.", check: intRange(10, 1<<31-1)},
		{key: "authentication.bearer.issuer", def: "", doc: "The iss a bearer token must have; empty: any."},
		{key: "authentication.bearer.audience", def: "", doc: "Audiences of which a bearer token's aud must hold one, comma-separated; empty: any."},
		{key: "authentication.bearer.principal.claim", def: "sub", doc: "Claim that names the caller."},
		{key: "authentication.bearer.roles.claim", def: "roles", doc: "Claim that holds the caller's roles (a list or a space-separated string; dots for nested claims, as realm_access.roles)."},
		{key: "authentication.bearer.clock.skew.ms", def: "30000", doc: "Clock skew allowed on a token's exp and nbf.", check: intRange(0, 1<<31-1)},

		// TLS of https listeners.
		{key: "ssl.keystore.location", def: "", doc: "Keystore with the certificate and key of https listeners."},
		{key: "ssl.keystore.type", def: "JKS", doc: "JKS, PKCS12 or PEM (certificate chain and unencrypted key in one file). A JKS store that is really PKCS12 is read as one, as Java does.", check: oneOf("JKS", "PKCS12", "PEM")},
		{key: "ssl.keystore.password", def: "", doc: "Password of the keystore."},
		{key: "ssl.key.password", def: "", doc: "Password of the key in a JKS keystore; empty: the keystore's."},
		{key: "ssl.truststore.location", def: "", doc: "Truststore with the certificates that sign client certificates (mutual TLS)."},
		{key: "ssl.truststore.type", def: "JKS", doc: "JKS, PKCS12 or PEM.", check: oneOf("JKS", "PKCS12", "PEM")},
		{key: "ssl.truststore.password", def: "", doc: "Password of the truststore."},
		{key: "ssl.client.authentication", def: "NONE", doc: "Client certificates: NONE, REQUESTED (verified when sent) or REQUIRED.", check: oneOf("NONE", "REQUESTED", "REQUIRED")},
		{key: "ssl.client.auth", def: "false", doc: "Legacy: true means ssl.client.authentication=REQUIRED.", check: boolean},
		{key: "ssl.protocol", def: "TLS", doc: "TLS, or TLSv1.2 / TLSv1.3 for the highest version offered.", check: oneOf("TLS", "TLSv1.2", "TLSv1.3")},
		{key: "ssl.enabled.protocols", def: "", doc: "TLS versions offered (TLSv1.2,TLSv1.3); empty: TLS 1.2 and 1.3.", check: enumList("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")},
		{key: "ssl.cipher.suites", def: "", doc: "TLS 1.2 cipher suites by IANA name; empty: ECDHE with AES-GCM or ChaCha20-Poly1305 only (TLS 1.3 suites are not configurable).", check: cipherSuiteList},
		{key: "ssl.keystore.reload", def: "false", doc: "Re-read the keystore and truststore when they change, without a restart.", check: boolean},
		{key: "ssl.keystore.watch.location", def: "", doc: "File watched for changes instead of the keystore (e.g. a certificate manager's marker)."},
		{key: "ssl.keystore.reload.check.ms", def: "10000", doc: "How often the stores are checked for changes.", check: intRange(10, 1<<31-1)},
		{key: "ssl.keymanager.algorithm", def: "", doc: "Accepted for compatibility: Go's TLS has one key manager."},
		{key: "ssl.trustmanager.algorithm", def: "", doc: "Accepted for compatibility: Go's TLS has one trust manager."},
		{key: "ssl.provider", def: "", doc: "Accepted for compatibility: Go's TLS has one provider."},
		{key: "ssl.endpoint.identification.algorithm", def: "", doc: "Accepted for compatibility: a server does not check its clients' host names."},

		// Limits and browsers.
		{key: "max.request.body.size", def: "33554432", doc: "Largest non-streaming request body, in bytes (413 beyond).", check: int64Min(1)},
		{key: "request.body.timeout.ms", def: "60000", doc: "Time a non-streaming request body may take to arrive (408 beyond); streaming produce has its own limits.", check: intRange(1, 1<<31-1)},
		{key: "request.header.timeout.ms", def: "30000", doc: "Time a request's headers may take to arrive; the connection is closed beyond.", check: intRange(1, 1<<31-1)},
		{key: "dos.filter.enabled", def: "false", doc: "Limit requests per second, whole proxy and per client address (429 beyond).", check: boolean},
		{key: "dos.filter.max.requests.per.sec", def: "25", doc: "Requests per second, whole proxy.", check: intRange(1, 1<<31-1)},
		{key: "dos.filter.max.requests.per.connection.per.sec", def: "25", doc: "Requests per second from one client address.", check: intRange(1, 1<<31-1)},
		{key: "dos.filter.ip.whitelist", def: "", doc: "Client addresses or CIDR ranges never limited, comma-separated.", check: prefixList},
		{key: "dos.filter.tracked.clients.max", def: "100000", doc: "Client addresses tracked at once (least recently seen forgotten first), bounding the limiter's memory.", check: intRange(1, 1<<24)},
		{key: "access.control.allow.origin", def: "", doc: "Origins allowed to call from a browser (CORS): * or a comma list, where * matches any characters (https://*.example.com); empty: none."},
		{key: "access.control.allow.methods", def: "", doc: "Methods a CORS preflight allows; empty: GET,POST,HEAD."},
		{key: "access.control.allow.headers", def: "", doc: "Request headers a CORS preflight allows; empty: X-Requested-With,Content-Type,Accept,Origin."},
		{key: "response.http.headers.config", def: "", doc: "Headers added to every response: comma-separated \"set|add|setDate|addDate Name: value\" (quote one that holds a comma).", check: headerDirectives},

		// Legacy keys of the reference that have no effect there either.
		{key: "consumer.iterator.timeout.ms", legacy: true},
		{key: "simpleconsumer.pool.size.max", legacy: true},
		{key: "simpleconsumer.pool.timeout.ms", legacy: true},
		{key: "producer.threads", legacy: true},
		{key: "client.init.timeout.ms", legacy: true},
		{key: "client.timeout.ms", legacy: true},
	}
}

// userInfo checks user:password.
func userInfo(v string) error {
	if v != "" && !strings.Contains(v, ":") {
		return fmt.Errorf("must be user:password")
	}
	return nil
}

// subjectStrategy checks a subject name strategy and strategyOf reads it.
func subjectStrategy(v string) error {
	if _, ok := strategyOf(v); !ok {
		return fmt.Errorf("must be TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy")
	}
	return nil
}

func strategyOf(v string) (schema.Strategy, bool) {
	switch v[strings.LastIndexByte(v, '.')+1:] {
	case "TopicNameStrategy", string(schema.TopicName):
		return schema.TopicName, true
	case "RecordNameStrategy", string(schema.RecordName):
		return schema.RecordName, true
	case "TopicRecordNameStrategy", string(schema.TopicRecordName):
		return schema.TopicRecordName, true
	}
	return "", false
}

func boolean(v string) error {
	if v != "true" && v != "false" {
		return fmt.Errorf("must be true or false")
	}
	return nil
}

func oneOf(allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				return nil
			}
		}
		return fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))
	}
}

func intRange(lo, hi int64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}

func int64Min(lo int64) func(string) error {
	return func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo {
			return fmt.Errorf("must be a whole number, %d or more", lo)
		}
		return nil
	}
}

func minusOneOrRange(lo, hi int64) func(string) error {
	return func(v string) error {
		if v == "-1" {
			return nil
		}
		if intRange(lo, hi)(v) != nil {
			return fmt.Errorf("must be -1 or a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}

// splitList splits a comma list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func nonEmptyList(v string) error {
	if len(splitList(v)) == 0 {
		return fmt.Errorf("must list at least one value")
	}
	return nil
}

func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%q is not a URL like http://host:port", s)
	}
	return u, nil
}

// topicName refuses a name Kafka refuses for a topic.
func topicName(v string) error {
	if err := kafka.TopicNameError(v); err != nil {
		return fmt.Errorf("%s", err.Message)
	}
	return nil
}

func urlList(v string) error {
	for _, s := range splitList(v) {
		if _, err := parseURL(s); err != nil {
			return err
		}
	}
	return nil
}

func listenerList(v string) error {
	for _, s := range splitList(v) {
		u, err := parseURL(s)
		if err != nil {
			return err
		}
		switch strings.ToLower(u.Scheme) {
		case "http", "https":
		default:
			return fmt.Errorf("%q: the scheme must be http or https", s)
		}
		if p := u.Port(); p == "" {
			return fmt.Errorf("%q has no port", s)
		} else if intRange(0, 65535)(p) != nil {
			return fmt.Errorf("%q: the port must be a number from 0 to 65535", s)
		}
	}
	return nil
}

func bootstrapList(v string) error {
	for _, s := range splitList(v) {
		hp := s
		if i := strings.Index(hp, "://"); i >= 0 {
			hp = hp[i+3:]
		}
		i := strings.LastIndexByte(hp, ':')
		if i <= 0 || intRange(1, 65535)(hp[i+1:]) != nil {
			return fmt.Errorf("%q is not host:port", s)
		}
	}
	return nil
}

func hostPortOrEmpty(v string) error {
	if v == "" {
		return nil
	}
	if _, port, err := net.SplitHostPort(v); err != nil || intRange(0, 65535)(port) != nil {
		return fmt.Errorf("must be host:port, such as 127.0.0.1:6060")
	}
	return nil
}

func costList(v string) error {
	for _, item := range splitList(v) {
		name, cost, ok := strings.Cut(item, "=")
		if !ok || strings.TrimSpace(name) == "" || intRange(0, 1<<31-1)(strings.TrimSpace(cost)) != nil {
			return fmt.Errorf("%q is not endpoint=cost with a cost of 0 or more", item)
		}
	}
	return nil
}

// nameList is a list of endpoint names or groups of them (api.v3.topics.*).
func nameList(v string) error {
	for _, n := range splitList(v) {
		if strings.ContainsAny(n, " =") || strings.Contains(strings.TrimSuffix(n, ".*"), "*") {
			return fmt.Errorf("%q is not an endpoint name such as api.v3.topics.list or a group such as api.v3.topics.*", n)
		}
	}
	return nil
}

func pathSpecList(v string) error {
	for _, p := range splitList(v) {
		if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "*.") {
			return fmt.Errorf("%q is not a path (/v3/clusters), a prefix (/v3/*) or a suffix (*.yaml)", p)
		}
	}
	return nil
}

func enumList(allowed ...string) func(string) error {
	one := oneOf(allowed...)
	return func(v string) error {
		for _, s := range splitList(v) {
			if err := one(s); err != nil {
				return fmt.Errorf("%q: %w", s, err)
			}
		}
		return nil
	}
}

func cipherSuiteList(v string) error {
	known := make(map[string]bool)
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		known[s.Name] = true
	}
	for _, s := range splitList(v) {
		if !known[strings.ToUpper(s)] {
			return fmt.Errorf("%q is not a TLS 1.2 cipher suite name such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", s)
		}
	}
	return nil
}

func prefixList(v string) error {
	_, err := prefixes(v)
	return err
}

// prefixes reads addresses and CIDR ranges.
func prefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range splitList(v) {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a CIDR range", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func headerDirectives(v string) error {
	_, err := guard.ParseHeaderDirectives(v)
	return err
}
