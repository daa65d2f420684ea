// Package tlsstore reads the key stores and trust stores that Java's ssl.*
// keys name, in the three formats they come in: JKS, PKCS12 and PEM. The
// https listeners, the Kafka clients and the Schema Registry client all read
// their stores here, so a store that works for one works for the others.
//
// The declared type and the content decide together, as Java does: JKS and
// PKCS12 are read as what the file really is whichever of the two is
// declared (keytool writes PKCS12 by default since Java 9, and Java reads it
// as JKS too), and a PEM file is read as PEM whatever is declared. Only a
// binary store declared PEM is refused, as the mistake it is.
//
// Every error names the setting to check and the file.
package tlsstore

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pavlo-v-chernykh/keystore-go/v4"
	"software.sslmate.com/src/go-pkcs12"
)

// Store is one key store or trust store, as its ssl.* keys describe it.
type Store struct {
	// Location is the store's file. PEM, set instead, is the store's
	// content inline (Kafka's ssl.truststore.certificates, or
	// ssl.keystore.certificate.chain and ssl.keystore.key together).
	Location, PEM string
	// Type is JKS, PKCS12 or PEM, in any case; empty reads the file as
	// what its content is.
	Type string
	// Password opens a JKS or PKCS12 store; a PEM store has none.
	Password string
	// KeyPassword opens the private keys of a JKS keystore; empty means
	// Password, as in Java.
	KeyPassword string
	// Keys name the settings the fields come from, for errors.
	Keys Keys
}

// Keys are the names of a store's settings, as errors should say them.
type Keys struct {
	Location, PEM, Type, Password, KeyPassword string
}

// KeyStoreKeys names the keystore settings under prefix: "" for the
// listeners' ssl.keystore.*, "schema.registry." for the registry client's.
func KeyStoreKeys(prefix string) Keys {
	return Keys{
		Location:    prefix + "ssl.keystore.location",
		PEM:         prefix + "ssl.keystore.certificate.chain",
		Type:        prefix + "ssl.keystore.type",
		Password:    prefix + "ssl.keystore.password",
		KeyPassword: prefix + "ssl.key.password",
	}
}

// TrustStoreKeys names the truststore settings under prefix, as
// KeyStoreKeys does.
func TrustStoreKeys(prefix string) Keys {
	return Keys{
		Location: prefix + "ssl.truststore.location",
		PEM:      prefix + "ssl.truststore.certificates",
		Type:     prefix + "ssl.truststore.type",
		Password: prefix + "ssl.truststore.password",
	}
}

// Types is what a store's type may be, for errors about it.
const Types = "JKS, PKCS12 or PEM"

// ValidType reports whether t is a store type this package reads: JKS,
// PKCS12 or PEM in any case, or empty (read by content).
func ValidType(t string) bool {
	switch strings.ToUpper(t) {
	case "", "JKS", "PKCS12", "PEM":
		return true
	}
	return false
}

// Certificates reads a keystore: its certificate chains and their private
// keys. Every private key entry of a JKS store becomes a certificate; a
// server picks one by the client's server name.
func (s Store) Certificates() ([]tls.Certificate, error) {
	b, kind, err := s.read()
	if err != nil {
		return nil, err
	}
	var certs []tls.Certificate
	switch kind {
	case "PEM":
		certs, err = s.pemKeyStore(b)
	case "PKCS12":
		certs, err = s.pkcs12KeyStore(b)
	default:
		certs, err = s.jksKeyStore(b)
	}
	if err != nil {
		return nil, s.errorf("%w", err)
	}
	return certs, nil
}

