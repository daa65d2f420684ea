package http

import (
	_ "embed"
	nethttp "net/http"
)

// openAPIDoc is the project's own OpenAPI document of the v3 API, served at
// GET /v3/openapi.yaml. The test suite validates every v3 response against
// it, so it cannot drift from the code.
//
//go:embed openapi/openapi.yaml
var openAPIDoc []byte

func (s *Server) openAPIRoutes() []route {
	return []route{{method: "GET", path: "/v3/openapi.yaml", name: "api.v3.openapi.get",
		produces: []offer{{"application/yaml", 1}, {"text/yaml", 0.9}, {"text/plain", 0.5}}, handle: s.openAPI}}
}

func (s *Server) openAPI(c *call) error {
	c.w.Header().Set("Content-Type", c.media)
	c.w.WriteHeader(nethttp.StatusOK)
	_, err := c.w.Write(openAPIDoc)
	return err
}
