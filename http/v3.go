package http

import (
	nethttp "net/http"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// Helpers every v3 handler uses: URLs and resource names under
// /v3/clusters/{cluster_id}.

// errNotFound is the reference's bare NotFoundException, the answer of an
// entity lookup that finds nothing.
func errNotFound() error {
	return kafka.Errorf(nethttp.StatusNotFound, nethttp.StatusNotFound, "HTTP 404 Not Found")
}

// errEmptyBody is the reference's answer to a v3 request whose body is
// missing or JSON null.
func errEmptyBody() error {
	return kafka.Errorf(nethttp.StatusUnprocessableEntity, kafka.CodeInvalidPayload, "Payload error. Request body is empty. Data is required.")
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
