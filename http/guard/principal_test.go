package guard

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http/httptest"
	"testing"
)

// TestPrincipalInContext: what authentication establishes is what
// PrincipalFrom gives the code behind it (metrics, identity pass-through).
func TestPrincipalInContext(t *testing.T) {
	auth, err := NewBasicAuth("R", map[string]BasicUser{"alice": {Password: "s3cret", Roles: []string{"admin"}}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/v3/clusters", nil)
	req.SetBasicAuth("alice", "s3cret")
	r, err := AuthConfig{Authenticator: auth, Roles: []string{"*"}}.authenticate(req)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := PrincipalFrom(r.Context())
	if !ok || p.Name != "alice" || p.Scheme != "BASIC" || p.Password != "s3cret" || len(p.Roles) != 1 || p.Roles[0] != "admin" {
		t.Fatalf("principal %+v %v", p, ok)
	}
	if p.String() != "BASIC:alice" {
		t.Fatalf("String() = %q: it must not show the password", p.String())
	}

	// Skipped paths and NONE without a certificate carry no principal.
	req = httptest.NewRequest("GET", "/v3/openapi.yaml", nil)
	r, err = AuthConfig{Authenticator: auth, SkipPaths: []string{"*.yaml"}}.authenticate(req)
	if _, ok := PrincipalFrom(r.Context()); err != nil || ok {
		t.Fatalf("skipped path: %v, principal %v", err, ok)
	}

	// NONE with a verified client certificate: the certificate names the
	// caller.
	req = httptest.NewRequest("GET", "/v3/clusters", nil)
	cert := &x509.Certificate{Subject: pkix.Name{CommonName: "orders", Organization: []string{"shop"}}}
	req.TLS = &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{cert}}}
	r, err = AuthConfig{}.authenticate(req)
	if p, ok := PrincipalFrom(r.Context()); err != nil || !ok || p.Name != "CN=orders,O=shop" || p.Scheme != "CERT" {
		t.Fatalf("certificate principal %+v %v %v", p, ok, err)
	}
}

func TestDeobfuscate(t *testing.T) {
	for obf, plain := range map[string]string{
		"OBF:1v2j1uum1xtv1zej1zer1xtn1uvk1v1v": "password",
		"OBF:":                                 "",
	} {
		if got, err := deobfuscate(obf); err != nil || got != plain {
			t.Errorf("deobfuscate(%q) = %q, %v; want %q", obf, got, err, plain)
		}
	}
	if _, err := deobfuscate("OBF:1v2"); err == nil {
		t.Error("a cut value was accepted")
	}
}
