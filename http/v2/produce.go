package v2

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// produce serves v2 produce, to a topic or a partition, in binary, json and the schema formats.
type produce struct {
	producers  *actors.Producers
	serializer codec.Serializer
	// creditWait bounds how long a request waits for produce credit.
	creditWait time.Duration
	bodies     rest.Buffers
}

// v2 produce: POST /topics/{t} and /topics/{t}/partitions/{p}, the whole
// request at once. Every record is serialized before anything is sent (a
// bad one fails the request with 400), then all go through the same
// per-topic producer actors and credits as v3.

// The embedded formats of v2 request bodies.
const (
	mediaV2Binary     = "application/vnd.kafka.binary.v2+json"
	mediaV2JSONData   = "application/vnd.kafka.json.v2+json"
	mediaV2Avro       = "application/vnd.kafka.avro.v2+json"
	mediaV2JSONSchema = "application/vnd.kafka.jsonschema.v2+json"
	mediaV2Protobuf   = "application/vnd.kafka.protobuf.v2+json"
)

func (s *produce) routes() []rest.Route {
	in := []string{mediaV2Binary, mediaV2JSONData, mediaV2Avro, mediaV2JSONSchema, mediaV2Protobuf}
	return []rest.Route{
		{Method: "POST", Path: "/topics/:topic", Name: "api.v2.produce-to-topic", Produces: v2JSON(), Consumes: in, Handle: s.v2Produce},
		{Method: "POST", Path: "/topics/:topic/partitions/:partition", Name: "api.v2.produce-to-partition", Produces: v2JSON(), Consumes: in, Handle: s.v2Produce},
	}
}

type v2ProduceRequest struct {
	Records       []v2Record      `json:"records"`
	KeySchema     json.RawMessage `json:"key_schema"`
	KeySchemaID   json.RawMessage `json:"key_schema_id"`
	ValueSchema   json.RawMessage `json:"value_schema"`
	ValueSchemaID json.RawMessage `json:"value_schema_id"`
}

type v2Record struct {
	Key       json.RawMessage `json:"key"`
	Value     json.RawMessage `json:"value"`
	Partition *int32          `json:"partition"`
}

type v2Offset struct {
	Partition *int32  `json:"partition"`
	Offset    *int64  `json:"offset"`
	ErrorCode *int    `json:"error_code"`
	Error     *string `json:"error"`
}

type v2ProduceResponse struct {
	Offsets       []v2Offset `json:"offsets"`
	KeySchemaID   *int32     `json:"key_schema_id"`
	ValueSchemaID *int32     `json:"value_schema_id"`
}

// present reports whether a JSON field was given and is not null.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

func (s *produce) v2Produce(c *rest.Call) error {
	topic := c.Param("topic")
	var pathPartition *int32
	if c.Param("partition") != "" {
		p, err := v2PartitionParam(c)
		if err != nil {
			return err
		}
		pathPartition = &p
	}
	buf := s.bodies.Get()
	b, err := c.BodyInto(*buf)
	*buf = b
	if err != nil {
		s.bodies.Put(buf)
		return err
	}
	if rest.EmptyBody(b) {
		s.bodies.Put(buf)
		return rest.ErrEmptyBody()
	}
	var req v2ProduceRequest
	// The decoder copies what it keeps: the body's buffer goes back.
	err = rest.DecodeBytes(b, &req)
	s.bodies.Put(buf)
	if err != nil {
		return err
	}
	if len(req.Records) == 0 {
		return apierr.New(apierr.CodeUnprocessableEntity, "records must not be empty")
	}
	format := c.R.Header.Get("Content-Type")
	schemaFormat := v2SchemaFormat(format)
	var sides v2SchemaSides
	if schemaFormat != "" {
		if sides, err = v2Sides(schemaFormat, req); err != nil {
			return err
		}
	}
	var resp v2ProduceResponse
	recs := make([]*actors.ProduceRecord, len(req.Records))
	for i, r := range req.Records {
		rec := &actors.ProduceRecord{Partition: -1}
		switch {
		case rest.ContentTypeIs(format, mediaV2Binary):
			if rec.Key, err = v2Data(codec.Binary, r.Key); err == nil {
				rec.Value, err = v2Data(codec.Binary, r.Value)
			}
		case rest.ContentTypeIs(format, mediaV2JSONData):
			if rec.Key, err = v2Data(codec.JSON, r.Key); err == nil {
				rec.Value, err = v2Data(codec.JSON, r.Value)
			}
		default:
			err = s.v2SchemaRecord(c.R.Context(), topic, r, sides, rec, &resp)
		}
		if err != nil {
			return err
		}
		switch {
		case r.Partition != nil && *r.Partition < 0:
			// No partition has a negative id: the whole request is
			// refused before anything is sent, as a negative path
			// partition is and as v3 answers it (the reference's
			// producer throws on it, a 500).
			return kafka.ErrPartitionNotFound()
		case r.Partition != nil: // a record's partition wins over the path's, as in the reference
			rec.Partition = *r.Partition
		case pathPartition != nil:
			rec.Partition = *pathPartition
		}
		recs[i] = rec
	}
	return s.v2Send(c, topic, recs, resp)
}

