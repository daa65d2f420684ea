package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// BearerConfig is authentication.method=BEARER: JSON Web Tokens signed by a
// key of a JWK Set.
type BearerConfig struct {
	// JWKSURL is fetched at start and every Refresh; JWKSFile is read at
	// start and again whenever it changes (checked every Refresh). One
	// of them is set.
	JWKSURL, JWKSFile string
	Refresh           time.Duration
	// Issuer, when set, must be the token's iss.
	Issuer string
	// Audience, when set, must include one of the token's aud.
	Audience []string
	// PrincipalClaim names the caller (default sub); RolesClaim holds its
	// roles, a list or a space-separated string, with dots for nested
	// claims (realm_access.roles); default roles.
	PrincipalClaim, RolesClaim string
	// Leeway is the clock skew allowed on exp and nbf.
	Leeway time.Duration
	// Realm is the realm of the challenge.
	Realm string
}

// bearerMethods are the signature algorithms accepted: asymmetric only, so
// that a public key in a JWK Set can never be used as an HMAC secret.
func bearerMethods() []string {
	return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
}

type bearerAuth struct {
	cfg    BearerConfig
	keys   atomic.Pointer[keyfunc.Keyfunc]
	parser *jwt.Parser
}

// NewBearerAuth loads the JWK Set and keeps it fresh until ctx ends.
func NewBearerAuth(ctx context.Context, cfg BearerConfig, log *slog.Logger) (Authenticator, error) {
	if cfg.PrincipalClaim == "" {
		cfg.PrincipalClaim = "sub"
	}
	if cfg.RolesClaim == "" {
		cfg.RolesClaim = "roles"
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = time.Hour
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(bearerMethods()), jwt.WithExpirationRequired(), jwt.WithLeeway(cfg.Leeway)}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if len(cfg.Audience) > 0 {
		opts = append(opts, jwt.WithAudience(cfg.Audience...))
	}
	a := &bearerAuth{cfg: cfg, parser: jwt.NewParser(opts...)}
	switch {
	case cfg.JWKSURL != "":
		fail := false
		k, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{cfg.JWKSURL}, keyfunc.Override{
			Client:                    &http.Client{Timeout: 30 * time.Second},
			RefreshInterval:           cfg.Refresh,
			NoErrorReturnFirstHTTPReq: &fail,
			RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
				return func(_ context.Context, err error) {
					log.Warn("refreshing the JWK Set failed; keeping the previous keys", "url", u, "error", err)
				}
			},
		})
		if err != nil {
			return nil, fmt.Errorf("fetching the JWK Set at %s (check authentication.bearer.jwks.url): %w", cfg.JWKSURL, err)
		}
		a.keys.Store(&k)
	case cfg.JWKSFile != "":
		if err := a.loadFile(); err != nil {
			return nil, err
		}
		go watchFiles(ctx, []string{cfg.JWKSFile}, cfg.Refresh, log, "the JWK Set", a.loadFile)
	default:
		return nil, errors.New("BEARER needs authentication.bearer.jwks.url or authentication.bearer.jwks.file")
	}
	return a, nil
}

func (a *bearerAuth) loadFile() error {
	b, err := os.ReadFile(a.cfg.JWKSFile)
	if err != nil {
		return fmt.Errorf("reading the JWK Set (check authentication.bearer.jwks.file): %w", err)
	}
	k, err := keyfunc.NewJWKSetJSON(b)
	if err != nil {
		return fmt.Errorf("%s is not a JWK Set: %w", a.cfg.JWKSFile, err)
	}
	a.keys.Store(&k)
	return nil
}

var errNoBearer = errors.New("send a bearer token (Authorization: Bearer <JWT>)")

func (a *bearerAuth) Authenticate(r *http.Request) (Principal, error) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return Principal{}, errNoBearer
	}
	token = strings.TrimSpace(token)
	keys := *a.keys.Load()
	claims := jwt.MapClaims{}
	if _, err := a.parser.ParseWithClaims(token, claims, keys.KeyfuncCtx(r.Context())); err != nil {
		return Principal{}, fmt.Errorf("the bearer token is not valid: %w", err)
	}
	name, _ := claimAt(claims, a.cfg.PrincipalClaim).(string)
	if name == "" {
		return Principal{}, fmt.Errorf("the bearer token has no %s claim to name its principal", a.cfg.PrincipalClaim)
	}
	return Principal{Name: name, Roles: rolesOf(claimAt(claims, a.cfg.RolesClaim)), Scheme: "BEARER", Token: token}, nil
}

func (a *bearerAuth) Challenge(err error) string {
	c := "Bearer " + challengeParam("realm", a.cfg.Realm)
	if !errors.Is(err, errNoBearer) {
		// RFC 6750: a token was sent and refused.
		c += ", " + challengeParam("error", "invalid_token") + ", " + challengeParam("error_description", err.Error())
	}
	return c
}

// claimAt follows a dotted path into the claims.
func claimAt(claims map[string]any, path string) any {
	var v any = claims
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

func rolesOf(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.Fields(v)
	case []any:
		var out []string
		for _, r := range v {
			if s, ok := r.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
