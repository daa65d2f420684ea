package v3

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// ProduceConfig bounds v3 produce.
type ProduceConfig struct {
	// ProduceRecordMaxBytes bounds one record of a streaming produce
	// body; a larger one ends the stream. 0 means the default bound.
	ProduceRecordMaxBytes int
	// ProduceBatchMaxEntries bounds the entries of records:batch.
	ProduceBatchMaxEntries int
	// StreamMaxDuration and StreamGrace bound a streaming produce
	// connection's life.
	StreamMaxDuration, StreamGrace time.Duration
	// StreamWindow bounds the records of one stream read but not yet
	// answered; with the produce credits it bounds a stream's memory.
	StreamWindow int
	// StreamWriteTimeout ends a stream whose client stops reading its
	// answers: no write may wait longer.
	StreamWriteTimeout time.Duration
	// BatchCreditWait bounds how long a batch waits for produce credit
	// before its entries are answered 429.
	BatchCreditWait time.Duration
	// ReadBudgetBytes bounds the memory all streams hold between them for
	// records being read, before they take produce credit; a record that
	// cannot get its share within ReadBudgetWait is answered 413.
	ReadBudgetBytes int64
	ReadBudgetWait  time.Duration
}

// produce serves v3 produce: streaming (one JSON line per record, in input
// order, full duplex) and batch (207 with successes and failures).
type produce struct {
	*base      // the cluster check
	cfg        ProduceConfig
	producers  *actors.Producers
	readBudget *actors.ReadBudget
	serializer codec.Serializer
	metrics    *telemetry.Metrics
	log        *slog.Logger
	wholes     wholes // the fast path's buffers
	bodies     rest.Buffers
}

func (s *produce) routes() []rest.Route {
	return []rest.Route{
		{Method: "POST", Path: "/v3/clusters/:cluster_id/topics/:topic_name/records", Name: "api.v3.produce.produce-to-topic",
			Produces: v3JSON(), Consumes: []string{rest.MediaJSON}, Streaming: true, Handle: s.produceStream},
		{Method: "POST", Path: "/v3/clusters/:cluster_id/topics/:topic_name/records:batch", Name: "api.v3.produce.produce-batch-to-topic",
			Produces: v3JSON(), Consumes: []string{rest.MediaJSON}, Handle: s.produceBatch},
	}
}

// produced is the answer for one record: an error, or error_code 200 and
// where the record was stored.
type produced struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message,omitempty"`
	*delivered
}

// delivered is where a record was stored, as a streaming line and a batch
// success both say it.
type delivered struct {
	ClusterID   string        `json:"cluster_id"`
	TopicName   string        `json:"topic_name"`
	PartitionID int32         `json:"partition_id"`
	Offset      int64         `json:"offset"`
	Timestamp   string        `json:"timestamp,omitempty"`
	Key         *producedData `json:"key,omitempty"`
	Value       *producedData `json:"value,omitempty"`
}

type producedData struct {
	Type          codec.Format `json:"type"`
	Subject       string       `json:"subject,omitempty"`
	SchemaID      *int32       `json:"schema_id,omitempty"`
	SchemaVersion *int32       `json:"schema_version,omitempty"`
	Size          int          `json:"size"`
}

// pendingRecord is a record on its way: its serialized key and value, for
// the answer, and Kafka's answer once it arrives.
type pendingRecord struct {
	key, value *producedData
	line       *produced // set when the answer is known without Kafka

	// Kafka's answer is stored in result before done is set; then the
	// request's signal is pinged, one channel for all its records rather
	// than one for each.
	result actors.ProduceResult
	done   atomic.Bool
	signal chan struct{}
}

// newSignal makes the channel a request's records ping when Kafka answers
// one of them.
func newSignal() chan struct{} { return make(chan struct{}, 1) }

// complete stores Kafka's answer and wakes whoever waits for it.
func (p *pendingRecord) complete(r actors.ProduceResult) {
	p.result = r
	p.done.Store(true)
	select {
	case p.signal <- struct{}{}:
	default: // a wake-up is pending already: the waiter looks again
	}
}

// streamRecord is everything a record on its way needs, in one allocation.
type streamRecord struct {
	rec        actors.ProduceRecord
	pending    pendingRecord
	key, value producedData
}

