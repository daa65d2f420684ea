package actors

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"golang.org/x/time/rate"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// ProduceLimits are the reference's produce rate limits
// (api.v3.produce.rate.limit.*): records and bytes per second, per cluster
// and for the whole proxy. A record over a limit is answered 429; it is not
// held back.
type ProduceLimits struct {
	// Enabled is rate.limit.enable and api.v3.produce.rate.limit.enabled.
	Enabled                                bool
	RecordsPerSec, BytesPerSec             int64 // per cluster
	GlobalRecordsPerSec, GlobalBytesPerSec int64
}

// maxClusterLimiters bounds the per-cluster limiters: the cluster id of a
// produce path is not checked (as in the reference), so clients choose it.
const maxClusterLimiters = 1024

// produceLimiter applies ProduceLimits. A limiter allows a second's worth
// of records or bytes at once, then its rate.
type produceLimiter struct {
	cfg                        ProduceLimits
	globalRecords, globalBytes *rate.Limiter
	mu                         sync.Mutex
	clusters                   *simplelru.LRU[string, [2]*rate.Limiter]
}

func newProduceLimiter(cfg ProduceLimits) *produceLimiter {
	l := &produceLimiter{cfg: cfg}
	if cfg.Enabled {
		l.globalRecords = limiter(cfg.GlobalRecordsPerSec)
		l.globalBytes = limiter(cfg.GlobalBytesPerSec)
		l.clusters, _ = simplelru.NewLRU[string, [2]*rate.Limiter](maxClusterLimiters, nil)
	}
	return l
}

func limiter(perSec int64) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSec), int(min(perSec, 1<<30)))
}

// errRateLimited is the reference's answer to a record over a limit.
func errRateLimited() error {
	return apierr.New(apierr.CodeTooManyRequests, "Request rate limit exceeded: The rate limit of requests per second has been exceeded.")
}

// allow takes one record of size bytes from the limits, in the reference's
// order: global records, global bytes, cluster records, cluster bytes.
func (l *produceLimiter) allow(cluster string, size int) error {
	if !l.cfg.Enabled {
		return nil
	}
	now := time.Now()
	if !l.globalRecords.AllowN(now, 1) || !l.globalBytes.AllowN(now, size) {
		return errRateLimited()
	}
	l.mu.Lock()
	c, ok := l.clusters.Get(cluster)
	if !ok {
		c = [2]*rate.Limiter{limiter(l.cfg.RecordsPerSec), limiter(l.cfg.BytesPerSec)}
		l.clusters.Add(cluster, c)
	}
	l.mu.Unlock()
	if !c[0].AllowN(now, 1) || !c[1].AllowN(now, size) {
		return errRateLimited()
	}
	return nil
}
