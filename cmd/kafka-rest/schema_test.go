package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
)

// clusterOf is the id of the cluster behind the proxy listening at addr.
func clusterOf(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/v3/clusters")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data []struct {
			ClusterID string `json:"cluster_id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Data) != 1 {
		t.Fatalf("GET /v3/clusters: %v %+v", err, out)
	}
	return out.Data[0].ClusterID
}

// TestEmbeddedSchemaRegistry: with the embedded cluster and no
// schema.registry.url, the proxy starts a development registry, says so,
// and the schema formats work against it out of the box.
func TestEmbeddedSchemaRegistry(t *testing.T) {
	p := startProcess(t, "listeners=http://127.0.0.1:0\nembedded.kafka.port=0\nembedded.kafka.auto.create.topics.enable=true\n")
	addr := p.listening(t)
	m := regexp.MustCompile(`EMBEDDED DEVELOPMENT SCHEMA REGISTRY.* url=(http://\S+)`).FindStringSubmatch(p.log())
	if m == nil {
		t.Fatalf("no announcement of the embedded registry in the log:\n%s", p.log())
	}
	body := `{"value":{"type":"AVRO","schema":"\"string\"","data":"hello"}}`
	res, err := http.Post("http://"+addr+"/v3/clusters/"+clusterOf(t, addr)+"/topics/avro/records", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	line, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(line), `"value":{"type":"AVRO","subject":"avro-value","schema_id":1,"schema_version":1,"size":11}`) {
		t.Fatalf("produce answer %s", line)
	}
	res, err = http.Get(m[1] + "/subjects")
	if err != nil {
		t.Fatal(err)
	}
	subjects, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(subjects) != `["avro-value"]`+"\n" && string(subjects) != `["avro-value"]` {
		t.Fatalf("registry subjects %q, want the one the proxy registered", subjects)
	}
}

// TestSchemaRegistryOff: schema.registry.url set empty turns the schema
// formats off, embedded cluster or not, as the reference.
func TestSchemaRegistryOff(t *testing.T) {
	p := startProcess(t, "listeners=http://127.0.0.1:0\nembedded.kafka.port=0\nschema.registry.url=\n")
	addr := p.listening(t)
	if strings.Contains(p.log(), "SCHEMA REGISTRY") {
		t.Fatalf("an embedded registry started though schema.registry.url is empty:\n%s", p.log())
	}
	res, err := http.Post("http://"+addr+"/v3/clusters/"+clusterOf(t, addr)+"/topics/t/records", "application/json", strings.NewReader(`{"value":{"data":{"a":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	line, _ := io.ReadAll(res.Body)
	res.Body.Close()
	want := `{"error_code":422,"message":"Error: 42206 : Payload error. Schema Registry must be configured when using schemas."}` + "\r\n"
	if string(line) != want {
		t.Fatalf("answer %q, want %q", line, want)
	}
}

// TestEmbeddedSchemaRegistryPortTaken: a taken registry port stops
// start-up with a message that says what to change.
func TestEmbeddedSchemaRegistryPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	p := startProcess(t, "listeners=http://127.0.0.1:0\nembedded.kafka.port=0\nembedded.schema.registry.port="+itoa(ln.Addr().(*net.TCPAddr).Port)+"\n")
	select {
	case err := <-p.done:
		if err == nil {
			t.Fatal("kafka-rest exited 0 with its registry port taken")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("kafka-rest did not stop")
	}
	if !strings.Contains(p.log(), "set embedded.schema.registry.port to a free port") {
		t.Fatalf("log does not say what to change:\n%s", p.log())
	}
}

// TestSchemaRegistryConfig: the schema.registry.* keys become the
// registry client's configuration.
func TestSchemaRegistryConfig(t *testing.T) {
	for _, tc := range []struct {
		props                 string
		urls                  []string
		user, password, token string
	}{
		{props: "schema.registry.url=http://u1:p%3A1@sr1:8081,http://sr2:8081\n",
			urls: []string{"http://sr1:8081", "http://sr2:8081"}, user: "u1", password: "p:1"},
		{props: "schema.registry.url=http://sr:8081\nschema.registry.basic.auth.credentials.source=USER_INFO\nschema.registry.basic.auth.user.info=alice:s:ecret\n",
			urls: []string{"http://sr:8081"}, user: "alice", password: "s:ecret"},
		{props: "schema.registry.url=https://sr:8081\nschema.registry.bearer.auth.credentials.source=STATIC_TOKEN\nschema.registry.bearer.auth.token=tok\nschema.registry.basic.auth.credentials.source=USER_INFO\nschema.registry.basic.auth.user.info=a:b\n",
			urls: []string{"https://sr:8081"}, token: "tok"},
	} {
		cfg, err := loadConfig(writeProps(t, tc.props+"schema.registry.value.subject.name.strategy=io.confluent.kafka.serializers.subject.RecordNameStrategy\nschema.registry.cache.schemas.max=7\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		sc, ok, err := cfg.schemaConfig(splitList(cfg.str("schema.registry.url")))
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", tc.props, ok, err)
		}
		got := fmt.Sprint(sc.URLs, sc.BasicAuthUser, sc.BasicAuthPassword, sc.BearerToken, sc.KeyStrategy, sc.ValueStrategy, sc.CacheSize)
		want := fmt.Sprint(tc.urls, tc.user, tc.password, tc.token, schema.TopicName, schema.RecordName, 7)
		if got != want {
			t.Errorf("%s: %s, want %s", tc.props, got, want)
		}
	}
	if _, err := loadConfig(writeProps(t, "schema.registry.ssl.truststore.location=/no/such/ca.pem\n"), nil); err == nil || !strings.Contains(err.Error(), "schema.registry.ssl.truststore.location") {
		t.Fatalf("a missing truststore: %v", err)
	}
}

// TestSchemaRegistryTLSStores: the registry client reads JKS and PKCS12
// stores as the Kafka clients do: a registry that requires a client
// certificate is reached only with the truststore and the keystore read,
// and a careless store setting stops start-up naming its key.
func TestSchemaRegistryTLSStores(t *testing.T) {
	serverCA, clientCA := testpki.NewCA(t, "registry CA"), testpki.NewCA(t, "client CA")
	srv := httptest.NewUnstartedServer(srfake.NewRegistry().Handler())
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{serverCA.Server(t, "registry").TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCA.Pool(),
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	serialize := func(props string) error {
		return serializeThrough(t, "schema.registry.url="+srv.URL+"\n"+props)
	}
	for _, tc := range []struct{ trust, key string }{{"JKS", "PKCS12"}, {"PKCS12", "JKS"}} {
		ts, ks := filepath.Join(dir, "truststore."+tc.trust), filepath.Join(dir, "keystore."+tc.key)
		serverCA.WriteTrustStore(t, ts, tc.trust)
		clientCA.Client(t, "proxy").WriteKeyStore(t, ks, tc.key)
		trust := "schema.registry.ssl.truststore.location=" + ts + "\nschema.registry.ssl.truststore.type=" + tc.trust +
			"\nschema.registry.ssl.truststore.password=" + testpki.Password + "\n"
		key := "schema.registry.ssl.keystore.location=" + ks + "\nschema.registry.ssl.keystore.type=" + tc.key +
			"\nschema.registry.ssl.keystore.password=" + testpki.Password + "\n"
		if err := serialize(trust + key); err != nil {
			t.Errorf("%s truststore, %s keystore: %v", tc.trust, tc.key, err)
		}
		if err := serialize(trust); err == nil {
			t.Errorf("%s truststore without a keystore: the registry was reached", tc.trust)
		}
		other := filepath.Join(dir, "other."+tc.trust)
		testpki.NewCA(t, "other CA").WriteTrustStore(t, other, tc.trust)
		if err := serialize(strings.Replace(trust, ts, other, 1) + key); err == nil {
			t.Errorf("another CA's %s truststore: %v", tc.trust, err)
		}
	}

	jks := filepath.Join(dir, "truststore.JKS")
	for props, want := range map[string]string{
		"schema.registry.ssl.truststore.location=" + jks + "\nschema.registry.ssl.truststore.password=wrong\n": "check schema.registry.ssl.truststore.password",
		"schema.registry.ssl.truststore.location=" + jks + "\nschema.registry.ssl.truststore.type=PEM\n":       "set schema.registry.ssl.truststore.type=JKS",
		"schema.registry.ssl.keystore.location=" + jks + "\nschema.registry.ssl.keystore.password=changeit\n":  "no private key",
		"schema.registry.ssl.keystore.location=" + filepath.Join(dir, "missing.p12") + "\n":                    "schema.registry.ssl.keystore.location: open ",
	} {
		if _, err := loadConfig(writeProps(t, props), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want it to say %q", props, err, want)
		}
	}
}

// TestSchemaRegistryTLS: an https registry is trusted through
// schema.registry.ssl.truststore.location, and not without it.
func TestSchemaRegistryTLS(t *testing.T) {
	srv := httptest.NewTLSServer(srfake.NewRegistry().Handler())
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	for props, ok := range map[string]bool{
		"schema.registry.url=" + srv.URL + "\nschema.registry.ssl.truststore.location=" + ca + "\n": true,
		"schema.registry.url=" + srv.URL + "\n":                                                     false,
	} {
		err := serializeThrough(t, props)
		if ok && err != nil {
			t.Fatalf("with the CA: %v", err)
		}
		if !ok && err == nil {
			t.Fatal("an untrusted registry was used")
		}
	}
}

// serializeThrough serializes an AVRO record through a registry client
// made from props, as the proxy would.
func serializeThrough(t *testing.T, props string) error {
	t.Helper()
	cfg, err := loadConfig(writeProps(t, props), nil)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := cfg.schemaConfig(splitList(cfg.str("schema.registry.url")))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := schema.New(sc)
	if err != nil {
		t.Fatal(err)
	}
	text := `"string"`
	out, err := reg.Serialize(context.Background(), "t", false, &codec.Data{Format: codec.Avro, Schema: &text, Raw: []byte(`"x"`)})
	if err == nil && out.SchemaID == nil {
		t.Fatal("serialized without a schema id")
	}
	return err
}
