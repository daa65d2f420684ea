package kafka

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/twmb/franz-go/pkg/sasl"
)

// Credentials are a caller's own Kafka credentials, taken from its HTTP
// request in identity pass-through mode: a user name and password (HTTP
// Basic) or a bearer token. Requests that carry them reach Kafka as that
// caller, so that Kafka's ACLs decide.
type Credentials struct {
	User, Password string
	// Token is a bearer token, passed on as SASL OAUTHBEARER; User and
	// Password are then empty.
	Token string
}

// credentialsKey is the context key of a request's Credentials.
type credentialsKey struct{}

// WithCredentials returns ctx carrying the caller's credentials: the
// clients of every Kafka call made with it authenticate with them.
func WithCredentials(ctx context.Context, c Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

// CredentialsFrom returns the caller's credentials carried by ctx.
func CredentialsFrom(ctx context.Context) (Credentials, bool) {
	c, ok := ctx.Value(credentialsKey{}).(Credentials)
	return c, ok
}

// IdentityConfig says whether and how callers' credentials are passed
// through to Kafka, and bounds the clients that costs.
type IdentityConfig struct {
	// BasicMechanism is the SASL mechanism HTTP Basic credentials become:
	// PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty: they are not passed
	// through.
	BasicMechanism string
	// OAuthBearer passes bearer tokens through as SASL OAUTHBEARER.
	OAuthBearer bool
	// MaxClients bounds the live per-caller clients (least recently used
	// idle ones close first); IdleTimeout closes one nobody used for that
	// long.
	MaxClients  int
	IdleTimeout time.Duration
	// AcquireWait bounds how long a request waits for a client when all
	// MaxClients are in use by other callers; it is then answered 429.
	AcquireWait time.Duration
}

// DefaultIdentityConfig is pass-through off, with the bounds that apply
// when it is turned on.
func DefaultIdentityConfig() IdentityConfig {
	return IdentityConfig{MaxClients: 1000, IdleTimeout: 5 * time.Minute, AcquireWait: 10 * time.Second}
}

// Enabled reports whether any credentials are passed through.
func (c IdentityConfig) Enabled() bool { return c.BasicMechanism != "" || c.OAuthBearer }

// ParsePassThrough reads the value of kafka.identity.passthrough: NONE, or
// a comma list of at most one of SASL_PLAIN, SASL_SCRAM_SHA_256 and
// SASL_SCRAM_SHA_512 (what HTTP Basic credentials become) and OAUTHBEARER
// (bearer tokens).
func ParsePassThrough(v string) (basicMechanism string, oauthBearer bool, err error) {
	const allowed = "must be NONE or a comma list of one of SASL_PLAIN, SASL_SCRAM_SHA_256, SASL_SCRAM_SHA_512 and/or OAUTHBEARER"
	var items []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.ToUpper(strings.TrimSpace(s)); s != "" {
			items = append(items, s)
		}
	}
	for _, s := range items {
		switch s {
		case "NONE":
			if len(items) > 1 {
				return "", false, fmt.Errorf("%s: NONE stands alone", allowed)
			}
		case "SASL_PLAIN", "SASL_SCRAM_SHA_256", "SASL_SCRAM_SHA_512":
			if basicMechanism != "" {
				return "", false, fmt.Errorf("%s: HTTP Basic credentials become one SASL mechanism only", allowed)
			}
			basicMechanism = strings.ReplaceAll(strings.TrimPrefix(s, "SASL_"), "_", "-")
		case "OAUTHBEARER":
			oauthBearer = true
		default:
			return "", false, fmt.Errorf("%s", allowed)
		}
	}
	return basicMechanism, oauthBearer, nil
}

// mechanism is the SASL mechanism c authenticates with under cfg.
func (c Credentials) mechanism(cfg IdentityConfig) string {
	if c.Token != "" {
		return "OAUTHBEARER"
	}
	return cfg.BasicMechanism
}

// key tells clients of different credentials apart. The secret is part
// of it (hashed), so that a caller who knows alice's name but not her
// password never gets the client that authenticated as alice.
func (c Credentials) key(cfg IdentityConfig) string {
	secret := c.Password
	if c.Token != "" {
		secret = c.Token
	}
	h := sha256.Sum256([]byte(secret))
	return c.mechanism(cfg) + "\x00" + c.User + "\x00" + hex.EncodeToString(h[:])
}

// ErrNoCredentials is the answer to a request without credentials when
// pass-through is on: nothing may reach Kafka as the proxy itself.
func ErrNoCredentials() *apierr.Error {
	return apierr.New(apierr.CodeUnauthorized, "Unauthorized: this proxy passes each caller's identity to Kafka; send your Kafka credentials (HTTP Basic or a bearer token, as WWW-Authenticate says).")
}

// refusableOAuth is franz-go's OAUTHBEARER mechanism with the client's half
// of a refusal as KIP-255 has it: a broker that refuses the token answers
// with an error document where success is empty, and waits for %x01 before
// it ends the exchange with SASL_AUTHENTICATION_FAILED. franz-go's session
// gives up at the document with an error of its own, which no one can tell
// from a broken connection: an expired token would then be retried as a
// network failure is, until the records' deadline.
type refusableOAuth struct{ sasl.Mechanism }

// Authenticate implements sasl.Mechanism.
func (m refusableOAuth) Authenticate(ctx context.Context, host string) (sasl.Session, []byte, error) {
	s, first, err := m.Mechanism.Authenticate(ctx, host)
	if err != nil {
		return nil, nil, err
	}
	return refusableOAuthSession{s}, first, nil
}

type refusableOAuthSession struct{ sasl.Session }

// Challenge implements sasl.Session.
func (s refusableOAuthSession) Challenge(resp []byte) (bool, []byte, error) {
	if len(resp) != 0 { // the broker's error document
		return false, []byte{0x01}, nil
	}
	return s.Session.Challenge(resp)
}
