package http

import (
	"strings"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// identify takes the caller's Kafka credentials from its Authorization
// header in identity pass-through mode and puts them into the request's
// context, where the actors find them: HTTP Basic credentials become the
// configured SASL PLAIN or SCRAM login, a bearer token an OAUTHBEARER one.
// Kafka checks them and its ACLs decide; the proxy's own authentication,
// when configured, runs before and is independent of this. A request
// without credentials of an accepted kind is 401 with WWW-Authenticate
// naming the kinds accepted.
func (s *Server) identify(c *call) error {
	id := s.sys.Identity()
	if !id.Enabled() || c.name == "api.v2.openapi.get" || c.name == "api.v3.openapi.get" {
		return nil // the API's description reaches no Kafka: it needs no identity
	}
	scheme, rest, _ := strings.Cut(strings.TrimSpace(c.r.Header.Get("Authorization")), " ")
	var cr kafka.Credentials
	switch {
	case strings.EqualFold(scheme, "Basic") && id.BasicMechanism != "":
		cr.User, cr.Password, _ = c.r.BasicAuth()
	case strings.EqualFold(scheme, "Bearer") && id.OAuthBearer:
		cr.Token = strings.TrimSpace(rest)
	}
	if cr.User == "" && cr.Token == "" {
		h := c.w.Header()
		if id.BasicMechanism != "" {
			h.Add("WWW-Authenticate", `Basic realm="kafka-rest", charset="UTF-8"`)
		}
		if id.OAuthBearer {
			h.Add("WWW-Authenticate", `Bearer realm="kafka-rest"`)
		}
		return kafka.ErrNoCredentials()
	}
	c.r = c.r.WithContext(kafka.WithCredentials(c.r.Context(), cr))
	return nil
}
