// Package testpki makes certificate authorities, certificates and the key
// and trust stores that hold them (PEM, PKCS12, JKS), for tests of TLS. It
// is test support: nothing in the proxy imports it.
package testpki

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// Password protects every store this package writes.
const Password = "changeit"

// CA is a certificate authority.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
}

// Leaf is a certificate signed by a CA, with its key.
type Leaf struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	CA   *CA
}

// NewCA makes a self-signed CA named cn.
func NewCA(t testing.TB, cn string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &CA{Cert: cert, Key: key}
}

// Server makes a server certificate for 127.0.0.1 and localhost.
func (ca *CA) Server(t testing.TB, cn string) *Leaf {
	t.Helper()
	return ca.leaf(t, cn, x509.ExtKeyUsageServerAuth)
}

// Client makes a client certificate named cn.
func (ca *CA) Client(t testing.TB, cn string) *Leaf {
	t.Helper()
	return ca.leaf(t, cn, x509.ExtKeyUsageClientAuth)
}

// Peer makes a certificate for 127.0.0.1 and localhost that serves and
// is shown as a client's too: a node of a cluster of proxies, which other
// nodes call and which calls them.
func (ca *CA) Peer(t testing.TB, cn string) *Leaf {
	t.Helper()
	return ca.leaf(t, cn, x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth)
}

func (ca *CA) leaf(t testing.TB, cn string, usage ...x509.ExtKeyUsage) *Leaf {
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"kafka-rest tests"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usage,
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &Leaf{Cert: cert, Key: key, CA: ca}
}

// TLS is the leaf as a client or server certificate of crypto/tls.
func (l *Leaf) TLS() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{l.Cert.Raw, l.CA.Cert.Raw}, PrivateKey: l.Key, Leaf: l.Cert}
}

// Pool is a pool that trusts the CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// WriteKeyStore writes the leaf, its chain and its key as a keystore of
// kind PEM, PKCS12 or JKS to path.
func (l *Leaf) WriteKeyStore(t testing.TB, path, kind string) {
	t.Helper()
	var b []byte
	switch kind {
	case "PEM":
		pkcs8, err := x509.MarshalPKCS8PrivateKey(l.Key)
		if err != nil {
			t.Fatal(err)
		}
		b = append(certPEM(l.Cert), certPEM(l.CA.Cert)...)
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})...)
	case "PKCS12":
		var err error
		if b, err = pkcs12.Modern.Encode(l.Key, l.Cert, []*x509.Certificate{l.CA.Cert}, Password); err != nil {
			t.Fatal(err)
		}
	case "JKS":
		pkcs8, err := x509.MarshalPKCS8PrivateKey(l.Key)
		if err != nil {
			t.Fatal(err)
		}
		ks := keystore.New()
		err = ks.SetPrivateKeyEntry("server", keystore.PrivateKeyEntry{
			CreationTime: time.Now(),
			PrivateKey:   pkcs8,
			CertificateChain: []keystore.Certificate{
				{Type: "X509", Content: l.Cert.Raw}, {Type: "X509", Content: l.CA.Cert.Raw},
			},
		}, []byte(Password))
		if err != nil {
			t.Fatal(err)
		}
		b = storeJKS(t, ks)
	default:
		t.Fatalf("unknown keystore kind %s", kind)
	}
	writeFile(t, path, b)
}

// WriteTrustStore writes the CA certificate as a truststore of kind PEM,
// PKCS12 or JKS to path.
func (ca *CA) WriteTrustStore(t testing.TB, path, kind string) {
	t.Helper()
	var b []byte
	switch kind {
	case "PEM":
		b = certPEM(ca.Cert)
	case "PKCS12":
		var err error
		if b, err = pkcs12.Modern.EncodeTrustStore([]*x509.Certificate{ca.Cert}, Password); err != nil {
			t.Fatal(err)
		}
	case "JKS":
		ks := keystore.New()
		if err := ks.SetTrustedCertificateEntry("ca", keystore.TrustedCertificateEntry{
			CreationTime: time.Now(), Certificate: keystore.Certificate{Type: "X509", Content: ca.Cert.Raw},
		}); err != nil {
			t.Fatal(err)
		}
		b = storeJKS(t, ks)
	default:
		t.Fatalf("unknown truststore kind %s", kind)
	}
	writeFile(t, path, b)
}

func storeJKS(t testing.TB, ks keystore.KeyStore) []byte {
	var buf bytes.Buffer
	if err := ks.Store(&buf, []byte(Password)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile replaces path in one step, as a certificate manager would, so
// that a reader never sees half a file.
func writeFile(t testing.TB, path string, b []byte) {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}
