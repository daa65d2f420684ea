package bench

import (
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
)

// nodes spreads requests over the proxy nodes round-robin: every call
// takes the next node, so that a run against several nodes loads them
// alike, as a plain round-robin balancer would.
type nodes struct {
	urls []string
	n    atomic.Uint64
}

func newNodes(urls []string) *nodes { return &nodes{urls: urls} }

// next is the base URL of the node the next request goes to.
func (ns *nodes) next() string {
	if len(ns.urls) == 1 {
		return ns.urls[0]
	}
	return ns.urls[(ns.n.Add(1)-1)%uint64(len(ns.urls))]
}

// ParseURLs splits each of values at commas into proxy node base URLs,
// checking each is an absolute http or https URL, and drops a trailing
// slash. --url may be repeated, comma separated, or both.
func ParseURLs(values []string) ([]string, error) {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSuffix(strings.TrimSpace(s), "/")
			if s == "" {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, fmt.Errorf("bench: %q is not a proxy URL such as http://host:8082", s)
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("bench: no proxy URL given")
	}
	return out, nil
}
