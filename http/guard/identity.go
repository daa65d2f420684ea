package guard

import (
	"strings"

	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// Identify returns identity pass-through's hook for rest.API.Identify, or
// nil when id is not enabled. The hook takes the caller's Kafka
// credentials from its Authorization header and puts them into the
// request's context, where the actors find them: HTTP Basic credentials
// become the configured SASL PLAIN or SCRAM login, a bearer token an
// OAUTHBEARER one. Kafka checks them and its ACLs decide; the proxy's own
// authentication, when configured, runs before and is independent of this.
// A request without credentials of an accepted kind is 401 with
// WWW-Authenticate naming the kinds accepted.
func Identify(id kafka.IdentityConfig) func(*rest.Call) error {
	if !id.Enabled() {
		return nil
	}
	return func(c *rest.Call) error {
		if c.Name == "api.v2.openapi.get" || c.Name == "api.v3.openapi.get" {
			return nil // the API's description reaches no Kafka: it needs no identity
		}
		scheme, token, _ := strings.Cut(strings.TrimSpace(c.R.Header.Get("Authorization")), " ")
		var cr kafka.Credentials
		switch {
		case strings.EqualFold(scheme, "Basic") && id.BasicMechanism != "":
			cr.User, cr.Password, _ = c.R.BasicAuth()
		case strings.EqualFold(scheme, "Bearer") && id.OAuthBearer:
			cr.Token = strings.TrimSpace(token)
		}
		if cr.User == "" && cr.Token == "" {
			h := c.W.Header()
			if id.BasicMechanism != "" {
				h.Add("WWW-Authenticate", `Basic realm="kafka-rest", charset="UTF-8"`)
			}
			if id.OAuthBearer {
				h.Add("WWW-Authenticate", `Bearer realm="kafka-rest"`)
			}
			return kafka.ErrNoCredentials()
		}
		c.R = c.R.WithContext(kafka.WithCredentials(c.R.Context(), cr))
		return nil
	}
}
