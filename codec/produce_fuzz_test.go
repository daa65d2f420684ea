package codec

import (
	"bytes"
	"encoding/base64"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// encodeProduceRequest writes r back as the JSON of a v3 produce record,
// the way a client would send it. A timestamp past year 9999 has no
// ISO-8601 form of RFC 3339's: it came as a number, rawTimestamp, and is
// written as that.
func encodeProduceRequest(t *testing.T, r ProduceRequest, rawTimestamp stdjson.RawMessage) []byte {
	t.Helper()
	out := map[string]any{}
	if r.PartitionID != nil {
		out["partition_id"] = *r.PartitionID
	}
	if r.Headers != nil {
		hs := make([]map[string]any, len(r.Headers))
		for i, h := range r.Headers {
			hs[i] = map[string]any{"name": h.Name, "value": nil}
			if h.Value != nil {
				hs[i]["value"] = base64.StdEncoding.EncodeToString(h.Value)
			}
		}
		out["headers"] = hs
	}
	for name, d := range map[string]*Data{"key": r.Key, "value": r.Value} {
		if d == nil {
			continue
		}
		m := map[string]any{}
		if d.Format != "" {
			m["type"] = d.Format
		}
		if d.Subject != "" {
			m["subject"] = d.Subject
		}
		if d.Strategy != "" {
			m["subject_name_strategy"] = d.Strategy
		}
		if d.SchemaID != nil {
			m["schema_id"] = *d.SchemaID
		}
		if d.SchemaVersion != nil {
			m["schema_version"] = *d.SchemaVersion
		}
		if d.Schema != nil {
			m["schema"] = *d.Schema
		}
		if d.Raw != nil {
			m["data"] = stdjson.RawMessage(d.Raw)
		}
		out[name] = m
	}
	switch {
	case r.Timestamp.Year() > 9999:
		out["timestamp"] = rawTimestamp
	case !r.Timestamp.IsZero():
		out["timestamp"] = r.Timestamp.Format(time.RFC3339Nano)
	}
	b, err := stdjson.Marshal(out)
	if err != nil {
		t.Fatalf("encoding %+v: %v", r, err)
	}
	return b
}

// normalized is r with what a client's re-encoding legitimately changes
// set aside: the size of the JSON and the white space inside data.
func normalized(t *testing.T, r ProduceRequest) ProduceRequest {
	t.Helper()
	r.Size = 0
	r.Timestamp = r.Timestamp.UTC()
	for _, d := range []**Data{&r.Key, &r.Value} {
		if *d == nil {
			continue
		}
		cp := **d
		// What the fast path decoded already, or owns, the general path
		// has as a copy.
		cp.owned, cp.binary = false, nil
		if cp.Raw == nil {
			*d = &cp
			continue
		}
		var buf bytes.Buffer
		if err := stdjson.Compact(&buf, cp.Raw); err != nil {
			t.Fatalf("data %q of a parsed record is not JSON: %v", cp.Raw, err)
		}
		cp.Raw = buf.Bytes()
		*d = &cp
	}
	return r
}

// restError checks that err is a client error in the REST error model.
func restError(t *testing.T, what string, err error, statuses ...int) {
	t.Helper()
	var e *apierr.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %T %v is not in the REST error model", what, err, err)
	}
	for _, s := range statuses {
		if e.Status == s && e.Code == s {
			if e.Message == "" {
				t.Fatalf("%s: error %d without a message", what, e.Code)
			}
			return
		}
	}
	t.Fatalf("%s: error %d %d %q, want a status of %v", what, e.Status, e.Code, e.Message, statuses)
}

