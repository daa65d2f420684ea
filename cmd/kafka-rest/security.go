package main

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/http/guard"
)

// jaasOption is how the reference's launcher is told the JAAS config.
const jaasOption = "-Djava.security.auth.login.config="

// jaasFromLauncher finds the JAAS config path in KAFKAREST_OPTS or
// KAFKA_REST_OPTS, where deployments of the reference put it.
func jaasFromLauncher(environ []string) string {
	for _, name := range []string{"KAFKAREST_OPTS=", "KAFKA_REST_OPTS="} {
		for _, kv := range environ {
			opts, ok := strings.CutPrefix(kv, name)
			if !ok {
				continue
			}
			for _, f := range strings.Fields(opts) {
				if v, ok := strings.CutPrefix(strings.Trim(f, `"'`), jaasOption); ok {
					return strings.Trim(v, `"'`)
				}
			}
		}
	}
	return ""
}

// guardConfig is authentication (less the authenticator, which needs a
// context: see authenticator), access lists, limits and CORS.
func (c *config) guardConfig() guard.Config {
	costs := make(map[string]int)
	for _, item := range splitList(c.str("rate.limit.costs")) {
		name, cost, _ := strings.Cut(item, "=")
		costs[strings.TrimSpace(name)], _ = strconv.Atoi(strings.TrimSpace(cost)) // validated by loadConfig
	}
	exempt, _ := prefixes(c.str("dos.filter.ip.whitelist"))                          // validated by loadConfig
	headers, _ := guard.ParseHeaderDirectives(c.str("response.http.headers.config")) // validated by loadConfig
	return guard.Config{
		Auth:      guard.AuthConfig{Roles: splitList(c.str("authentication.roles")), SkipPaths: splitList(c.str("authentication.skip.paths"))},
		AllowList: splitList(c.str("api.endpoints.allowlist")),
		BlockList: splitList(c.str("api.endpoints.blocklist")),
		RateLimit: guard.RateLimitConfig{
			Enabled:                 c.bool("rate.limit.enable"),
			PermitsPerSec:           c.int("rate.limit.permits.per.sec"),
			PerClusterPermitsPerSec: c.int("rate.limit.per.cluster.permits.per.sec"),
			Timeout:                 c.ms("rate.limit.timeout.ms"),
			DefaultCost:             c.int("rate.limit.default.cost"),
			Costs:                   costs,
		},
		ClientLimit: guard.ClientLimitConfig{
			Enabled:         c.bool("dos.filter.enabled"),
			PerSec:          c.int("dos.filter.max.requests.per.sec"),
			PerClientPerSec: c.int("dos.filter.max.requests.per.connection.per.sec"),
			MaxClients:      c.int("dos.filter.tracked.clients.max"),
			Exempt:          exempt,
		},
		CORS: guard.CORSConfig{
			AllowOrigin:  splitList(c.str("access.control.allow.origin")),
			AllowMethods: splitList(c.str("access.control.allow.methods")),
			AllowHeaders: splitList(c.str("access.control.allow.headers")),
		},
		ResponseHeaders: headers,
		MaxBodyBytes:    c.int64("max.request.body.size"),
		BodyTimeout:     c.ms("request.body.timeout.ms"),
	}
}

// authenticator is authentication.method: nil for NONE.
func (c *config) authenticator(ctx context.Context, log *slog.Logger) (guard.Authenticator, error) {
	switch strings.ToUpper(c.str("authentication.method")) {
	case "BASIC":
		users, err := basicUsers(c.str("java.security.auth.login.config"), c.str("authentication.realm"))
		if err != nil {
			return nil, err
		}
		return guard.NewBasicAuth(c.str("authentication.realm"), users)
	case "BEARER":
		return guard.NewBearerAuth(ctx, guard.BearerConfig{
			JWKSURL:        c.str("authentication.bearer.jwks.url"),
			JWKSFile:       c.str("authentication.bearer.jwks.file"),
			Refresh:        c.ms("authentication.bearer.jwks.refresh.ms"),
			Issuer:         c.str("authentication.bearer.issuer"),
			Audience:       splitList(c.str("authentication.bearer.audience")),
			PrincipalClaim: c.str("authentication.bearer.principal.claim"),
			RolesClaim:     c.str("authentication.bearer.roles.claim"),
			Leeway:         c.ms("authentication.bearer.clock.skew.ms"),
			Realm:          c.str("authentication.realm"),
		}, log)
	}
	return nil, nil
}

// tlsConfig is the ssl.* keys of https listeners.
func (c *config) tlsConfig() guard.TLSConfig {
	clientAuth := strings.ToUpper(c.str("ssl.client.authentication"))
	if clientAuth == "NONE" && c.bool("ssl.client.auth") {
		clientAuth = "REQUIRED"
	}
	return guard.TLSConfig{
		KeystoreLocation:   c.str("ssl.keystore.location"),
		KeystoreType:       c.str("ssl.keystore.type"),
		KeystorePassword:   c.str("ssl.keystore.password"),
		KeyPassword:        c.str("ssl.key.password"),
		TruststoreLocation: c.str("ssl.truststore.location"),
		TruststoreType:     c.str("ssl.truststore.type"),
		TruststorePassword: c.str("ssl.truststore.password"),
		ClientAuth:         clientAuth,
		Protocol:           c.str("ssl.protocol"),
		EnabledProtocols:   splitList(c.str("ssl.enabled.protocols")),
		CipherSuites:       splitList(c.str("ssl.cipher.suites")),
		Reload:             c.bool("ssl.keystore.reload"),
		WatchLocation:      c.str("ssl.keystore.watch.location"),
		ReloadInterval:     c.ms("ssl.keystore.reload.check.ms"),
		HTTP2:              c.bool("http2.enabled"),
	}
}

// hasHTTPS reports whether a listener is https.
func (c *config) hasHTTPS() bool {
	for _, l := range c.listeners() {
		if strings.EqualFold(l.Scheme, "https") {
			return true
		}
	}
	return false
}
