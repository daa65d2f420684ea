package guard

import (
	"net/http"
	"strconv"
	"strings"
)

// CORSConfig is the reference's access.control.allow.* keys (Jetty's
// CrossOriginFilter): cross-origin browser requests from AllowOrigin are
// allowed; none are when it is empty.
type CORSConfig struct {
	// AllowOrigin are the origins allowed: "*" for any, or origins such as
	// https://app.example.com, where '*' matches any characters
	// (https://*.example.com).
	AllowOrigin []string
	// AllowMethods are the methods a preflight allows; empty means
	// Jetty's default, GET, POST and HEAD.
	AllowMethods []string
	// AllowHeaders are the request headers a preflight allows; empty
	// means Jetty's default, X-Requested-With, Content-Type, Accept and
	// Origin.
	AllowHeaders []string
}

// corsPreflightMaxAge is Jetty's default preflightMaxAge, in seconds.
const corsPreflightMaxAge = 1800

type cors struct {
	origins          []string
	methods, headers []string
}

func newCORS(cfg CORSConfig) *cors {
	if len(cfg.AllowOrigin) == 0 {
		return nil
	}
	c := &cors{origins: cfg.AllowOrigin, methods: cfg.AllowMethods, headers: cfg.AllowHeaders}
	if len(c.methods) == 0 {
		c.methods = []string{"GET", "POST", "HEAD"}
	}
	if len(c.headers) == 0 {
		c.headers = []string{"X-Requested-With", "Content-Type", "Accept", "Origin"}
	}
	return c
}

// handle adds the CORS headers of an allowed origin to the response and
// answers a preflight request itself; it reports whether it did.
func (c *cors) handle(w http.ResponseWriter, r *http.Request) (answered bool) {
	origin := r.Header.Get("Origin")
	h := w.Header()
	h.Add("Vary", "Origin")
	if origin == "" || !c.originAllowed(origin) {
		return false
	}
	reqMethod := r.Header.Get("Access-Control-Request-Method")
	if r.Method != http.MethodOptions || reqMethod == "" {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		return false
	}
	// A preflight: without every header of a good one, the browser refuses
	// the request, which is the point.
	if !containsFold(c.methods, reqMethod) || !c.headersAllowed(r.Header.Get("Access-Control-Request-Headers")) {
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Allow-Methods", strings.Join(c.methods, ","))
	h.Set("Access-Control-Allow-Headers", strings.Join(c.headers, ","))
	h.Set("Access-Control-Max-Age", strconv.Itoa(corsPreflightMaxAge))
	w.WriteHeader(http.StatusNoContent)
	return true
}

func (c *cors) originAllowed(origin string) bool {
	for _, o := range c.origins {
		if o == "*" || globMatch(o, origin) {
			return true
		}
	}
	return false
}

func (c *cors) headersAllowed(list string) bool {
	for _, h := range strings.Split(list, ",") {
		if h = strings.TrimSpace(h); h != "" && !containsFold(c.headers, h) {
			return false
		}
	}
	return true
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// globMatch matches s against pattern, where '*' stands for any run of
// characters.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
