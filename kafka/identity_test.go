package kafka

import (
	"context"
	"strings"
	"testing"
)

func TestParsePassThrough(t *testing.T) {
	for _, tc := range []struct {
		in     string
		basic  string
		bearer bool
		err    string
	}{
		{"NONE", "", false, ""},
		{"", "", false, ""},
		{"SASL_PLAIN", "PLAIN", false, ""},
		{" sasl_scram_sha_256 ", "SCRAM-SHA-256", false, ""},
		{"SASL_SCRAM_SHA_512,OAUTHBEARER", "SCRAM-SHA-512", true, ""},
		{"OAUTHBEARER", "", true, ""},
		{"NONE,SASL_PLAIN", "", false, "NONE stands alone"},
		{"SASL_PLAIN,SASL_SCRAM_SHA_256", "", false, "one SASL mechanism only"},
		{"GSSAPI", "", false, "must be NONE or a comma list"},
	} {
		basic, bearer, err := ParsePassThrough(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || basic != tc.basic || bearer != tc.bearer {
			t.Errorf("%q: %q %v %v, want %q %v", tc.in, basic, bearer, err, tc.basic, tc.bearer)
		}
	}
}

// TestOptionsForCallers: in pass-through mode a client is only ever built
// with the caller's credentials, of a kind the configuration accepts.
func TestOptionsForCallers(t *testing.T) {
	cfg := Config{BootstrapServers: []string{"k:9092"}, Properties: map[string]string{"client.security.protocol": "SASL_SSL"},
		Identity: IdentityConfig{BasicMechanism: "PLAIN"}}
	if _, err := cfg.OptionsFor(context.Background(), RoleConsumer); Translate(err).Status != 401 {
		t.Fatalf("no credentials: %v, want 401", err)
	}
	bearer := WithCredentials(context.Background(), Credentials{Token: "t"})
	if _, err := cfg.OptionsFor(bearer, RoleConsumer); Translate(err).Status != 401 {
		t.Fatalf("a bearer token with only Basic passed through: %v, want 401", err)
	}
	if _, err := cfg.OptionsFor(WithCredentials(context.Background(), Credentials{User: "a", Password: "b"}), RoleConsumer); err != nil {
		t.Fatal(err)
	}
	// Without pass-through, the proxy's own options, whatever the context.
	cfg.Identity = IdentityConfig{}
	cfg.Properties = nil
	if _, err := cfg.OptionsFor(bearer, RoleConsumer); err != nil {
		t.Fatal(err)
	}
	plainID := IdentityConfig{BasicMechanism: "PLAIN"}
	if (Credentials{User: "a", Password: "b"}).key(plainID) == (Credentials{User: "a", Password: "c"}).key(plainID) {
		t.Fatal("two passwords share a client key")
	}
}
