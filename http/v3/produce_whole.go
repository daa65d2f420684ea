package v3

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
)

// The fast path of streaming produce: a body whose length is known and
// short (one record, or a few, per request: what most clients send) is
// read whole, produced, and answered with the very lines the streaming
// path writes, in one write with a Content-Length. No goroutine, no
// channel and no flush per line; the buffers come from a pool. Reading
// the whole body before answering is what the streaming path's full
// duplex exists to avoid for long bodies; for a short one it costs
// nothing.

// wholeMaxBytes bounds the bodies the fast path takes: the streaming
// path's own read buffer, so that it holds no more than a stream does.
const wholeMaxBytes = readFree

// wholeOutMaxBytes bounds the answer the fast path holds: a body of many
// tiny records whose answer grows past it is answered as it goes, chunked,
// as the streaming path does.
const wholeOutMaxBytes = 64 << 10

// whole is what the fast path reuses from request to request.
type whole struct {
	body   []byte
	in     bytes.Reader
	frames *codec.Framer
	enc    lineEncoder
	out    []byte
	// pending are the records read whose line is not in out yet.
	pending []*pendingRecord
}

// wholes pools the fast path's buffers.
type wholes struct{ pool sync.Pool }

func (s *produce) getWhole() *whole {
	if w, ok := s.wholes.pool.Get().(*whole); ok {
		return w
	}
	return &whole{body: make([]byte, wholeMaxBytes),
		frames: codec.NewFramer(nil, s.recordMaxBytes(), codec.WithBudget(readFree, int(s.readBudget.Claim()), s.newReadHold))}
}

func (s *produce) putWhole(w *whole) {
	clear(w.pending)
	w.pending = w.pending[:0]
	w.frames.Reset(nil)
	w.in.Reset(nil)
	if cap(w.out) > wholeOutMaxBytes {
		w.out = nil // a rare large answer does not stay pooled
	}
	s.wholes.pool.Put(w)
}

// errReader ends a body cut short as the request's body did.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// produceWhole serves a streaming produce request whose body is
// c.R.ContentLength bytes, at most wholeMaxBytes.
func (s *produce) produceWhole(c *rest.Call, clusterID, topic string, latin1 bool) error {
	w := s.getWhole()
	defer s.putWhole(w)
	rc := http.NewResponseController(c.W)
	deadline := time.Now().Add(s.cfg.StreamMaxDuration)
	// A client may not take longer to send its body than a stream may.
	_ = rc.SetReadDeadline(deadline.Add(s.cfg.StreamGrace))
	n, readErr := io.ReadFull(c.R.Body, w.body[:c.R.ContentLength])
	if errors.Is(readErr, io.EOF) {
		readErr = io.ErrUnexpectedEOF // shorter than its Content-Length
	}
	b := w.body[:n]
	if len(bytes.TrimLeft(b, " \t\r\n")) == 0 {
		// What the streaming path answers before it starts.
		if readErr != nil {
			return readErr
		}
		return rest.ErrEmptyBody()
	}
	w.in.Reset(b)
	var in io.Reader = &w.in
	if readErr != nil {
		// The records before the cut are produced, then the line that
		// says why the body ends: the streaming path's answer.
		in = io.MultiReader(in, errReader{readErr})
	}
	if latin1 {
		in = codec.Latin1Reader(in)
	}
	w.frames.Reset(in)
	if err := w.enc.reset(clusterID, topic); err != nil {
		return err
	}
	// No deadline of its own (a context and a timer a request): its body
	// is read, and Kafka answers each record within the producer's
	// delivery timeout.
	ctx := c.R.Context()

	chunked := false
	// answer moves the lines of the pending records into out; once out is
	// large, it is written as it is, chunked.
	answer := func() bool {
		for _, p := range w.pending {
			w.out = s.appendAnswer(ctx, w.out, &w.enc, p, clusterID, topic)
		}
		clear(w.pending)
		w.pending = w.pending[:0]
		if len(w.out) <= wholeOutMaxBytes {
			return true
		}
		if !chunked {
			chunked = true
			c.W.Header().Set("Content-Type", rest.MediaJSON)
			c.W.WriteHeader(http.StatusOK)
		}
		_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.StreamWriteTimeout))
		_, err := c.W.Write(w.out)
		w.out = w.out[:0]
		return err == nil
	}
	s.readRecords(ctx, w.frames, clusterID, topic, deadline, func(p *pendingRecord) bool {
		w.pending = append(w.pending, p)
		// As many records wait for their answers as in a stream.
		return len(w.pending) < s.cfg.StreamWindow || answer()
	})
	if !answer() {
		return nil // the client is gone
	}
	if !chunked {
		c.W.Header().Set("Content-Type", rest.MediaJSON)
		c.W.Header().Set("Content-Length", strconv.Itoa(len(w.out)))
		c.W.WriteHeader(http.StatusOK)
	}
	_, _ = c.W.Write(w.out)
	w.out = w.out[:0]
	return nil
}
