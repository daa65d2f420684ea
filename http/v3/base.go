package v3

import (
	"strings"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// base is what every v3 handler uses: the admin pool, through which the
// handlers reach Kafka and which knows the cluster's id, and how to name
// resources (absolute URLs and crn:// names). Its methods are the cluster
// check, URLs and resource names under /v3/clusters/{cluster_id}.
type base struct {
	admin     *actors.AdminPool
	urls      rest.URLs
	authority string // of crn:// resource names
}

// cluster checks the request's cluster_id against the cluster behind
// bootstrap.servers, as the reference's managers do: 404 "Cluster X cannot
// be found." for any other id.
func (s *base) cluster(c *rest.Call) (string, error) {
	want := c.Param("cluster_id")
	id, err := s.admin.ClusterID(c.R.Context())
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

// url is the absolute URL of /v3/clusters/{id}/segments...
func (s *base) url(c *rest.Call, clusterID string, segments ...string) string {
	return s.urls.URL(c.R, append([]string{"v3", "clusters", clusterID}, segments...)...)
}

// link is a related link to /v3/clusters/{id}/segments...
func (s *base) link(c *rest.Call, clusterID string, segments ...string) related {
	return related{s.url(c, clusterID, segments...)}
}

// meta is the metadata of a resource at /v3/clusters/{id}/segments... whose
// resource name is crn://<authority>/kafka=<id> followed by the pairs.
func (s *base) meta(c *rest.Call, clusterID string, segments []string, crnPairs ...string) resourceMeta {
	return resourceMeta{
		Self:         s.url(c, clusterID, segments...),
		ResourceName: rest.CRN(s.authority, append([]string{"kafka", clusterID}, crnPairs...)...),
	}
}

// enumParam reads a query parameter that takes one of values (compared
// without regard to case, as JAX-RS enum converters do) and returns it in
// upper case; def when the parameter is absent. Anything else is the
// reference's 404 "The valid values for <enumName> do not include '<v>'".
func enumParam(c *rest.Call, name, enumName, def string, values ...string) (string, error) {
	v, ok := c.R.URL.Query()[name]
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

// decodeBody reads a v3 request body into v: a missing or null body is
// 422 42206, an unknown field 422, any other mistake 400.
func decodeBody(c *rest.Call, v any) error {
	b, err := c.Body()
	if err != nil {
		return err
	}
	if rest.EmptyBody(b) {
		return rest.ErrEmptyBody()
	}
	return rest.DecodeBytes(b, v)
}

// v3JSON is what every v3 route produces: JSON only.
func v3JSON() []rest.Offer { return []rest.Offer{{Media: rest.MediaJSON, QS: 1}} }
