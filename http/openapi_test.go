package http_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// contract is the OpenAPI document the proxy serves, loaded once and
// checked to be a valid OpenAPI 3 document.
type contract struct {
	once   sync.Once
	router routers.Router
	err    error
}

// The served document is the same for every proxy of a test binary.
var served contract

func (c *contract) load(t *testing.T) routers.Router {
	t.Helper()
	c.once.Do(func() {
		// The document a proxy with default settings serves: the proxy
		// under test may be one whose guards refuse this very request.
		// Its actors never reach Kafka: the document is served without it.
		log := slog.New(slog.DiscardHandler)
		acfg := actors.DefaultConfig()
		acfg.Kafka = kafka.Config{BootstrapServers: []string{"127.0.0.1:1"}}
		sys, err := actors.New(acfg, log)
		if err != nil {
			c.err = err
			return
		}
		defer sys.Shutdown(context.Background())
		rec := httptest.NewRecorder()
		http.New(http.DefaultConfig(), sys, log).ServeHTTP(rec, httptest.NewRequest("GET", "/v3/openapi.yaml", nil))
		if rec.Code != nethttp.StatusOK {
			c.err = fmt.Errorf("GET /v3/openapi.yaml: %d", rec.Code)
			return
		}
		b := rec.Body.Bytes()
		doc, err := openapi3.NewLoader().LoadFromData(b)
		if err != nil {
			c.err = err
			return
		}
		if c.err = doc.Validate(context.Background()); c.err != nil {
			return
		}
		c.router, c.err = gorillamux.NewRouter(doc)
	})
	if c.err != nil {
		t.Fatalf("the served OpenAPI document: %v", c.err)
	}
	return c.router
}

// conform fails unless the response to req is one the OpenAPI document
// allows: a documented path and method, and a body of the documented shape
// for its status.
func conform(t *testing.T, p *proxy, req *nethttp.Request, r response) {
	t.Helper()
	if r.status == nethttp.StatusNotAcceptable && len(r.body) == 0 {
		return // content negotiation's 406 has no body (a consumer's format mismatch has one)
	}
	router := served.load(t)
	if trimmed := strings.TrimRight(req.URL.Path, "/"); trimmed != req.URL.Path && trimmed != "" {
		// The proxy ignores a trailing slash, as the reference does.
		req = req.Clone(req.Context())
		req.URL.Path = trimmed
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if r.status == nethttp.StatusNotFound || r.status == nethttp.StatusMethodNotAllowed || r.status == nethttp.StatusUnauthorized {
			return // an unknown path or method (asked without credentials): nothing to document
		}
		t.Fatalf("%s %s answered %d but is not in the OpenAPI document: %v", req.Method, req.URL.Path, r.status, err)
	}
	bodies := [][]byte{r.body}
	if r.status == nethttp.StatusOK && strings.HasSuffix(req.URL.Path, "/records") {
		// A streaming answer: each line is one documented object.
		bodies = bytes.Split(bytes.TrimSuffix(r.body, []byte("\r\n")), []byte("\r\n"))
	}
	for _, body := range bodies {
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 r.status,
			Header:                 r.header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			t.Fatalf("%s %s: the %d response does not conform to the OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, r.status, err, body)
		}
	}
}