// recordError is the answer line for a record that failed, as the
// reference's per-record mapper writes it: a 422 with a specific code reads
// "Error: <code> : <message>" under error_code 422.
func recordError(err error) *produced {
	re := kafka.Translate(err)
	if re.Status == http.StatusUnprocessableEntity && re.Code != http.StatusUnprocessableEntity {
		return &produced{ErrorCode: http.StatusUnprocessableEntity, Message: "Error: " + strconv.Itoa(re.Code) + " : " + firstLine(re.Message)}
	}
	return &produced{ErrorCode: re.Code, Message: firstLine(re.Message)}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// instant formats a time as Java's Instant.toString does for milliseconds:
// the fraction is left out when it is zero.
func instant(t time.Time) string { return string(appendInstant(nil, t)) }

// appendInstant appends instant(t) to b.
func appendInstant(b []byte, t time.Time) []byte {
	t = t.UTC()
	if t.Nanosecond()/int(time.Millisecond) == 0 {
		return t.AppendFormat(b, "2006-01-02T15:04:05Z")
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05.000Z")
}

// checkCharset answers 400 for a body in a charset other than UTF-8 or
// ISO-8859-1, as the reference does, and reports whether it is
// ISO-8859-1: such a body is read as UTF-8 through codec.Latin1Reader, as
// the reference decodes it, rather than refused as invalid UTF-8.
func checkCharset(c *rest.Call) (latin1 bool, err error) {
	_, params, _ := mime.ParseMediaType(c.R.Header.Get("Content-Type"))
	cs, ok := params["charset"]
	if ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "iso-8859-1") {
		return false, apierr.New(apierr.CodeBadRequest, "Bad Request: Unsupported charset %s", cs)
	}
	return strings.EqualFold(cs, "iso-8859-1"), nil
}

// toRecord turns a parsed request record into one to produce, or the
// per-record error that answers it.
func (s *produce) toRecord(ctx context.Context, topic string, req codec.ProduceRequest, signal chan struct{}) (*actors.ProduceRecord, *pendingRecord, error) {
	if req.PartitionID != nil && *req.PartitionID < 0 {
		return nil, nil, kafka.ErrPartitionNotFound()
	}
	key, err := s.serializer.Serialize(ctx, topic, true, req.Key)
	if err != nil {
		return nil, nil, err
	}
	value, err := s.serializer.Serialize(ctx, topic, false, req.Value)
	if err != nil {
		return nil, nil, err
	}
	sr := &streamRecord{rec: actors.ProduceRecord{Partition: -1, Key: key.Bytes, Value: value.Bytes, Timestamp: req.Timestamp}}
	rec := &sr.rec
	if req.PartitionID != nil {
		rec.Partition = *req.PartitionID
	}
	for _, h := range req.Headers {
		rec.Headers = append(rec.Headers, actors.Header{Key: h.Name, Value: h.Value})
	}
	p := &sr.pending
	p.signal = signal
	if req.Key != nil && key.Format != "" {
		sr.key = producedData{Type: key.Format, Subject: key.Subject, SchemaID: key.SchemaID, SchemaVersion: key.SchemaVersion, Size: key.Size()}
		p.key = &sr.key
	}
	if req.Value != nil && value.Format != "" {
		sr.value = producedData{Type: value.Format, Subject: value.Subject, SchemaID: value.SchemaID, SchemaVersion: value.SchemaVersion, Size: value.Size()}
		p.value = &sr.value
	}
	return rec, p, nil
}

// prepare parses one raw record and makes it ready to produce, or returns
// the line that answers it at once. The steps and their order are the
// reference's: parse, rate limits, partition, serialization. A record
// read with a hold of the read budget is serialized in its own memory.
func (s *produce) prepare(ctx context.Context, clusterID, topic string, raw []byte, hold codec.Hold, signal chan struct{}) (*actors.ProduceRecord, *pendingRecord) {
	rec, p, err := s.toProduce(ctx, clusterID, topic, raw, hold, signal)
	if err != nil {
		// Counted here: it never reaches the actors, which count the rest.
		s.metrics.ProduceFailed(topic, 1)
		if errors.Is(err, actors.ErrReadBudget) {
			return nil, &pendingRecord{line: s.readBudgetLine(err)}
		}
		return nil, &pendingRecord{line: recordError(err)}
	}
	return rec, p
}

// toProduce parses, rate-limits and serializes one raw record.
func (s *produce) toProduce(ctx context.Context, clusterID, topic string, raw []byte, hold codec.Hold, signal chan struct{}) (*actors.ProduceRecord, *pendingRecord, error) {
	parse := codec.ParseProduceRequest
	if hold != nil {
		// The general decoder, when the record needs it, copies it twice
		// more: the budget pays for that first.
		parse = func(raw []byte) (codec.ProduceRequest, error) {
			return codec.ParseProduceRequestInPlace(raw, func(n int) error { return hold.Grow(ctx, int64(n)) })
		}
	}
	req, err := parse(raw)
	if err != nil {
		return nil, nil, err
	}
	if err := s.producers.Allow(clusterID, req.Size); err != nil {
		return nil, nil, err
	}
	rec, p, err := s.toRecord(ctx, topic, req, signal)
	if rec != nil && hold != nil {
		rec.Footprint = int64(cap(raw))
	}
	return rec, p, err
}

// group is the records at hand together, in input order: all holds every
// record's answer, recs and sent those that go to Kafka; holds are the
// shares of the read budget their memory took until they are produced.
type group struct {
	all   []*pendingRecord
	recs  []*actors.ProduceRecord
	sent  []*pendingRecord
	holds []codec.Hold
}

func (g *group) add(rec *actors.ProduceRecord, p *pendingRecord) {
	g.all = append(g.all, p)
	if rec != nil {
		g.recs = append(g.recs, rec)
		g.sent = append(g.sent, p)
	}
}

// produce sends the group's records in one go; when they cannot be sent
// (no credit before ctx ends), each is answered with why. Either way their
// memory is no longer the read budget's: the produce credits count it, or
// it is dropped.
func (g *group) produce(ctx context.Context, ps *actors.ProduceStream, topic string) {
	sent := g.sent
	err := ps.Produce(ctx, topic, g.recs, func(i int, r actors.ProduceResult) { sent[i].complete(r) })
	if err != nil {
		for _, p := range sent {
			p.line = recordError(err)
		}
	}
	for _, h := range g.holds {
		h.Release()
	}
}

// answer waits for a pending record's answer, or for ctx.
func (p *pendingRecord) answer(ctx context.Context, clusterID, topic string) *produced {
	r, line := p.wait(ctx)
	if line != nil {
		return line
	}
	return p.stored(r, clusterID, topic)
}

// stored is the answer of a record Kafka acknowledged with r.
func (p *pendingRecord) stored(r actors.ProduceResult, clusterID, topic string) *produced {
	return &produced{ErrorCode: http.StatusOK, delivered: &delivered{ClusterID: clusterID, TopicName: topic,
		PartitionID: r.Partition, Offset: r.Offset, Timestamp: instant(r.Timestamp), Key: p.key, Value: p.value}}
}

// wait waits for a pending record's outcome, or for ctx: Kafka's
// acknowledgement, or else the line that answers the record.
func (p *pendingRecord) wait(ctx context.Context) (actors.ProduceResult, *produced) {
	if p.line != nil {
		return actors.ProduceResult{}, p.line
	}
	for !p.done.Load() {
		select {
		case <-p.signal: // some record was answered: is it this one?
		case <-ctx.Done():
			// The stream outlived its maximum duration and grace period
			// (or the client left, and reads nothing more).
			return actors.ProduceResult{}, streamEndError(ctx.Err())
		}
	}
	if r := p.result; r.Err != nil {
		return r, recordError(r.Err)
	}
	return p.result, nil
}

// target runs the checks every produce request starts with, in the
// reference's order: the body's charset (latin1 says it is ISO-8859-1),
// then the cluster; it returns the cluster's id and the topic's name.
func (s *produce) target(c *rest.Call) (clusterID, topic string, latin1 bool, err error) {
	if latin1, err = checkCharset(c); err != nil {
		return "", "", false, err
	}
	if clusterID, err = s.cluster(c); err != nil {
		return "", "", false, err
	}
	return clusterID, c.Param("topic_name"), latin1, nil
}

func (s *produce) produceStream(c *rest.Call) error {
	clusterID, topic, latin1, err := s.target(c)
	if err != nil {
		return err
	}
	if n := c.R.ContentLength; n > 0 && n <= wholeMaxBytes {
		// The body is short and its end is known: no need to answer
		// while it is still coming.
		return s.produceWhole(c, clusterID, topic, latin1)
	}
	var in io.Reader = c.R.Body
	if latin1 {
		in = codec.Latin1Reader(in)
	}
	body := bufio.NewReaderSize(in, 64<<10)
	if _, err := peekNonSpace(body); err != nil {
		if errors.Is(err, io.EOF) {
			return rest.ErrEmptyBody()
		}
		return err
	}
	rc := http.NewResponseController(c.W)
	// Without full duplex, Go's HTTP/1 server stops reading the body
	// once the response has started, and a long stream loses its tail.
	if err := rc.EnableFullDuplex(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(c.R.Context())
	defer cancel()
	deadline := time.Now().Add(s.cfg.StreamMaxDuration)
	// After the maximum duration and its grace period the stream ends,
	// even for a client that sends nothing more.
	_ = rc.SetReadDeadline(deadline.Add(s.cfg.StreamGrace))
	hardStop := time.AfterFunc(time.Until(deadline.Add(s.cfg.StreamGrace)), cancel)
	defer hardStop.Stop()

	c.W.Header().Set("Content-Type", rest.MediaJSON)
	c.W.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return nil // the client is gone
	}

	queue := make(chan *pendingRecord, s.cfg.StreamWindow)
	written := make(chan struct{})
	go func() {
		defer close(written)
		s.writeAnswers(ctx, rc, c.W, queue, clusterID, topic)
	}()
	frames := codec.NewFramer(body, s.recordMaxBytes(), codec.WithBudget(readFree, int(s.readBudget.Claim()), s.newReadHold))
	s.readRecords(ctx, frames, clusterID, topic, deadline, func(p *pendingRecord) bool {
		select {
		case queue <- p:
			return true
		case <-ctx.Done():
			return false
		}
	})
	close(queue)
	<-written
	finishBody(rc, c.R.Body)
	return nil
}

// drainMaxBytes bounds what finishBody reads of a body after its stream
// ended.
const drainMaxBytes = 256 << 10

// finishBody reads the rest of a body whose stream ended before it (a
// framing error, a record too large), so that the connection can serve
// the client's next request; a client that goes on sending beyond a
// bound, or for more than a second, has its connection closed after the
// answer instead. Left to Go's server, the rest is read after the
// handler, and in full duplex a chunked body's end met there starts a
// read of the connection that races with the next request's (a panic in
// net/http).
func finishBody(rc *http.ResponseController, body io.Reader) {
	_ = rc.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := io.CopyN(io.Discard, body, drainMaxBytes); errors.Is(err, io.EOF) {
		return
	}
	_ = rc.SetReadDeadline(time.Now()) // no more reads: the connection closes
}

// readRecords reads the records of a body from frames until it ends,
// produces them and hands each one's answer to come to emit, in input
// order; emit returning false stops the reading. A body that cannot go
// on ends with the line that says why.
func (s *produce) readRecords(ctx context.Context, frames *codec.Framer, clusterID, topic string, deadline time.Time, emit func(*pendingRecord) bool) {
	ps, signal := s.producers.NewStream(), newSignal()
	// Records already read together are produced together; a group never
	// waits for more of the body, so grouping adds no latency.
	g := &group{}
	send := func() bool {
		g.produce(ctx, ps, topic)
		for _, p := range g.all {
			if !emit(p) {
				return false
			}
		}
		g = &group{}
		return true
	}
	for {
		frame, err := frames.Next(ctx)
		// errors.AsType, unlike errors.As, costs a record no allocation.
		be, skipped := errors.AsType[*codec.BudgetError](err)
		switch {
		case skipped:
			// Skipped for want of memory: answered, and the stream goes on.
			s.metrics.ProduceFailed(topic, 1)
			g.add(nil, &pendingRecord{line: s.readBudgetLine(be.Err)})
		case err != nil:
			if !errors.Is(err, io.EOF) && ctx.Err() == nil {
				g.add(nil, &pendingRecord{line: streamEndError(err)})
			}
			send()
		case time.Now().After(deadline):
			if frame.Hold != nil {
				frame.Hold.Release()
			}
			g.add(nil, &pendingRecord{line: &produced{ErrorCode: http.StatusRequestTimeout,
				Message: "Streaming connection open for longer than allowed: Connection will be closed."}})
		default:
			g.add(s.prepare(ctx, clusterID, topic, frame.Bytes, frame.Hold, signal))
			if frame.Hold != nil {
				g.holds = append(g.holds, frame.Hold)
			}
		}
		if err != nil && !skipped {
			return
		}
		// A record that holds read budget goes at once: its share comes
		// back only once it is produced, and no other record may wait on it.
		if (frames.Buffered() == 0 || len(g.all) >= maxGroup || len(g.holds) > 0) && !send() {
			return
		}
	}
}

// maxGroup bounds the records produced together.
const maxGroup = 64

// hardRecordMaxBytes bounds a streaming record when
// api.v3.produce.request.size.limit.max.bytes does not (0, the reference's
// "no limit"): no Kafka accepts a record anywhere near it by default, and
// without a bound one client could make the proxy hold any amount.
const hardRecordMaxBytes = 64 << 20

func (s *produce) recordMaxBytes() int {
	if s.cfg.ProduceRecordMaxBytes > 0 {
		return s.cfg.ProduceRecordMaxBytes
	}
	return hardRecordMaxBytes
}

// streamEndError is the last line of a stream that cannot go on.
func streamEndError(err error) *produced {
	var fe *codec.FrameError
	switch {
	case errors.Is(err, codec.ErrValueTooLarge):
		return &produced{ErrorCode: http.StatusBadRequest, Message: "Bad Request: Error processing message: Produce request size is larger than allowed threshold"}
	case errors.As(err, &fe):
		return &produced{ErrorCode: http.StatusBadRequest, Message: "Bad Request: Error processing message: " + fe.Msg}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), isTimeout(err):
		return &produced{ErrorCode: http.StatusRequestTimeout, Message: "Streaming connection open for longer than allowed: Connection will be closed."}
	}
	return &produced{ErrorCode: http.StatusBadRequest, Message: "Bad Request: Error processing message: " + err.Error()}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// writeAnswers writes one line per record in input order, flushing
// whenever the next answer is not there yet, so that a client sees each
// answer as soon as it and all before it are known.
func (s *produce) writeAnswers(ctx context.Context, rc *http.ResponseController, w io.Writer, queue <-chan *pendingRecord, clusterID, topic string) {
	bw := bufio.NewWriterSize(w, 32<<10)
	enc, err := newLineEncoder(clusterID, topic)
	if err != nil {
		s.log.Error("encoding produce answers", "error", err)
		drain(queue)
		return
	}
	// A client that stops reading its answers would hold this stream, its
	// goroutines and its credit for ever: a write that makes no progress
	// for StreamWriteTimeout ends the stream.
	flush := func() bool {
		_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.StreamWriteTimeout))
		return bw.Flush() == nil && rc.Flush() == nil
	}
	var line []byte
	for p := range queue {
		if !p.ready() && !flush() {
			drain(queue)
			return
		}
		line = s.appendAnswer(ctx, line[:0], enc, p, clusterID, topic)
		bw.Write(line)
		if len(queue) == 0 && !flush() {
			drain(queue)
			return
		}
	}
	flush()
}

