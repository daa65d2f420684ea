package guard

import (
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// RateLimitConfig is the reference's generic request rate limiter
// (rate.limit.*): every request but streaming produce takes its endpoint's
// cost in permits from a budget for the whole proxy and one per cluster id.
type RateLimitConfig struct {
	Enabled bool
	// PermitsPerSec and PerClusterPermitsPerSec are the budgets; a
	// second's worth may be taken at once.
	PermitsPerSec, PerClusterPermitsPerSec int
	// Timeout is how long a request may wait for its permits before 429.
	Timeout time.Duration
	// DefaultCost is the cost of an endpoint Costs does not name; a cost
	// of 0 is never limited.
	DefaultCost int
	// Costs maps endpoint names, or groups of them ending in ".*", to
	// costs (rate.limit.costs).
	Costs map[string]int
}

// rateLimitedClusters bounds the per-cluster limiters kept: cluster ids come
// from request paths, so a client could otherwise make any number of them.
const rateLimitedClusters = 1024

// errRateLimited is the reference's answer of its generic limiter.
func errRateLimited() error {
	return apierr.New(apierr.CodeTooManyRequests, "Request rate limit exceeded: The rate limit of requests per second has been exceeded.")
}

type rateLimiter struct {
	cfg      RateLimitConfig
	burst    int
	global   *rate.Limiter
	clusters *lru.Cache[string, *rate.Limiter]
}

func newRateLimiter(cfg RateLimitConfig) *rateLimiter {
	if !cfg.Enabled {
		return nil
	}
	// A request may cost more than a second's permits; the bucket must
	// hold that much or it could never pass.
	maxCost := cfg.DefaultCost
	for _, c := range cfg.Costs {
		maxCost = max(maxCost, c)
	}
	l := &rateLimiter{cfg: cfg, burst: maxCost}
	l.global = rate.NewLimiter(rate.Limit(cfg.PermitsPerSec), max(cfg.PermitsPerSec, maxCost))
	l.clusters, _ = lru.New[string, *rate.Limiter](rateLimitedClusters) // the size is positive
	return l
}

// cost is what one request to the endpoint name costs: its own entry in
// Costs, else the longest group naming it, else the default.
func (l *rateLimiter) cost(name string) int {
	if c, ok := l.cfg.Costs[name]; ok {
		return c
	}
	best, cost := -1, l.cfg.DefaultCost
	for pattern, c := range l.cfg.Costs {
		if nameMatches(pattern, name) && len(pattern) > best {
			best, cost = len(pattern), c
		}
	}
	return cost
}

// admit takes cost permits from the proxy's budget and from the cluster's
// (when the path names one), waiting up to the timeout; errRateLimited if
// they cannot be had in time.
func (l *rateLimiter) admit(ctx context.Context, cost int, cluster string) error {
	if cost == 0 {
		return nil
	}
	limiters := []*rate.Limiter{l.global}
	if cluster != "" {
		cl, ok := l.clusters.Get(cluster)
		if !ok {
			cl = rate.NewLimiter(rate.Limit(l.cfg.PerClusterPermitsPerSec), max(l.cfg.PerClusterPermitsPerSec, l.burst))
			l.clusters.Add(cluster, cl)
		}
		limiters = append(limiters, cl)
	}
	now := time.Now()
	var wait time.Duration
	reservations := make([]*rate.Reservation, 0, len(limiters))
	for _, lim := range limiters {
		r := lim.ReserveN(now, cost)
		if !r.OK() || r.DelayFrom(now) > l.cfg.Timeout {
			r.CancelAt(now)
			for _, taken := range reservations {
				taken.CancelAt(now)
			}
			return errRateLimited()
		}
		reservations = append(reservations, r)
		wait = max(wait, r.DelayFrom(now))
	}
	if wait == 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		for _, r := range reservations {
			r.Cancel()
		}
		return ctx.Err()
	}
}
