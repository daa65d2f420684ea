package tlsstore_test

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
	"github.com/kafka-rest-go/kafka-rest/internal/tlsstore"
)

// TestStoreKinds reads each kind of keystore and truststore, declared as
// itself, not declared, and declared as the other binary kind (Java reads
// JKS and PKCS12 either way), and checks that what was read is the leaf and
// the CA that were written.
func TestStoreKinds(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	leaf := ca.Server(t, "proxy")
	for _, tc := range []struct{ kind, declared string }{
		{"PEM", "PEM"}, {"PEM", ""}, {"PEM", "JKS"},
		{"PKCS12", "PKCS12"}, {"PKCS12", ""}, {"PKCS12", "jks"},
		{"JKS", "JKS"}, {"JKS", ""}, {"JKS", "PKCS12"},
	} {
		t.Run(tc.kind+" as "+tc.declared, func(t *testing.T) {
			dir := t.TempDir()
			ks, ts := filepath.Join(dir, "keystore"), filepath.Join(dir, "truststore")
			leaf.WriteKeyStore(t, ks, tc.kind)
			ca.WriteTrustStore(t, ts, tc.kind)

			certs, err := tlsstore.Store{Location: ks, Type: tc.declared, Password: testpki.Password, Keys: tlsstore.KeyStoreKeys("")}.Certificates()
			if err != nil {
				t.Fatal(err)
			}
			if len(certs) != 1 || !certs[0].Leaf.Equal(leaf.Cert) || len(certs[0].Certificate) != 2 || certs[0].PrivateKey == nil {
				t.Fatalf("certificates %+v", certs)
			}
			pool, err := tlsstore.Store{Location: ts, Type: tc.declared, Password: testpki.Password, Keys: tlsstore.TrustStoreKeys("")}.CertPool()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: pool}); err != nil {
				t.Fatalf("the truststore does not trust the leaf: %v", err)
			}
			if _, err := testpki.NewCA(t, "other").Server(t, "x").Cert.Verify(x509.VerifyOptions{Roots: pool}); err == nil {
				t.Fatal("the truststore trusts another CA's leaf")
			}
		})
	}
}

// TestInlinePEM: Kafka's ssl.truststore.certificates and
// ssl.keystore.certificate.chain + ssl.keystore.key hold PEM text.
func TestInlinePEM(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	leaf := ca.Client(t, "alice")
	dir := t.TempDir()
	ks, ts := filepath.Join(dir, "keystore.pem"), filepath.Join(dir, "truststore.pem")
	leaf.WriteKeyStore(t, ks, "PEM")
	ca.WriteTrustStore(t, ts, "PEM")
	certs, err := tlsstore.Store{PEM: read(t, ks), Type: "PEM", Keys: tlsstore.KeyStoreKeys("client.")}.Certificates()
	if err != nil || len(certs) != 1 || !certs[0].Leaf.Equal(leaf.Cert) {
		t.Fatalf("inline keystore: %v %+v", err, certs)
	}
	pool, err := tlsstore.Store{PEM: read(t, ts), Keys: tlsstore.TrustStoreKeys("client.")}.CertPool()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("inline truststore: %v", err)
	}
}

