package codec

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	json "github.com/goccy/go-json"
)

// Format is the type of a key or value in a v3 produce request.
type Format string

// The formats of the reference. The schema formats need a Schema Registry.
const (
	Binary     Format = "BINARY"
	JSON       Format = "JSON"
	String     Format = "STRING"
	Avro       Format = "AVRO"
	JSONSchema Format = "JSONSCHEMA"
	Protobuf   Format = "PROTOBUF"
)

// Schema reports whether f is one of the schema formats.
func (f Format) Schema() bool { return f == Avro || f == JSONSchema || f == Protobuf }

// Subject name strategies of a schema key or value.
const (
	TopicName       = "TOPIC_NAME"
	RecordName      = "RECORD_NAME"
	TopicRecordName = "TOPIC_RECORD_NAME"
)

// ProduceRequest is one record of a v3 produce request: a streaming record
// or a batch entry.
type ProduceRequest struct {
	// PartitionID is the partition asked for, if any.
	PartitionID *int32
	// Headers keep their order; a name may repeat.
	Headers []Header
	// Key and Value are nil when absent or null.
	Key, Value *Data
	// Timestamp is the record's create time; zero means now.
	Timestamp time.Time
	// Size is the length of the record's JSON, what the produce rate
	// limit counts.
	Size int
}

// Header is a record header; a nil Value is a null one.
type Header struct {
	Name  string
	Value []byte
}

// Data is the key or value of a record as the request gives it.
type Data struct {
	// Format is the type given, or "" when none was.
	Format        Format
	Subject       string
	Strategy      string
	SchemaID      *int32
	SchemaVersion *int32
	Schema        *string
	// Raw is the JSON of data, nil when absent or null.
	Raw []byte
	// binary is BINARY data the fast parser has already decoded.
	binary []byte
	// owned says that Raw's memory is the data's own: serializing may
	// rewrite it in place, and the serialized bytes may share it.
	owned bool
}

// UsesSchema reports whether the data goes through the Schema Registry: a
// schema format, or no format at all (the subject's latest schema).
func (d *Data) UsesSchema() bool { return d.Format == "" || d.Format.Schema() }

type produceRequestJSON struct {
	PartitionID *int32          `json:"partition_id"`
	Headers     []headerJSON    `json:"headers"`
	Key         *dataJSON       `json:"key"`
	Value       *dataJSON       `json:"value"`
	Timestamp   json.RawMessage `json:"timestamp"`
}

type headerJSON struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

type dataJSON struct {
	Type                *string         `json:"type"`
	Subject             *string         `json:"subject"`
	SubjectNameStrategy *string         `json:"subject_name_strategy"`
	SchemaID            *int32          `json:"schema_id"`
	SchemaVersion       *int32          `json:"schema_version"`
	Schema              *string         `json:"schema"`
	Data                json.RawMessage `json:"data"`

	// format is Type as the fast parser read it, already checked: a
	// constant, where a *string would cost an allocation.
	format Format
}

// ParseProduceRequest parses and validates one record of a v3 produce
// request, as the reference's Jackson mapping and builder do: every
// mistake is a 400 for this record alone.
//
// The request may refer to raw's memory (its Data.Raw does): raw must not
// change until the request is serialized. Serialized bytes never do.
func ParseProduceRequest(raw []byte) (ProduceRequest, error) {
	if req, ok := parseFast(raw, false); ok {
		return req, nil
	}
	return parseGeneral(raw)
}

// ParseProduceRequestInPlace is ParseProduceRequest for a raw that the
// request takes over: its key and value are then serialized in raw's own
// memory (BINARY decoded, JSON compacted, STRING unescaped, all in place)
// and their bytes share it, so that a large record is never copied. raw
// must not be used for anything else afterwards. A record only the general
// decoder reads (a mistake to report, an unknown field) is copied twice
// by it: reserve is asked for those bytes first, and its error is the
// record's.
func ParseProduceRequestInPlace(raw []byte, reserve func(n int) error) (ProduceRequest, error) {
	if req, ok := parseFast(raw, true); ok {
		return req, nil
	}
	if err := reserve(2 * len(raw)); err != nil {
		return ProduceRequest{}, err
	}
	return parseGeneral(raw)
}

