package rest

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// URLs make the absolute URLs of responses (metadata.self, related
// links, Location, v2 base_uri) the way the reference does: the request's
// scheme; the first advertised listener of that scheme, else host.name with
// the port of the listener of that scheme, else the request's Host; then the
// path segments, each escaped.
type URLs struct {
	// Advertised are advertised.listeners; Listeners and HostName are
	// listeners and the deprecated host.name.
	Advertised []*url.URL
	Listeners  []*url.URL
	HostName   string
}

func (u URLs) authority(r *http.Request) (scheme, host string) {
	scheme = "http"
	if r.TLS != nil {
		scheme = "https"
	}
	for _, a := range u.Advertised {
		if strings.EqualFold(a.Scheme, scheme) {
			return scheme, a.Host
		}
	}
	if u.HostName != "" {
		for _, l := range u.Listeners {
			if strings.EqualFold(l.Scheme, scheme) {
				return scheme, net.JoinHostPort(u.HostName, l.Port())
			}
		}
	}
	return scheme, r.Host
}

// URL returns the absolute URL of the path made of segments, each
// escaped.
func (u URLs) URL(r *http.Request, segments ...string) string {
	scheme, host := u.authority(r)
	var b strings.Builder
	b.Grow(len(scheme) + 3 + len(host) + 16*len(segments))
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// CRN builds a resource name, crn://<authority>/kafka=<cluster>/..., from
// alternating type and id pairs.
func CRN(authority string, pairs ...string) string {
	var b strings.Builder
	b.WriteString("crn://")
	b.WriteString(authority)
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteByte('/')
		b.WriteString(pairs[i])
		b.WriteByte('=')
		b.WriteString(pairs[i+1])
	}
	return b.String()
}
