package http

import (
	_ "embed"
	nethttp "net/http"

	"github.com/kafka-rest-go/kafka-rest/http/rest"
)

// openAPIDoc is the project's own OpenAPI document of the v3 and v2 APIs,
// served at GET /v3/openapi.yaml and /v2/openapi.yaml. The test suite
// validates every response against it, so it cannot drift from the code.
//
//go:embed openapi/openapi.yaml
var openAPIDoc []byte

// openAPIRoute serves the document at path: one document describes both
// API families, served under each that is on.
func openAPIRoute(path, name string) rest.Route {
	return rest.Route{Method: "GET", Path: path, Name: name,
		Produces: []rest.Offer{{Media: "application/yaml", QS: 1}, {Media: "text/yaml", QS: 0.9}, {Media: "text/plain", QS: 0.5}},
		Handle: func(c *rest.Call) error {
			c.W.Header().Set("Content-Type", c.Media)
			c.W.WriteHeader(nethttp.StatusOK)
			_, err := c.W.Write(openAPIDoc)
			return err
		}}
}