// CertPool reads a truststore: the certificates of the authorities trusted
// to sign the other side's certificate.
func (s Store) CertPool() (*x509.CertPool, error) {
	b, kind, err := s.read()
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	switch kind {
	case "PEM":
		certs, err = pemCertificates(b)
	case "PKCS12":
		certs, err = s.pkcs12TrustStore(b)
	default:
		certs, err = s.jksTrustStore(b)
	}
	if err == nil && len(certs) == 0 {
		err = errors.New("it holds no certificate: a truststore holds the certificates of the authorities to trust")
	}
	if err != nil {
		return nil, s.errorf("%w", err)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// jksMagic starts every JKS file.
const jksMagic = "\xfe\xed\xfe\xed"

// read returns the store's bytes and its kind: PEM, PKCS12 or JKS.
func (s Store) read() ([]byte, string, error) {
	if !ValidType(s.Type) {
		return nil, "", fmt.Errorf("invalid value %q for %s: must be %s", s.Type, s.Keys.Type, Types)
	}
	if s.Location != "" && s.PEM != "" {
		return nil, "", fmt.Errorf("%s and %s are both set: set one of them", s.Keys.Location, s.Keys.PEM)
	}
	if s.Location == "" {
		if pemBlock([]byte(s.PEM)) == nil {
			return nil, "", fmt.Errorf("%s holds no PEM block (-----BEGIN ...-----)", s.Keys.PEM)
		}
		return []byte(s.PEM), "PEM", nil
	}
	b, err := os.ReadFile(s.Location)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", s.Keys.Location, err)
	}
	declared := strings.ToUpper(s.Type)
	switch {
	case pemBlock(b) != nil:
		return b, "PEM", nil
	case bytes.HasPrefix(b, []byte(jksMagic)):
		if declared == "PEM" {
			return nil, "", s.errorf("it is a JKS store, not PEM: set %s=JKS and %s", s.Keys.Type, s.Keys.Password)
		}
		return b, "JKS", nil
	case len(b) > 0 && b[0] == 0x30: // a DER SEQUENCE: the PFX of PKCS12
		if declared == "PEM" {
			return nil, "", s.errorf("it is not PEM but binary, a PKCS12 store perhaps: set %s=PKCS12 and %s", s.Keys.Type, s.Keys.Password)
		}
		return b, "PKCS12", nil
	}
	return nil, "", s.errorf("it is neither PEM nor a PKCS12 or JKS store; is it the right file?")
}

// errorf is an error about the store, naming its setting and its file.
func (s Store) errorf(format string, args ...any) error {
	if s.Location == "" {
		return fmt.Errorf("%s: "+format, append([]any{s.Keys.PEM}, args...)...)
	}
	return fmt.Errorf("%s %s: "+format, append([]any{s.Keys.Location, s.Location}, args...)...)
}

func (s Store) keyPassword() string {
	if s.KeyPassword != "" {
		return s.KeyPassword
	}
	return s.Password
}

// pemKeyStore reads the certificate chain and the private key of one PEM
// text, in any order.
func (s Store) pemKeyStore(b []byte) ([]tls.Certificate, error) {
	var chain, key []byte
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		switch {
		case blk.Type == "ENCRYPTED PRIVATE KEY" || blk.Headers["Proc-Type"] == "4,ENCRYPTED":
			return nil, fmt.Errorf("its private key is encrypted, which Go cannot read: decrypt it (openssl pkey -in key.pem -out plain.pem) and keep the file private")
		case strings.HasSuffix(blk.Type, "PRIVATE KEY"):
			key = pem.EncodeToMemory(blk)
		case blk.Type == "CERTIFICATE":
			chain = append(chain, pem.EncodeToMemory(blk)...)
		}
	}
	if key == nil {
		return nil, fmt.Errorf("it holds no private key: a PEM keystore holds the certificate chain and its unencrypted private key (is it the truststore?)")
	}
	if chain == nil {
		return nil, fmt.Errorf("it holds a private key but no certificate: a PEM keystore holds the certificate chain and its private key")
	}
	c, err := tls.X509KeyPair(chain, key)
	if err != nil {
		return nil, fmt.Errorf("the certificate chain and the private key do not make a pair: %w", err)
	}
	return []tls.Certificate{c}, nil
}

