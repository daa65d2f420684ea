package http_test

import (
	"slices"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// passThroughProxy is a proxy that passes each caller's credentials to
// the cluster at bootstrap: HTTP Basic as basicMechanism, bearer tokens
// as OAUTHBEARER. check is the cluster its checking client reads.
func passThroughProxy(t *testing.T, check, bootstrap, basicMechanism string, maxClients int) *proxy {
	t.Helper()
	return startProxyWith(t, check, nil, func(a *actors.Config) {
		id := kafka.DefaultIdentityConfig()
		id.BasicMechanism, id.OAuthBearer, id.MaxClients = basicMechanism, true, maxClients
		a.Kafka = kafka.Config{BootstrapServers: []string{bootstrap},
			Properties: map[string]string{"client.security.protocol": "SASL_PLAINTEXT"}, Identity: id}
	})
}

// TestIdentityPassThroughNeedsCredentials: in pass-through mode a request
// without credentials of an accepted kind never reaches Kafka: 401 in the
// error model, with a WWW-Authenticate challenge for each kind.
func TestIdentityPassThroughNeedsCredentials(t *testing.T) {
	bootstrap := target(t)
	p := passThroughProxy(t, bootstrap, bootstrap, "PLAIN", 10)
	const msg = "Unauthorized: this proxy passes each caller's identity to Kafka; send your Kafka credentials (HTTP Basic or a bearer token, as WWW-Authenticate says)."
	for _, tc := range []struct {
		method, path, body string
		headers            []string
	}{
		{"GET", "/v3/clusters", "", nil},
		{"GET", "/v3/clusters", "", []string{"Authorization: Digest username=alice"}},
		{"GET", "/v3/clusters", "", []string{"Authorization: Basic !!!"}},
		{"GET", "/v3/clusters", "", []string{"Authorization: Bearer "}},
		{"GET", "/v3/clusters", "", []string{basic(":secret")}},
		{"POST", "/v3/clusters/c/topics/t/records", `{"value":{"type":"STRING","data":"x"}}`, []string{"Content-Type: application/json"}},
		{"GET", "/topics", "", nil},
		{"POST", "/consumers/g", `{"name":"i"}`, []string{"Content-Type: application/vnd.kafka.v2+json"}},
	} {
		r := p.do(t, tc.method, tc.path, tc.body, tc.headers...)
		ct := "application/json"
		if tc.path[1] != 'v' {
			ct = v2CT
		}
		r.expectError(t, 401, 401, msg, ct)
		got := r.header.Values("WWW-Authenticate")
		if want := []string{`Basic realm="kafka-rest", charset="UTF-8"`, `Bearer realm="kafka-rest"`}; !slices.Equal(got, want) {
			t.Fatalf("%s %s: WWW-Authenticate %q, want %q", tc.method, tc.path, got, want)
		}
	}
	if n := p.sys.Consumers().Live(); n != 0 {
		t.Fatalf("%d consumer instances were created without credentials", n)
	}
	if n := p.sys.IdentityClients(); n != 0 {
		t.Fatalf("%d Kafka clients were made without credentials", n)
	}
}

// TestIdentityPassThroughBearerOnly: with only bearer tokens passed
// through, Basic credentials are not accepted, and the challenge says
// Bearer only.
func TestIdentityPassThroughBearerOnly(t *testing.T) {
	bootstrap := target(t)
	p := passThroughProxy(t, bootstrap, bootstrap, "", 10)
	r := p.do(t, "GET", "/v3/clusters", "", basic("alice:alice-secret"))
	r.expect(t, 401, "application/json")
	if got := r.header.Values("WWW-Authenticate"); !slices.Equal(got, []string{`Bearer realm="kafka-rest"`}) {
		t.Fatalf("WWW-Authenticate %q", got)
	}
}
