package http

import (
	"context"
	"errors"
	nethttp "net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
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

// opsRoutes adds the operations endpoints to r.
func (s *Server) opsRoutes(r *httprouter.Router) {
	r.GET(pathHealthz, s.healthz)
	r.GET(pathReadyz, s.readyz)
	r.GET(pathMetrics, s.serveMetrics)
}

// healthBody is the body of a health answer.
type healthBody struct {
	Status string `json:"status"`
}

// healthz answers 200 while the process serves HTTP at all.
func (s *Server) healthz(w nethttp.ResponseWriter, r *nethttp.Request, _ httprouter.Params) {
	c := s.opsCall(w, r)
	_ = c.json(nethttp.StatusOK, healthBody{"ok"})
}

// readyz answers 200 when Kafka answers a metadata request with its
// brokers, else 503 with the reason; with debug=true the reason carries its
// cause.
func (s *Server) readyz(w nethttp.ResponseWriter, r *nethttp.Request, _ httprouter.Params) {
	c := s.opsCall(w, r)
	ctx, cancel := context.WithTimeout(r.Context(), readyzWait)
	defer cancel()
	err := s.sys.Ready(ctx)
	if err == nil {
		_ = c.json(nethttp.StatusOK, healthBody{"ready"})
		return
	}
	re := apierr.New(apierr.CodeUnavailable, "Not ready: %s", err.Error())
	var ke *apierr.Error
	if errors.As(err, &ke) {
		re.Message, re.Err = "Not ready: "+ke.Message, ke.Err
	}
	msg := re.Message
	if s.cfg.Debug && re.Err != nil {
		msg += " (" + re.Err.Error() + ")"
	}
	_ = c.json(re.Status, errorBody{re.Code, msg})
}

// serveMetrics writes every metric in Prometheus text format.
func (s *Server) serveMetrics(w nethttp.ResponseWriter, r *nethttp.Request, _ httprouter.Params) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.sys.Metrics().WritePrometheus(w)
}

// opsCall is a call outside the routes: JSON, never logged.
func (s *Server) opsCall(w nethttp.ResponseWriter, r *nethttp.Request) *call {
	return &call{w: &recorder{ResponseWriter: w}, r: r, media: mediaJSON, start: time.Now()}
}
