package guard

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

// jksMagic starts every JKS file; a "JKS" store without it is PKCS12, which
// Java reads for either type too (keystore.type.compat).
const jksMagic = "\xfe\xed\xfe\xed"

// loadKeyStore reads the server's certificates and keys from a PEM file
// (certificate chain and private key), a PKCS12 file or a JKS file. Every
// private key entry of a JKS store becomes a certificate; TLS picks one by
// the client's server name.
func loadKeyStore(path, storeType, storePassword, keyPassword string) ([]tls.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if keyPassword == "" {
		keyPassword = storePassword
	}
	switch storeKind(storeType, b) {
	case "PEM":
		c, err := tls.X509KeyPair(b, b)
		if err != nil {
			return nil, fmt.Errorf("a PEM keystore holds the certificate chain and an unencrypted private key: %w", err)
		}
		return []tls.Certificate{c}, nil
	case "PKCS12":
		key, leaf, chain, err := pkcs12.DecodeChain(b, storePassword)
		if err != nil {
			return nil, fmt.Errorf("reading PKCS12 (check ssl.keystore.password): %w", err)
		}
		return []tls.Certificate{certificate(key, append([]*x509.Certificate{leaf}, chain...))}, nil
	default:
		ks := keystore.New()
		if err := ks.Load(bytes.NewReader(b), []byte(storePassword)); err != nil {
			return nil, fmt.Errorf("reading JKS (check ssl.keystore.password): %w", err)
		}
		var out []tls.Certificate
		for _, alias := range ks.Aliases() {
			if !ks.IsPrivateKeyEntry(alias) {
				continue
			}
			e, err := ks.GetPrivateKeyEntry(alias, []byte(keyPassword))
			if err != nil {
				return nil, fmt.Errorf("the key %q (check ssl.key.password): %w", alias, err)
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
			return nil, errors.New("the JKS keystore has no private key entry")
		}
		return out, nil
	}
}

func certificate(key crypto.PrivateKey, chain []*x509.Certificate) tls.Certificate {
	c := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, cert := range chain {
		c.Certificate = append(c.Certificate, cert.Raw)
	}
	return c
}

// loadTrustStore reads the certificates that sign trusted client
// certificates: PEM, PKCS12 or JKS.
func loadTrustStore(path, storeType, password string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	switch storeKind(storeType, b) {
	case "PEM":
		if !pool.AppendCertsFromPEM(b) {
			return nil, errors.New("no PEM certificate in the truststore")
		}
	case "PKCS12":
		certs, err := pkcs12.DecodeTrustStore(b, password)
		if err != nil {
			return nil, fmt.Errorf("reading PKCS12 (check ssl.truststore.password): %w", err)
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
	default:
		ks := keystore.New()
		if err := ks.Load(bytes.NewReader(b), []byte(password)); err != nil {
			return nil, fmt.Errorf("reading JKS (check ssl.truststore.password): %w", err)
		}
		n := 0
		for _, alias := range ks.Aliases() {
			e, err := ks.GetTrustedCertificateEntry(alias)
			if err != nil {
				continue // a private key entry: not a trust anchor
			}
			c, err := x509.ParseCertificate(e.Certificate.Content)
			if err != nil {
				return nil, fmt.Errorf("the certificate %q: %w", alias, err)
			}
			pool.AddCert(c)
			n++
		}
		if n == 0 {
			return nil, errors.New("the JKS truststore has no trusted certificate entry")
		}
	}
	return pool, nil
}

// storeKind is PEM, PKCS12 or JKS: the configured type, except that a JKS
// store that is really PKCS12 is read as one, as Java does.
func storeKind(storeType string, b []byte) string {
	switch {
	case strings.EqualFold(storeType, "PEM") || pemLike(b):
		return "PEM"
	case strings.EqualFold(storeType, "PKCS12") || !bytes.HasPrefix(b, []byte(jksMagic)):
		return "PKCS12"
	}
	return "JKS"
}

func pemLike(b []byte) bool {
	blk, _ := pem.Decode(b)
	return blk != nil
}
