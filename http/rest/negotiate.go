package rest

import (
	"mime"
	"strconv"
	"strings"
)

// Media types of the reference's API.
const (
	// MediaJSON is v3's type, and the type of errors outside any route.
	MediaJSON = "application/json"
	// MediaV2JSON is v2's own type.
	MediaV2JSON = "application/vnd.kafka.v2+json"
)

// Offer is a media type a route can produce, with its server-side weight
// (JAX-RS "qs"): the tie-breaker when a client accepts several.
type Offer struct {
	Media string
	QS    float64
}

// acceptRange is one entry of an Accept header.
type acceptRange struct {
	typ, sub string
	q        float64
}

// parseAccept parses an Accept header. An empty header accepts anything.
// Ranges whose q is malformed count as q=1, as lenient servers do.
func parseAccept(h string) []acceptRange {
	if strings.TrimSpace(h) == "" {
		return []acceptRange{{"*", "*", 1}}
	}
	var out []acceptRange
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		if mt == "*" { // some clients send a bare "*"
			mt = "*/*"
		}
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		out = append(out, acceptRange{typ, sub, q})
	}
	return out
}

// match returns how specifically r matches media (3 exact, 2 type/*, 1 */*)
// or 0 when it does not.
func (r acceptRange) match(media string) int {
	typ, sub, _ := strings.Cut(media, "/")
	switch {
	case r.typ == typ && r.sub == sub:
		return 3
	case r.typ == typ && r.sub == "*":
		return 2
	case r.typ == "*" && r.sub == "*":
		return 1
	}
	return 0
}

// Negotiate picks the offer the client prefers: for each offer, the most
// specific Accept range that matches it gives its q; the best q*qs wins, and
// among equals the first offer. It returns false when the client accepts
// none of them (406).
func Negotiate(accept string, offers []Offer) (string, bool) {
	ranges := parseAccept(accept)
	best, bestScore := "", 0.0
	for _, o := range offers {
		spec, q := 0, 0.0
		for _, r := range ranges {
			if m := r.match(o.Media); m > spec {
				spec, q = m, r.q
			}
		}
		if spec == 0 || q == 0 {
			continue
		}
		if score := q * o.QS; score > bestScore {
			best, bestScore = o.Media, score
		}
	}
	return best, best != ""
}

// ContentTypeIs reports whether the Content-Type header names one of types,
// parameters (charset) aside.
func ContentTypeIs(header string, types ...string) bool {
	mt, _, err := mime.ParseMediaType(header)
	if err != nil {
		return false
	}
	for _, t := range types {
		if strings.EqualFold(mt, t) {
			return true
		}
	}
	return false
}
