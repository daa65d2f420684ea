package http

import (
	_ "embed"
	nethttp "net/http"
)

// openAPIDoc is the project's own OpenAPI document of the v3 and v2 APIs,
// served at GET /v3/openapi.yaml and /v2/openapi.yaml. The test suite
// validates every response against it, so it cannot drift from the code.
//
//go:embed openapi/openapi.yaml
var openAPIDoc []byte

// openAPIRoute serves the document at path: one document describes both
// API families, served under each that is on.
func (s *Server) openAPIRoute(path, name string) route {
	return route{method: "GET", path: path, name: name,
		produces: []offer{{"application/yaml", 1}, {"text/yaml", 0.9}, {"text/plain", 0.5}}, handle: s.openAPI}
}

func (s *Server) openAPI(c *call) error {
	c.w.Header().Set("Content-Type", c.media)
	c.w.WriteHeader(nethttp.StatusOK)
	_, err := c.w.Write(openAPIDoc)
	return err
}
