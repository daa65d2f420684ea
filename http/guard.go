package http

import (
	nethttp "net/http"
	"time"

	"github.com/julienschmidt/httprouter"
)

// GuardConfig is what stands between a client and the routes: who may call
// (authentication, access lists), how often (rate limits), with how much
// (body size and time), from which web origins (CORS), and the headers every
// answer carries.
type GuardConfig struct {
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

// guards are the GuardConfig made ready to use.
type guards struct {
	cfg     GuardConfig
	access  accessList
	rate    *rateLimiter
	clients *clientLimiter
	cors    *cors
	body    bodyLimits
}

func newGuards(cfg GuardConfig) guards {
	return guards{
		cfg:     cfg,
		access:  accessList{allow: cfg.AllowList, block: cfg.BlockList},
		rate:    newRateLimiter(cfg.RateLimit),
		clients: newClientLimiter(cfg.ClientLimit),
		cors:    newCORS(cfg.CORS),
		body:    bodyLimits{maxBytes: cfg.MaxBodyBytes, timeout: cfg.BodyTimeout},
	}
}

// front is what every request passes before routing: the configured
// response headers, CORS (a preflight is answered here, before
// authentication, as browsers send it without credentials) and the
// per-client flood limit.
func (s *Server) front(w nethttp.ResponseWriter, r *nethttp.Request, next nethttp.Handler) {
	g := &s.guards
	applyHeaders(w.Header(), g.cfg.ResponseHeaders, time.Now())
	if g.cfg.MaxHeaderBytes > 0 && headerBytes(r) > g.cfg.MaxHeaderBytes {
		w.Header().Set("Connection", "close")
		s.refuse(w, r, "header_limit", "", s.errHeaderTooLarge())
		return
	}
	if g.cors != nil && g.cors.handle(w, r) {
		return
	}
	if g.clients != nil {
		if err := g.clients.admit(r); err != nil {
			s.refuse(w, r, "client_limit", "", err)
			return
		}
	}
	next.ServeHTTP(w, r)
}

// guard runs a route's checks in the reference's order: a blocked endpoint
// answers as if absent even to an unauthenticated client; then
// authentication and roles; then the rate limit.
func (s *Server) guard(rt route, next httprouter.Handle) httprouter.Handle {
	g := &s.guards
	served := g.access.served(rt.name)
	cost := 0
	if g.rate != nil && !streamingRoute(rt.name) {
		cost = g.rate.cost(rt.name)
	}
	return func(w nethttp.ResponseWriter, r *nethttp.Request, ps httprouter.Params) {
		if !served {
			s.refuse(w, r, rt.path, rt.name, g.access.refusal(r.Method))
			return
		}
		r2, err := g.cfg.Auth.authenticate(r)
		if err != nil {
			s.refuse(w, r, rt.path, rt.name, refusal(w, err))
			return
		}
		r = r2
		if cost > 0 {
			if err := g.rate.admit(r.Context(), cost, ps.ByName("cluster_id")); err != nil {
				s.refuse(w, r, rt.path, rt.name, err)
				return
			}
		}
		g.body.startBody(w, r, rt.name)
		next(w, r, ps)
	}
}

// guardPlain authenticates requests that match no route, so that an
// unauthenticated client learns nothing of which paths exist.
func (s *Server) guardPlain(name string, next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		r2, err := s.guards.cfg.Auth.authenticate(r)
		if err != nil {
			s.refuse(w, r, name, "", refusal(w, err))
			return
		}
		next.ServeHTTP(w, r2)
	})
}

// refuse answers a request the guards stopped, in the error model, and logs
// it like any other.
func (s *Server) refuse(w nethttp.ResponseWriter, r *nethttp.Request, route, name string, err error) {
	c := &call{w: &recorder{ResponseWriter: w}, r: r, route: route, name: name, media: s.errorMedia(r), start: time.Now()}
	defer s.logRequest(c)
	s.writeError(c, err)
}
