package rest

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// API is the plumbing every route shares: content negotiation, the body
// limits, the error model, the request log and the request metrics. It
// turns a Route into an http.Handler, and answers for the guards that
// refuse a request before its route runs.
type API struct {
	Log     *slog.Logger
	Metrics *telemetry.Metrics
	// RequestLog writes a line per request at INFO.
	RequestLog bool
	// Debug adds the cause of an error to its message.
	Debug bool
	// PreferredMediaTypes are the types an error outside any route may be
	// written in, the client's Accept choosing; DefaultMediaType when it
	// accepts none of them.
	PreferredMediaTypes []string
	DefaultMediaType    string
	// Body bounds the bodies that Call.Body reads.
	Body BodyLimits
	// Identify, when set, runs once the call is negotiated and before its
	// handler: identity pass-through puts the caller's Kafka credentials
	// into the request there. An error is the call's answer.
	Identify func(*Call) error
}

// ErrorBody is the reference's error model.
type ErrorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// Handler serves rt: it negotiates the response type (406 with no body, as
// JAX-RS, when none fits), checks the request's Content-Type (415) and the
// topic name in its path (400), then runs the route's handler and answers its error in the error model. The
// path's parameters come from the request's context, where httprouter puts
// them.
func (a *API) Handler(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := a.newCall(w, r, rt.Path, rt.Name)
		c.Params = httprouter.ParamsFromContext(r.Context())
		defer a.finish(c)
		media, ok := Negotiate(r.Header.Get("Accept"), rt.Produces)
		if !ok {
			c.W.WriteHeader(http.StatusNotAcceptable)
			return
		}
		c.Media = media
		if rt.Consumes != nil && r.ContentLength != 0 && !ContentTypeIs(r.Header.Get("Content-Type"), rt.Consumes...) {
			c.Media = a.ErrorMedia(r)
			a.WriteError(c, apierr.New(apierr.CodeUnsupportedMedia, "HTTP 415 Unsupported Media Type"))
			return
		}
		if err := topicInPath(c); err != nil {
			a.WriteError(c, err)
			return
		}
		if a.Identify != nil {
			if err := a.Identify(c); err != nil {
				a.WriteError(c, err)
				return
			}
		}
		if err := rt.Handle(c); err != nil {
			a.WriteError(c, err)
		}
	})
}

// topicInPath refuses a topic name in the path that Kafka refuses, in
// Kafka's words (400 40002), before any cluster is asked: a name no topic
// can have is the client's error on every path, whatever Kafka would
// answer about it.
func topicInPath(c *Call) error {
	for _, p := range c.Params {
		if p.Key == "topic_name" || p.Key == "topic" {
			if err := kafka.TopicNameError(p.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// Plain serves a request outside any route (404, 405): fn's error, in the
// error model.
func (a *API) Plain(name string, fn func(*Call) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := a.newCall(w, r, name, "")
		c.Media = a.ErrorMedia(r)
		defer a.finish(c)
		if err := fn(c); err != nil {
			a.WriteError(c, err)
		}
	})
}

// Refuse answers a request a guard stopped before its route ran, in the
// error model, and logs and counts it like any other.
func (a *API) Refuse(w http.ResponseWriter, r *http.Request, route, name string, err error) {
	c := a.newCall(w, r, route, name)
	c.Media = a.ErrorMedia(r)
	defer a.finish(c)
	a.WriteError(c, err)
}

// Recovered answers a request whose handler panicked: a bug, logged with
// its value, and a 500 for the client, never a dropped connection.
//
// http.ErrAbortHandler is no bug but a handler's way to cut a connection
// whose answer cannot be finished (a forwarded answer the other node
// stopped sending midway): it goes on to net/http, which closes the
// connection, so that the client never takes a cut answer for a whole one.
func (a *API) Recovered(w http.ResponseWriter, r *http.Request, v any) {
	if v == http.ErrAbortHandler {
		panic(v)
	}
	a.Log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v)
	c := a.newCall(w, r, "", "")
	c.Media = MediaJSON
	a.WriteError(c, apierr.New(apierr.CodeInternal, "Internal Server Error"))
}

// Answer writes err in the error model outside any route or log: the
// operations endpoints answer their errors this way.
func (a *API) Answer(w http.ResponseWriter, r *http.Request, err error) {
	c := a.newCall(w, r, "", "")
	c.Media = MediaJSON
	a.WriteError(c, err)
}

func (a *API) newCall(w http.ResponseWriter, r *http.Request, route, name string) *Call {
	return &Call{W: &Recorder{ResponseWriter: w}, R: r, Route: route, Name: name, start: time.Now(), body: a.Body}
}

// ErrorMedia is the type of an error written before a route's own type is
// known: the client's pick among response.mediatype.preferred, else
// response.mediatype.default.
func (a *API) ErrorMedia(r *http.Request) string {
	offers := make([]Offer, len(a.PreferredMediaTypes))
	for i, m := range a.PreferredMediaTypes {
		offers[i] = Offer{m, 1}
	}
	if m, ok := Negotiate(r.Header.Get("Accept"), offers); ok {
		return m
	}
	if a.DefaultMediaType != "" {
		return a.DefaultMediaType
	}
	return MediaJSON
}

// WriteError answers err in the error model. Errors the client caused keep
// their cause out of the message unless debug=true; server-side failures
// are logged. A call whose answer has started gets nothing more.
func (a *API) WriteError(c *Call, err error) {
	re := kafka.Translate(err)
	c.code = re.Code
	if re.Code == apierr.CodeClientGone {
		c.W.status = re.Status // the client is gone: nothing to write
		return
	}
	msg := re.Message
	if a.Debug && re.Err != nil {
		msg += " (" + re.Err.Error() + ")"
	}
	if re.Status >= 500 {
		a.Log.Error("request failed", "method", c.R.Method, "route", c.Route, "status", re.Status,
			"error_code", re.Code, "error", err)
	}
	if c.W.wrote {
		return // a streamed answer already started: nothing sane to add
	}
	if c.Media == "" {
		c.Media = MediaJSON
	}
	if werr := c.JSON(re.Status, ErrorBody{re.Code, msg}); werr != nil {
		a.Log.Debug("writing an error response", "error", werr)
	}
}

// finish counts the request in the metrics and writes the request log
// line: method, route template, status, error code, duration.
func (a *API) finish(c *Call) {
	status, d := c.W.status, time.Since(c.start)
	if status == 0 {
		status = http.StatusOK
	}
	a.Metrics.Request(c.Route, c.R.Method, status, c.code, d)
	if !a.RequestLog {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", c.R.Method),
		slog.String("route", c.Route),
		slog.Int("status", status),
		slog.Duration("duration", d),
	}
	if c.Name != "" {
		attrs = append(attrs, slog.String("endpoint", c.Name))
	}
	if c.code != 0 {
		attrs = append(attrs, slog.Int("error_code", c.code))
	}
	a.Log.LogAttrs(c.R.Context(), slog.LevelInfo, "request", attrs...)
}