// v2Data serializes a v2 key or value as v3 does the same type: absent or
// null is a null one.
func v2Data(f codec.Format, raw json.RawMessage) ([]byte, error) {
	if !present(raw) {
		return nil, nil
	}
	out, err := codec.SerializeSchemaless(&codec.Data{Format: f, Raw: raw})
	return out.Bytes, err
}

// v2SchemaFormat is the schema format of a v2 body's media type, or "".
func v2SchemaFormat(contentType string) codec.Format {
	switch {
	case rest.ContentTypeIs(contentType, mediaV2Avro):
		return codec.Avro
	case rest.ContentTypeIs(contentType, mediaV2JSONSchema):
		return codec.JSONSchema
	case rest.ContentTypeIs(contentType, mediaV2Protobuf):
		return codec.Protobuf
	}
	return ""
}

// v2SchemaSides are the key and value schemas of a v2 schema request, as
// v3 data with no JSON yet: nil for a side without one.
type v2SchemaSides struct{ key, value *codec.Data }

// v2Sides reads key_schema, key_schema_id, value_schema and
// value_schema_id.
func v2Sides(f codec.Format, req v2ProduceRequest) (v2SchemaSides, error) {
	side := func(name string, schema, id json.RawMessage) (*codec.Data, error) {
		d := &codec.Data{Format: f}
		switch {
		case present(schema):
			var text string
			if err := json.Unmarshal(schema, &text); err != nil {
				return nil, apierr.New(apierr.CodeUnprocessableEntity, "%s_schema must be a string holding the schema", name)
			}
			d.Schema = &text
		case present(id):
			var n int32
			if err := json.Unmarshal(id, &n); err != nil {
				return nil, apierr.New(apierr.CodeUnprocessableEntity, "%s_schema_id must be a whole number", name)
			}
			d.SchemaID = &n
		default:
			return nil, nil
		}
		return d, nil
	}
	var sides v2SchemaSides
	var err error
	if sides.key, err = side("key", req.KeySchema, req.KeySchemaID); err != nil {
		return sides, err
	}
	sides.value, err = side("value", req.ValueSchema, req.ValueSchemaID)
	return sides, err
}

