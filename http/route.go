package http

import (
	"bytes"
	"errors"
	"log/slog"
	nethttp "net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// route is one endpoint.
type route struct {
	method, path string
	// name is the reference's resource name (api.v3.clusters.list, ...),
	// used by access lists and rate-limit costs.
	name string
	// produces are the response types; the client's Accept picks one.
	produces []offer
	// consumes are the accepted request Content-Types; nil when the
	// route reads no body.
	consumes []string
	handle   func(*call) error
}

// call is one request to a route: what the handler reads and writes.
type call struct {
	w     *recorder
	r     *nethttp.Request
	ps    httprouter.Params
	media string // the negotiated response type
	route string
	start time.Time
	name  string
	code  int // error_code of an error answer, for the log
	// limits bound the body that body reads.
	limits bodyLimits
}

func (c *call) param(name string) string { return c.ps.ByName(name) }

// maxBodyBytes bounds non-streaming request bodies unless
// max.request.body.size says otherwise.
const maxBodyBytes = 32 << 20

// body reads the whole request body, bounded in size and time.
func (c *call) body() ([]byte, error) { return c.limits.read(c.w, c.r) }

// emptyBody reports whether a request body is missing: no JSON value at
// all, or JSON null, which the reference's endpoints treat alike.
func emptyBody(b []byte) bool {
	t := bytes.TrimSpace(b)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// decode reads the body as strictly one JSON value into v, answering as the
// reference's Jackson provider does: 422 for an unknown field, 400 for the
// rest.
func (c *call) decode(v any) error {
	b, err := c.body()
	if err != nil {
		return err
	}
	return c.decodeBytes(b, v)
}

// decodeBytes is decode for a body already read.
func (c *call) decodeBytes(b []byte, v any) error {
	err := codec.Decode(b, v)
	var uf *codec.UnknownFieldError
	var se *codec.SyntaxError
	switch {
	case errors.As(err, &uf):
		return kafka.Errorf(nethttp.StatusUnprocessableEntity, nethttp.StatusUnprocessableEntity, "%s", uf.Error())
	case errors.As(err, &se):
		return kafka.Errorf(nethttp.StatusBadRequest, nethttp.StatusBadRequest, "%s", se.Error())
	}
	return err
}

// json writes v as the response in the negotiated type.
func (c *call) json(status int, v any) error {
	b, err := codec.Marshal(v)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", c.media)
	c.w.WriteHeader(status)
	_, err = c.w.Write(b)
	return err
}

// noContent answers 204 when err is nil, else err.
func (c *call) noContent(err error) error {
	if err != nil {
		return err
	}
	c.w.WriteHeader(nethttp.StatusNoContent)
	return nil
}

// wrap turns a route into a router handler: content negotiation, the
// handler, the error model and the request log.
func (s *Server) wrap(rt route) httprouter.Handle {
	return func(w nethttp.ResponseWriter, r *nethttp.Request, ps httprouter.Params) {
		c := &call{w: &recorder{ResponseWriter: w}, r: r, ps: ps, route: rt.path, name: rt.name, start: time.Now(), limits: s.guards.body}
		defer s.logRequest(c)
		media, ok := negotiate(r.Header.Get("Accept"), rt.produces)
		if !ok {
			// JAX-RS answers 406 with no body.
			c.w.WriteHeader(nethttp.StatusNotAcceptable)
			return
		}
		c.media = media
		if rt.consumes != nil && r.ContentLength != 0 && !contentTypeIs(r.Header.Get("Content-Type"), rt.consumes...) {
			c.media = s.errorMedia(r)
			s.writeError(c, kafka.Errorf(nethttp.StatusUnsupportedMediaType, nethttp.StatusUnsupportedMediaType, "HTTP 415 Unsupported Media Type"))
			return
		}
		if err := topicInPath(c); err != nil {
			s.writeError(c, err)
			return
		}
		if err := s.identify(c); err != nil {
			s.writeError(c, err)
			return
		}
		if err := rt.handle(c); err != nil {
			s.writeError(c, err)
		}
	}
}

// topicInPath refuses a topic name in the path that Kafka refuses, in
// Kafka's words (400 40002), before any cluster is asked: a name no topic
// can have is the client's error on every path, whatever Kafka would
// answer about it.
func topicInPath(c *call) error {
	for _, p := range c.ps {
		if p.Key == "topic_name" || p.Key == "topic" {
			if err := kafka.TopicNameError(p.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// plain is a handler outside any route (404, 405): JSON errors.
func (s *Server) plain(name string, fn func(*call) error) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		c := &call{w: &recorder{ResponseWriter: w}, r: r, route: name, media: s.errorMedia(r), start: time.Now()}
		defer s.logRequest(c)
		if err := fn(c); err != nil {
			s.writeError(c, err)
		}
	})
}

// errorMedia is the type of an error written before a route's own type is
// known: the client's pick among response.mediatype.preferred, else
// response.mediatype.default.
func (s *Server) errorMedia(r *nethttp.Request) string {
	offers := make([]offer, len(s.cfg.PreferredMediaTypes))
	for i, m := range s.cfg.PreferredMediaTypes {
		offers[i] = offer{m, 1}
	}
	if m, ok := negotiate(r.Header.Get("Accept"), offers); ok {
		return m
	}
	if s.cfg.DefaultMediaType != "" {
		return s.cfg.DefaultMediaType
	}
	return mediaJSON
}

// errorBody is the reference's error model.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// writeError answers err in the error model. Errors the client caused keep
// their cause out of the message unless debug=true; server-side failures
// are logged.
func (s *Server) writeError(c *call, err error) {
	re := kafka.Translate(err)
	c.code = re.Code
	if re.Status == 499 {
		c.w.status = re.Status // the client is gone: nothing to write
		return
	}
	msg := re.Message
	if s.cfg.Debug && re.Err != nil {
		msg += " (" + re.Err.Error() + ")"
	}
	if re.Status >= 500 {
		s.log.Error("request failed", "method", c.r.Method, "route", c.route, "status", re.Status,
			"error_code", re.Code, "error", err)
	}
	if c.w.wrote {
		return // a streamed answer already started: nothing sane to add
	}
	if c.media == "" {
		c.media = mediaJSON
	}
	if werr := c.json(re.Status, errorBody{re.Code, msg}); werr != nil {
		s.log.Debug("writing an error response", "error", werr)
	}
}

// logRequest counts the request in the metrics and writes the request log
// line: method, route template, status, error code, duration.
func (s *Server) logRequest(c *call) {
	status, d := c.w.status, time.Since(c.start)
	if status == 0 {
		status = nethttp.StatusOK
	}
	s.sys.Metrics().Request(c.route, c.r.Method, status, c.code, d)
	if !s.cfg.RequestLog {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", c.r.Method),
		slog.String("route", c.route),
		slog.Int("status", status),
		slog.Duration("duration", d),
	}
	if c.name != "" {
		attrs = append(attrs, slog.String("endpoint", c.name))
	}
	if c.code != 0 {
		attrs = append(attrs, slog.Int("error_code", c.code))
	}
	s.log.LogAttrs(c.r.Context(), slog.LevelInfo, "request", attrs...)
}

// recorder remembers the status written; Unwrap keeps
// http.ResponseController (flush, full duplex) working through it.
type recorder struct {
	nethttp.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = nethttp.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() nethttp.ResponseWriter { return r.ResponseWriter }
