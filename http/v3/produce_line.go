package v3

import (
	"strconv"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
)

// lineEncoder writes the answer lines of one stream. A success line has a
// fixed shape, and its cluster and topic never change within a stream, so
// it is appended by hand after a prefix encoded once: the writer is on the
// hot path of every record. Anything else (errors, schema details) goes
// through the JSON encoder, and a test holds both to the same bytes.
type lineEncoder struct {
	prefix []byte
	buf    []byte
	// The last timestamp written and its text: the records of a stream
	// come back hundreds to the millisecond.
	lastMilli int64
	lastTime  []byte
}

func newLineEncoder(clusterID, topic string) (*lineEncoder, error) {
	e := &lineEncoder{}
	return e, e.reset(clusterID, topic)
}

// reset makes e encode the lines of another cluster and topic, keeping
// its buffers.
func (e *lineEncoder) reset(clusterID, topic string) error {
	c, err := codec.Marshal(clusterID)
	if err != nil {
		return err
	}
	t, err := codec.Marshal(topic)
	if err != nil {
		return err
	}
	prefix := append(e.prefix[:0], `{"error_code":200,"cluster_id":`...)
	prefix = append(prefix, c...)
	prefix = append(prefix, `,"topic_name":`...)
	prefix = append(prefix, t...)
	e.prefix = append(prefix, `,"partition_id":`...)
	return nil
}

// encode returns a's line, valid until the next call.
func (e *lineEncoder) encode(a *produced) ([]byte, error) {
	d := a.delivered
	if a.ErrorCode != 200 || d == nil || a.Message != "" || !plainData(d.Key) || !plainData(d.Value) {
		return codec.Marshal(a)
	}
	b := e.start(d.PartitionID, d.Offset)
	if d.Timestamp != "" {
		b = append(b, `,"timestamp":"`...)
		b = append(b, d.Timestamp...) // digits, '-', ':', '.', 'T', 'Z' only
		b = append(b, '"')
	}
	return e.finish(b, d.Key, d.Value), nil
}

// success returns the line of a record Kafka acknowledged with r, whose
// key and value have only a type and a size; valid until the next call.
// It writes what encode writes for the same answer, without building it.
func (e *lineEncoder) success(r actors.ProduceResult, key, value *producedData) []byte {
	b := e.start(r.Partition, r.Offset)
	b = append(b, `,"timestamp":"`...)
	b = append(b, e.instant(r.Timestamp)...)
	b = append(b, '"')
	return e.finish(b, key, value)
}

// instant is appendInstant of t, formatted once a millisecond; valid until
// the next call.
func (e *lineEncoder) instant(t time.Time) []byte {
	if ms := t.UnixMilli(); ms != e.lastMilli || e.lastTime == nil {
		e.lastMilli, e.lastTime = ms, appendInstant(e.lastTime[:0], t)
	}
	return e.lastTime
}

func (e *lineEncoder) start(partition int32, offset int64) []byte {
	b := append(e.buf[:0], e.prefix...)
	b = strconv.AppendInt(b, int64(partition), 10)
	b = append(b, `,"offset":`...)
	return strconv.AppendInt(b, offset, 10)
}

func (e *lineEncoder) finish(b []byte, key, value *producedData) []byte {
	b = appendData(b, `,"key":`, key)
	b = appendData(b, `,"value":`, value)
	b = append(b, '}')
	e.buf = b
	return b
}

// plainData reports whether d has only a type and a size (or is absent).
func plainData(d *producedData) bool {
	return d == nil || d.Subject == "" && d.SchemaID == nil && d.SchemaVersion == nil
}

func appendData(b []byte, field string, d *producedData) []byte {
	if d == nil {
		return b
	}
	b = append(b, field...)
	b = append(b, `{"type":"`...)
	b = append(b, d.Type...) // one of the format names
	b = append(b, `","size":`...)
	b = strconv.AppendInt(b, int64(d.Size), 10)
	return append(b, '}')
}