// v2SchemaRecord serializes a record of a schema format into rec and notes
// the schema ids in resp: the side without a schema first (42201, 42202),
// as the reference checks, then the missing Schema Registry.
func (s *produce) v2SchemaRecord(ctx context.Context, topic string, r v2Record, sides v2SchemaSides, rec *actors.ProduceRecord, resp *v2ProduceResponse) error {
	switch {
	case present(r.Key) && sides.key == nil:
		return apierr.New(apierr.CodeKeySchemaMissing, "Request includes keys but does not include key schema")
	case present(r.Value) && sides.value == nil:
		return apierr.New(apierr.CodeValueSchemaMissing, "Request includes values but does not include value schema")
	}
	if _, none := s.serializer.(codec.Schemaless); none {
		return apierr.New(apierr.CodeSerializeFailed, "Error serializing message. Schema Registry not defined, no Schema Registry client available to serialize message.")
	}
	for _, side := range [2]struct {
		isKey bool
		d     *codec.Data
		raw   json.RawMessage
		out   *[]byte
		id    **int32
	}{{true, sides.key, r.Key, &rec.Key, &resp.KeySchemaID}, {false, sides.value, r.Value, &rec.Value, &resp.ValueSchemaID}} {
		if side.d == nil {
			continue
		}
		d := *side.d
		if present(side.raw) {
			d.Raw = side.raw
		}
		out, err := s.serializer.Serialize(ctx, topic, side.isKey, &d)
		if err != nil {
			return err
		}
		*side.out, *side.id = out.Bytes, out.SchemaID
	}
	return nil
}

// v2Send produces recs as one group and answers with one offset per
// record, in order.
func (s *produce) v2Send(c *rest.Call, topic string, recs []*actors.ProduceRecord, resp v2ProduceResponse) error {
	ctx, cancel := context.WithTimeout(c.R.Context(), s.creditWait)
	defer cancel()
	// One wake-up for the request once Kafka has answered every record,
	// rather than a channel for each.
	results := make([]actors.ProduceResult, len(recs))
	var left atomic.Int64
	left.Store(int64(len(recs)))
	all := make(chan struct{})
	if err := s.producers.NewStream().Produce(ctx, topic, recs, func(i int, r actors.ProduceResult) {
		results[i] = r
		if left.Add(-1) == 0 {
			close(all)
		}
	}); err != nil {
		if ctx.Err() != nil && c.R.Context().Err() == nil {
			return apierr.New(apierr.CodeTooManyRequests, "Too many records in flight: no room for this request within the wait bound; send it again.")
		}
		return err
	}
	select {
	case <-all:
	case <-c.R.Context().Done():
		return c.R.Context().Err()
	}
	resp.Offsets = make([]v2Offset, len(recs))
	status := http.StatusOK
	for i, r := range results {
		if r.Err == nil {
			p, o := r.Partition, r.Offset
			resp.Offsets[i] = v2Offset{Partition: &p, Offset: &o}
			continue
		}
		code, msg := v2OffsetError(topic, recs[i], r.Err)
		resp.Offsets[i] = v2Offset{ErrorCode: &code, Error: &msg}
		// The reference answers the whole request 401 or 403 when Kafka
		// refused any record for authentication or authorization.
		switch code {
		case apierr.CodeKafkaAuthentication:
			status = http.StatusUnauthorized
		case apierr.CodeKafkaAuthorization:
			if status != http.StatusUnauthorized {
				status = http.StatusForbidden
			}
		}
	}
	return c.JSON(status, resp)
}

// v2OffsetError is a failed record's error_code and error in v2's terms:
// 40101, 40301, 50003 for retriable failures (a topic or partition Kafka
// does not know is one, as the Java producer times out on it), else 50002.
func v2OffsetError(topic string, rec *actors.ProduceRecord, err error) (int, string) {
	re := kafka.Translate(err)
	switch {
	case re.Code == apierr.CodeKafkaAuthentication, re.Code == apierr.CodeKafkaAuthorization:
		return re.Code, re.Message
	case re.Code == apierr.CodeUnknownTopicOrPartition:
		return apierr.CodeKafkaRetriable, fmt.Sprintf("Topic %s not present in metadata after 60000 ms.", topic)
	case re.Code == apierr.CodePartitionNotFound:
		return apierr.CodeKafkaRetriable, fmt.Sprintf("Partition %d of topic %s is not present in metadata after 60000 ms.", rec.Partition, topic)
	case re.Code == apierr.CodeKafkaRetriable:
		return re.Code, re.Message
	}
	return apierr.CodeKafka, re.Message
}