// appendAnswer appends p's answer line and its CRLF to b, once it is
// known or ctx ends. A line that cannot be encoded (a bug) is logged and
// left out.
func (s *produce) appendAnswer(ctx context.Context, b []byte, enc *lineEncoder, p *pendingRecord, clusterID, topic string) []byte {
	var (
		line []byte
		err  error
	)
	switch r, failed := p.wait(ctx); {
	case failed != nil:
		line, err = enc.encode(failed)
	case plainData(p.key) && plainData(p.value):
		line = enc.success(r, p.key, p.value) // the hot path: no answer to build
	default:
		line, err = enc.encode(p.stored(r, clusterID, topic))
	}
	if err != nil {
		s.log.Error("encoding a produce answer", "error", err)
		return b
	}
	b = append(b, line...)
	return append(b, '\r', '\n')
}

// ready reports whether the answer is known without waiting.
func (p *pendingRecord) ready() bool { return p.line != nil || p.done.Load() }

// drain consumes what the reader still queues after the client is gone.
func drain(queue <-chan *pendingRecord) {
	for range queue {
	}
}

// peekNonSpace waits for the first byte of the body that is not white
// space, without consuming it.
func peekNonSpace(r *bufio.Reader) (byte, error) {
	for {
		b, err := r.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			r.Discard(1)
			continue
		}
		return b[0], nil
	}
}