// parseGeneral is ParseProduceRequest for any input: the decoder's checks
// and the reference's messages.
func parseGeneral(raw []byte) (ProduceRequest, error) {
	if !utf8.Valid(raw) {
		i := invalidUTF8(raw)
		return ProduceRequest{}, mappingError("Invalid UTF-8 at byte %d of the record (0x%02X): JSON text must be UTF-8 (RFC 8259)", i, raw[i])
	}
	var in produceRequestJSON
	if err := json.Unmarshal(raw, &in); err != nil {
		return ProduceRequest{}, recordMappingError(decodeError(err))
	}
	if name, bad := unknownField(raw); bad {
		return ProduceRequest{}, recordMappingError(&UnknownFieldError{Field: name})
	}
	req := ProduceRequest{PartitionID: in.PartitionID, Size: len(raw)}
	for _, h := range in.Headers {
		hdr := Header{Name: h.Name}
		if h.Value != nil {
			v, err := base64.StdEncoding.DecodeString(*h.Value)
			if err != nil {
				return ProduceRequest{}, mappingError("Cannot deserialize value of header %q: %q is not valid base64 (standard alphabet, with padding)", h.Name, *h.Value)
			}
			hdr.Value = v
		}
		req.Headers = append(req.Headers, hdr)
	}
	var err error
	if req.Key, err = parseData(in.Key); err != nil {
		return ProduceRequest{}, err
	}
	if req.Value, err = parseData(in.Value); err != nil {
		return ProduceRequest{}, err
	}
	if req.Timestamp, err = parseTimestamp(in.Timestamp); err != nil {
		return ProduceRequest{}, err
	}
	return req, nil
}

// invalidUTF8 is the index of the first byte of b that is not part of a
// valid UTF-8 sequence; b must have one.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func recordMappingError(err error) error {
	var uf *UnknownFieldError
	if errors.As(err, &uf) {
		return mappingError(`Unrecognized field "%s", not marked as ignorable (known properties: "partition_id", "headers", "key", "value", "timestamp" for a record; "type", "subject", "subject_name_strategy", "schema_id", "schema_version", "schema", "data" for a key or value)`, uf.Field)
	}
	var se *SyntaxError
	if errors.As(err, &se) {
		return mappingError("%s", se.Msg)
	}
	return err
}

