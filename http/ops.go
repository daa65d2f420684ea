package http

import (
	"context"
	nethttp "net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
)

// The operations endpoints are not part of Confluent's API: liveness,
// readiness and Prometheus metrics. They are served whatever API families
// are enabled, and stay out of the request log and the request metrics, so
// that probes and scrapes neither flood the log nor count themselves.
const (
	pathHealthz = "/healthz"
	pathReadyz  = "/readyz"
	pathMetrics = "/metrics"
)

// readyzWait bounds how long a readiness probe waits for an answer.
const readyzWait = 5 * time.Second

// ops serves the operations endpoints.
type ops struct {
	// ready reports whether the proxy can serve (Kafka answers).
	ready   func(context.Context) error
	metrics *telemetry.Metrics
	debug   bool
}

func (o *ops) routes(r *httprouter.Router) {
	r.HandlerFunc(nethttp.MethodGet, pathHealthz, o.healthz)
	r.HandlerFunc(nethttp.MethodGet, pathReadyz, o.readyz)
	r.HandlerFunc(nethttp.MethodGet, pathMetrics, o.serveMetrics)
}

// healthBody is the body of a health answer.
type healthBody struct {
	Status string `json:"status"`
}

// healthz answers 200 while the process serves HTTP at all.
func (o *ops) healthz(w nethttp.ResponseWriter, _ *nethttp.Request) {
	writeJSON(w, nethttp.StatusOK, healthBody{"ok"})
}

// readyz answers 200 when Kafka answers a metadata request with its
// brokers, else 503 with the reason; with debug=true the reason carries its
// cause.
func (o *ops) readyz(w nethttp.ResponseWriter, r *nethttp.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyzWait)
	defer cancel()
	err := o.ready(ctx)
	if err == nil {
		writeJSON(w, nethttp.StatusOK, healthBody{"ready"})
		return
	}
	re := apierr.New(apierr.CodeUnavailable, "Not ready: %s", err.Error())
	if ke, ok := apierr.As(err); ok {
		re.Message, re.Err = "Not ready: "+ke.Message, ke.Err
	}
	msg := re.Message
	if o.debug && re.Err != nil {
		msg += " (" + re.Err.Error() + ")"
	}
	writeJSON(w, re.Status, rest.ErrorBody{ErrorCode: re.Code, Message: msg})
}

// serveMetrics writes every metric in Prometheus text format.
func (o *ops) serveMetrics(w nethttp.ResponseWriter, _ *nethttp.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	o.metrics.WritePrometheus(w)
}

// writeJSON answers v in JSON, outside the routes and their log.
func writeJSON(w nethttp.ResponseWriter, status int, v any) {
	b, err := codec.Marshal(v)
	if err != nil {
		nethttp.Error(w, err.Error(), nethttp.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", rest.MediaJSON)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
