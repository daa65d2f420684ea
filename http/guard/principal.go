package guard

import "context"

// Principal is the authenticated caller of a request.
type Principal struct {
	// Name is the user name (BASIC), the token's subject claim (BEARER) or
	// the client certificate's subject (mutual TLS without another method).
	Name string
	// Roles are the user's roles from the password file or the token.
	Roles []string
	// Scheme is how the caller proved who it is: "BASIC", "BEARER" or
	// "CERT".
	Scheme string
	// Password (BASIC) and Token (BEARER, the raw JWT) are the credentials
	// the caller presented, for identity pass-through to Kafka. They are
	// kept out of String.
	Password, Token string
}

// String names the principal without its credentials, for logs.
func (p Principal) String() string { return p.Scheme + ":" + p.Name }

type principalKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated caller of the request whose
// context is ctx; ok is false when the request was not authenticated
// (authentication.method=NONE without a client certificate, or a path in
// authentication.skip.paths).
func PrincipalFrom(ctx context.Context) (p Principal, ok bool) {
	p, ok = ctx.Value(principalKey{}).(Principal)
	return p, ok
}