// FuzzParseProduceRequest checks the per-record parse of the streaming and
// batch produce: any bytes give a record or a 400 in the error model, and
// a record parsed, written back as a client would, parses to the same.
func FuzzParseProduceRequest(f *testing.F) {
	for _, s := range []string{
		`{"partition_id":2,"headers":[{"name":"h","value":"YQ=="},{"name":"h","value":null}],"key":{"type":"STRING","data":"k"},"value":{"type":"JSON","data":{ "a" : [1, 2] }},"timestamp":"2021-02-05T19:14:42.5Z"}`,
		`{"value":{"type":"BINARY","data":"AAEC"},"timestamp":1612552482.25}`,
		`{"value":{"type":"AVRO","schema":"\"string\"","data":"x"}}`,
		`{"value":{"subject_name_strategy":"RECORD_NAME","schema_id":3,"data":{"f":1}}}`,
		`{"key":{"subject":"s","schema_version":1,"data":null},"value":null}`,
		`{"value":{"type":"STRING","data":"\u00e9\n"},"unknown":1}`,
		`{"timestamp":"yesterday"}`,
		`{"timestamp":253402300800.5}`,
		`{"timestamp":1e300}`,
		`{"headers":[{"name":"h","value":"not base64"}]}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := ParseProduceRequest(raw)
		if err != nil {
			restError(t, fmt.Sprintf("parsing %q", raw), err, http.StatusBadRequest)
			return
		}
		if req.Size != len(raw) {
			t.Fatalf("parsing %q: Size %d, want %d", raw, req.Size, len(raw))
		}
		if req.Timestamp.UnixMilli()/1000 != req.Timestamp.Unix() {
			t.Fatalf("parsing %q: timestamp %v does not fit Kafka's milliseconds", raw, req.Timestamp)
		}
		var fields map[string]stdjson.RawMessage
		_ = stdjson.Unmarshal(raw, &fields)
		again := encodeProduceRequest(t, req, fields["timestamp"])
		req2, err := ParseProduceRequest(again)
		if err != nil {
			t.Fatalf("%q parsed, but written back as %s it does not: %v", raw, again, err)
		}
		if a, b := normalized(t, req), normalized(t, req2); !reflect.DeepEqual(a, b) {
			t.Fatalf("%q parsed as\n%+v\nbut written back as %s as\n%+v", raw, a, again, b)
		}
	})
}

// FuzzSerializeBinary checks BINARY data end to end through the record
// parse: bytes encoded in base64 (padded or not, with JSON escapes or
// not) come back as the same bytes; any other string is a 400.
func FuzzSerializeBinary(f *testing.F) {
	f.Add([]byte{}, true, false, "")
	f.Add([]byte{0, 1, 2, 0xff}, true, true, "AAEC/w==")
	f.Add([]byte("hello, world"), false, false, "aGVsbG8=x")
	f.Add([]byte{0xfb, 0xff}, false, true, "+/8\n")
	f.Fuzz(func(t *testing.T, b []byte, padded, escaped bool, other string) {
		enc := base64.RawStdEncoding
		if padded {
			enc = base64.StdEncoding
		}
		data, _ := stdjson.Marshal(enc.EncodeToString(b))
		if escaped {
			// A client may escape any character of a JSON string.
			data = []byte(strings.NewReplacer("/", `\/`, "+", `\u002b`, "=", `\u003d`, "A", `\u0041`).Replace(string(data)))
		}
		raw := []byte(`{"value":{"type":"BINARY","data":` + string(data) + `}}`)
		req, err := ParseProduceRequest(raw)
		if err != nil {
			t.Fatalf("parsing %s: %v", raw, err)
		}
		got, err := SerializeSchemaless(req.Value)
		if err != nil {
			t.Fatalf("serializing %s: %v", raw, err)
		}
		if !bytes.Equal(got.Bytes, b) || got.Bytes == nil || got.Size() != len(b) || got.Format != Binary {
			t.Fatalf("%s: got %q (size %d, format %q), want %q", raw, got.Bytes, got.Size(), got.Format, b)
		}

		// Any string: bytes whose encoding, padding aside, is that string
		// up to the unused bits of its last character, or a 400.
		data, _ = stdjson.Marshal(other)
		out, err := SerializeSchemaless(&Data{Format: Binary, Raw: data})
		if err != nil {
			restError(t, fmt.Sprintf("serializing %s", data), err, http.StatusBadRequest)
			return
		}
		src := strings.TrimRight(strings.NewReplacer("\r", "", "\n", "").Replace(other), "=")
		if len(out.Bytes) != len(src)*6/8 {
			t.Fatalf("%s decoded to %d bytes, want %d", data, len(out.Bytes), len(src)*6/8)
		}
		if re := base64.RawStdEncoding.EncodeToString(out.Bytes); len(src) > 0 && re[:len(re)-1] != src[:len(src)-1] {
			t.Fatalf("%s decoded to %q, which encodes as %s", data, out.Bytes, re)
		}
	})
}
