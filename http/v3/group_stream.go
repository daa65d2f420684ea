package v3

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// GroupStreamConfig bounds how a group stream writes.
type GroupStreamConfig struct {
	// Heartbeat is how often an idle stream writes a comment line.
	Heartbeat time.Duration
	// WriteTimeout ends a stream whose client makes no progress reading
	// for that long.
	WriteTimeout time.Duration
}

// Media types of a group stream.
const (
	mediaSSE    = "text/event-stream"
	mediaNDJSON = "application/x-ndjson"
)

// groupStream serves a consumer group's records over one long request:
// the request is a member of the group for as long as it lasts.
type groupStream struct {
	*base
	streams      *actors.Streams
	deserializer codec.Deserializer
	metrics      *telemetry.Metrics
	cfg          GroupStreamConfig
}

func (s *groupStream) routes() []rest.Route {
	return []rest.Route{{Method: "GET", Path: "/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/records",
		Name: "api.v3.consumer-groups.records.stream", Produces: []rest.Offer{{Media: mediaNDJSON, QS: 1}, {Media: mediaSSE, QS: 1}},
		Handle: s.stream}}
}

// parseEventID reads a Last-Event-ID: topic/partition/offset, as the
// stream's events name records (a topic name holds no '/').
func parseEventID(v string) (*actors.TopicPartitionOffset, error) {
	bad := apierr.New(apierr.CodeBadRequest, "Last-Event-ID must be topic/partition/offset, as the stream's event ids are, not %q.", v)
	parts := strings.Split(v, "/")
	if len(parts) != 3 || parts[0] == "" {
		return nil, bad
	}
	p, err1 := strconv.ParseInt(parts[1], 10, 32)
	o, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || o < 0 || p < 0 {
		return nil, bad
	}
	return &actors.TopicPartitionOffset{Topic: parts[0], Partition: int32(p), Offset: o}, nil
}

// options reads a stream's query and Last-Event-ID.
func (s *groupStream) options(c *rest.Call) (actors.StreamOptions, *renderer, error) {
	q := c.R.URL.Query()
	o := actors.StreamOptions{Group: c.Param("consumer_group_id")}
	for _, t := range strings.Split(q.Get("topics"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			if err := kafka.TopicNameError(t); err != nil {
				return o, nil, err
			}
			o.Topics = append(o.Topics, t)
		}
	}
	o.Pattern = q.Get("topic_pattern")
	switch {
	case len(o.Topics) > 0 && o.Pattern != "":
		return o, nil, errQuery("Give topics or topic_pattern, not both.")
	case len(o.Topics) == 0 && o.Pattern == "":
		return o, nil, errQuery("Give the topics to read (topics=a,b) or a topic_pattern.")
	}
	id := c.R.Header.Get("Last-Event-ID")
	if id == "" {
		id = q.Get("last_event_id") // for a client that cannot set headers
	}
	if id != "" {
		r, err := parseEventID(id)
		if err != nil {
			return o, nil, err
		}
		o.Resume = r
	}
	rn := &renderer{deserializer: s.deserializer}
	var err error
	if rn.key, err = dataTypeParam(q.Get("key_type"), "key_type", s.deserializer); err != nil {
		return o, nil, err
	}
	if rn.value, err = dataTypeParam(q.Get("value_type"), "value_type", s.deserializer); err != nil {
		return o, nil, err
	}
	return o, rn, nil
}

// stream answers 200 once the stream is a member of its group, then writes
// each record as it comes: an SSE event (id topic/partition/offset) or an
// NDJSON line. An error before that is answered in the error model as
// JSON; one after is the stream's last event or line, in the error model
// too. The records written are committed periodically and when the stream
// ends; a record not written is never committed.
func (s *groupStream) stream(c *rest.Call) error {
	sse := c.Media == mediaSSE
	c.Media = rest.MediaJSON // errors before the stream starts
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	o, rn, err := s.options(c)
	if err != nil {
		return err
	}
	rn.clusterID = id
	ctx, cancel := context.WithTimeout(c.R.Context(), s.streams.Config().MaxDuration)
	defer cancel()
	st, err := s.streams.Open(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	defer context.AfterFunc(s.streams.Stopping(), cancel)() // the proxy shuts down

	media := mediaNDJSON
	if sse {
		media = mediaSSE
	}
	c.Media = media
	h := c.W.Header()
	h.Set("Content-Type", media)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	c.W.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(c.W)
	bw := bufio.NewWriterSize(c.W, 32<<10)
	// A client that stops reading holds its stream and nothing more: a
	// write that makes no progress for WriteTimeout ends it.
	flush := func() error {
		_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		if err := bw.Flush(); err != nil {
			return err
		}
		return rc.Flush()
	}
	if sse {
		bw.WriteString("retry: 1000\n\n")
	}
	if flush() != nil {
		return nil
	}
	w := &eventWriter{bw: bw, sse: sse}
	for {
		recs, err := st.Next(ctx, s.cfg.Heartbeat)
		if err != nil {
			if ctx.Err() == nil {
				w.error(err)
				flush()
			}
			return nil // the client is gone, or the stream's time is up
		}
		if len(recs) == 0 {
			w.heartbeat()
			if flush() != nil {
				return nil
			}
			continue
		}
		n, rerr := 0, error(nil)
		for _, r := range recs {
			d, err := rn.render(ctx, r)
			if err != nil {
				rerr = err
				break
			}
			if err := w.record(d); err != nil {
				return nil
			}
			n++
		}
		if rerr != nil {
			w.error(rerr)
		}
		if flush() != nil {
			return nil // nothing of this batch counts as written
		}
		if err := st.Written(ctx, recs[:n]); err != nil {
			return nil
		}
		s.metrics.Consumed(o.Group, n)
		if rerr != nil {
			return nil // never past a record that could not be written
		}
	}
}

// eventWriter writes a stream's events in its format.
type eventWriter struct {
	bw  *bufio.Writer
	sse bool
}

func (w *eventWriter) record(d recordData) error {
	b, err := codec.Marshal(d)
	if err != nil {
		return err
	}
	if w.sse {
		w.bw.WriteString("id: ")
		w.bw.WriteString(d.TopicName)
		w.bw.WriteByte('/')
		w.bw.WriteString(strconv.Itoa(int(d.PartitionID)))
		w.bw.WriteByte('/')
		w.bw.WriteString(strconv.FormatInt(d.Offset, 10))
		w.bw.WriteString("\ndata: ")
		w.bw.Write(b)
		_, err = w.bw.WriteString("\n\n")
		return err
	}
	w.bw.Write(b)
	return w.bw.WriteByte('\n')
}

// heartbeat keeps an idle stream open through proxies: an SSE comment, or
// an empty NDJSON line.
func (w *eventWriter) heartbeat() {
	if w.sse {
		w.bw.WriteString(": heartbeat\n\n")
		return
	}
	w.bw.WriteByte('\n')
}

// error ends a stream with an error in the error model: an SSE event of
// type error, or a last NDJSON line.
func (w *eventWriter) error(err error) {
	re := kafka.Translate(err)
	if errors.Is(err, context.Canceled) {
		return
	}
	b, _ := codec.Marshal(rest.ErrorBody{ErrorCode: re.Code, Message: re.Message})
	if w.sse {
		w.bw.WriteString("event: error\ndata: ")
		w.bw.Write(b)
		w.bw.WriteString("\n\n")
		return
	}
	w.bw.Write(b)
	w.bw.WriteByte('\n')
}
