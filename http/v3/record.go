package v3

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// recordData is a consumed record as the v3 reads answer it: the v3 shape
// of a record (the produce request's key, value and headers, the delivery
// report's position) with its data rendered as the reader asked.
type recordData struct {
	Kind          string         `json:"kind"`
	ClusterID     string         `json:"cluster_id"`
	TopicName     string         `json:"topic_name"`
	PartitionID   int32          `json:"partition_id"`
	Offset        int64          `json:"offset"`
	Timestamp     string         `json:"timestamp"`
	TimestampType string         `json:"timestamp_type"`
	Key           recordValue    `json:"key"`
	Value         recordValue    `json:"value"`
	Headers       []recordHeader `json:"headers"`
}

// recordValue is a key or value: its type and its data, null for a null
// one; the schema formats say the schema's id too.
type recordValue struct {
	Type     codec.Format `json:"type"`
	Data     any          `json:"data"`
	SchemaID *int         `json:"schema_id,omitempty"`
	Subject  string       `json:"subject,omitempty"`
}

// recordHeader is a header; its value is base64, as in a produce request.
type recordHeader struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

// renderer renders records of one read: how keys and values are asked for,
// and the registry's deserializer for the schema formats.
type renderer struct {
	clusterID    string
	key, value   codec.Format
	deserializer codec.Deserializer
}

// dataTypes are the values key_type and value_type take.
func dataTypes() []codec.Format {
	return []codec.Format{codec.Binary, codec.JSON, codec.String, codec.Avro, codec.JSONSchema, codec.Protobuf}
}

// dataTypeParam reads key_type or value_type: BINARY when absent, any case;
// anything else is 400 naming the values it takes. A schema format without
// a Schema Registry is 400 too, before anything is read.
func dataTypeParam(v, name string, d codec.Deserializer) (codec.Format, error) {
	if v == "" {
		return codec.Binary, nil
	}
	for _, f := range dataTypes() {
		if strings.EqualFold(v, string(f)) {
			if f.Schema() && d == nil {
				return "", apierr.New(apierr.CodeBadRequest, "%s=%s needs a Schema Registry, and none is configured (schema.registry.url).", name, f)
			}
			return f, nil
		}
	}
	return "", apierr.New(apierr.CodeBadRequest, "%s must be one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF, not %q.", name, v)
}

// render is r as an answer holds it. A key or value that is not of its
// asked type is the API's 408 40801 naming the record: never a record
// skipped, nor one rendered otherwise than asked.
func (rn *renderer) render(ctx context.Context, r actors.ConsumedRecord) (recordData, error) {
	d := recordData{Kind: "KafkaRecord", ClusterID: rn.clusterID, TopicName: r.Topic, PartitionID: r.Partition,
		Offset: r.Offset, Timestamp: instant(r.Timestamp), TimestampType: "CREATE_TIME", Headers: []recordHeader{}}
	if r.LogAppendTime {
		d.TimestampType = "LOG_APPEND_TIME"
	}
	var err error
	if d.Key, err = rn.data(ctx, rn.key, r.Topic, true, r.Key); err != nil {
		return d, errUndecodable("key", rn.key, r, err)
	}
	if d.Value, err = rn.data(ctx, rn.value, r.Topic, false, r.Value); err != nil {
		return d, errUndecodable("value", rn.value, r, err)
	}
	for _, h := range r.Headers {
		rh := recordHeader{Name: h.Key}
		if h.Value != nil {
			v := base64.StdEncoding.EncodeToString(h.Value)
			rh.Value = &v
		}
		d.Headers = append(d.Headers, rh)
	}
	return d, nil
}

// data renders one key (key) or value of topic as type f.
func (rn *renderer) data(ctx context.Context, f codec.Format, topic string, key bool, b []byte) (recordValue, error) {
	v := recordValue{Type: f}
	if b == nil {
		return v, nil
	}
	switch f {
	case codec.Binary:
		v.Data = base64.StdEncoding.EncodeToString(b)
	case codec.String:
		if !utf8.Valid(b) {
			return v, fmt.Errorf("not UTF-8 text")
		}
		v.Data = string(b)
	case codec.JSON:
		if !json.Valid(b) {
			return v, fmt.Errorf("not JSON")
		}
		v.Data = json.RawMessage(b)
	default:
		out, err := rn.deserializer.Deserialize(ctx, f, b)
		if err != nil {
			return v, err
		}
		id := int(binary.BigEndian.Uint32(b[1:5])) // Deserialize checked the wire format
		v.Data, v.SchemaID = json.RawMessage(out), &id
		if sn, ok := rn.deserializer.(codec.SubjectNamer); ok {
			v.Subject, _ = sn.SubjectOf(ctx, id, topic, key)
		}
	}
	return v, nil
}

// errUndecodable is the answer for a record whose key or value is not of
// the type asked: 408 40801, as the v2 reads answer, naming the record and
// how to read past it.
func errUndecodable(what string, f codec.Format, r actors.ConsumedRecord, err error) error {
	return apierr.New(apierr.CodeSerialization,
		"Error deserializing the %s of the record at offset %d of %s-%d as %s: %v. Read it as BINARY, or from offset %d to pass it.",
		what, r.Offset, r.Topic, r.Partition, f, err, r.Offset+1)
}
