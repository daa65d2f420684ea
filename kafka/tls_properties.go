package kafka

import (
	"crypto/tls"
	"strings"
)

// TLSFromProperties builds a client TLS configuration from Java-style
// ssl.* keys under prefix (for example "schema.registry."), read as the
// Kafka clients' keys are: PEM material only. It returns nil when none of
// the keys is set.
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
