package guard

import (
	"net"
	"net/http"
	"net/netip"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// ClientLimitConfig is the reference's DoS filter (dos.filter.*) against
// floods: requests per second for the whole proxy and for each client
// address. A request over either is answered 429 at once, before any other
// work.
type ClientLimitConfig struct {
	Enabled bool
	// PerSec bounds the whole proxy; PerClientPerSec each client address.
	PerSec, PerClientPerSec int
	// MaxClients bounds the client addresses tracked (least recently seen
	// forgotten first), so that a flood from many addresses cannot grow
	// memory without bound.
	MaxClients int
	// Exempt are addresses never limited (dos.filter.ip.whitelist).
	Exempt []netip.Prefix
}

type clientLimiter struct {
	cfg     ClientLimitConfig
	global  *rate.Limiter
	clients *lru.Cache[netip.Addr, *rate.Limiter]
}

func newClientLimiter(cfg ClientLimitConfig) *clientLimiter {
	if !cfg.Enabled {
		return nil
	}
	l := &clientLimiter{cfg: cfg, global: rate.NewLimiter(rate.Limit(cfg.PerSec), max(cfg.PerSec, 1))}
	l.clients, _ = lru.New[netip.Addr, *rate.Limiter](max(cfg.MaxClients, 1)) // the size is positive
	return l
}

// admit reports whether the request may go on: the client is exempt, or
// both budgets had a permit.
func (l *clientLimiter) admit(r *http.Request) error {
	addr := remoteAddr(r)
	for _, p := range l.cfg.Exempt {
		if p.Contains(addr) {
			return nil
		}
	}
	cl, ok := l.clients.Get(addr)
	if !ok {
		cl = rate.NewLimiter(rate.Limit(l.cfg.PerClientPerSec), max(l.cfg.PerClientPerSec, 1))
		l.clients.Add(addr, cl)
	}
	if !cl.Allow() {
		return apierr.New(apierr.CodeTooManyRequests, "Too many requests from %s: more than %d a second; slow down and retry later.", addr, l.cfg.PerClientPerSec)
	}
	if !l.global.Allow() {
		return apierr.New(apierr.CodeTooManyRequests, "Too many requests: the proxy takes at most %d a second; retry later.", l.cfg.PerSec)
	}
	return nil
}

// remoteAddr is the client's address, without its port (so that one client
// is one address whatever connections it opens).
func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}