// batchRequest is the body of records:batch.
type batchRequest struct {
	Entries []json.RawMessage `json:"entries"`
}

// batchSuccess and batchFailure are the entries of the 207 answer.
type batchSuccess struct {
	ID string `json:"id"`
	*delivered
}

type batchFailure struct {
	ID        string `json:"id"`
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

type batchResponse struct {
	Successes []batchSuccess `json:"successes"`
	Failures  []batchFailure `json:"failures"`
}

func errBatch(msg string) error {
	return apierr.New(apierr.CodeInvalidBatch, "%s", msg)
}

// batchID reads and checks the id of a batch entry: a JSON string of 1 to 80
// characters of [0-9a-zA-Z-_].
func batchID(raw []byte) (string, []byte, error) {
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return "", nil, errBatch("Batch entry identifier is not a valid string.")
	}
	var id string
	if err := json.Unmarshal(probe.ID, &id); err != nil || len(id) == 0 || len(id) > 80 || strings.IndexFunc(id, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_')
	}) >= 0 {
		return "", nil, errBatch("Batch entry identifier is not a valid string.")
	}
	// The rest of the entry is a streaming record.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return "", nil, errBatch("Batch entry identifier is not a valid string.")
	}
	delete(fields, "id")
	rest, err := json.Marshal(fields)
	return id, rest, err
}

