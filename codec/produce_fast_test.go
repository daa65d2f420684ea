package codec

import (
	"bytes"
	stdbase64 "encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzParseFast holds the fast path to the general decoder: whatever it
// accepts, the general decoder accepts too, with the same result.
func FuzzParseFast(f *testing.F) {
	for _, s := range []string{
		`{}`, ` { } `, `{"value":{"type":"BINARY","data":"YWJj"}}`,
		`{"partition_id":-0,"key":{"type":"STRING","data":"k"},"value":{"type":"BINARY","data":null}}`,
		`{"key":null,"value":{"data":"eA==","type":"BINARY"}}`, `{"partition_id":2147483647}`,
		`{"partition_id":-2147483648,"value":{"type":"STRING"}}`, `{"partition_id":01}`, `{"value":{"type":"JSON","data":{}}}`,
		`{"value":{"type":"BINARY","data":"a\"b"}}`, `{"key":{"type":"BINARY","data":"eA=="},"key":null}`, `{"value":nullx}`,
		"{\"value\":{\"type\":\"STRING\",\"data\":\"0123456789\x1fabc\"}}", `{"value":{"type":"STRING","data":"é\u00e9"}}`,
		"{\"value\":{\"data\":\"eA\x01=\",\"type\":\"BINARY\"}}", `{"value":{"data":"eA\"=","type":"BINARY"}}`,
		"{\"value\":{\"type\":\"BINARY\",\"data\":\"eA\n==\"}}", `{"value":{"type":"BINARY","data":"!!"}}`,
		`{"key":{"type":"JSON","data":{"a": [1, 2.5e3, "\u00fc\ud83d\ude00\n"]}},"value":{"data":-0,"type":"JSON"}}`,
		`{"value":{"type":"JSON","data":"\ud800"}}`, `{"value":{"type":"STRING","data":"\ud800"}}`, `{"value":{"type":"STRING","data":"\u00fc\"\\\/"}}`,
		"{\"value\":{\"type\":\"STRING\",\"data\":\"\xff\"}}", "{\"value\":{\"type\":\"JSON\",\"data\":[\"\xc3\"]}}",
		`{"value":{"type":"JSON","data":[1,]}}`, `{"value":{"type":"JSON","data":01}}`, `{"value":{"type":"BINARY","data":{}}}`,
		`{"headers":[{"name":"h","value":"YQ=="},{"value":null,"name":"caf\u00e9"},{}],"timestamp":"2021-02-05T19:14:42.5Z","value":{"type":"STRING","data":"x"}}`,
		`{"headers":null,"timestamp":1612552482.25}`, `{"headers":[],"timestamp":null}`, "{\"headers\":[{\"name\":\"h\",\"value\":\"YQ\n==\"}]}",
		`{"key":{"subject":"s\"q","schema_version":1,"data":{"a":1}},"value":{"type":"AVRO","schema":"\"string\"","subject_name_strategy":"RECORD_NAME","data":"x"}}`,
		`{"value":{"schema_id":3,"subject_name_strategy":"TOPIC_RECORD_NAME","data":[1]}}`, `{"value":{"type":"PROTOBUF","schema":"syntax = \"proto3\";","data":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, owned := range []bool{false, true} {
			// What the general decoder sees must be the record as it came,
			// whatever the fast path did with its own copy.
			in := bytes.Clone(raw)
			fast, ok := parseFast(in, owned)
			if !ok {
				continue
			}
			general, err := parseGeneral(bytes.Clone(raw))
			if err != nil {
				t.Fatalf("the fast path (owned %v) accepted %q, the general decoder says %v", owned, raw, err)
			}
			// Serialized bytes, or the error, must be the general path's;
			// the fast path decodes BINARY it does not own already.
			for _, d := range [][2]*Data{{fast.Key, general.Key}, {fast.Value, general.Value}} {
				f, g := d[0], d[1]
				if f == nil || g == nil {
					continue
				}
				fd, gd := *f, *g
				fd.binary, fd.owned, gd.owned = nil, false, false
				if !reflect.DeepEqual(fd, gd) {
					t.Fatalf("%q (owned %v): fast %+v, general %+v", raw, owned, fd, gd)
				}
				fs, ferr := SerializeSchemaless(f)
				gs, gerr := SerializeSchemaless(g)
				if fmt.Sprint(ferr) != fmt.Sprint(gerr) || !reflect.DeepEqual(fs, gs) {
					t.Fatalf("%q (owned %v): serialized fast %+v %v, general %+v %v", raw, owned, fs, ferr, gs, gerr)
				}
			}
			fast.Key, fast.Value, general.Key, general.Value = nil, nil, nil, nil
			if !reflect.DeepEqual(fast, general) {
				t.Fatalf("%q (owned %v): fast %+v, general %+v", raw, owned, fast, general)
			}
		}
	})
}

func TestParseFastDeclines(t *testing.T) {
	for _, s := range []string{
		`{"value":{"type":"AVRO","data":{}}}`, `{"headers":[{"name":"a","value":"YQ"}]}`, `{"timestamp":-1}`, `{"partition_id":01}`,
		`{"headers":[{"name":"a","name":"b"}]}`, `{"headers":[{"nam\u0065":"a"}]}`, `{"timestamp":"yesterday"}`, `{"timestamp":0,"timestamp":1}`,
		`{"partition_id":1.0}`, `{"partition_id":2147483648}`, `{"value":{"type":"BINARY","data":"a\"b"}}`,
		`{"value":{"type":"BINARY","type":"STRING"}}`, `{"value":{"subject":"s","subject_name_strategy":"TOPIC_NAME"}}`, `{"value":nullx}`, `{"value":{}} x`,
		`{"unknown":1}`, `{"value":{"type":"AVRO","data":"x"}}`, "{\"value\":{\"type\":\"STRING\",\"data\":\"0123456789\x1fabc\"}}",
		"{\"value\":{\"type\":\"STRING\",\"data\":\"\xfc\"}}", `{"value":{"type":"STRING","data":"\udc00"}}`,
		"{\"value\":{\"type\":\"BINARY\",\"data\":\"eA\n==\"}}", `{"value":{"type":"STRING","data":1}}`,
		// Line breaks, which the base64 decoder skips, anywhere in a long
		// value (the SIMD decoder's bulk and its tail); any other control
		// character.
		"{\"value\":{\"type\":\"BINARY\",\"data\":\"eA\r==\"}}", "{\"value\":{\"type\":\"BINARY\",\"data\":\"YWJj\tYWJj\"}}",
		`{"value":{"type":"BINARY","data":"` + strings.Repeat("YWJj", 50) + "\n" + strings.Repeat("YWJj", 50) + `"}}`,
		`{"value":{"type":"BINARY","data":"` + strings.Repeat("YWJj", 100) + "\r\n" + `"}}`,
	} {
		if _, ok := parseFast([]byte(s), false); ok {
			t.Errorf("the fast path accepted %s", s)
		}
	}
	req, ok := parseFast([]byte(`{"partition_id":-3,"key":{"type":"STRING","data":"k"},"value":{"type":"BINARY","data":"eA=="}}`), false)
	if !ok || *req.PartitionID != -3 || string(req.Key.Raw) != `"k"` || req.Value.Format != Binary || string(req.Value.Raw) != `"eA=="` || string(req.Value.binary) != "x" {
		t.Fatalf("%+v %v", req, ok)
	}
}

// FuzzDecodeBase64 holds the SIMD decoder to the standard library's
// acceptance and bytes.
func FuzzDecodeBase64(f *testing.F) {
	for _, s := range []string{"", "eA==", "eA", "eA=", "YWJj", "Y", "YR", "YWJ\njZA==", "YW Jj", "-_-_", "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg=="} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got, err := decodeBase64(src)
		trimmed := bytes.TrimRight(src, "=")
		want := make([]byte, len(trimmed))
		n, werr := stdbase64.RawStdEncoding.Decode(want, trimmed)
		if (err == nil) != (werr == nil) || err == nil && !bytes.Equal(got, want[:n]) {
			t.Fatalf("%q: got %q, %v; the standard library %q, %v", src, got, err, want[:n], werr)
		}
	})
}
