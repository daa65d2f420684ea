package http_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
)

const unauthorizedBasic = "Unauthorized: send HTTP Basic credentials (Authorization: Basic ...)"

func TestBasicAuth(t *testing.T) {
	bootstrap := target(t)
	md5sum := md5.Sum([]byte("carol-secret"))
	users := map[string]guard.BasicUser{
		"alice": {Password: "alice-secret", Roles: []string{"admin", "user"}},
		// Jetty's obfuscation of "password", as its password tool prints it.
		"bob":   {Password: "OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v", Roles: []string{"user"}},
		"carol": {Password: "MD5:" + hex.EncodeToString(md5sum[:]), Roles: []string{"user"}},
		"dave":  {Password: "dave-secret", Roles: []string{"guest"}},
	}
	auth, err := guard.NewBasicAuth("KafkaRest", users)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.Auth = guard.AuthConfig{Authenticator: auth, Roles: []string{"admin", "user"}, SkipPaths: []string{"/v3/openapi.yaml", "/v2/*"}}
		c.Guard.BlockList = []string{"api.v3.acls.*"}
	})
	id := clusterID(t, p)

	r := p.do(t, "GET", "/v3/clusters", "")
	r.expectError(t, 401, 401, unauthorizedBasic, "application/json")
	if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="KafkaRest"` {
		t.Fatalf("WWW-Authenticate %q", got)
	}
	for _, cred := range []string{"alice:wrong", "nobody:alice-secret", "bob:OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v", "carol:MD5:" + hex.EncodeToString(md5sum[:])} {
		p.do(t, "GET", "/v3/clusters", "", basic(cred)).expectError(t, 401, 401, "Unauthorized: wrong user name or password", "application/json")
	}
	for _, cred := range []string{"alice:alice-secret", "bob:password", "carol:carol-secret"} {
		p.do(t, "GET", "/v3/clusters", "", basic(cred)).expect(t, 200, "application/json")
	}
	p.do(t, "GET", "/v3/clusters", "", basic("dave:dave-secret")).
		expectError(t, 403, 403, "Forbidden: dave has none of the roles this proxy requires (admin, user).", "application/json")
	// A write needs the same: nothing reaches Kafka without credentials.
	topic := uniqueName(t, "auth")
	deleteAtEnd(t, p, topic)
	body := fmt.Sprintf(`{"topic_name":%q,"partitions_count":1,"replication_factor":1}`, topic)
	p.do(t, "POST", "/v3/clusters/"+id+"/topics", body, "Content-Type: application/json").expect(t, 401, "application/json")
	if td, err := p.admin.ListTopics(context.Background(), topic); err != nil || td.Has(topic) {
		t.Fatalf("an unauthenticated create reached Kafka: %v", err)
	}
	p.do(t, "POST", "/v3/clusters/"+id+"/topics", body, "Content-Type: application/json", basic("alice:alice-secret")).expect(t, 201, "application/json")
	awaitTopic(t, p, topic)
	// Skipped paths need no credentials; unknown ones do.
	p.do(t, "GET", "/v3/openapi.yaml", "").expect(t, 200, "application/yaml")
	p.do(t, "GET", "/v2/openapi.yaml", "").expect(t, 200, "application/yaml")
	p.do(t, "GET", "/v3/nowhere", "").expect(t, 401, "application/json")
	// A blocked endpoint answers as absent before asking who calls.
	p.do(t, "GET", "/v3/clusters/"+id+"/acls", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")

	if _, err := guard.NewBasicAuth("R", map[string]guard.BasicUser{"x": {Password: "CRYPT:adpexzg3FUZAk"}}); err == nil || !strings.Contains(err.Error(), "CRYPT: passwords are not supported") {
		t.Errorf("CRYPT password: %v", err)
	}
}

// basic is the Authorization header of HTTP Basic credentials, "user:password".
func basic(userPass string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(userPass))
}

// signer is a key of a JWK Set that signs tokens.
type signer struct {
	kid string
	key *ecdsa.PrivateKey
}

func newSigner(t *testing.T, kid string) signer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return signer{kid, key}
}

// jwks is the JWK Set of the public halves of signers.
func jwks(signers ...signer) []byte {
	var keys []string
	for _, s := range signers {
		b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
		pub, _ := s.key.PublicKey.Bytes() // 0x04 || X || Y
		keys = append(keys, fmt.Sprintf(`{"kty":"EC","crv":"P-256","kid":%q,"alg":"ES256","use":"sig","x":%q,"y":%q}`,
			s.kid, b64(pub[1:33]), b64(pub[33:])))
	}
	return []byte(`{"keys":[` + strings.Join(keys, ",") + `]}`)
}

func (s signer) token(t *testing.T, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.key)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func bearer(token string) string { return "Authorization: Bearer " + token }

func TestBearerAuthJWKSFile(t *testing.T) {
	bootstrap := target(t)
	k1, k2 := newSigner(t, "k1"), newSigner(t, "k2")
	file := filepath.Join(t.TempDir(), "jwks.json")
	writeRaw(t, file, jwks(k1))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	auth, err := guard.NewBearerAuth(ctx, guard.BearerConfig{
		JWKSFile: file, Refresh: 20 * time.Millisecond, Issuer: "https://idp.example.com", Audience: []string{"kafka-rest"},
		RolesClaim: "realm_access.roles", Realm: "KafkaRest",
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.Auth = guard.AuthConfig{Authenticator: auth, Roles: []string{"kafka-user"}}
	})
	now := time.Now()
	good := jwt.MapClaims{"sub": "alice", "iss": "https://idp.example.com", "aud": []string{"kafka-rest", "other"},
		"exp": now.Add(time.Hour).Unix(), "realm_access": map[string]any{"roles": []string{"kafka-user"}}}
	with := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{}
		for k, v := range good {
			c[k] = v
		}
		edit(c)
		return c
	}

	r := p.do(t, "GET", "/v3/clusters", "")
	r.expectError(t, 401, 401, "Unauthorized: send a bearer token (Authorization: Bearer <JWT>)", "application/json")
	if got := r.header.Get("WWW-Authenticate"); got != `Bearer realm="KafkaRest"` {
		t.Fatalf("WWW-Authenticate %q", got)
	}
	p.do(t, "GET", "/v3/clusters", "", bearer(k1.token(t, good))).expect(t, 200, "application/json")

	for name, tc := range map[string]struct {
		token, message string
	}{
		"expired":        {k1.token(t, with(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Hour).Unix() })), "token is expired"},
		"no expiry":      {k1.token(t, with(func(c jwt.MapClaims) { delete(c, "exp") })), "exp claim is required"},
		"wrong issuer":   {k1.token(t, with(func(c jwt.MapClaims) { c["iss"] = "https://evil.example.com" })), "token has invalid issuer"},
		"wrong audience": {k1.token(t, with(func(c jwt.MapClaims) { c["aud"] = "someone-else" })), "token has invalid audience"},
		"unknown key":    {k2.token(t, good), "could not read JWK from storage"},
		"HMAC":           {hmacToken(t, good), "signing method HS256 is invalid"},
		"garbage":        {"not.a.jwt", "token is malformed"},
	} {
		r := p.do(t, "GET", "/v3/clusters", "", bearer(tc.token))
		r.expect(t, 401, "application/json")
		if !strings.Contains(string(r.body), tc.message) {
			t.Errorf("%s: body %s does not say %q", name, r.body, tc.message)
		}
		if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, `Bearer realm="KafkaRest", error="invalid_token", error_description="`) {
			t.Errorf("%s: WWW-Authenticate %q", name, got)
		}
	}
	p.do(t, "GET", "/v3/clusters", "", bearer(k1.token(t, with(func(c jwt.MapClaims) { c["realm_access"] = map[string]any{"roles": []string{"viewer"}} })))).
		expectError(t, 403, 403, "Forbidden: alice has none of the roles this proxy requires (kafka-user).", "application/json")

	// The identity provider rotates its keys: the file is rewritten and the
	// new key is taken without a restart.
	writeRaw(t, file, jwks(k2))
	eventually(t, "the rotated JWK Set to be taken", func() error {
		if r := p.do(t, "GET", "/v3/clusters", "", bearer(k2.token(t, good))); r.status != 200 {
			return fmt.Errorf("status %d: %s", r.status, r.body)
		}
		return nil
	})
	p.do(t, "GET", "/v3/clusters", "", bearer(k1.token(t, good))).expect(t, 401, "application/json")
}

