package http

import (
	"net"
	nethttp "net/http"
	"net/url"
	"strings"
)

// urlBuilder makes the absolute URLs of responses (metadata.self, related
// links, Location, v2 base_uri) the way the reference does: the request's
// scheme; the first advertised listener of that scheme, else host.name with
// the port of the listener of that scheme, else the request's Host; then the
// path segments, each escaped.
type urlBuilder struct {
	advertised []*url.URL
	listeners  []*url.URL
	hostName   string
}

func (u urlBuilder) authority(r *nethttp.Request) (scheme, host string) {
	scheme = "http"
	if r.TLS != nil {
		scheme = "https"
	}
	for _, a := range u.advertised {
		if strings.EqualFold(a.Scheme, scheme) {
			return scheme, a.Host
		}
	}
	if u.hostName != "" {
		for _, l := range u.listeners {
			if strings.EqualFold(l.Scheme, scheme) {
				return scheme, net.JoinHostPort(u.hostName, l.Port())
			}
		}
	}
	return scheme, r.Host
}

// url returns the absolute URL of the path made of segments.
func (u urlBuilder) url(r *nethttp.Request, segments ...string) string {
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

// crn builds a resource name, crn://<authority>/kafka=<cluster>/..., from
// alternating type and id pairs.
func crn(authority string, pairs ...string) string {
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
