package http

import nethttp "net/http"

func (s *Server) v2RootRoutes() []route {
	v2JSON := []offer{{mediaV2JSON, 0.9}}
	return []route{
		{method: "GET", path: "/", name: "api.v2.root.get", produces: v2JSON, handle: s.v2Root},
		{method: "POST", path: "/", name: "api.v2.root.post", produces: v2JSON, consumes: []string{mediaV2JSON}, handle: s.v2RootPost},
	}
}

// v2Root is the reference's liveness answer: an empty object.
func (s *Server) v2Root(c *call) error {
	return c.json(nethttp.StatusOK, struct{}{})
}

// v2RootPost takes a JSON object of strings and answers an empty object, as
// the reference does (its own tests use it to check content negotiation).
func (s *Server) v2RootPost(c *call) error {
	var body map[string]string
	if err := c.decode(&body); err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, struct{}{})
}
