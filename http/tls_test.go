package http_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
)

// startHTTPS starts the proxy on an https listener made from cfg, as
// main does for listeners=https://...
func startHTTPS(t *testing.T, bootstrap string, cfg guard.TLSConfig, edit func(*http.Config)) *proxy {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	files, err := guard.NewTLS(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("loading the TLS stores: %v", err)
	}
	return startProxyOn(t, bootstrap, edit, nil, func(h nethttp.Handler) *httptest.Server {
		srv := httptest.NewUnstartedServer(h)
		srv.TLS = files.Config()
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point of some tests
		srv.StartTLS()
		return srv
	})
}

// httpsClient trusts roots and presents cert, if given, whatever CAs the
// server asks for (Go's client would otherwise keep a certificate the
// server does not trust to itself).
func httpsClient(roots *x509.CertPool, cert ...tls.Certificate) *nethttp.Client {
	cfg := &tls.Config{RootCAs: roots}
	if len(cert) > 0 {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert[0], nil }
	}
	return &nethttp.Client{Transport: &nethttp.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}}
}

func TestHTTPSKeystoreTypes(t *testing.T) {
	bootstrap := target(t)
	ca := testpki.NewCA(t, "test CA")
	server := ca.Server(t, "proxy")
	for _, tc := range []struct{ kind, declared string }{
		{"PEM", "PEM"}, {"PKCS12", "PKCS12"}, {"JKS", "JKS"},
		// keytool writes PKCS12 by default; Java reads it as JKS too.
		{"PKCS12", "JKS"},
	} {
		t.Run(tc.kind+" as "+tc.declared, func(t *testing.T) {
			ks := filepath.Join(t.TempDir(), "keystore")
			server.WriteKeyStore(t, ks, tc.kind)
			p := startHTTPS(t, bootstrap, guard.TLSConfig{KeystoreLocation: ks, KeystoreType: tc.declared, KeystorePassword: testpki.Password}, nil)
			if !strings.HasPrefix(p.url, "https://") {
				t.Fatalf("url %s", p.url)
			}
			p.client = httpsClient(ca.Pool())
			r := p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
			// Absolute URLs take the request's scheme.
			if !strings.Contains(string(r.body), `"self":"https://`) {
				t.Fatalf("links are not https: %s", r.body)
			}
			// A client that does not trust the proxy's CA refuses it.
			if _, err := httpsClient(testpki.NewCA(t, "other").Pool()).Get(p.url + "/v3/clusters"); err == nil {
				t.Fatal("a client with another CA connected")
			}
		})
	}
}

func TestHTTPSWrongPassword(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	for _, kind := range []string{"PKCS12", "JKS"} {
		ks := filepath.Join(t.TempDir(), "keystore")
		ca.Server(t, "proxy").WriteKeyStore(t, ks, kind)
		_, err := guard.NewTLS(context.Background(), guard.TLSConfig{KeystoreLocation: ks, KeystoreType: kind, KeystorePassword: "wrong"}, slog.Default())
		if err == nil || !strings.Contains(err.Error(), "check ssl.keystore.password") {
			t.Errorf("%s with a wrong password: %v", kind, err)
		}
	}
	if _, err := guard.NewTLS(context.Background(), guard.TLSConfig{}, slog.Default()); err == nil || !strings.Contains(err.Error(), "needs ssl.keystore.location") {
		t.Errorf("no keystore: %v", err)
	}
}