// TestStoreMistakes: what a careless user gets wrong, each an error that
// names the setting to check and the file.
func TestStoreMistakes(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	leaf := ca.Server(t, "proxy")
	dir := t.TempDir()
	file := func(name, kind string, key bool) string {
		p := filepath.Join(dir, name)
		if key {
			leaf.WriteKeyStore(t, p, kind)
		} else {
			ca.WriteTrustStore(t, p, kind)
		}
		return p
	}
	ksKeys, tsKeys := tlsstore.KeyStoreKeys("producer."), tlsstore.TrustStoreKeys("schema.registry.")
	garbage := filepath.Join(dir, "garbage")
	writeFile(t, garbage, "not a keystore")
	encrypted := filepath.Join(dir, "encrypted.pem")
	writeFile(t, encrypted, read(t, file("plain.pem", "PEM", false))+string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}})))
	certOnly := filepath.Join(dir, "cert-only.pem")
	writeFile(t, certOnly, read(t, file("ca.pem", "PEM", false)))

	type want []string
	keystores := map[string]struct {
		s    tlsstore.Store
		want want
	}{
		"wrong JKS password": {tlsstore.Store{Location: file("ks.jks", "JKS", true), Password: "wrong"},
			want{"producer.ssl.keystore.location", "ks.jks", "check producer.ssl.keystore.password"}},
		"wrong PKCS12 password": {tlsstore.Store{Location: file("ks.p12", "PKCS12", true), Type: "PKCS12", Password: "wrong"},
			want{"producer.ssl.keystore.location", "ks.p12", "check producer.ssl.keystore.password"}},
		"wrong JKS key password": {tlsstore.Store{Location: file("ks.jks", "JKS", true), Password: testpki.Password, KeyPassword: "wrong"},
			want{"ks.jks", `the key "server" does not open (check producer.ssl.key.password)`}},
		"JKS declared PEM": {tlsstore.Store{Location: file("ks.jks", "JKS", true), Type: "PEM", Password: testpki.Password},
			want{"producer.ssl.keystore.location", "ks.jks", "set producer.ssl.keystore.type=JKS"}},
		"PKCS12 declared PEM": {tlsstore.Store{Location: file("ks.p12", "PKCS12", true), Type: "pem", Password: testpki.Password},
			want{"producer.ssl.keystore.location", "ks.p12", "set producer.ssl.keystore.type=PKCS12"}},
		"an unknown type": {tlsstore.Store{Location: file("ks.jks", "JKS", true), Type: "BKS"},
			want{`invalid value "BKS" for producer.ssl.keystore.type: must be JKS, PKCS12 or PEM`}},
		"a missing file": {tlsstore.Store{Location: filepath.Join(dir, "nowhere.jks")},
			want{"producer.ssl.keystore.location: open ", "nowhere.jks: no such file"}},
		"neither PEM, PKCS12 nor JKS": {tlsstore.Store{Location: garbage},
			want{"producer.ssl.keystore.location", "garbage", "neither PEM nor a PKCS12 or JKS store"}},
		"a JKS truststore as keystore": {tlsstore.Store{Location: file("ts.jks", "JKS", false), Password: testpki.Password},
			want{"producer.ssl.keystore.location", "ts.jks", "no private key", "is it the truststore?"}},
		"a PKCS12 truststore as keystore": {tlsstore.Store{Location: file("ts.p12", "PKCS12", false), Password: testpki.Password},
			want{"producer.ssl.keystore.location", "ts.p12", "no private key", "is it the truststore?"}},
		"a PEM truststore as keystore": {tlsstore.Store{Location: certOnly},
			want{"producer.ssl.keystore.location", "cert-only.pem", "no private key", "is it the truststore?"}},
		"an encrypted PEM key": {tlsstore.Store{Location: encrypted},
			want{"producer.ssl.keystore.location", "encrypted.pem", "encrypted", "openssl pkey"}},
		"a file and inline PEM": {tlsstore.Store{Location: certOnly, PEM: read(t, certOnly)},
			want{"producer.ssl.keystore.location and producer.ssl.keystore.certificate.chain are both set"}},
		"inline text that is not PEM": {tlsstore.Store{PEM: "MIIB..."},
			want{"producer.ssl.keystore.certificate.chain holds no PEM block"}},
	}
	for name, tc := range keystores {
		tc.s.Keys = ksKeys
		_, err := tc.s.Certificates()
		check(t, "keystore: "+name, err, tc.want)
	}

	truststores := map[string]struct {
		s    tlsstore.Store
		want want
	}{
		"wrong JKS password": {tlsstore.Store{Location: file("ts.jks", "JKS", false), Password: "wrong"},
			want{"schema.registry.ssl.truststore.location", "ts.jks", "check schema.registry.ssl.truststore.password"}},
		"wrong PKCS12 password": {tlsstore.Store{Location: file("ts.p12", "PKCS12", false), Password: "wrong"},
			want{"schema.registry.ssl.truststore.location", "ts.p12", "check schema.registry.ssl.truststore.password"}},
		"JKS declared PEM": {tlsstore.Store{Location: file("ts.jks", "JKS", false), Type: "PEM"},
			want{"schema.registry.ssl.truststore.location", "ts.jks", "set schema.registry.ssl.truststore.type=JKS"}},
		"a missing file": {tlsstore.Store{Location: filepath.Join(dir, "nowhere.pem")},
			want{"schema.registry.ssl.truststore.location: open ", "nowhere.pem: no such file"}},
		"a JKS keystore as truststore": {tlsstore.Store{Location: file("ks.jks", "JKS", true), Password: testpki.Password},
			want{"schema.registry.ssl.truststore.location", "ks.jks", "no trusted certificate", "is it the keystore?"}},
		"a PEM file without a certificate": {tlsstore.Store{Location: writeTemp(t, dir, "key-only.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")},
			want{"schema.registry.ssl.truststore.location", "key-only.pem", "holds no certificate"}},
	}
	for name, tc := range truststores {
		tc.s.Keys = tsKeys
		_, err := tc.s.CertPool()
		check(t, "truststore: "+name, err, tc.want)
	}
}

func check(t *testing.T, name string, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", name)
		return
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: %q does not say %q", name, err, w)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func writeTemp(t *testing.T, dir, name, body string) string {
	p := filepath.Join(dir, name)
	writeFile(t, p, body)
	return p
}
