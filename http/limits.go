package http

import (
	"errors"
	"io"
	nethttp "net/http"
	"os"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// bodyLimits bound a non-streaming request body: its size (413 beyond) and
// how long it may take to arrive (408 beyond), so that a slow client cannot
// hold a connection and a goroutine for ever. Streaming produce is bound by
// its own rules instead (streaming.connection.max.duration.ms).
type bodyLimits struct {
	maxBytes int64
	timeout  time.Duration
}

// streamingRoutes read their body for as long as the client sends it.
func streamingRoute(name string) bool { return name == "api.v3.produce.produce-to-topic" }

// startBody arms the body deadline of a request that has a body.
func (l bodyLimits) startBody(w nethttp.ResponseWriter, r *nethttp.Request, name string) {
	if l.timeout <= 0 || r.ContentLength == 0 || streamingRoute(name) {
		return
	}
	// A writer that cannot take deadlines (a test recorder) just goes
	// without one.
	_ = nethttp.NewResponseController(w).SetReadDeadline(time.Now().Add(l.timeout))
}

// read reads the whole body within the limits, then disarms the deadline so
// that a long handler is not cut off by it. A body that did not arrive in
// time leaves the deadline armed and the connection closing, so that the
// server does not wait for the rest of it either.
func (l bodyLimits) read(w nethttp.ResponseWriter, r *nethttp.Request) ([]byte, error) {
	limit := l.maxBytes
	if limit <= 0 {
		limit = maxBodyBytes
	}
	b, err := io.ReadAll(nethttp.MaxBytesReader(w, r.Body, limit))
	var mbe *nethttp.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, apierr.New(apierr.CodeTooLarge, "Request body is larger than %d bytes.", mbe.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		return nil, apierr.New(apierr.CodeRequestTimeout, "Request body did not arrive within %s; send it faster or raise request.body.timeout.ms.", l.timeout)
	}
	_ = nethttp.NewResponseController(w).SetReadDeadline(time.Time{})
	return b, err
}

// headerBytes is the size of the request line and headers as sent.
func headerBytes(r *nethttp.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n + len(r.Host) + 8
}
