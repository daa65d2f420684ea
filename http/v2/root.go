package v2

import (
	"net/http"

	"github.com/kafka-rest-go/kafka-rest/http/rest"
)

// root answers the v2 root, as the reference does (an empty object).
type root struct{}

func (s *root) routes() []rest.Route {
	return []rest.Route{
		{Method: "GET", Path: "/", Name: "api.v2.root.get", Produces: v2JSON(), Handle: s.v2Root},
		{Method: "POST", Path: "/", Name: "api.v2.root.post", Produces: v2JSON(), Consumes: []string{rest.MediaV2JSON}, Handle: s.v2RootPost},
	}
}

// v2Root is the reference's liveness answer: an empty object.
func (s *root) v2Root(c *rest.Call) error {
	return c.JSON(http.StatusOK, struct{}{})
}

// v2RootPost takes a JSON object of strings and answers an empty object, as
// the reference does (its own tests use it to check content negotiation).
func (s *root) v2RootPost(c *rest.Call) error {
	var body map[string]string
	if err := c.Decode(&body); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct{}{})
}
