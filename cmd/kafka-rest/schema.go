package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// schemaTLS is the registry client's TLS from the schema.registry.ssl.*
// keys that were set; nil when none was.
func (c *config) schemaTLS() (*tls.Config, error) {
	set := make(map[string]string)
	for k := range c.given {
		if strings.HasPrefix(k, "schema.registry.ssl.") {
			set[k] = c.values[k]
		}
	}
	return kafka.TLSFromProperties("schema.registry.", set)
}

// embeddedSchemaRegistry reports whether the proxy runs its own development
// registry: with the embedded cluster, when schema.registry.url is not set.
func (c *config) embeddedSchemaRegistry() bool {
	return c.embedded() && !c.given["schema.registry.url"]
}

// schemaConfig is the registry client's configuration, with urls (the
// embedded registry's, or schema.registry.url); ok is false when the
// schema formats are off (schema.registry.url set empty).
func (c *config) schemaConfig(urls []string) (schema.Config, bool, error) {
	sc := schema.DefaultConfig()
	if len(urls) == 0 {
		return sc, false, nil
	}
	sc.URLs = urls
	switch {
	case strings.EqualFold(c.str("schema.registry.bearer.auth.credentials.source"), "STATIC_TOKEN"):
		sc.BearerToken = c.str("schema.registry.bearer.auth.token")
	case strings.EqualFold(c.str("schema.registry.basic.auth.credentials.source"), "USER_INFO"):
		sc.BasicAuthUser, sc.BasicAuthPassword, _ = strings.Cut(c.str("schema.registry.basic.auth.user.info"), ":")
	default: // URL: the user info of the first URL that has one
		for i, raw := range urls {
			u, err := url.Parse(raw)
			if err != nil || u.User == nil {
				continue
			}
			sc.BasicAuthUser = u.User.Username()
			sc.BasicAuthPassword, _ = u.User.Password()
			u.User = nil
			sc.URLs[i] = u.String()
		}
	}
	var err error
	if sc.TLS, err = c.schemaTLS(); err != nil {
		return sc, false, err
	}
	sc.KeyStrategy, _ = strategyOf(c.str("schema.registry.key.subject.name.strategy")) // validated by loadConfig
	sc.ValueStrategy, _ = strategyOf(c.str("schema.registry.value.subject.name.strategy"))
	sc.Timeout = c.ms("schema.registry.request.timeout.ms")
	sc.CacheSize = c.int("schema.registry.cache.schemas.max")
	sc.LatestTTL = c.ms("schema.registry.latest.cache.ttl.ms")
	sc.NullPublishesEmpty = c.bool("null.request.body.always.publishes.empty.record")
	return sc, true, nil
}

// startSchemaRegistry starts what the schema formats need: the embedded
// development registry when there is one to run, and the client. It
// returns a nil registry when the formats are off, and a stop function for
// the embedded registry (a no-op otherwise).
func startSchemaRegistry(c *config, log *slog.Logger) (*schema.Registry, func(), error) {
	urls := splitList(c.str("schema.registry.url"))
	stop := func() {}
	if c.embeddedSchemaRegistry() {
		e, err := embedded.StartRegistry(net.JoinHostPort("127.0.0.1", strconv.Itoa(c.int("embedded.schema.registry.port"))))
		if err != nil {
			return nil, stop, err
		}
		stop = e.Close
		urls = []string{e.URL()}
		log.Warn("EMBEDDED DEVELOPMENT SCHEMA REGISTRY: no schema.registry.url is set, so kafka-rest runs an in-memory Schema Registry for development only (no compatibility checks, no authentication, lost on exit)",
			"url", e.URL())
	}
	sc, ok, err := c.schemaConfig(urls)
	if err != nil || !ok {
		return nil, stop, err
	}
	reg, err := schema.New(sc)
	if err != nil {
		stop()
		return nil, func() {}, fmt.Errorf("schema registry: %w", err)
	}
	return reg, stop, nil
}
