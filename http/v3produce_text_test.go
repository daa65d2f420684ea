package http_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

// A JSON value as Python's requests(json=...) sends it: json.dumps escapes
// every non-ASCII character and puts spaces after separators.
const (
	pythonJSON = `{"name": "J\u00fcrgen", "emoji": "\ud83d\ude00", "n": 1.50, "big": 12345678901234567890, "ctl": "\u0001\n\t", "q": "\"\/\\", "sep": "\u2028", "lone": "\udc00"}`
	// What Confluent's serializers store for it: compact UTF-8, with the
	// escapes JSON needs, numbers as written.
	storedJSON = `{"name":"Jürgen","emoji":"😀","n":1.50,"big":12345678901234567890,"ctl":"\u0001\n\t","q":"\"/\\","sep":"` + "\u2028" + `","lone":"\udc00"}`
	pythonKey  = ` "k\u00e9y" `
	storedKey  = `"kéy"`
)

// TestProduceJSONStoredAsUTF8: JSON and JSONSCHEMA keys and values are
// stored as compact UTF-8 JSON, however the client escaped them, on every
// produce path: v3 streaming and batch, v2 json and jsonschema. The answer's
// size is the stored size; STRING data with escapes is stored as its text.
func TestProduceJSONStoredAsUTF8(t *testing.T) {
	p := startSchemaProxy(t, nil)
	topic := uniqueName(t, "utf8json")
	createTopic(t, p.proxy, topic, 1)
	schema := jsonString(`{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}`)
	base := "/v3/clusters/" + v3Cluster(t, p.proxy) + "/topics/" + topic

	ls := p.produceOK(t, topic, `{"key":{"type":"JSON","data":`+pythonKey+`},"value":{"type":"JSON","data":`+pythonJSON+`}}`+
		`{"value":{"type":"JSONSCHEMA","schema":`+schema+`,"data":`+pythonJSON+`}}`+
		`{"value":{"type":"STRING","data":"J\u00fcrgen \ud83d\ude00 \"\u0041\""}}`)
	if size := fmt.Sprint(ls[0]["value"].(map[string]any)["size"]); size != fmt.Sprint(len(storedJSON)) {
		t.Fatalf("answer size %s, stored size %d", size, len(storedJSON))
	}
	r := p.do(t, "POST", base+"/records:batch", `{"entries":[{"id":"a","key":{"type":"JSON","data":`+pythonKey+`},"value":{"type":"JSON","data":`+pythonJSON+`}}]}`,
		"Content-Type: application/json").expect(t, 207, "application/json")
	if !strings.Contains(string(r.body), `"failures":[]`) {
		t.Fatalf("batch: %s", r.body)
	}
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"key":`+pythonKey+`,"value":`+pythonJSON+`}]}`,
		"Content-Type: application/vnd.kafka.json.v2+json").expect(t, 200, v2CT)
	p.do(t, "POST", "/topics/"+topic, `{"value_schema":`+schema+`,"records":[{"value":`+pythonJSON+`}]}`,
		"Content-Type: application/vnd.kafka.jsonschema.v2+json").expect(t, 200, v2CT)

	recs := readBack(t, p.bootstrap, topic, 6)
	// The JSONSCHEMA records carry Confluent's wire format: magic byte 0
	// and the schema id before the JSON.
	wire := func(b []byte) []byte {
		if len(b) < 5 || b[0] != 0 {
			t.Fatalf("not in Confluent's wire format: %q", b)
		}
		return b[5:]
	}
	for i, want := range []struct{ key, value string }{
		{storedKey, storedJSON}, {"", storedJSON}, {"", "Jürgen 😀 \"A\""}, {storedKey, storedJSON}, {storedKey, storedJSON}, {"", storedJSON},
	} {
		value := recs[i].Value
		if i == 1 || i == 5 {
			value = wire(value)
		}
		if string(recs[i].Key) != want.key || string(value) != want.value {
			t.Errorf("record %d in Kafka: key %q value %q\nwant key %q value %q", i, recs[i].Key, value, want.key, want.value)
		}
	}
	if binary.BigEndian.Uint32(recs[1].Value[1:5]) != binary.BigEndian.Uint32(recs[5].Value[1:5]) {
		t.Errorf("v3 and v2 registered different schemas: %q %q", recs[1].Value[:5], recs[5].Value[:5])
	}
}

// TestProduceInvalidUTF8: invalid UTF-8 in a record is that record's 400,
// naming the problem and where it is, for STRING and JSON data alike, and a
// STRING escape that is no character (a lone surrogate) too; the records
// around it are answered and stored. A v2 request with such data is
// refused whole, as v2 refuses any bad record, and stores nothing. A body
// declared ISO-8859-1 is decoded as such, as the reference does.
func TestProduceInvalidUTF8(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	base := "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic
	records := []string{
		`{"value":{"type":"STRING","data":"before"}}`,
		"{\"value\":{\"type\":\"STRING\",\"data\":\"J\xfcrgen\"}}",
		"{\"value\":{\"type\":\"JSON\",\"data\":{\"name\":\"J\xfcrgen\"}}}",
		`{"value":{"type":"STRING","data":"half \ud800 a pair"}}`,
		"{\"key\":{\"type\":\"STRING\",\"data\":\"\xc3\"},\"value\":{\"type\":\"BINARY\",\"data\":\"eA==\"}}",
		`{"value":{"type":"STRING","data":"after"}}`,
	}
	wantErr := []string{"",
		"Invalid UTF-8 at byte 35 of the record (0xFC): JSON text must be UTF-8 (RFC 8259)",
		"Invalid UTF-8 at byte 41 of the record (0xFC): JSON text must be UTF-8 (RFC 8259)",
		`Bad Request: data is not a valid string: \ud800 is half of a UTF-16 surrogate pair without the other half: no character at byte 6`,
		"Invalid UTF-8 at byte 32 of the record (0xC3): JSON text must be UTF-8 (RFC 8259)",
		""}

	ls := lines(t, p.do(t, "POST", base+"/records", strings.Join(records, "\n"), "Content-Type: application/json").expect(t, 200, "application/json").body)
	if len(ls) != len(records) {
		t.Fatalf("%d lines for %d records: %v", len(ls), len(records), ls)
	}
	for i, l := range ls {
		if wantErr[i] == "" {
			if fmt.Sprint(l["error_code"]) != "200" {
				t.Errorf("record %d: %v", i, l)
			}
			continue
		}
		if fmt.Sprint(l["error_code"]) != "400" || l["message"] != wantErr[i] {
			t.Errorf("record %d: %v, want 400 %q", i, l, wantErr[i])
		}
	}

	var entries []string
	for i, rec := range records {
		entries = append(entries, fmt.Sprintf(`{"id":"e%d",%s`, i, rec[1:]))
	}
	r := p.do(t, "POST", base+"/records:batch", `{"entries":[`+strings.Join(entries, ",")+`]}`, "Content-Type: application/json").expect(t, 207, "application/json")
	var out struct {
		Successes []struct{ ID string }
		Failures  []struct {
			ID        string
			ErrorCode int `json:"error_code"`
			Message   string
		}
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Successes) != 2 || out.Successes[0].ID != "e0" || out.Successes[1].ID != "e5" || len(out.Failures) != 4 {
		t.Fatalf("batch: %s", r.body)
	}
	for i, f := range out.Failures {
		// In a batch the entry's id comes first: the byte offsets differ.
		if f.ID != fmt.Sprintf("e%d", i+1) || f.ErrorCode != 400 || !strings.Contains(f.Message, strings.SplitN(wantErr[i+1], " at byte", 2)[0]) {
			t.Errorf("batch failure %d: %+v, want %q", i, f, wantErr[i+1])
		}
	}

	jsonCT := "Content-Type: application/vnd.kafka.json.v2+json"
	p.do(t, "POST", "/topics/"+topic, "{\"records\":[{\"value\":\"ok\"},{\"value\":{\"name\":\"J\xfcrgen\"}}]}", jsonCT).
		expectError(t, 400, 400, "Bad Request: data is not valid JSON: invalid UTF-8 (byte 0xFC): JSON text must be UTF-8 at byte 10", v2CT)
	ends, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := ends.Lookup(topic, 0); o.Offset != 4 {
		t.Fatalf("after the refused v2 request the topic ends at %d, want 4", o.Offset)
	}

	ls = lines(t, p.do(t, "POST", base+"/records", "{\"value\":{\"type\":\"STRING\",\"data\":\"J\xfcrgen\"}}{\"value\":{\"type\":\"JSON\",\"data\":\"\xe9t\xe9\"}}",
		"Content-Type: application/json; charset=ISO-8859-1").expect(t, 200, "application/json").body)
	if len(ls) != 2 || fmt.Sprint(ls[0]["error_code"]) != "200" || fmt.Sprint(ls[1]["error_code"]) != "200" {
		t.Fatalf("ISO-8859-1: %v", ls)
	}

	recs := readBack(t, bootstrap, topic, 6)
	for i, want := range []string{"before", "after", "before", "after", "Jürgen", `"été"`} {
		if !bytes.Equal(recs[i].Value, []byte(want)) {
			t.Errorf("record %d in Kafka: %q, want %q", i, recs[i].Value, want)
		}
	}
}
