package guard

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/tlsstore"
)

// TLSConfig is the reference's ssl.* keys for https listeners.
type TLSConfig struct {
	// KeystoreLocation holds the server certificate and key; its type is
	// JKS (the reference's default), PKCS12 or PEM.
	KeystoreLocation, KeystoreType, KeystorePassword, KeyPassword string
	// TruststoreLocation holds the certificates that sign client
	// certificates, for mutual TLS.
	TruststoreLocation, TruststoreType, TruststorePassword string
	// ClientAuth is NONE, REQUESTED (a client certificate is verified if
	// sent) or REQUIRED.
	ClientAuth string
	// Protocol is ssl.protocol: TLS, or TLSv1.2 / TLSv1.3 for a highest
	// version. EnabledProtocols (TLSv1.2, TLSv1.3, ...) bound the versions
	// from below and above.
	Protocol         string
	EnabledProtocols []string
	// CipherSuites are the TLS 1.2 suites allowed, by their IANA names
	// (as Java's); empty means defaultCipherSuites. TLS 1.3 suites are not
	// configurable.
	CipherSuites []string
	// Reload re-reads the stores when they change (ssl.keystore.reload),
	// checking every ReloadInterval; WatchLocation is watched instead of
	// the keystore when set.
	Reload         bool
	WatchLocation  string
	ReloadInterval time.Duration
	// HTTP2 offers h2 in ALPN before http/1.1 (http2.enabled).
	HTTP2 bool
}

// tlsVersion is the TLS version of a Java protocol name, in upper case.
func tlsVersion(name string) (uint16, bool) {
	switch name {
	case "TLSV1":
		return tls.VersionTLS10, true
	case "TLSV1.1":
		return tls.VersionTLS11, true
	case "TLSV1.2":
		return tls.VersionTLS12, true
	case "TLSV1.3":
		return tls.VersionTLS13, true
	}
	return 0, false
}

// TLS is the TLS side of https listeners: the stores as last loaded.
type TLS struct {
	cfg     TLSConfig
	current atomic.Pointer[tls.Config]
}

// NewTLS loads the stores and, with Reload, watches them until ctx ends.
func NewTLS(ctx context.Context, cfg TLSConfig, log *slog.Logger) (*TLS, error) {
	t := &TLS{cfg: cfg}
	if err := t.load(); err != nil {
		return nil, err
	}
	if cfg.Reload {
		watched := []string{cfg.KeystoreLocation}
		if cfg.WatchLocation != "" {
			watched = []string{cfg.WatchLocation}
		}
		if cfg.TruststoreLocation != "" {
			watched = append(watched, cfg.TruststoreLocation)
		}
		interval := cfg.ReloadInterval
		if interval <= 0 {
			interval = 10 * time.Second
		}
		go watchFiles(ctx, watched, interval, log, "the TLS keystore and truststore", t.load)
	}
	return t, nil
}

// Config is the tls.Config of a listener: each handshake takes the stores
// as last loaded, so that a reload applies to new connections at once.
func (t *TLS) Config() *tls.Config {
	return &tls.Config{
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return t.current.Load(), nil
		},
	}
}

// PeerConfig is the tls.Config of this node as a client of the other
// nodes of a cluster, from the same stores: it trusts the truststore (the
// system's roots without one) and shows the keystore's certificate to a
// node that asks for one, each handshake taking the stores as last loaded.
func (t *TLS) PeerConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			cur := t.current.Load()
			if len(cur.Certificates) == 0 {
				return &tls.Certificate{}, nil
			}
			return &cur.Certificates[0], nil
		},
		// The roots are read per handshake, after a reload too.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			return verifyPeer(cs, t.current.Load().ClientCAs)
		},
	}
}

func (t *TLS) load() error {
	cfg := t.cfg
	if cfg.KeystoreLocation == "" {
		return fmt.Errorf("an https listener needs ssl.keystore.location")
	}
	certs, err := tlsstore.Store{
		Location: cfg.KeystoreLocation, Type: cfg.KeystoreType, Password: cfg.KeystorePassword, KeyPassword: cfg.KeyPassword,
		Keys: tlsstore.KeyStoreKeys(""),
	}.Certificates()
	if err != nil {
		return err
	}
	c := &tls.Config{
		Certificates: certs,
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"http/1.1"},
	}
	if cfg.HTTP2 {
		// Streaming produce is full duplex over either.
		c.NextProtos = []string{"h2", "http/1.1"}
	}
	if v, ok := tlsVersion(strings.ToUpper(cfg.Protocol)); ok {
		c.MaxVersion = v
	}
	if len(cfg.EnabledProtocols) > 0 {
		c.MinVersion, c.MaxVersion = tls.VersionTLS13, tls.VersionTLS10
		for _, p := range cfg.EnabledProtocols {
			v, ok := tlsVersion(strings.ToUpper(p))
			if !ok {
				return fmt.Errorf("ssl.enabled.protocols: %q is not one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3", p)
			}
			c.MinVersion, c.MaxVersion = min(c.MinVersion, v), max(c.MaxVersion, v)
		}
	}
	if len(cfg.CipherSuites) > 0 {
		if c.CipherSuites, err = cipherSuites(cfg.CipherSuites); err != nil {
			return err
		}
	} else {
		c.CipherSuites = defaultCipherSuites()
	}
	switch strings.ToUpper(cfg.ClientAuth) {
	case "REQUESTED":
		c.ClientAuth = tls.VerifyClientCertIfGiven
	case "REQUIRED":
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	if cfg.TruststoreLocation != "" {
		c.ClientCAs, err = tlsstore.Store{
			Location: cfg.TruststoreLocation, Type: cfg.TruststoreType, Password: cfg.TruststorePassword,
			Keys: tlsstore.TrustStoreKeys(""),
		}.CertPool()
		if err != nil {
			return err
		}
	} else if c.ClientAuth != tls.NoClientCert {
		return fmt.Errorf("ssl.client.authentication %s needs ssl.truststore.location to verify client certificates", cfg.ClientAuth)
	}
	t.current.Store(c)
	return nil
}

// defaultCipherSuites are the TLS 1.2 suites offered unless ssl.cipher.suites
// says otherwise: forward secret (ECDHE) and authenticated encryption (GCM,
// ChaCha20-Poly1305) only. Go's own defaults still include CBC suites with
// SHA-1 MACs. TLS 1.3 suites are all of that kind and not configurable.
func defaultCipherSuites() []uint16 {
	var out []uint16
	for _, s := range tls.CipherSuites() {
		aead := strings.Contains(s.Name, "_GCM_") || strings.Contains(s.Name, "_CHACHA20_POLY1305")
		if strings.HasPrefix(s.Name, "TLS_ECDHE_") && aead && slices.Contains(s.SupportedVersions, tls.VersionTLS12) {
			out = append(out, s.ID)
		}
	}
	return out
}

// cipherSuites maps IANA names onto Go's suites.
func cipherSuites(names []string) ([]uint16, error) {
	known := make(map[string]uint16)
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		known[s.Name] = s.ID
	}
	var out []uint16
	for _, n := range names {
		id, ok := known[strings.ToUpper(strings.TrimSpace(n))]
		if !ok {
			return nil, fmt.Errorf("ssl.cipher.suites: %q is not a TLS cipher suite Go knows (IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", n)
		}
		out = append(out, id)
	}
	return out, nil
}

// verifyPeer checks another node's certificate chain against roots (the
// system's when nil) and its name against the host dialled.
func verifyPeer(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("the other node sent no certificate")
	}
	opts := x509.VerifyOptions{Roots: roots, DNSName: cs.ServerName, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(opts)
	return err
}