// decodeBatch reads a records:batch body into its entries' ids and, for
// each, the rest of the entry: a streaming record. Every mistake in the
// batch as a whole is answered before any entry is produced.
func decodeBatch(b []byte, maxEntries int) (ids []string, records [][]byte, err error) {
	if rest.EmptyBody(b) {
		return nil, nil, errBatch("Request body is empty. Data is required.")
	}
	var req batchRequest
	if err := rest.DecodeBytes(b, &req); err != nil {
		return nil, nil, err
	}
	ids = make([]string, len(req.Entries))
	records = make([][]byte, len(req.Entries))
	for i, e := range req.Entries {
		if ids[i], records[i], err = batchID(e); err != nil {
			return nil, nil, err
		}
	}
	seen := make(map[string]bool, len(req.Entries))
	for _, id := range ids {
		if seen[id] {
			return nil, nil, errBatch("Batch entry IDs are not distinct.")
		}
		seen[id] = true
	}
	switch {
	case len(ids) == 0:
		return nil, nil, errBatch("Empty batch.")
	case len(ids) > maxEntries:
		return nil, nil, errBatch("Too many entries in batch.")
	}
	return ids, records, nil
}

func (s *produce) produceBatch(c *rest.Call) error {
	clusterID, topic, latin1, err := s.target(c)
	if err != nil {
		return err
	}
	buf := s.bodies.Get()
	defer s.bodies.Put(buf)
	b, err := c.BodyInto(*buf)
	*buf = b
	if err != nil {
		return err
	}
	if latin1 {
		b, _ = io.ReadAll(codec.Latin1Reader(bytes.NewReader(b)))
	}
	// decodeBatch copies what it keeps: the body's buffer goes back to
	// the pool.
	ids, records, err := decodeBatch(b, s.cfg.ProduceBatchMaxEntries)
	if err != nil {
		return err
	}

	// Every entry is produced at once; waiting for credit is bounded, and
	// an entry that gets none is answered 429 rather than held.
	ctx, cancel := context.WithTimeout(c.R.Context(), s.cfg.BatchCreditWait)
	defer cancel()
	g, signal := &group{}, newSignal()
	for _, raw := range records {
		g.add(s.prepare(ctx, clusterID, topic, raw, nil, signal))
	}
	g.produce(ctx, s.producers.NewStream(), topic)
	if ctx.Err() != nil && c.R.Context().Err() == nil {
		// No credit within the bound: the records not sent are answered
		// 429, so that the client sends them again later.
		for _, p := range g.sent {
			if p.line != nil {
				p.line = &produced{ErrorCode: http.StatusTooManyRequests,
					Message: "Too many records in flight: no room for this record within the wait bound; send it again."}
			}
		}
	}
	pending := g.all
	resp := batchResponse{Successes: []batchSuccess{}, Failures: []batchFailure{}}
	for i, p := range pending {
		a := p.answer(c.R.Context(), clusterID, topic)
		if a.ErrorCode != http.StatusOK {
			resp.Failures = append(resp.Failures, batchFailure{ID: ids[i], ErrorCode: a.ErrorCode, Message: a.Message})
			continue
		}
		resp.Successes = append(resp.Successes, batchSuccess{ID: ids[i], delivered: a.delivered})
	}
	return c.JSON(http.StatusMultiStatus, resp)
}
