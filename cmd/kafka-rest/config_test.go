package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

func writeProps(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kafka-rest.properties")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigFromFile(t *testing.T) {
	path := writeProps(t, `# a Confluent-style file
bootstrap.servers=PLAINTEXT://broker-1:9092,broker-2:9092
id = proxy-a
listeners: http://127.0.0.1:18082
api.v2.enable=false
consumer.request.timeout.ms=2500
client.security.protocol=SASL_PLAINTEXT
client.sasl.mechanism=SCRAM-SHA-512
client.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
    username="alice" password="alice-secret";
producer.linger.ms=5
`)
	cfg, err := loadConfig(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.warnings) != 0 {
		t.Fatalf("unexpected warnings: %q", cfg.warnings)
	}
	for k, want := range map[string]string{
		"bootstrap.servers":           "PLAINTEXT://broker-1:9092,broker-2:9092",
		"id":                          "proxy-a",
		"api.v2.enable":               "false",
		"api.v3.enable":               "true", // the default
		"consumer.request.timeout.ms": "2500",
		"port":                        "8082",
	} {
		if got := cfg.str(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if cfg.embedded() {
		t.Error("bootstrap.servers is set: not embedded")
	}
	if ls := cfg.listeners(); len(ls) != 1 || ls[0].Host != "127.0.0.1:18082" {
		t.Errorf("listeners = %v", ls)
	}
	h := cfg.httpConfig()
	if h.V2 || !h.V3 {
		t.Errorf("http config V2=%v V3=%v", h.V2, h.V3)
	}
	k := cfg.kafkaConfig()
	if len(k.BootstrapServers) != 2 || k.Properties["producer.linger.ms"] != "5" || k.Properties["client.sasl.mechanism"] != "SCRAM-SHA-512" {
		t.Errorf("kafka config = %+v", k)
	}
}

func TestConfigDefaultsMeanEmbedded(t *testing.T) {
	cfg, err := loadConfig("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.embedded() {
		t.Fatal("no bootstrap.servers: embedded")
	}
	if ls := cfg.listeners(); len(ls) != 1 || ls[0].String() != "http://0.0.0.0:8082" {
		t.Fatalf("default listener = %v", ls)
	}
	e := cfg.embeddedConfig()
	if e.Port != 9092 || e.DataDir != "" || e.RetentionBytes != 256<<20 || e.AutoCreateTopics {
		t.Fatalf("embedded defaults = %+v", e)
	}
}

func TestConfigEnvironmentWinsOverFile(t *testing.T) {
	path := writeProps(t, "host.name=from-file\nport=9000\ndebug=false\n")
	env := []string{
		"KAFKA_REST_HOST_NAME=from-env",
		"KAFKA_REST_DEBUG=true",
		"KAFKA_REST_BOOTSTRAP_SERVERS=k1:9092",
		"KAFKA_REST_CLIENT_CLIENT_ID=rest", // client.client.id: a pass-through key
		"KAFKA_REST_HEAP_OPTS=-Xmx1g",      // for Confluent's launcher, not a key
		"HOME=/root",
		"KAFKA_REST_NOT_A___KEY__X=1",
	}
	cfg, err := loadConfig(path, env)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"host.name": "from-env", "port": "9000", "debug": "true", "bootstrap.servers": "k1:9092"} {
		if got := cfg.str(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if cfg.kafkaPass["client.client.id"] != "rest" {
		t.Errorf("pass-through from the environment: %v", cfg.kafkaPass)
	}
	if len(cfg.warnings) != 1 || !strings.Contains(cfg.warnings[0], "unknown key not.a-key_x") || !strings.Contains(cfg.warnings[0], "KAFKA_REST_NOT_A___KEY__X") {
		t.Fatalf("warnings = %q, want one for not.a-key_x naming its variable", cfg.warnings)
	}
}

func TestEnvKey(t *testing.T) {
	for in, want := range map[string]string{
		"BOOTSTRAP_SERVERS":                    "bootstrap.servers",
		"SCHEMA_REGISTRY_URL":                  "schema.registry.url",
		"CLIENT_SASL_JAAS_CONFIG":              "client.sasl.jaas.config",
		"CONFLUENT_RESOURCE_NAME_AUTHORITY":    "confluent.resource.name.authority",
		"SOME___DASHED__UNDER_DOT":             "some-dashed_under.dot",
		"API_V3_PRODUCE_BATCH_MAXIMUM_ENTRIES": "api.v3.produce.batch.maximum.entries",
	} {
		if got := envKey(in); got != want {
			t.Errorf("envKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigWarnings(t *testing.T) {
	path := writeProps(t, "bootstrap.servers=k:9092\nmystery.key=1\nclient.sasl.kerberos.service.name=kafka\nsimpleconsumer.pool.size.max=25\nconsumer.threads=5\n")
	cfg, err := loadConfig(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"client.sasl.kerberos.service.name (" + path + ":3) has no franz-go equivalent and is ignored",
		"mystery.key (" + path + ":2) is ignored",
		"simpleconsumer.pool.size.max (" + path + ":4) has no effect",
		"consumer.threads (" + path + ":5) is valid but has no effect yet",
	}
	if len(cfg.warnings) != len(want) {
		t.Fatalf("warnings = %q", cfg.warnings)
	}
	for _, w := range want {
		found := false
		for _, got := range cfg.warnings {
			found = found || strings.Contains(got, w)
		}
		if !found {
			t.Errorf("no warning containing %q in %q", w, cfg.warnings)
		}
	}
}

// invalidValues has an invalid value for every key that validates; the test
// below fails when a validated key is added without a case here.
var invalidValues = map[string]struct{ value, allowed string }{
	"listeners":                                             {"ftp://0.0.0.0:1", "the scheme must be http or https"},
	"port":                                                  {"70000", "from 0 to 65535"},
	"advertised.listeners":                                  {"not a url", "is not a URL"},
	"api.v2.enable":                                         {"yes", "true or false"},
	"http2.enabled":                                         {"on", "true or false"},
	"api.v3.enable":                                         {"1", "true or false"},
	"response.mediatype.preferred":                          {" , ", "at least one"},
	"debug":                                                 {"TRUE!", "true or false"},
	"log.level":                                             {"loud", "debug, info, warn, error"},
	"log.format":                                            {"xml", "text, json"},
	"shutdown.graceful.ms":                                  {"-1", "from 0 to"},
	"idle.timeout.ms":                                       {"0", "from 1 to"},
	"max.request.header.size":                               {"10", "from 1024 to"},
	"use.custom.request.logging":                            {"maybe", "true or false"},
	"debug.pprof.listener":                                  {"6060", "must be host:port"},
	"metrics.label.values.max":                              {"0", "from 1 to 100000"},
	"cluster.enable":                                        {"yes", "true or false"},
	"cluster.node.url":                                      {"10.0.0.7:8082", "is not a URL"},
	"cluster.topic":                                         {"a/b", "Topic name is invalid"},
	"cluster.heartbeat.interval.ms":                         {"5", "from 10 to"},
	"cluster.heartbeat.timeout.ms":                          {"99", "from 100 to"},
	"cluster.forward.connections.max":                       {"0", "from 1 to"},
	"cluster.owner.cache.entries":                           {"0", "from 1 to"},
	"bootstrap.servers":                                     {"k1:9092,k2", `"k2" is not host:port`},
	"actors.admin.pool.size":                                {"0", "from 1 to 1024"},
	"kafka.identity.passthrough":                            {"SASL_PLAIN,SASL_SCRAM_SHA_512", "one SASL mechanism only"},
	"kafka.identity.clients.max":                            {"0", "from 1 to"},
	"kafka.identity.clients.idle.timeout.ms":                {"0", "from 1 to"},
	"kafka.identity.clients.wait.ms":                        {"-1", "from 0 to"},
	"embedded.kafka.port":                                   {"-1", "from 0 to 65535"},
	"embedded.kafka.retention.ms":                           {"-2", "-1 or more"},
	"embedded.kafka.retention.bytes":                        {"lots", "-1 or more"},
	"embedded.kafka.retention.check.ms":                     {"1", "from 100 to"},
	"embedded.kafka.num.partitions":                         {"0", "from 1 to 10000"},
	"embedded.kafka.auto.create.topics.enable":              {"on", "true or false"},
	"schema.registry.url":                                   {"localhost", "is not a URL"},
	"schema.registry.basic.auth.credentials.source":         {"SASL_INHERIT", "URL, USER_INFO"},
	"schema.registry.basic.auth.user.info":                  {"alice", "user:password"},
	"schema.registry.bearer.auth.credentials.source":        {"OAUTHBEARER", "STATIC_TOKEN"},
	"schema.registry.ssl.truststore.type":                   {"BKS", "JKS, PKCS12, PEM"},
	"schema.registry.ssl.keystore.type":                     {"P12", "JKS, PKCS12, PEM"},
	"schema.registry.ssl.endpoint.identification.algorithm": {"none", "https"},
	"schema.registry.key.subject.name.strategy":             {"SubjectStrategy", "TopicNameStrategy"},
	"schema.registry.value.subject.name.strategy":           {"x.y.Z", "RecordNameStrategy"},
	"schema.registry.request.timeout.ms":                    {"0", "from 1 to"},
	"schema.registry.cache.schemas.max":                     {"0", "from 1 to"},
	"schema.registry.latest.cache.ttl.ms":                   {"-1", "from 0 to"},
	"embedded.schema.registry.port":                         {"65536", "from 0 to 65535"},
	"consumer.request.timeout.ms":                           {"-5", "from 0 to"},
	"consumer.request.max.bytes":                            {"0", "1 or more"},
	"consumer.instance.timeout.ms":                          {"0", "from 1 to"},
	"consumer.iterator.backoff.ms":                          {"x", "from 0 to"},
	"consumer.read.budget.bytes":                            {"0", "1 or more"},
	"consumer.instances.max":                                {"0", "from 1 to"},
	"consumer.threads":                                      {"0", "-1 or a whole number"},
	"consumer.v3.fetch.workers":                             {"0", "from 1 to 4096"},
	"consumer.v3.fetch.max.wait.ms":                         {"-1", "from 0 to"},
	"consumer.v3.fetch.max.bytes":                           {"0", "from 1 to"},
	"consumer.v3.stream.max.per.node":                       {"0", "from 1 to"},
	"consumer.v3.stream.max.per.group":                      {"x", "from 1 to"},
	"consumer.v3.stream.max.duration.ms":                    {"0", "from 1 to"},
	"consumer.v3.stream.buffer.bytes":                       {"1023", "from 1024 to"},
	"consumer.v3.stream.commit.interval.ms":                 {"99", "from 100 to"},
	"consumer.v3.stream.write.timeout.ms":                   {"0", "from 1 to"},
	"consumer.v3.stream.heartbeat.ms":                       {"0", "from 100 to"},
	"fetch.min.bytes":                                       {"10000001", "from -1 to 10000000"},
	"api.v3.produce.batch.maximum.entries":                  {"51", "from 1 to 50"},
	"api.v3.produce.request.size.limit.max.bytes":           {"-1", "from 0 to"},
	"produce.credit.global.records":                         {"0", "1 or more"},
	"produce.read.budget.bytes":                             {"0", "1 or more"},
	"produce.read.budget.wait.ms":                           {"-1", "from 0 to"},
	"produce.credit.global.bytes":                           {"-1", "1 or more"},
	"produce.credit.topic.records":                          {"x", "1 or more"},
	"produce.credit.topic.bytes":                            {"0", "1 or more"},
	"produce.credit.stream.records":                         {"0", "1 or more"},
	"produce.credit.stream.bytes":                           {"0", "1 or more"},
	"produce.stream.window.records":                         {"0", "from 1 to"},
	"produce.stream.write.timeout.ms":                       {"0", "from 1 to"},
	"produce.batch.credit.wait.ms":                          {"-1", "from 0 to"},
	"produce.topic.producers.max":                           {"0", "from 1 to"},
	"produce.topic.idle.timeout.ms":                         {"0", "from 1 to"},
	"api.v3.produce.response.thread.pool.size":              {"-1", "from 0 to"},
	"streaming.connection.max.duration.ms":                  {"0", "1 or more"},
	"streaming.connection.max.duration.grace.period.ms":     {"-1", "0 or more"},
	"null.request.body.always.publishes.empty.record":       {"no", "true or false"},
	"rate.limit.enable":                                     {"enabled", "true or false"},
	"rate.limit.backend":                                    {"redis", "guava, resilience4j"},
	"rate.limit.permits.per.sec":                            {"0", "from 1 to"},
	"rate.limit.per.cluster.permits.per.sec":                {"-3", "from 1 to"},
	"rate.limit.timeout.ms":                                 {"-1", "from 0 to"},
	"rate.limit.default.cost":                               {"-1", "from 0 to"},
	"rate.limit.costs":                                      {"api.v3.clusters.*", "is not endpoint=cost"},
	"rate.limit.per.cluster.cache.expiry.ms":                {"-1", "0 or more"},
	"api.v3.produce.rate.limit.enabled":                     {"y", "true or false"},
	"api.v3.produce.rate.limit.max.requests.per.sec":        {"0", "1 or more"},
	"api.v3.produce.rate.limit.max.requests.global.per.sec": {"0", "1 or more"},
	"api.v3.produce.rate.limit.max.bytes.per.sec":           {"0", "1 or more"},
	"api.v3.produce.rate.limit.max.bytes.global.per.sec":    {"0", "1 or more"},
	"api.v3.produce.rate.limit.cache.expiry.ms":             {"-1", "0 or more"},
	"authentication.method":                                 {"DIGEST", "NONE, BASIC, BEARER"},
	"api.endpoints.allowlist":                               {"api.v3.*.list", "is not an endpoint name"},
	"api.endpoints.blocklist":                               {"api.v3.topics list", "is not an endpoint name"},
	"authentication.roles":                                  {" , ", "at least one"},
	"authentication.skip.paths":                             {"v3/clusters", "is not a path"},
	"authentication.bearer.jwks.url":                        {"keys.json", "is not a URL"},
	"authentication.bearer.jwks.refresh.ms":                 {"5", "from 10 to"},
	"authentication.bearer.clock.skew.ms":                   {"-1", "from 0 to"},
	"ssl.keystore.type":                                     {"BKS", "JKS, PKCS12, PEM"},
	"ssl.truststore.type":                                   {"P12", "JKS, PKCS12, PEM"},
	"ssl.client.authentication":                             {"WANT", "NONE, REQUESTED, REQUIRED"},
	"ssl.client.auth":                                       {"required", "true or false"},
	"ssl.protocol":                                          {"SSLv3", "TLS, TLSv1.2, TLSv1.3"},
	"ssl.enabled.protocols":                                 {"TLSv1.2,SSLv3", `"SSLv3": must be one of`},
	"ssl.cipher.suites":                                     {"TLS_FOO", "is not a TLS 1.2 cipher suite"},
	"ssl.keystore.reload":                                   {"yes", "true or false"},
	"ssl.keystore.reload.check.ms":                          {"1", "from 10 to"},
	"max.request.body.size":                                 {"0", "1 or more"},
	"request.body.timeout.ms":                               {"0", "from 1 to"},
	"request.header.timeout.ms":                             {"0", "from 1 to"},
	"dos.filter.enabled":                                    {"on", "true or false"},
	"dos.filter.max.requests.per.sec":                       {"0", "from 1 to"},
	"dos.filter.max.requests.per.connection.per.sec":        {"0", "from 1 to"},
	"dos.filter.ip.whitelist":                               {"10.0.0.0/33", "is not an address or a CIDR range"},
	"dos.filter.tracked.clients.max":                        {"0", "from 1 to"},
	"response.http.headers.config":                          {"put X-A: 1", "the action must be set, add, setDate or addDate"},
}

func TestConfigEveryInvalidValue(t *testing.T) {
	for _, s := range settings() {
		if s.check == nil {
			continue
		}
		tc, ok := invalidValues[s.key]
		if !ok {
			t.Errorf("%s validates its value but has no invalid case here", s.key)
			continue
		}
		t.Run(s.key, func(t *testing.T) {
			_, err := loadConfig(writeProps(t, s.key+"="+tc.value+"\n"), nil)
			if err == nil {
				t.Fatalf("%s=%s was accepted", s.key, tc.value)
			}
			msg := err.Error()
			for _, part := range []string{s.key, `"` + strings.TrimSpace(tc.value) + `"`, tc.allowed} {
				if !strings.Contains(msg, part) {
					t.Fatalf("error %q does not contain %q", msg, part)
				}
			}
		})
	}
}

func TestConfigInvalidPassThrough(t *testing.T) {
	cases := []struct{ props, want string }{
		{"producer.acks=2", `invalid value "2" for producer.acks: must be one of all, -1, 0, 1`},
		{"client.security.protocol=TLS", `invalid value "TLS" for client.security.protocol: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`},
		{"client.security.protocol=SASL_PLAINTEXT\nclient.sasl.mechanism=GSSAPI", `invalid value "GSSAPI" for client.sasl.mechanism`},
		{"client.security.protocol=SASL_PLAINTEXT", "needs sasl.mechanism"},
		{"client.security.protocol=SASL_SSL\nclient.sasl.mechanism=PLAIN", "needs sasl.jaas.config"},
		{"client.sasl.mechanism=PLAIN", "needs a SASL security.protocol"},
		{"client.security.protocol=SASL_PLAINTEXT\nclient.sasl.mechanism=PLAIN\nclient.sasl.jaas.config=PlainLoginModule required username=\"a\"", "invalid value for client.sasl.jaas.config: missing the closing ';'"},
		{"client.security.protocol=SASL_PLAINTEXT\nclient.sasl.mechanism=PLAIN\nclient.sasl.jaas.config=x.ScramLoginModule required username=\"a\" password=\"b\";", "needs org.apache.kafka.common.security.plain.PlainLoginModule"},
		{"client.security.protocol=SSL\nclient.ssl.truststore.location=/does/not/exist.pem", "client.ssl.truststore.location: open /does/not/exist.pem"},
		{"client.ssl.truststore.type=BKS", `invalid value "BKS" for client.ssl.truststore.type: must be JKS, PKCS12 or PEM`},
		{"producer.compression.type=brotli", `invalid value "brotli" for producer.compression.type`},
		{"consumer.isolation.level=serializable", `invalid value "serializable" for consumer.isolation.level`},
		{"producer.linger.ms=-5", `invalid value "-5" for producer.linger.ms: must be a whole number of milliseconds`},
		{"consumer.partition.assignment.strategy=fair", `invalid value "fair" for consumer.partition.assignment.strategy`},
		{"producer.batch.size=0", `invalid value "0" for producer.batch.size`},
		{"kafka.identity.passthrough=SASL_PLAIN", "kafka.identity.passthrough needs a SASL security.protocol"},
		{"kafka.identity.passthrough=NONE,OAUTHBEARER", "NONE stands alone"},
		{"kafka.identity.passthrough=KERBEROS", `invalid value "KERBEROS" for kafka.identity.passthrough`},
		{"producer.delivery.timeout.ms=0", `invalid value "0" for producer.delivery.timeout.ms: must be a whole number of milliseconds from 1`},
	}
	for _, tc := range cases {
		_, err := loadConfig(writeProps(t, "bootstrap.servers=k:9092\n"+tc.props+"\n"), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.props, err, tc.want)
		}
	}
}

// TestConfigIdentityPassThrough: pass-through needs no credentials of the
// proxy's own, and maps onto the kafka package's configuration.
func TestConfigIdentityPassThrough(t *testing.T) {
	c, err := loadConfig(writeProps(t, "bootstrap.servers=k:9092\nclient.security.protocol=SASL_SSL\n"+
		"kafka.identity.passthrough=sasl_scram_sha_512, OAUTHBEARER\nkafka.identity.clients.max=7\n"+
		"kafka.identity.clients.idle.timeout.ms=1500\nkafka.identity.clients.wait.ms=0\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := c.kafkaConfig().Identity
	want := kafka.IdentityConfig{BasicMechanism: "SCRAM-SHA-512", OAuthBearer: true, MaxClients: 7,
		IdleTimeout: 1500 * time.Millisecond, AcquireWait: 0}
	if got != want {
		t.Fatalf("identity %+v, want %+v", got, want)
	}
	if c, err = loadConfig(writeProps(t, "bootstrap.servers=k:9092\n"), nil); err != nil || c.kafkaConfig().Identity.Enabled() {
		t.Fatalf("pass-through is on by default (%v)", err)
	}
	_, err = loadConfig(writeProps(t, "client.security.protocol=SASL_PLAINTEXT\nkafka.identity.passthrough=OAUTHBEARER\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "kafka.identity.passthrough=OAUTHBEARER needs bootstrap.servers") {
		t.Fatalf("pass-through with the embedded cluster: %v", err)
	}
}

func TestConfigReportsEveryError(t *testing.T) {
	_, err := loadConfig(writeProps(t, "port=x\ndebug=x\nproducer.acks=x\n"), nil)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, k := range []string{"port", "debug", "producer.acks"} {
		if !strings.Contains(err.Error(), "for "+k+":") {
			t.Errorf("error %q does not name %s", err, k)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("--help exited %d", code)
	}
	for _, s := range settings() {
		if !s.legacy && !strings.Contains(out.String(), s.key) {
			t.Errorf("--help does not document %s", s.key)
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"--verbose"}, nil, &out, &errOut); code != 2 {
		t.Fatalf("an unknown flag exited %d, want 2", code)
	}
	errOut.Reset()
	bad := writeProps(t, "port=eighty\n")
	if code := run(context.Background(), []string{bad}, nil, &out, &errOut); code != 1 {
		t.Fatalf("an invalid value exited %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), `invalid value "eighty" for port`) {
		t.Fatalf("stderr %q does not explain the invalid value", errOut.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"/no/such/file.properties"}, nil, &out, &errOut); code != 1 {
		t.Fatalf("a missing file exited %d, want 1", code)
	}
}
