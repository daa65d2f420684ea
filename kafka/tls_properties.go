package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/internal/tlsstore"
)

// TLSFromProperties builds a client TLS configuration from Java-style
// ssl.* keys under prefix (for example "schema.registry."), read as the
// Kafka clients' keys are: JKS, PKCS12 or PEM stores. It returns nil when
// none of the keys is set.
func TLSFromProperties(prefix string, props map[string]string) (*tls.Config, error) {
	var t tlsSettings
	for key, v := range props {
		name, ok := strings.CutPrefix(key, prefix)
		if !ok || !strings.HasPrefix(name, "ssl.") || v == "" {
			continue
		}
		if err := t.set(name, key, v); err != nil {
			return nil, err
		}
	}
	if !t.any {
		return nil, nil
	}
	return t.config()
}

// tlsSettings collects the ssl.* keys of one client: of one role of the
// Kafka clients, or of the Schema Registry client.
type tlsSettings struct {
	any  bool
	keys []string

	// values and given are by the key's name after its prefix
	// ("ssl.truststore.location"): the value, and the key as given
	// ("producer.ssl.truststore.location"), for errors.
	values, given   map[string]string
	noHostnameCheck bool
}

func (t *tlsSettings) set(name, key, v string) error {
	t.any = true
	t.keys = append(t.keys, key)
	switch name {
	case "ssl.truststore.type", "ssl.keystore.type":
		if !tlsstore.ValidType(v) {
			return InvalidValue(key, v, "must be "+tlsstore.Types)
		}
	case "ssl.endpoint.identification.algorithm":
		switch strings.ToLower(v) {
		case "":
			t.noHostnameCheck = true
		case "https":
		default:
			return InvalidValue(key, v, `must be "https" or empty (no hostname verification)`)
		}
	}
	if t.values == nil {
		t.values, t.given = make(map[string]string), make(map[string]string)
	}
	t.values[name], t.given[name] = v, key
	return nil
}

// store is the keystore or the truststore the keys describe, with the
// names of its settings as given; ok is false when none is set.
func (t *tlsSettings) store(names tlsstore.Keys) (s tlsstore.Store, ok bool) {
	// A setting not given is named under the prefix of the one that was,
	// so that "check client.ssl.truststore.password" names the right key.
	prefix := ""
	for _, n := range []string{names.Location, names.PEM} {
		if k, ok := t.given[n]; ok {
			prefix = strings.TrimSuffix(k, n)
		}
	}
	name := func(n string) string {
		if k, ok := t.given[n]; ok {
			return k
		}
		return prefix + n
	}
	s = tlsstore.Store{
		Location: t.values[names.Location], PEM: t.values[names.PEM], Type: t.values[names.Type],
		Password: t.values[names.Password], KeyPassword: t.values[names.KeyPassword],
		Keys: tlsstore.Keys{Location: name(names.Location), PEM: name(names.PEM), Type: name(names.Type),
			Password: name(names.Password), KeyPassword: name(names.KeyPassword)},
	}
	return s, s.Location != "" || s.PEM != ""
}

func (t *tlsSettings) config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if trust, ok := t.store(tlsstore.TrustStoreKeys("")); ok {
		pool, err := trust.CertPool()
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	// Kafka's inline PEM keystore is two keys: the chain and the key.
	const chainName, keyName = "ssl.keystore.certificate.chain", "ssl.keystore.key"
	chain, key := t.values[chainName], t.values[keyName]
	if (chain == "") != (key == "") {
		given, missing := chainName, keyName
		if chain == "" {
			given, missing = keyName, chainName
		}
		return nil, fmt.Errorf("%s needs %s too: an inline PEM keystore is the certificate chain and its private key", t.given[given], strings.TrimSuffix(t.given[given], given)+missing)
	}
	if ks, ok := t.store(tlsstore.KeyStoreKeys("")); ok {
		if key != "" {
			if ks.Location != "" {
				return nil, fmt.Errorf("%s and %s are both set: set either the keystore's file or its inline PEM", ks.Keys.Location, t.given[keyName])
			}
			ks.PEM = chain + "\n" + key
		}
		certs, err := ks.Certificates()
		if err != nil {
			return nil, err
		}
		cfg.Certificates = certs
	}
	if t.noHostnameCheck {
		// Java's empty ssl.endpoint.identification.algorithm: verify the
		// chain but not the host name.
		roots := cfg.RootCAs
		cfg.InsecureSkipVerify = true
		cfg.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			certs := make([]*x509.Certificate, len(raw))
			for i, r := range raw {
				c, err := x509.ParseCertificate(r)
				if err != nil {
					return err
				}
				certs[i] = c
			}
			if len(certs) == 0 {
				return errors.New("the broker sent no certificate")
			}
			inter := x509.NewCertPool()
			for _, c := range certs[1:] {
				inter.AddCert(c)
			}
			_, err := certs[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter})
			return err
		}
	}
	return cfg, nil
}