func TestHTTPSMutualTLS(t *testing.T) {
	bootstrap := target(t)
	ca := testpki.NewCA(t, "test CA")
	clientCA := testpki.NewCA(t, "client CA")
	dir := t.TempDir()
	ks, ts := filepath.Join(dir, "keystore.jks"), filepath.Join(dir, "truststore")
	ca.Server(t, "proxy").WriteKeyStore(t, ks, "JKS")
	alice := clientCA.Client(t, "alice").TLS()
	stranger := testpki.NewCA(t, "stranger CA").Client(t, "mallory").TLS()

	for _, store := range []string{"PEM", "PKCS12", "JKS"} {
		clientCA.WriteTrustStore(t, ts, store)
		t.Run("REQUIRED "+store, func(t *testing.T) {
			p := startHTTPS(t, bootstrap, guard.TLSConfig{
				KeystoreLocation: ks, KeystorePassword: testpki.Password,
				TruststoreLocation: ts, TruststoreType: store, TruststorePassword: testpki.Password,
				ClientAuth: "REQUIRED",
			}, nil)
			p.client = httpsClient(ca.Pool(), alice)
			p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
			for name, cl := range map[string]*nethttp.Client{"no certificate": httpsClient(ca.Pool()), "an untrusted certificate": httpsClient(ca.Pool(), stranger)} {
				if res, err := cl.Get(p.url + "/v3/clusters"); err == nil {
					res.Body.Close()
					t.Errorf("a client with %s was served %d", name, res.StatusCode)
				}
			}
		})
	}
	t.Run("REQUESTED", func(t *testing.T) {
		clientCA.WriteTrustStore(t, ts, "PEM")
		p := startHTTPS(t, bootstrap, guard.TLSConfig{
			KeystoreLocation: ks, KeystorePassword: testpki.Password,
			TruststoreLocation: ts, TruststoreType: "PEM", ClientAuth: "REQUESTED",
		}, nil)
		p.client = httpsClient(ca.Pool())
		p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
		p.client = httpsClient(ca.Pool(), alice)
		p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
		if res, err := httpsClient(ca.Pool(), stranger).Get(p.url + "/v3/clusters"); err == nil {
			res.Body.Close()
			t.Errorf("a client with an untrusted certificate was served %d", res.StatusCode)
		}
	})
	t.Run("without a truststore", func(t *testing.T) {
		_, err := guard.NewTLS(context.Background(), guard.TLSConfig{KeystoreLocation: ks, KeystorePassword: testpki.Password, ClientAuth: "REQUIRED"}, slog.Default())
		if err == nil || !strings.Contains(err.Error(), "needs ssl.truststore.location") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestHTTPSProtocolsAndCiphers(t *testing.T) {
	bootstrap := target(t)
	ca := testpki.NewCA(t, "test CA")
	ks := filepath.Join(t.TempDir(), "keystore.pem")
	ca.Server(t, "proxy").WriteKeyStore(t, ks, "PEM")
	handshake := func(url string, cfg *tls.Config) (tls.ConnectionState, error) {
		cfg.RootCAs = ca.Pool()
		c, err := tls.Dial("tcp", strings.TrimPrefix(url, "https://"), cfg)
		if err != nil {
			return tls.ConnectionState{}, err
		}
		defer c.Close()
		return c.ConnectionState(), nil
	}

	p := startHTTPS(t, bootstrap, guard.TLSConfig{KeystoreLocation: ks, KeystoreType: "PEM", EnabledProtocols: []string{"TLSv1.3"}}, nil)
	if _, err := handshake(p.url, &tls.Config{MaxVersion: tls.VersionTLS12}); err == nil {
		t.Error("ssl.enabled.protocols=TLSv1.3 let a TLS 1.2 client in")
	}
	if st, err := handshake(p.url, &tls.Config{}); err != nil || st.Version != tls.VersionTLS13 {
		t.Errorf("TLS 1.3 client: %v, version %x", err, st.Version)
	}

	const suite = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
	p = startHTTPS(t, bootstrap, guard.TLSConfig{KeystoreLocation: ks, KeystoreType: "PEM", Protocol: "TLSv1.2", CipherSuites: []string{suite}}, nil)
	st, err := handshake(p.url, &tls.Config{})
	if err != nil || st.Version != tls.VersionTLS12 || tls.CipherSuiteName(st.CipherSuite) != suite {
		t.Errorf("ssl.protocol=TLSv1.2 with one suite: %v, version %x, suite %s", err, st.Version, tls.CipherSuiteName(st.CipherSuite))
	}
	if _, err := handshake(p.url, &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}}); err == nil {
		t.Error("a client without the one allowed suite connected")
	}
}

// TestHTTPSDefaultCiphers: without ssl.cipher.suites, TLS 1.2 offers only
// forward-secret AEAD suites: a client that offers nothing but CBC suites,
// with SHA-1 or SHA-256 MACs, is refused; a default client gets GCM or
// ChaCha20-Poly1305.
func TestHTTPSDefaultCiphers(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	ks := filepath.Join(t.TempDir(), "keystore.pem")
	ca.Server(t, "proxy").WriteKeyStore(t, ks, "PEM")
	p := startHTTPS(t, target(t), guard.TLSConfig{KeystoreLocation: ks, KeystoreType: "PEM"}, nil)
	addr := strings.TrimPrefix(p.url, "https://")
	for _, suite := range []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_128_CBC_SHA,
	} {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool(), MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite}})
		if err == nil {
			c.Close()
			t.Errorf("a TLS 1.2 client offering only %s connected", tls.CipherSuiteName(suite))
		}
	}
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool(), MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("a default TLS 1.2 client: %v", err)
	}
	defer c.Close()
	if name := tls.CipherSuiteName(c.ConnectionState().CipherSuite); !strings.Contains(name, "_GCM_") && !strings.Contains(name, "_CHACHA20_POLY1305") {
		t.Fatalf("a default TLS 1.2 client got %s", name)
	}
}