func parseData(in *dataJSON) (*Data, error) {
	if in == nil {
		return nil, nil
	}
	// The decoder copied data out of the record: it is the data's own.
	d := &Data{SchemaID: in.SchemaID, SchemaVersion: in.SchemaVersion, Schema: in.Schema, owned: true}
	if len(in.Data) > 0 && !bytes.Equal(in.Data, []byte("null")) {
		d.Raw = in.Data
	}
	if in.format != "" {
		d.Format = in.format
	} else if in.Type != nil {
		switch f := Format(*in.Type); f {
		case Binary, JSON, String, Avro, JSONSchema, Protobuf:
			d.Format = f
		default:
			return nil, mappingError(`Cannot deserialize value of type EmbeddedFormat from String "%s": not one of the values accepted for Enum class: [BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF]`, *in.Type)
		}
	}
	if in.SubjectNameStrategy != nil {
		switch s := *in.SubjectNameStrategy; s {
		case TopicName, RecordName, TopicRecordName:
			d.Strategy = s
		default:
			return nil, mappingError(`Cannot deserialize value of type EnumSubjectNameStrategy from String "%s": not one of the values accepted for Enum class: [TOPIC_NAME, RECORD_NAME, TOPIC_RECORD_NAME]`, s)
		}
	}
	if in.Subject != nil {
		d.Subject = *in.Subject
	}
	// The reference's builder checks, in this order.
	switch {
	case in.Subject != nil && in.SubjectNameStrategy != nil:
		return nil, mappingError("Only one of subject or subject_name_strategy can be used.")
	case count(in.SchemaID != nil, in.SchemaVersion != nil, in.Schema != nil) > 1:
		return nil, mappingError("Only one of schema_id, schema_version or schema can be used.")
	case d.Format.Schema() && (in.SchemaID != nil || in.SchemaVersion != nil):
		return nil, mappingError("type=%s cannot be used with schema_id or schema_version: omit type to use a registered schema.", d.Format)
	case d.Format.Schema() && in.Schema == nil:
		return nil, mappingError("type=%s requires schema.", d.Format)
	case d.Format != "" && !d.Format.Schema() &&
		(in.Subject != nil || in.SubjectNameStrategy != nil || in.SchemaID != nil || in.SchemaVersion != nil || in.Schema != nil):
		return nil, mappingError("type=%s cannot be used with subject, subject_name_strategy, schema_id, schema_version or schema.", d.Format)
	case d.Format == "" && (d.Strategy == RecordName || d.Strategy == TopicRecordName) && in.SchemaID == nil && in.Schema == nil:
		return nil, badRequest("Cannot use schema_subject_strategy=%s without schema_id or schema.", d.Strategy)
	}
	return d, nil
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// parseTimestamp reads an ISO-8601 instant, or a number of seconds since
// the epoch (with a fraction), as Jackson's Instant deserializer does.
func parseTimestamp(raw json.RawMessage) (time.Time, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	if s[0] == '"' {
		unq, err := strconv.Unquote(s)
		if err == nil {
			// Kafka's timestamps start at the epoch, as the numbers below.
			if t, err := time.Parse(time.RFC3339Nano, unq); err == nil && !t.Before(time.Unix(0, 0)) {
				return t, nil
			}
		}
		return time.Time{}, mappingError("Cannot deserialize value of type Instant from String %s: expected an ISO-8601 instant such as 2021-02-05T19:14:42Z", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	// Kafka keeps a timestamp as milliseconds in an int64: a number of
	// seconds beyond that would wrap to some other time.
	if err != nil || math.IsInf(f, 0) || f < 0 || f >= math.MaxInt64/1000 {
		return time.Time{}, mappingError("Cannot deserialize value of type Instant from %s: expected an ISO-8601 instant or seconds since the epoch", s)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// plainString returns the contents of raw when it is a JSON string without
// escapes, sharing raw's memory so that the hot path copies nothing; ok is
// false for anything else, which the decoder then handles.
func plainString(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' || bytes.IndexByte(raw[1:len(raw)-1], '\\') >= 0 {
		return nil, false
	}
	return raw[1 : len(raw)-1 : len(raw)-1], true
}

// Serialized is a key or value made into record bytes.
type Serialized struct {
	// Bytes are nil for a null key or value.
	Bytes []byte
	// Format is the type the answer reports ("" for none).
	Format        Format
	Subject       string
	SchemaID      *int32
	SchemaVersion *int32
}

// Size is the serialized size the answer reports: -1 for null data.
func (s Serialized) Size() int {
	if s.Bytes == nil {
		return -1
	}
	return len(s.Bytes)
}

// Serializer turns the key or value of a produce request into record
// bytes. The schema formats need one backed by a Schema Registry, which
// resolves subjects and schemas and writes Confluent's wire format;
// Schemaless serves BINARY, JSON and STRING and answers the rest with
// ErrSchemaRegistryRequired.
type Serializer interface {
	Serialize(ctx context.Context, topic string, isKey bool, d *Data) (Serialized, error)
}

// Schemaless is the Serializer of a proxy without a Schema Registry.
type Schemaless struct{}

// Serialize implements Serializer with SerializeSchemaless.
func (Schemaless) Serialize(_ context.Context, _ string, _ bool, d *Data) (Serialized, error) {
	return SerializeSchemaless(d)
}

// SerializeSchemaless turns BINARY, JSON and STRING data into bytes as the
// reference's NoSchemaRecordSerializer does. Data that needs a schema gets
// ErrSchemaRegistryRequired: the registry formats plug in before this.
func SerializeSchemaless(d *Data) (Serialized, error) {
	if d == nil {
		return Serialized{}, nil
	}
	if d.UsesSchema() {
		if d.Format == "" && d.Raw == nil && d.Schema == nil && d.SchemaID == nil && d.SchemaVersion == nil && d.Subject == "" && d.Strategy == "" {
			return Serialized{}, nil // nothing at all: a null key or value
		}
		return Serialized{}, ErrSchemaRegistryRequired()
	}
	out := Serialized{Format: d.Format}
	if d.Raw == nil {
		return out, nil
	}
	switch d.Format {
	case Binary:
		if d.binary != nil {
			out.Bytes = d.binary
			break
		}
		src, ok := plainString(d.Raw)
		if !ok {
			var s string
			if json.Unmarshal(d.Raw, &s) != nil {
				return out, badRequest("data=%s is not a base64 string.", d.Raw)
			}
			src = []byte(s)
		}
		decode := decodeBase64
		if d.owned && ok {
			decode = decodeBase64InPlace
		}
		b, err := decode(src)
		if err != nil {
			return out, badRequest("data=%q is not a valid base64 string.", bytes.TrimRight(src, "="))
		}
		out.Bytes = b
	case String:
		if b, ok := plainString(d.Raw); ok {
			if !d.owned {
				b = bytes.Clone(b) // d.Raw may be the caller's buffer
			}
			out.Bytes = b
			break
		}
		if d.Raw[0] != '"' {
			return out, badRequest("data=%s is not a string.", d.Raw)
		}
		b, err := appendText(d.dst(), d.Raw)
		if err != nil {
			return out, badRequest("data is not a valid string: %v", err)
		}
		out.Bytes = b
	case JSON:
		b, err := AppendCompactJSON(d.dst(), d.Raw)
		if err != nil {
			return out, badRequest("data is not valid JSON: %v", err)
		}
		out.Bytes = b
	}
	return out, nil
}

// dst is where d's serialized bytes go: Raw's own memory when d owns it,
// else new memory of Raw's size, which no serialization exceeds.
func (d *Data) dst() []byte {
	if d.owned {
		return d.Raw[:0]
	}
	return make([]byte, 0, len(d.Raw))
}
