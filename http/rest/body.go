package rest

import (
	"errors"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// DefaultMaxBodyBytes bounds non-streaming request bodies unless
// max.request.body.size says otherwise.
const DefaultMaxBodyBytes = 32 << 20

// BodyLimits bound a non-streaming request body: its size (413 beyond) and
// how long it may take to arrive (408 beyond), so that a slow client cannot
// hold a connection and a goroutine for ever. Streaming produce is bound by
// its own rules instead (streaming.connection.max.duration.ms).
type BodyLimits struct {
	// MaxBytes is the largest body; 0 means DefaultMaxBodyBytes.
	MaxBytes int64
	// Timeout bounds how long the body may take to arrive; 0 means no
	// bound.
	Timeout time.Duration
}

// Start arms the body deadline of a request that has a body, unless its
// route streams.
func (l BodyLimits) Start(w http.ResponseWriter, r *http.Request, streaming bool) {
	if l.Timeout <= 0 || r.ContentLength == 0 || streaming {
		return
	}
	// A writer that cannot take deadlines (a test recorder) just goes
	// without one.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(l.Timeout))
}

// Read reads the whole body within the limits, then disarms the deadline so
// that a long handler is not cut off by it. A body that did not arrive in
// time leaves the deadline armed and the connection closing, so that the
// server does not wait for the rest of it either.
func (l BodyLimits) Read(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return l.ReadInto(w, r, nil)
}

// ReadInto is Read appending the body to dst[:0], so that a handler can
// reuse its buffers from request to request.
func (l BodyLimits) ReadInto(w http.ResponseWriter, r *http.Request, dst []byte) ([]byte, error) {
	limit := l.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	b, err := readAll(http.MaxBytesReader(w, r.Body, limit), dst[:0], min(r.ContentLength, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, apierr.New(apierr.CodeTooLarge, "Request body is larger than %d bytes.", mbe.Limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		return nil, apierr.New(apierr.CodeRequestTimeout, "Request body did not arrive within %s; send it faster or raise request.body.timeout.ms.", l.Timeout)
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	return b, err
}

// readAll is io.ReadAll appending to b, which first grows to the size
// the body announced (size, when positive).
func readAll(r io.Reader, b []byte, size int64) ([]byte, error) {
	if size > 0 && int64(cap(b)) < size+1 {
		// One more byte, so that the read which meets the end needs no
		// growth.
		b = make([]byte, 0, size+1)
	}
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// Buffers pools the body buffers of a handler done with each body once it
// has answered.
type Buffers struct{ pool sync.Pool }

// maxPooledBytes bounds the buffers kept: a rare large body does not stay.
const maxPooledBytes = 1 << 20

// Get returns a buffer to read a body into with Call.BodyInto.
func (b *Buffers) Get() *[]byte {
	if p, ok := b.pool.Get().(*[]byte); ok {
		return p
	}
	return new([]byte)
}

// Put gives back a buffer; nothing may use what it holds any more.
func (b *Buffers) Put(p *[]byte) {
	if cap(*p) > maxPooledBytes {
		return
	}
	*p = (*p)[:0]
	b.pool.Put(p)
}

// HeaderBytes is the size of the request line and headers as sent.
func HeaderBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n + len(r.Host) + 8
}