// TestHTTPSReload rewrites the keystore and the truststore while the proxy
// runs: new connections get the new certificate and the new trust, without
// a restart.
func TestHTTPSReload(t *testing.T) {
	bootstrap := target(t)
	ca := testpki.NewCA(t, "test CA")
	oldClients, newClients := testpki.NewCA(t, "old client CA"), testpki.NewCA(t, "new client CA")
	dir := t.TempDir()
	ks, ts := filepath.Join(dir, "keystore.p12"), filepath.Join(dir, "truststore.jks")
	first, second := ca.Server(t, "proxy-1"), ca.Server(t, "proxy-2")
	first.WriteKeyStore(t, ks, "PKCS12")
	oldClients.WriteTrustStore(t, ts, "JKS")
	p := startHTTPS(t, bootstrap, guard.TLSConfig{
		KeystoreLocation: ks, KeystoreType: "PKCS12", KeystorePassword: testpki.Password,
		TruststoreLocation: ts, TruststorePassword: testpki.Password, ClientAuth: "REQUIRED",
		Reload: true, ReloadInterval: 20 * time.Millisecond,
	}, nil)
	oldCert, newCert := oldClients.Client(t, "alice").TLS(), newClients.Client(t, "alice").TLS()
	served := func(cert tls.Certificate) (string, bool) {
		res, err := httpsClient(ca.Pool(), cert).Get(p.url + "/v3/clusters")
		if err != nil {
			return "", false
		}
		defer res.Body.Close()
		return res.TLS.PeerCertificates[0].Subject.CommonName, res.StatusCode == 200
	}
	if cn, ok := served(oldCert); !ok || cn != "proxy-1" {
		t.Fatalf("before the reload: served %v by %q", ok, cn)
	}

	// A half-written keystore is not taken: the proxy keeps serving.
	writeRaw(t, ks, []byte("not a keystore"))
	time.Sleep(100 * time.Millisecond)
	if cn, ok := served(oldCert); !ok || cn != "proxy-1" {
		t.Fatalf("after a broken keystore: served %v by %q", ok, cn)
	}

	second.WriteKeyStore(t, ks, "PKCS12")
	newClients.WriteTrustStore(t, ts, "JKS")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if cn, ok := served(newCert); ok && cn == "proxy-2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the new keystore and truststore were not taken within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, ok := served(oldCert); ok {
		t.Fatal("a client certificate of the replaced truststore is still accepted")
	}
}
