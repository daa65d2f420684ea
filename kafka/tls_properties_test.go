package kafka

import (
	"context"
	"crypto/tls"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
)

// tlsCluster is a kfake cluster on a TLS listener with a certificate of
// brokerCA that asks its clients for a certificate of clientCA.
func tlsCluster(t *testing.T, brokerCA, clientCA *testpki.CA) string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "tls"), kfake.TLS(&tls.Config{
		Certificates: []tls.Certificate{brokerCA.Server(t, "broker").TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    clientCA.Pool(),
		MinVersion:   tls.VersionTLS12,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()[0]
}

// TestClientTLSStores: the Kafka clients read JKS, PKCS12 and PEM
// truststores and keystores, under client.* and under their role's prefix,
// and reach a TLS cluster that requires a client certificate only because
// they did: a record produced through them is read back by a plain
// franz-go client, and the same client with another CA's truststore, or
// without its keystore, does not get in.
func TestClientTLSStores(t *testing.T) {
	brokerCA, clientCA := testpki.NewCA(t, "broker CA"), testpki.NewCA(t, "client CA")
	addr := tlsCluster(t, brokerCA, clientCA)
	alice := clientCA.Client(t, "alice")
	dir := t.TempDir()

	plain, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("tls"), kgo.DialTLSConfig(&tls.Config{
		RootCAs: brokerCA.Pool(), Certificates: []tls.Certificate{alice.TLS()},
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()

	for _, tc := range []struct{ trust, trustType, key, keyType string }{
		{"JKS", "JKS", "PKCS12", "PKCS12"},
		{"PKCS12", "PKCS12", "JKS", "JKS"},
		// keytool's PKCS12 declared as Java's default type, and the types
		// left out: read by content.
		{"PKCS12", "JKS", "PKCS12", ""},
		{"JKS", "", "JKS", "JKS"},
		{"PEM", "PEM", "PEM", "PEM"},
	} {
		name := tc.trust + " as " + tc.trustType + ", " + tc.key + " as " + tc.keyType
		t.Run(name, func(t *testing.T) {
			ts, ks := filepath.Join(dir, "truststore."+tc.trust), filepath.Join(dir, "keystore."+tc.key)
			brokerCA.WriteTrustStore(t, ts, tc.trust)
			alice.WriteKeyStore(t, ks, tc.key)
			props := map[string]string{
				"client.security.protocol":       "SSL",
				"client.ssl.truststore.location": ts,
				"client.ssl.truststore.type":     tc.trustType,
				"client.ssl.truststore.password": testpki.Password,
				// The producer's keystore under producer.*, the rest's
				// under client.*.
				"producer.ssl.keystore.location": ks,
				"producer.ssl.keystore.type":     tc.keyType,
				"producer.ssl.keystore.password": testpki.Password,
				"client.ssl.keystore.location":   ks,
				"client.ssl.keystore.type":       tc.keyType,
				"client.ssl.keystore.password":   testpki.Password,
			}
			for k, v := range props {
				if v == "" {
					delete(props, k)
				}
			}
			cfg := Config{BootstrapServers: []string{addr}, Properties: props}
			if _, err := cfg.Check(); err != nil {
				t.Fatal(err)
			}
			value := []byte(name)
			produce(t, cfg, RoleProducer, value)
			if err := ping(cfg, RoleAdmin); err != nil {
				t.Fatalf("the admin client: %v", err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			fs := plain.PollFetches(ctx)
			if err := fs.Err0(); err != nil {
				t.Fatalf("reading back: %v", err)
			}
			if got := fs.Records(); len(got) != 1 || string(got[0].Value) != name {
				t.Fatalf("read back %d records: %v", len(got), got)
			}

			// Another CA's truststore: the broker is not trusted.
			other := filepath.Join(dir, "other."+tc.trust)
			testpki.NewCA(t, "other CA").WriteTrustStore(t, other, tc.trust)
			if err := ping(Config{BootstrapServers: []string{addr}, Properties: with(props, "client.ssl.truststore.location", other)}, RoleProducer); err == nil || !strings.Contains(err.Error(), "unknown authority") {
				t.Fatalf("a client with another CA's truststore: %v", err)
			}
			// No keystore: the broker refuses the client.
			if err := ping(Config{BootstrapServers: []string{addr}, Properties: with(props, "producer.ssl.keystore.location", "", "client.ssl.keystore.location", "")}, RoleProducer); err == nil || !strings.Contains(err.Error(), "certificate required") {
				t.Fatalf("a client without a certificate: %v", err)
			}
		})
	}
}

// TestClientTLSStoreMistakes: a careless user's store settings stop
// start-up (Config.Check) with an error naming the key to check.
func TestClientTLSStoreMistakes(t *testing.T) {
	ca := testpki.NewCA(t, "CA")
	dir := t.TempDir()
	jks, p12, trustJKS := filepath.Join(dir, "ks.jks"), filepath.Join(dir, "ks.p12"), filepath.Join(dir, "ts.jks")
	ca.Client(t, "alice").WriteKeyStore(t, jks, "JKS")
	ca.Client(t, "alice").WriteKeyStore(t, p12, "PKCS12")
	ca.WriteTrustStore(t, trustJKS, "JKS")
	for _, tc := range []struct {
		props map[string]string
		want  []string
	}{
		{map[string]string{"client.ssl.truststore.location": trustJKS, "client.ssl.truststore.password": "wrong"},
			[]string{"client.ssl.truststore.location " + trustJKS, "check client.ssl.truststore.password"}},
		// The password under another prefix than the file's: the error
		// names the key the user set.
		{map[string]string{"client.ssl.keystore.location": p12, "consumer.ssl.keystore.password": "wrong"},
			[]string{"client.ssl.keystore.location " + p12, "check consumer.ssl.keystore.password"}},
		{map[string]string{"admin.ssl.keystore.location": jks},
			[]string{"admin.ssl.keystore.location " + jks, "check admin.ssl.keystore.password"}},
		{map[string]string{"client.ssl.keystore.location": jks, "client.ssl.keystore.type": "PEM", "client.ssl.keystore.password": testpki.Password},
			[]string{"client.ssl.keystore.location " + jks, "set client.ssl.keystore.type=JKS"}},
		{map[string]string{"client.ssl.truststore.type": "BKS"},
			[]string{`invalid value "BKS" for client.ssl.truststore.type: must be JKS, PKCS12 or PEM`}},
		{map[string]string{"producer.ssl.truststore.location": filepath.Join(dir, "missing.jks")},
			[]string{"producer.ssl.truststore.location: open " + filepath.Join(dir, "missing.jks")}},
		{map[string]string{"client.ssl.keystore.location": trustJKS, "client.ssl.keystore.password": testpki.Password},
			[]string{"client.ssl.keystore.location " + trustJKS, "no private key", "is it the truststore?"}},
		{map[string]string{"client.ssl.keystore.certificate.chain": "-----BEGIN CERTIFICATE-----"},
			[]string{"client.ssl.keystore.certificate.chain needs client.ssl.keystore.key"}},
		{map[string]string{"client.ssl.keystore.location": jks, "client.ssl.keystore.key": "k", "client.ssl.keystore.certificate.chain": "c"},
			[]string{"client.ssl.keystore.location and client.ssl.keystore.key are both set"}},
	} {
		tc.props["client.security.protocol"] = "SSL"
		_, err := Config{BootstrapServers: []string{"k:9093"}, Properties: tc.props}.Check()
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%v: got %v, want it to say %q", tc.props, err, w)
			}
		}
	}
}

// with is props with some keys set to other values, "" deleting one.
func with(props map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

func ping(cfg Config, r Role) error {
	opts, err := cfg.Options(r)
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(append(opts, kgo.RetryTimeout(3*time.Second))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return cl.Ping(ctx)
}

// newClient is a client of role r made from cfg.
func newClient(t *testing.T, cfg Config, r Role) *kgo.Client {
	t.Helper()
	opts, err := cfg.Options(r)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func produce(t *testing.T, cfg Config, r Role, value []byte) {
	t.Helper()
	cl := newClient(t, cfg, r)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "tls", Value: value}).FirstErr(); err != nil {
		t.Fatalf("producing: %v", err)
	}
}
