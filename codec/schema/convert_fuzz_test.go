package schema

import (
	"bytes"
	"testing"

	json "github.com/goccy/go-json"
)

// fuzzSchemas are one schema of each format, with unions, nesting, bytes,
// logical types, enums, maps and arrays, to convert fuzzed JSON with.
func fuzzSchemas(t testing.TB) []parsedSchema {
	avro, err := parseAvro(`{"type":"record","name":"R","namespace":"f","fields":[
		{"name":"i","type":"int"},{"name":"l","type":{"type":"long","logicalType":"timestamp-millis"}},
		{"name":"u","type":["null","string",{"type":"enum","name":"E","symbols":["A","B"]},{"type":"array","items":"double"}],"default":null},
		{"name":"b","type":"bytes","default":""},{"name":"x","type":{"type":"fixed","name":"X","size":2}},
		{"name":"m","type":{"type":"map","values":["null","boolean","float"]},"default":{}}]}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := parseProtobuf(`syntax = "proto3"; package f; message R { int32 i = 1; repeated string s = 2; map<string, R> m = 3; bytes b = 4; oneof o { double d = 5; bool t = 6; } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	js, err := parseJSONSchema(`{"type":"object","properties":{"i":{"type":"integer","minimum":0},"s":{"type":"array","items":{"type":"string","maxLength":4}}},"required":["i"]}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	return []parsedSchema{avro, pb, js}
}

// FuzzJSONToSchemaFormat converts any JSON into each schema format: it
// never panics, and what converts reads back as JSON that converts to the
// same bytes again.
func FuzzJSONToSchemaFormat(f *testing.F) {
	for _, seed := range []string{
		`{"i":1,"l":1700000000123,"u":{"string":"x"},"b":"\u00ff","x":"ab","m":{"k":{"float":1.5},"n":null}}`,
		`{"i":-2147483648,"l":0,"u":{"f.E":"B"},"x":"\u0000\u0001"}`,
		`{"i":3,"l":5,"u":{"array":[1,2.5,-0.0]},"x":"zz","m":{}}`,
		`{"i":7,"s":["a","b"],"m":{"k":{"i":1}},"b":"AAE=","d":1.25}`,
		`{"i":0,"s":[]}`, `{"i":"x"}`, `[1,2]`, `null`, `{"u":{"string":1}}`,
	} {
		for i := range 3 {
			f.Add(byte(i), []byte(seed))
		}
	}
	schemas := fuzzSchemas(f)
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		p := schemas[int(which)%len(schemas)]
		enc, err := p.encode(nil, data)
		if err != nil {
			return
		}
		back, err := p.decode(enc)
		if err != nil {
			t.Fatalf("%s: %s encoded to %x, which does not decode: %v", p.format(), data, enc, err)
		}
		again, err := p.encode(nil, back)
		if err != nil {
			t.Fatalf("%s: %s decoded to %s, which does not encode: %v", p.format(), data, back, err)
		}
		if !bytes.Equal(enc, again) {
			t.Fatalf("%s: %s encoded to %x, read back as %s, encoded again to %x", p.format(), data, enc, back, again)
		}
	})
}

// FuzzSchemaFormatDecode reads any bytes as a record payload of each
// format: an error or JSON, never a panic or a hang.
func FuzzSchemaFormatDecode(f *testing.F) {
	schemas := fuzzSchemas(f)
	for i, p := range schemas {
		for _, seed := range []string{`{"i":1,"l":2,"x":"ab","s":["a"]}`, `{"i":3,"l":4,"u":{"array":[1.5]},"x":"zz"}`} {
			if b, err := p.encode(nil, []byte(seed)); err == nil {
				f.Add(byte(i), b)
			}
		}
		f.Add(byte(i), []byte{0x02, 0xff, 0xff, 0xff, 0xff, 0x0f})
	}
	f.Fuzz(func(t *testing.T, which byte, payload []byte) {
		p := schemas[int(which)%len(schemas)]
		out, err := p.decode(payload)
		if err == nil && !json.Valid(out) {
			t.Fatalf("%s: %x decoded to invalid JSON %s", p.format(), payload, out)
		}
	})
}