func (s Store) pkcs12KeyStore(b []byte) ([]tls.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(b, s.Password)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return nil, fmt.Errorf("reading PKCS12 (check %s): %w", s.Keys.Password, err)
	case err != nil && strings.Contains(err.Error(), "private key missing"):
		return nil, fmt.Errorf("it holds no private key: a keystore holds the certificate chain and its private key (is it the truststore?)")
	case err != nil:
		return nil, fmt.Errorf("reading PKCS12 (check %s and that the file is a keystore): %w", s.Keys.Password, err)
	}
	return []tls.Certificate{certificate(key, append([]*x509.Certificate{leaf}, chain...))}, nil
}

func (s Store) jksKeyStore(b []byte) ([]tls.Certificate, error) {
	ks := keystore.New()
	if err := ks.Load(bytes.NewReader(b), []byte(s.Password)); err != nil {
		return nil, fmt.Errorf("reading JKS (check %s): %w", s.Keys.Password, err)
	}
	keyPasswordKey := s.Keys.KeyPassword
	if s.KeyPassword == "" {
		keyPasswordKey = s.Keys.Password
	}
	var out []tls.Certificate
	for _, alias := range ks.Aliases() {
		if !ks.IsPrivateKeyEntry(alias) {
			continue
		}
		e, err := ks.GetPrivateKeyEntry(alias, []byte(s.keyPassword()))
		if err != nil {
			return nil, fmt.Errorf("the key %q does not open (check %s): %w", alias, keyPasswordKey, err)
		}
		key, err := x509.ParsePKCS8PrivateKey(e.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("the key %q: %w", alias, err)
		}
		var chain []*x509.Certificate
		for _, c := range e.CertificateChain {
			cert, err := x509.ParseCertificate(c.Content)
			if err != nil {
				return nil, fmt.Errorf("the certificate chain of %q: %w", alias, err)
			}
			chain = append(chain, cert)
		}
		if len(chain) == 0 {
			return nil, fmt.Errorf("the key %q has no certificate", alias)
		}
		out = append(out, certificate(key, chain))
	}
	if len(out) == 0 {
		return nil, errors.New("it holds no private key entry: a keystore holds the certificate chain and its private key (is it the truststore?)")
	}
	return out, nil
}

func certificate(key crypto.PrivateKey, chain []*x509.Certificate) tls.Certificate {
	c := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, cert := range chain {
		c.Certificate = append(c.Certificate, cert.Raw)
	}
	return c
}

func pemCertificates(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			return out, nil
		}
		if blk.Type != "CERTIFICATE" {
			continue // a key in a truststore is not a trust anchor
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
}

func (s Store) pkcs12TrustStore(b []byte) ([]*x509.Certificate, error) {
	certs, err := pkcs12.DecodeTrustStore(b, s.Password)
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return nil, fmt.Errorf("reading PKCS12 (check %s): %w", s.Keys.Password, err)
	case err != nil:
		return nil, fmt.Errorf("reading PKCS12 (check %s and that the file is a truststore of trusted certificates, as keytool -importcert writes): %w", s.Keys.Password, err)
	}
	return certs, nil
}

func (s Store) jksTrustStore(b []byte) ([]*x509.Certificate, error) {
	ks := keystore.New()
	if err := ks.Load(bytes.NewReader(b), []byte(s.Password)); err != nil {
		return nil, fmt.Errorf("reading JKS (check %s): %w", s.Keys.Password, err)
	}
	var out []*x509.Certificate
	for _, alias := range ks.Aliases() {
		e, err := ks.GetTrustedCertificateEntry(alias)
		if err != nil {
			continue // a private key entry: not a trust anchor
		}
		c, err := x509.ParseCertificate(e.Certificate.Content)
		if err != nil {
			return nil, fmt.Errorf("the certificate %q: %w", alias, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("it holds no trusted certificate entry (is it the keystore?)")
	}
	return out, nil
}

func pemBlock(b []byte) *pem.Block {
	blk, _ := pem.Decode(b)
	return blk
}
