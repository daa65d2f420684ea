package http

import (
	"strings"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Helpers every v3 handler uses: the cluster check, URLs and resource names
// under /v3/clusters/{cluster_id}, enum query parameters and request bodies.

// cluster checks the request's cluster_id against the cluster behind
// bootstrap.servers, as the reference's managers do: 404 "Cluster X cannot
// be found." for any other id.
func (s *Server) cluster(c *call) (string, error) {
	want := c.param("cluster_id")
	id, err := s.sys.ClusterID(c.r.Context())
	if err != nil {
		return "", err
	}
	if id != want {
		return "", apierr.New(apierr.CodeNotFound, "Cluster %s cannot be found.", want)
	}
	return id, nil
}

// errNotFound is the reference's bare NotFoundException, the answer of an
// entity lookup that finds nothing.
func errNotFound() error {
	return apierr.New(apierr.CodeNotFound, "HTTP 404 Not Found")
}

// errEmptyBody is the reference's answer to a v3 request whose body is
// missing or JSON null.
func errEmptyBody() error {
	return apierr.New(apierr.CodeInvalidPayload, "Payload error. Request body is empty. Data is required.")
}

// v3URL is the absolute URL of /v3/clusters/{id}/segments...
func (s *Server) v3URL(c *call, clusterID string, segments ...string) string {
	return s.urls.url(c.r, append([]string{"v3", "clusters", clusterID}, segments...)...)
}

// v3Link is a related link to /v3/clusters/{id}/segments...
func (s *Server) v3Link(c *call, clusterID string, segments ...string) related {
	return related{s.v3URL(c, clusterID, segments...)}
}

// meta is the metadata of a resource at /v3/clusters/{id}/segments... whose
// resource name is crn://<authority>/kafka=<id> followed by the pairs.
func (s *Server) meta(c *call, clusterID string, segments []string, crnPairs ...string) resourceMeta {
	return resourceMeta{
		Self:         s.v3URL(c, clusterID, segments...),
		ResourceName: crn(s.cfg.ResourceNameAuthority, append([]string{"kafka", clusterID}, crnPairs...)...),
	}
}

// enumParam reads a query parameter that takes one of values (compared
// without regard to case, as JAX-RS enum converters do) and returns it in
// upper case; def when the parameter is absent. Anything else is the
// reference's 404 "The valid values for <enumName> do not include '<v>'".
func enumParam(c *call, name, enumName, def string, values ...string) (string, error) {
	v, ok := c.r.URL.Query()[name]
	if !ok || len(v) == 0 {
		return def, nil
	}
	for _, allowed := range values {
		if strings.EqualFold(v[0], allowed) {
			return allowed, nil
		}
	}
	return "", apierr.New(apierr.CodeNotFound, "The valid values for %s do not include '%s'", enumName, v[0])
}

// decodeV3 reads a v3 request body into v: a missing or null body is 422
// 42206, an unknown field 422, any other mistake 400.
func (c *call) decodeV3(v any) error {
	b, err := c.body()
	if err != nil {
		return err
	}
	if emptyBody(b) {
		return errEmptyBody()
	}
	return c.decodeBytes(b, v)
}
