package rest

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Route is one endpoint of the API.
type Route struct {
	Method, Path string
	// Name is the reference's endpoint name (api.v3.clusters.list, ...),
	// which access lists and rate-limit costs name.
	Name string
	// Produces are the response types; the client's Accept picks one.
	Produces []Offer
	// Consumes are the accepted request Content-Types; nil when the route
	// reads no body.
	Consumes []string
	// Streaming is set on a route that reads its body for as long as the
	// client sends it: no body deadline, no per-request rate-limit cost.
	Streaming bool
	// Handle serves a call; an error is answered in the error model.
	Handle func(*Call) error
}

// Call is one request to a route: what its handler reads and writes.
type Call struct {
	// W is the response; it remembers the status written.
	W *Recorder
	// R is the request.
	R *http.Request
	// Params are the path's parameters.
	Params httprouter.Params
	// Media is the negotiated response type.
	Media string
	// Route is the route's path template, Name its endpoint name.
	Route, Name string

	start time.Time
	code  int // error_code of an error answer, for the log
	body  BodyLimits
}

// Param returns the path parameter name.
func (c *Call) Param(name string) string { return c.Params.ByName(name) }

// Body reads the whole request body, bounded in size and time.
func (c *Call) Body() ([]byte, error) { return c.body.Read(c.W, c.R) }

// BodyInto is Body appending to dst[:0]: a handler that is done with the
// body once it has answered reuses its buffer.
func (c *Call) BodyInto(dst []byte) ([]byte, error) { return c.body.ReadInto(c.W, c.R, dst) }

// EmptyBody reports whether a request body is missing: no JSON value at
// all, or JSON null, which the reference's endpoints treat alike.
func EmptyBody(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// ErrEmptyBody is the reference's answer to a request whose body is
// missing or JSON null where data is required.
func ErrEmptyBody() error {
	return apierr.New(apierr.CodeInvalidPayload, "Payload error. Request body is empty. Data is required.")
}

// Decode reads the body as strictly one JSON value into v, answering as the
// reference's Jackson provider does: 422 for an unknown field, 400 for the
// rest.
func (c *Call) Decode(v any) error {
	b, err := c.Body()
	if err != nil {
		return err
	}
	return DecodeBytes(b, v)
}

// DecodeBytes is Decode for a body already read.
func DecodeBytes(b []byte, v any) error {
	err := codec.Decode(b, v)
	var uf *codec.UnknownFieldError
	var se *codec.SyntaxError
	switch {
	case errors.As(err, &uf):
		return apierr.New(apierr.CodeUnprocessableEntity, "%s", uf.Error())
	case errors.As(err, &se):
		return apierr.New(apierr.CodeBadRequest, "%s", se.Error())
	}
	return err
}

// JSON writes v as the response in the negotiated type.
func (c *Call) JSON(status int, v any) error {
	b, err := codec.Marshal(v)
	if err != nil {
		return err
	}
	h := c.W.Header()
	h.Set("Content-Type", c.Media)
	// Known in advance: the answer goes in one piece, never chunked.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	c.W.WriteHeader(status)
	_, err = c.W.Write(b)
	return err
}

// NoContent answers 204 when err is nil, else returns err.
func (c *Call) NoContent(err error) error {
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}

// Recorder remembers the status written; Unwrap keeps
// http.ResponseController (flush, full duplex, deadlines) working through
// it.
type Recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader implements http.ResponseWriter.
func (r *Recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

// Write implements http.ResponseWriter.
func (r *Recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

// Status is the status written, 0 before any.
func (r *Recorder) Status() int { return r.status }

// Wrote reports whether the answer has started.
func (r *Recorder) Wrote() bool { return r.wrote }

// Unwrap returns the writer the recorder wraps.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
