package guard

import (
	"net/http"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// accessList decides which endpoints are served, from the reference's
// api.endpoints.allowlist and api.endpoints.blocklist: an endpoint is served
// when the allowlist is empty or names it, and the blocklist does not.
type accessList struct {
	allow, block []string
}

func (a accessList) served(name string) bool {
	if len(a.allow) > 0 && !namesAny(a.allow, name) {
		return false
	}
	return !namesAny(a.block, name)
}

// refusal is how a blocked endpoint answers, as the reference: as if it
// were not there (404) for GET, as if the method were not (405) otherwise.
func (a accessList) refusal(method string) error {
	if method == http.MethodGet {
		return apierr.New(apierr.CodeNotFound, "HTTP 404 Not Found")
	}
	return apierr.New(apierr.CodeMethodNotAllowed, "HTTP 405 Method Not Allowed")
}

// namesAny reports whether one of patterns names the endpoint name. A
// pattern is an endpoint name (api.v3.topics.list) or, ending in ".*", the
// name of a group of them (api.v3.topics.*), as the reference's class-level
// resource names.
func namesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if nameMatches(p, name) {
			return true
		}
	}
	return false
}

func nameMatches(pattern, name string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok && strings.HasSuffix(prefix, ".") {
		return strings.HasPrefix(name, prefix)
	}
	return pattern == name
}
