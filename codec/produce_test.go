package codec

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestParseProduceRequest(t *testing.T) {
	raw := []byte(`{"partition_id":2,"headers":[{"name":"h","value":"YQ=="},{"name":"h","value":null},{"name":"i","value":"Yg=="}],
		"key":{"type":"STRING","data":"k"},"value":{"type":"JSON","data":{ "a" : [1, 2] }},"timestamp":"2021-02-05T19:14:42.5Z"}`)
	req, err := ParseProduceRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	want := ProduceRequest{
		PartitionID: ptr(int32(2)),
		Headers:     []Header{{"h", []byte("a")}, {"h", nil}, {"i", []byte("b")}},
		Key:         &Data{Format: String, Raw: []byte(`"k"`)},
		Value:       &Data{Format: JSON, Raw: []byte(`{ "a" : [1, 2] }`)},
		Timestamp:   time.Date(2021, 2, 5, 19, 14, 42, 5e8, time.UTC),
		Size:        len(raw),
	}
	if !reflect.DeepEqual(req, want) {
		t.Fatalf("got %+v\nwant %+v", req, want)
	}
	v, err := SerializeSchemaless(req.Value)
	if err != nil || string(v.Bytes) != `{"a":[1,2]}` || v.Size() != 11 || v.Format != JSON {
		t.Fatalf("JSON value: %+v %v", v, err)
	}

	empty, err := ParseProduceRequest([]byte(`{}`))
	if err != nil || empty.Key != nil || empty.Value != nil || !empty.Timestamp.IsZero() {
		t.Fatalf("{}: %+v %v", empty, err)
	}
	secs, err := ParseProduceRequest([]byte(`{"timestamp":1612552482.25}`))
	if err != nil || !secs.Timestamp.Equal(time.Unix(1612552482, 25e7)) {
		t.Fatalf("numeric timestamp: %v %v", secs.Timestamp, err)
	}
}

func TestParseProduceRequestErrors(t *testing.T) {
	cases := map[string]string{
		`{ "records": {"subject": "foobar" } }`:                              `Unrecognized field "records"`,
		`{"key":{"type":"BINARY","subject":"foobar"}}`:                       "type=BINARY cannot be used with",
		`{"key":{"type":"BINARY","subject_name_strategy":"TOPIC"}}`:          `from String "TOPIC"`,
		`{"key":{"type":"BINARY","schema_id":1}}`:                            "type=BINARY cannot be used with",
		`{"key":{"type":"AVRO","schema_version":1}}`:                         "type=AVRO cannot be used with schema_id or schema_version",
		`{"key":{"type":"AVRO","data":1}}`:                                   "type=AVRO requires schema.",
		`{"key":{"subject_name_strategy":"RECORD_NAME","schema_version":1}}`: "Bad Request: Cannot use schema_subject_strategy=RECORD_NAME without schema_id or schema.",
		`{"key":{"subject_name_strategy":"RECORD_NAME"}}`:                    "Bad Request: Cannot use schema_subject_strategy=RECORD_NAME",
		`{"key":{"subject":"s","subject_name_strategy":"TOPIC_NAME"}}`:       "Only one of subject or subject_name_strategy",
		`{"value":{"schema_id":1,"schema_version":1}}`:                       "Only one of schema_id, schema_version or schema",
		`{"value":{"type":"binary","data":"YQ=="}}`:                          `from String "binary"`,
		`{"partition_id":"one"}`:                                             "Cannot deserialize partition_id",
		`{"timestamp":"1969-12-31T23:59:59.9Z"}`:                             "Cannot deserialize value of type Instant",
		`{"headers":[{"name":"h","value":"not base64!"}]}`:                   "is not valid base64",
		`{"timestamp":"yesterday"}`:                                          "expected an ISO-8601 instant",
		`{"timestamp":1e300}`:                                                "expected an ISO-8601 instant or seconds since the epoch",
		`{"value":{"type":"JSON","data":1,"extra":true}}`:                    `Unrecognized field "extra"`,
	}
	for in, want := range cases {
		_, err := ParseProduceRequest([]byte(in))
		var ce *Error
		if !errors.As(err, &ce) || ce.Status != 400 || ce.Code != 400 || !strings.Contains(ce.Message, want) {
			t.Errorf("%s: got %v, want a 400 containing %q", in, err, want)
		}
	}
}

func TestSerializeSchemaless(t *testing.T) {
	cases := []struct {
		data  Data
		bytes []byte
		err   string
	}{
		{Data{Format: Binary, Raw: []byte(`"Zm9vYmFy"`)}, []byte("foobar"), ""},
		{Data{Format: Binary, Raw: []byte(`"Zm9vYg"`)}, []byte("foob"), ""}, // padding is optional
		{Data{Format: Binary, Raw: []byte(`""`)}, []byte{}, ""},
		{Data{Format: Binary, Raw: []byte(`1`)}, nil, "Bad Request: data=1 is not a base64 string."},
		{Data{Format: Binary, Raw: []byte(`"fooba"`)}, nil, `Bad Request: data="fooba" is not a valid base64 string.`},
		{Data{Format: String, Raw: []byte(`"héllo"`)}, []byte("héllo"), ""},
		{Data{Format: String, Raw: []byte(`{}`)}, nil, "Bad Request: data={} is not a string."},
		{Data{Format: JSON, Raw: []byte(`"ONE"`)}, []byte(`"ONE"`), ""},
		{Data{Format: JSON}, nil, ""},
		{Data{Raw: []byte(`{"a":1}`)}, nil, "Payload error. Schema Registry must be configured when using schemas."},
		{Data{Format: Avro, Schema: ptr(`"string"`), Raw: []byte(`"x"`)}, nil, "Payload error. Schema Registry must be configured when using schemas."},
		{Data{}, nil, ""},
	}
	for _, tc := range cases {
		s, err := SerializeSchemaless(&tc.data)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%+v: got %v, want %q", tc.data, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(s.Bytes, tc.bytes) {
			t.Errorf("%+v: got %q %v, want %q", tc.data, s.Bytes, err, tc.bytes)
		}
	}
	if s, _ := SerializeSchemaless(&Data{Format: JSON}); s.Size() != -1 {
		t.Errorf("null data size %d, want -1", s.Size())
	}
}
