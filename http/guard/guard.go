package guard

import (
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Config is what stands between a client and the routes: who may call
// (authentication, access lists), how often (rate limits), with how much
// (body size and time), from which web origins (CORS), and the headers every
// answer carries.
type Config struct {
	Auth AuthConfig
	// AllowList and BlockList are api.endpoints.allowlist and blocklist:
	// endpoint names, or groups ending in ".*".
	AllowList, BlockList []string
	RateLimit            RateLimitConfig
	ClientLimit          ClientLimitConfig
	CORS                 CORSConfig
	// ResponseHeaders is response.http.headers.config.
	ResponseHeaders []HeaderDirective
	// MaxBodyBytes bounds a non-streaming request body (413 beyond); 0
	// means 32 MiB. BodyTimeout bounds how long it may take to arrive
	// (408 beyond); 0 means no bound.
	MaxBodyBytes int64
	BodyTimeout  time.Duration
	// MaxHeaderBytes bounds the request line and headers (431 beyond); 0
	// means no bound here. Go's server bounds the first request of a
	// connection itself, but not always those that follow on it.
	MaxHeaderBytes int
}

// Body is the body limits of cfg, which rest.Call.Body applies.
func (cfg Config) Body() rest.BodyLimits {
	return rest.BodyLimits{MaxBytes: cfg.MaxBodyBytes, Timeout: cfg.BodyTimeout}
}

// Guards are a Config made ready to use. Each guard is a middleware of its
// own; Front and Route chain them in the reference's order. A refused
// request is answered, logged and counted by the rest.API.
type Guards struct {
	cfg     Config
	api     *rest.API
	access  accessList
	rate    *rateLimiter
	clients *clientLimiter
	cors    *cors
}

// New makes cfg's guards, which answer refusals through api.
func New(cfg Config, api *rest.API) *Guards {
	return &Guards{
		cfg:     cfg,
		api:     api,
		access:  accessList{allow: cfg.AllowList, block: cfg.BlockList},
		rate:    newRateLimiter(cfg.RateLimit),
		clients: newClientLimiter(cfg.ClientLimit),
		cors:    newCORS(cfg.CORS),
	}
}

// Front is what every request passes before routing: the configured
// response headers, the header size bound, CORS (a preflight is answered
// here, before authentication, as browsers send it without credentials)
// and the per-client flood limit.
func (g *Guards) Front(next http.Handler) http.Handler {
	return g.Headers(g.HeaderLimit(g.CORS(g.ClientLimit(next))))
}

// Route guards one route in the reference's order: a blocked endpoint
// answers as if absent even to an unauthenticated client; then
// authentication and roles; then the rate limit; then the body's deadline
// starts.
func (g *Guards) Route(rt rest.Route, next http.Handler) http.Handler {
	return g.Access(rt, g.Authenticate(rt.Path, rt.Name, g.RateLimit(rt, g.BodyDeadline(rt, next))))
}

// Headers writes response.http.headers.config into every answer.
func (g *Guards) Headers(next http.Handler) http.Handler {
	if len(g.cfg.ResponseHeaders) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.ApplyHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

// ApplyHeaders writes response.http.headers.config into h, for answers
// written outside the handlers.
func (g *Guards) ApplyHeaders(h http.Header) {
	applyHeaders(h, g.cfg.ResponseHeaders, time.Now())
}

// ErrHeaderTooLarge is the answer to a request line and headers larger
// than max.request.header.size, whether this guard or Go's server found
// them so.
func (g *Guards) ErrHeaderTooLarge() *apierr.Error {
	if n := g.cfg.MaxHeaderBytes; n > 0 {
		return apierr.New(apierr.CodeHeaderFieldsTooLarge, "Request header fields are larger than %d bytes.", n)
	}
	return apierr.New(apierr.CodeHeaderFieldsTooLarge, "Request header fields are too large.")
}

// HeaderLimit answers 431 to a request whose line and headers are larger
// than MaxHeaderBytes, and closes its connection.
func (g *Guards) HeaderLimit(next http.Handler) http.Handler {
	if g.cfg.MaxHeaderBytes <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest.HeaderBytes(r) > g.cfg.MaxHeaderBytes {
			w.Header().Set("Connection", "close")
			g.api.Refuse(w, r, "header_limit", "", g.ErrHeaderTooLarge())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// CORS answers preflights and adds CORS headers to allowed origins'
// requests.
func (g *Guards) CORS(next http.Handler) http.Handler {
	if g.cors == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.cors.handle(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ClientLimit is the flood limit, per client address and for the proxy.
func (g *Guards) ClientLimit(next http.Handler) http.Handler {
	if g.clients == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.clients.admit(r); err != nil {
			g.api.Refuse(w, r, "client_limit", "", err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Access answers a route the access lists block as if it did not exist.
func (g *Guards) Access(rt rest.Route, next http.Handler) http.Handler {
	if g.access.served(rt.Name) {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.api.Refuse(w, r, rt.Path, rt.Name, g.access.refusal(r.Method))
	})
}

// Authenticate establishes the caller (401 when it cannot, 403 when it
// lacks a role) and puts it into the request's context. Requests that
// match no route pass it too, so that an unauthenticated client learns
// nothing of which paths exist.
func (g *Guards) Authenticate(route, name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2, err := g.cfg.Auth.authenticate(r)
		if err != nil {
			g.api.Refuse(w, r, route, name, refusal(w, err))
			return
		}
		next.ServeHTTP(w, r2)
	})
}

// RateLimit takes the route's cost from the request rate limits, for the
// proxy and for the path's cluster. Streaming routes are limited per
// record instead.
func (g *Guards) RateLimit(rt rest.Route, next http.Handler) http.Handler {
	if g.rate == nil || rt.Streaming {
		return next
	}
	cost := g.rate.cost(rt.Name)
	if cost <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cluster := httprouter.ParamsFromContext(r.Context()).ByName("cluster_id")
		if err := g.rate.admit(r.Context(), cost, cluster); err != nil {
			g.api.Refuse(w, r, rt.Path, rt.Name, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// BodyDeadline arms the deadline of the route's request body.
func (g *Guards) BodyDeadline(rt rest.Route, next http.Handler) http.Handler {
	body := g.cfg.Body()
	if body.Timeout <= 0 || rt.Streaming {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body.Start(w, r, rt.Streaming)
		next.ServeHTTP(w, r)
	})
}
