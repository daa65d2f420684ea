package schema

import (
	"bytes"
	"strings"
	"testing"
)

func TestAvroJSONEncoding(t *testing.T) {
	c, err := parseAvro(`{"type":"record","name":"R","namespace":"n","fields":[
		{"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
		{"name":"d","type":{"type":"int","logicalType":"date"}},
		{"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}},
		{"name":"u","type":["null",{"type":"long","logicalType":"timestamp-millis"},"n.E"],"default":null},
		{"name":"a","type":{"type":"array","items":["int","string"]},"default":[]}]}`,
		[]string{`{"type":"enum","name":"E","namespace":"n","symbols":["X","Y"]}`})
	if err != nil {
		t.Fatal(err)
	}
	in := `{"ts":1700000000123,"d":19675,"dec":"\u0001\u0002","u":{"long":-1},"a":[{"int":1},{"string":"s"}]}`
	b, err := c.encode(nil, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	// Avro binary written by hand from the specification: zig-zag varints,
	// length-prefixed bytes, union branch indexes, one array block.
	want := []byte{0xf6, 0xa1, 0xab, 0xfe, 0xf9, 0x62, 0xb6, 0xb3, 0x02, 0x04, 0x01, 0x02, 0x02, 0x01, 0x04, 0x00, 0x02, 0x02, 0x02, 's', 0x00}
	if !bytes.Equal(b, want) {
		t.Fatalf("binary %x, want %x", b, want)
	}
	out, err := c.decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Fatalf("read back %s, want %s", out, in)
	}
	// A referenced enum in a union goes by its full name or its name.
	for _, u := range []string{`{"n.E":"Y"}`, `{"E":"Y"}`} {
		b, err := c.encode(nil, []byte(`{"ts":1,"d":1,"dec":"","u":`+u+`}`))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if out, _ := c.decode(b); !strings.Contains(string(out), `"u":{"n.E":"Y"}`) {
			t.Fatalf("%s read back as %s", u, out)
		}
	}
	for data, why := range map[string]string{
		`{"ts":1,"d":1,"dec":"","u":"x"}`:                  "a union value must be null or an object of one member",
		`{"ts":1,"d":1,"dec":"","u":{"string":"x"}}`:       `"string" is not a branch of union`,
		`{"ts":1,"d":2147483648,"dec":""}`:                 "data.d: 2147483648 is not an Avro int",
		`{"ts":1,"d":1,"dec":"\u0100"}`:                    "not a code point from 0 to 255",
		`{"d":1,"dec":""}`:                                 "missing field ts",
		`{"ts":1,"d":1,"dec":"","u":{"E":"Z"}}`:            `"Z" is not a symbol of enum n.E`,
		`{"ts":1.5,"d":1,"dec":""}`:                        "1.5 is not an Avro long",
		`{"ts":1,"d":1,"dec":"","tz":1,"x":2}`:             `data: "tz", "x" are not fields of record n.R`,
		`{"ts":1,"d":1,"dec":"","a":[{"int":1,"long":2}]}`: "a union value must be null or an object of one member",
	} {
		if _, err := c.encode(nil, []byte(data)); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want %q", data, err, why)
		}
	}
}

func TestProtobufMessageIndexes(t *testing.T) {
	c, err := parseProtobuf(`syntax = "proto3"; package p; message A { int32 x = 1; } message B { message C { string s = 1; } C c = 1; }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.name() != "p.A" {
		t.Fatalf("record name %s", c.name())
	}
	b, err := c.encode(nil, []byte(`{"x":5}`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, []byte{0, 0x08, 0x05}) {
		t.Fatalf("first message: %x", b)
	}
	// A record of the nested message B.C: indexes [1, 0] as Confluent's
	// serializer writes them (count 2, then 1 and 0, zig-zag).
	out, err := c.decode([]byte{0x04, 0x02, 0x00, 0x0a, 0x02, 'h', 'i'})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"s":"hi"}` {
		t.Fatalf("nested message read as %s", out)
	}
	if _, err := c.decode([]byte{0x02, 0x08}); err == nil {
		t.Fatal("an index beyond the schema's messages was read")
	}
}

func TestJSONSchemaDraftsAndReferences(t *testing.T) {
	c, err := parseJSONSchema(`{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"T","type":"object","properties":{"p":{"$ref":"other.json"}},"$defs":{"unused":{"prefixItems":[{"type":"string"}]}}}`,
		map[string]string{"other.json": `{"type":"string","minLength":2}`})
	if err != nil {
		t.Fatal(err)
	}
	if c.name() != "T" {
		t.Fatalf("record name %s", c.name())
	}
	if _, err := c.encode(nil, []byte(`{"p":"ab"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.encode(nil, []byte(`{"p":"a"}`)); err == nil || !strings.Contains(err.Error(), "minLength") {
		t.Fatalf("a string below minLength of the referenced schema: %v", err)
	}
	// A schema never makes the proxy fetch anything.
	for _, ref := range []string{"file:///etc/passwd", "http://127.0.0.1:1/x.json"} {
		if _, err := parseJSONSchema(`{"$ref":"`+ref+`"}`, nil); err == nil || !strings.Contains(err.Error(), "not among the schema's references") {
			t.Errorf("$ref %s: %v", ref, err)
		}
	}
}

func TestAvroRecursionBound(t *testing.T) {
	c, err := parseAvro(`{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A chain of 100,000 nodes: one byte each in binary.
	payload := append(bytes.Repeat([]byte{0x02}, 100_000), 0x00)
	if _, err := c.decode(payload); err == nil || !strings.Contains(err.Error(), "deeper than 1000") {
		t.Fatalf("a deep chain: %v", err)
	}
	data := strings.Repeat(`{"next":{"Node":`, 2000) + `{"next":null}` + strings.Repeat("}}", 2000)
	if _, err := c.encode(nil, []byte(data)); err == nil || !strings.Contains(err.Error(), "deeper than 1000") {
		t.Fatalf("deep JSON: %v", err)
	}
	shallow := strings.Repeat(`{"next":{"Node":`, 10) + `{"next":null}` + strings.Repeat("}}", 10)
	b, err := c.encode(nil, []byte(shallow))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := c.decode(b); err != nil || string(out) != shallow {
		t.Fatalf("read back %s, %v", out, err)
	}
}
