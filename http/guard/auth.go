package guard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Authenticator tells who sent a request: authentication.method BASIC
// (NewBasicAuth) or BEARER (NewBearerAuth).
type Authenticator interface {
	// Authenticate returns the caller; an error means the request did not
	// prove who sent it, answered 401 with the error's text.
	Authenticate(r *http.Request) (Principal, error)
	// Challenge is the WWW-Authenticate header of that 401.
	Challenge(err error) string
}

// AuthConfig is the reference's authentication.* keys.
type AuthConfig struct {
	// Authenticator is nil for authentication.method=NONE: then a
	// verified client certificate, if any, names the caller.
	Authenticator Authenticator
	// Roles are the roles of which a caller needs one (403 otherwise);
	// "*" (the default) lets in any authenticated caller.
	Roles []string
	// SkipPaths need no authentication: exact paths, "/prefix/*" or
	// "*.suffix", as Jetty's path specs.
	SkipPaths []string
}

// unauthorized is a request that did not prove who sent it.
type unauthorized struct {
	challenge string
	err       error
}

func (u *unauthorized) Error() string { return u.err.Error() }

// authenticate establishes the caller of r; it returns r with the caller in
// its context, or the 401 or 403 to answer.
func (a AuthConfig) authenticate(r *http.Request) (*http.Request, error) {
	if a.skipped(requestPath(r)) {
		return r, nil
	}
	if a.Authenticator == nil {
		if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
			cert := r.TLS.VerifiedChains[0][0]
			return r.WithContext(WithPrincipal(r.Context(), Principal{Name: cert.Subject.String(), Scheme: "CERT"})), nil
		}
		return r, nil
	}
	p, err := a.Authenticator.Authenticate(r)
	if err != nil {
		return nil, &unauthorized{challenge: a.Authenticator.Challenge(err), err: err}
	}
	if !a.roleAllowed(p.Roles) {
		return nil, apierr.New(apierr.CodeForbidden, "Forbidden: %s has none of the roles this proxy requires (%s).", p.Name, strings.Join(a.Roles, ", "))
	}
	return r.WithContext(WithPrincipal(r.Context(), p)), nil
}

// refusal writes the headers of an authentication failure and returns the
// error to answer in the error model.
func refusal(w http.ResponseWriter, err error) error {
	var u *unauthorized
	if !errors.As(err, &u) {
		return err
	}
	w.Header().Set("WWW-Authenticate", u.challenge)
	return apierr.New(apierr.CodeUnauthorized, "Unauthorized: %s", u.err.Error())
}

func (a AuthConfig) roleAllowed(roles []string) bool {
	if len(a.Roles) == 0 {
		return true
	}
	for _, want := range a.Roles {
		if want == "*" || want == "**" {
			return true
		}
		for _, have := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

func (a AuthConfig) skipped(path string) bool {
	for _, spec := range a.SkipPaths {
		switch {
		case spec == "/" || spec == "/*":
			return true
		case strings.HasSuffix(spec, "/*"):
			base := strings.TrimSuffix(spec, "/*")
			if path == base || strings.HasPrefix(path, base+"/") {
				return true
			}
		case strings.HasPrefix(spec, "*."):
			if strings.HasSuffix(path, spec[1:]) {
				return true
			}
		case path == strings.TrimRight(spec, "/"):
			return true
		}
	}
	return false
}

// requestPath is the path the client sent, before routing rewrote it,
// without a trailing slash.
func requestPath(r *http.Request) string {
	p := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		p = u.Path
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
	}
	if p == "" {
		p = "/"
	}
	return p
}

// challenge quotes a WWW-Authenticate parameter value.
func challengeParam(name, value string) string {
	return fmt.Sprintf(`%s="%s"`, name, strings.ReplaceAll(strings.ReplaceAll(value, `\`, `\\`), `"`, `\"`))
}