func hmacToken(t *testing.T, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	tok.Header["kid"] = "k1"
	s, err := tok.SignedString([]byte("a shared secret"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBearerAuthJWKSURL(t *testing.T) {
	bootstrap := target(t)
	k1, k2 := newSigner(t, "k1"), newSigner(t, "k2")
	var set atomic.Pointer[[]byte]
	b := jwks(k1)
	set.Store(&b)
	var fetches atomic.Int32
	idp := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(*set.Load())
	}))
	t.Cleanup(idp.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	auth, err := guard.NewBearerAuth(ctx, guard.BearerConfig{JWKSURL: idp.URL + "/jwks.json", Refresh: 50 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.Auth = guard.AuthConfig{Authenticator: auth, Roles: []string{"*"}}
	})
	claims := jwt.MapClaims{"sub": "svc-orders", "exp": time.Now().Add(time.Hour).Unix()}
	p.do(t, "GET", "/v3/clusters", "", bearer(k1.token(t, claims))).expect(t, 200, "application/json")
	p.do(t, "GET", "/v3/clusters", "", bearer(k2.token(t, claims))).expect(t, 401, "application/json")
	b2 := jwks(k1, k2)
	set.Store(&b2)
	eventually(t, "the refreshed JWK Set to be taken", func() error {
		if r := p.do(t, "GET", "/v3/clusters", "", bearer(k2.token(t, claims))); r.status != 200 {
			return fmt.Errorf("status %d after %d fetches", r.status, fetches.Load())
		}
		return nil
	})

	if _, err := guard.NewBearerAuth(ctx, guard.BearerConfig{JWKSURL: "http://127.0.0.1:1/jwks.json"}, slog.Default()); err == nil {
		t.Error("an unreachable JWK Set URL was accepted at start")
	}
}
