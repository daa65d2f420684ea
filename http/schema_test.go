package http_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/kafka-rest-go/kafka-rest/http"
)

// schemaProxy is a proxy with a Schema Registry (franz-go's srfake over
// HTTP) and a client of that registry for the test's own checks.
type schemaProxy struct {
	*proxy
	bootstrap string
	reg       *srfake.Registry
	sr        *sr.Client
}

func startSchemaProxy(t *testing.T, edit func(*schema.Config)) *schemaProxy {
	t.Helper()
	return startSchemaProxyWith(t, edit, nil)
}

// startSchemaProxyWith is startSchemaProxy with the actor system's
// configuration too.
func startSchemaProxyWith(t *testing.T, edit func(*schema.Config), editActors func(*actors.Config)) *schemaProxy {
	t.Helper()
	bootstrap := target(t)
	reg := srfake.New()
	t.Cleanup(reg.Close)
	cfg := schema.DefaultConfig()
	cfg.URLs = []string{reg.URL()}
	if edit != nil {
		edit(&cfg)
	}
	r, err := schema.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxyWith(t, bootstrap, func(c *http.Config) { c.Serializer, c.Deserializer = r, r }, editActors)
	cl, err := sr.NewClient(sr.URLs(reg.URL()))
	if err != nil {
		t.Fatal(err)
	}
	return &schemaProxy{proxy: p, bootstrap: bootstrap, reg: reg, sr: cl}
}

// schemaFormat is one format's fixtures: a schema, data that fits it (and
// comes back the same through a consumer), data that does not, and the
// record name its strategies use.
type schemaFormat struct {
	typ, v2, lower   string
	schema, data     string
	plain            string // data as Confluent's Python client gives it, when it differs
	badData, badWhy  string
	recordName       string
	srType           sr.SchemaType
	otherSchema      string // a second, different schema for versions
	otherData        string
	invalidSchema    string
	invalidSchemaWhy string
}

func schemaFormats() []schemaFormat {
	return []schemaFormat{
		{typ: "AVRO", v2: "application/vnd.kafka.avro.v2+json", lower: "avro", srType: sr.TypeAvro,
			schema:        `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"note","type":["null","string"],"default":null},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"raw","type":"bytes"}]}`,
			data:          `{"id":7,"note":{"string":"hi"},"at":1700000000123,"raw":"\u0000\u00ff"}`,
			plain:         `{"id":7,"note":"hi","at":1700000000123,"raw":"\u0000\u00ff"}`,
			badData:       `{"id":"seven","at":1,"raw":""}`,
			badWhy:        "data.id: expected a number for Avro type int, got a string",
			recordName:    "shop.Order",
			otherSchema:   `{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"int"},{"name":"extra","type":"string","default":"x"}]}`,
			otherData:     `{"id":8,"extra":"y"}`,
			invalidSchema: `{"type":"record","name":"Broken","fields":[{"name":"a","type":"nosuchtype"}]}`, invalidSchemaWhy: "nosuchtype"},
		{typ: "PROTOBUF", v2: "application/vnd.kafka.protobuf.v2+json", lower: "protobuf", srType: sr.TypeProtobuf,
			schema:        "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  int32 id = 1;\n  string note = 2;\n  Line line = 3;\n  message Line { string sku = 1; }\n}\n",
			data:          `{"id":7,"note":"hi","line":{"sku":"a-1"}}`,
			badData:       `{"id":7,"nope":1}`,
			badWhy:        "nope",
			recordName:    "shop.Order",
			otherSchema:   "syntax = \"proto3\";\npackage shop;\nmessage Order {\n  int32 id = 1;\n  string extra = 4;\n}\n",
			otherData:     `{"id":8,"extra":"y"}`,
			invalidSchema: "syntax = \"proto3\";\nmessage Broken { nosuchtype a = 1; }\n", invalidSchemaWhy: "nosuchtype"},
		{typ: "JSONSCHEMA", v2: "application/vnd.kafka.jsonschema.v2+json", lower: "jsonschema", srType: sr.TypeJSON,
			schema:        `{"title":"Order","type":"object","properties":{"id":{"type":"integer"},"note":{"type":"string"}},"required":["id"]}`,
			data:          `{"id":7,"note":"hi"}`,
			badData:       `{"note":1}`,
			badWhy:        "data does not match the JSON Schema",
			recordName:    "Order",
			otherSchema:   `{"title":"Order","type":"object","properties":{"id":{"type":"integer"},"extra":{"type":"string"}},"required":["id","extra"]}`,
			otherData:     `{"id":8,"extra":"y"}`,
			invalidSchema: `{"type":"object","properties":{"id":{"type":"integer","minimum":"zero"}}}`, invalidSchemaWhy: "minimum"},
	}
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// produceLines streams body to topic and returns the answer lines.
func (p *schemaProxy) produceLines(t *testing.T, topic, body string) []map[string]any {
	t.Helper()
	r := p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p.proxy)+"/topics/"+topic+"/records", body, "Content-Type: application/json").expect(t, 200, "application/json")
	return lines(t, r.body)
}

// produceOK is produceLines for records that must all be stored.
func (p *schemaProxy) produceOK(t *testing.T, topic, body string) []map[string]any {
	t.Helper()
	ls := p.produceLines(t, topic, body)
	for i, l := range ls {
		if l["error_code"] != json.Number("200") {
			t.Fatalf("record %d: %v", i, l)
		}
	}
	return ls
}

// wantData checks the key or value part of an answer line.
func wantData(t *testing.T, line map[string]any, side, typ, subject string, id, version int) {
	t.Helper()
	d, ok := line[side].(map[string]any)
	if !ok {
		t.Fatalf("line has no %s: %v", side, line)
	}
	got := fmt.Sprintf("%v %v %v %v", d["type"], d["subject"], d["schema_id"], d["schema_version"])
	if want := fmt.Sprintf("%s %s %d %d", typ, subject, id, version); got != want {
		t.Fatalf("%s is %s, want %s (line %v)", side, got, want, line)
	}
}

// wireID checks Confluent's wire format header of b and returns the id.
func wireID(t *testing.T, b []byte) int {
	t.Helper()
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("record bytes %x are not in Confluent's wire format", b)
	}
	return int(binary.BigEndian.Uint32(b[1:5]))
}

// registered is the id and version of a schema under a subject.
func (p *schemaProxy) registered(t *testing.T, subject string, f schemaFormat, text string) (int, int) {
	t.Helper()
	ss, err := p.sr.LookupSchema(context.Background(), subject, sr.Schema{Schema: text, Type: f.srType})
	if err != nil {
		t.Fatalf("schema is not registered under %s: %v", subject, err)
	}
	return ss.ID, ss.Version
}

// consumeAll reads n records of topic through a v2 consumer of format.
func (p *schemaProxy) consumeAll(t *testing.T, topic, format, accept string, n int) []consumed {
	t.Helper()
	group := uniqueName(t, "schemagroup")
	p.do(t, "POST", "/consumers/"+group, `{"name":"c","format":"`+format+`","auto.offset.reset":"earliest"}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/c"
	if r := p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, "Content-Type: "+v2CT); r.status != 204 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	t.Cleanup(func() { p.do(t, "DELETE", base, "") })
	return readUntil(t, p.proxy, base, accept, n)
}

// TestSchemaV3ProduceResolution covers every way v3 produce resolves a
// schema, for each format, on keys and values, and reads every record back
// through a v2 consumer of the format: the same JSON comes back.
func TestSchemaV3ProduceResolution(t *testing.T) {
	p := startSchemaProxy(t, nil)
	for _, f := range schemaFormats() {
		t.Run(f.typ, func(t *testing.T) {
			topic := uniqueName(t, "schema-"+f.lower)
			createTopic(t, p.proxy, topic, 1)
			raw := jsonString(f.schema)

			// 1. A raw schema: registered under <topic>-key / -value.
			ls := p.produceOK(t, topic, `{"key":{"type":"`+f.typ+`","schema":`+raw+`,"data":`+f.data+`},"value":{"type":"`+f.typ+`","schema":`+raw+`,"data":`+f.data+`}}`)
			keyID, keyVersion := p.registered(t, topic+"-key", f, f.schema)
			valueID, valueVersion := p.registered(t, topic+"-value", f, f.schema)
			wantData(t, ls[0], "key", f.typ, topic+"-key", keyID, keyVersion)
			wantData(t, ls[0], "value", f.typ, topic+"-value", valueID, valueVersion)

			// 2. The same raw schema again: the same id, nothing new registered.
			ls = p.produceOK(t, topic, `{"value":{"type":"`+f.typ+`","schema":`+raw+`,"data":`+f.data+`}}`)
			wantData(t, ls[0], "value", f.typ, topic+"-value", valueID, valueVersion)
			if _, ok := ls[0]["key"]; ok {
				t.Fatalf("a record without key answers a key: %v", ls[0])
			}

			// 3. schema_id, 4. schema_version, 5. nothing (the latest), each with the subject's default.
			ls = p.produceOK(t, topic, `{"value":{"schema_id":`+fmt.Sprint(valueID)+`,"data":`+f.data+`}}`+
				`{"value":{"schema_version":`+fmt.Sprint(valueVersion)+`,"data":`+f.data+`}}`+
				`{"key":{"data":`+f.data+`},"value":{"data":`+f.data+`}}`)
			for i, l := range ls {
				if l["error_code"] != json.Number("200") {
					t.Fatalf("record %d: %v", i, l)
				}
				wantData(t, l, "value", f.typ, topic+"-value", valueID, valueVersion)
			}
			wantData(t, ls[2], "key", f.typ, topic+"-key", keyID, keyVersion)

			// 6. The record name strategies and an explicit subject.
			ls = p.produceOK(t, topic, `{"value":{"type":"`+f.typ+`","schema":`+raw+`,"subject_name_strategy":"RECORD_NAME","data":`+f.data+`}}`+
				`{"value":{"type":"`+f.typ+`","schema":`+raw+`,"subject_name_strategy":"TOPIC_RECORD_NAME","data":`+f.data+`}}`+
				`{"value":{"type":"`+f.typ+`","schema":`+raw+`,"subject":"custom-`+topic+`","data":`+f.data+`}}`+
				`{"value":{"schema_version":1,"subject":"custom-`+topic+`","data":`+f.data+`}}`+
				`{"value":{"schema_id":`+fmt.Sprint(valueID)+`,"subject_name_strategy":"RECORD_NAME","data":`+f.data+`}}`)
			for i, subject := range []string{f.recordName, topic + "-" + f.recordName, "custom-" + topic, "custom-" + topic, f.recordName} {
				id, version := p.registered(t, subject, f, f.schema)
				wantData(t, ls[i], "value", f.typ, subject, id, version)
			}

			// 7. A second version: schema_version picks each, the latest follows.
			other := jsonString(f.otherSchema)
			ls = p.produceOK(t, topic, `{"value":{"type":"`+f.typ+`","schema":`+other+`,"data":`+f.otherData+`}}`+
				`{"value":{"schema_version":1,"data":`+f.data+`}}`+
				`{"value":{"data":`+f.otherData+`}}`)
			id2, v2 := p.registered(t, topic+"-value", f, f.otherSchema)
			if v2 != valueVersion+1 {
				t.Fatalf("second schema is version %d, want %d", v2, valueVersion+1)
			}
			wantData(t, ls[0], "value", f.typ, topic+"-value", id2, v2)
			wantData(t, ls[1], "value", f.typ, topic+"-value", valueID, 1)
			wantData(t, ls[2], "value", f.typ, topic+"-value", id2, v2)

			// 8. null data with a schema: a null value, typed.
			ls = p.produceOK(t, topic, `{"value":{"type":"`+f.typ+`","schema":`+raw+`,"data":null}}`)
			if v := ls[0]["value"].(map[string]any); v["size"] != json.Number("-1") {
				t.Fatalf("null data: %v", ls[0])
			}

			// What landed in Kafka: the wire format with each record's id.
			recs := readBack(t, p.bootstrap, topic, 14)
			if got := wireID(t, recs[0].Key); got != keyID {
				t.Fatalf("first key has id %d, want %d", got, keyID)
			}
			for i, want := range map[int]int{0: valueID, 2: valueID, 3: valueID, 4: valueID, 10: id2, 11: valueID, 12: id2} {
				if got := wireID(t, recs[i].Value); got != want {
					t.Fatalf("record %d has id %d, want %d", i, got, want)
				}
			}
			if recs[13].Value != nil {
				t.Fatalf("null data landed as %x", recs[13].Value)
			}

			// Read back through the proxy: the same JSON.
			got := p.consumeAll(t, topic, f.lower, f.v2, 14)
			sameJSON(t, got[0].Key, f.data)
			sameJSON(t, got[0].Value, f.data)
			sameJSON(t, got[4].Key, f.data)
			sameJSON(t, got[4].Value, f.data)
			sameJSON(t, got[10].Value, f.otherData)
			sameJSON(t, got[11].Value, f.data)
			sameJSON(t, got[12].Value, f.otherData)
			if string(got[13].Value) != "null" {
				t.Fatalf("null value read as %s", got[13].Value)
			}
		})
	}
}

// TestSchemaV3ProduceErrors: every invalid combination and failure gets
// the reference's per-record answer, and the stream goes on.
func TestSchemaV3ProduceErrors(t *testing.T) {
	p := startSchemaProxy(t, nil)
	for _, f := range schemaFormats() {
		t.Run(f.typ, func(t *testing.T) {
			topic := uniqueName(t, "schemaerr-"+f.lower)
			createTopic(t, p.proxy, topic, 1)
			raw := jsonString(f.schema)
			// The registry takes schemas that do not parse (srfake checks
			// little): using one by id is the reference's 42205.
			bad, err := p.sr.CreateSchema(context.Background(), topic+"-broken", sr.Schema{Schema: f.invalidSchema, Type: f.srType})
			if err != nil {
				t.Fatal(err)
			}
			for _, side := range []string{"key", "value"} {
				cases := []struct {
					body, code, msg string
				}{
					{`{"type":"` + f.typ + `","schema_id":1,"data":1}`, "400", "type=" + f.typ + " cannot be used with schema_id or schema_version: omit type to use a registered schema."},
					{`{"type":"` + f.typ + `","schema_version":1,"data":1}`, "400", "type=" + f.typ + " cannot be used with schema_id or schema_version: omit type to use a registered schema."},
					{`{"type":"` + f.typ + `","data":1}`, "400", "type=" + f.typ + " requires schema."},
					{`{"type":"BINARY","schema_id":1,"data":"AA=="}`, "400", "type=BINARY cannot be used with subject, subject_name_strategy, schema_id, schema_version or schema."},
					{`{"schema_id":1,"schema_version":1,"data":1}`, "400", "Only one of schema_id, schema_version or schema can be used."},
					{`{"subject":"s","subject_name_strategy":"TOPIC_NAME","schema_version":1}`, "400", "Only one of subject or subject_name_strategy can be used."},
					{`{"subject_name_strategy":"RECORD_NAME","schema_version":1,"data":1}`, "400", "Bad Request: Cannot use schema_subject_strategy=RECORD_NAME without schema_id or schema."},
					{`{"subject_name_strategy":"TOPIC_RECORD_NAME","data":1}`, "400", "Bad Request: Cannot use schema_subject_strategy=TOPIC_RECORD_NAME without schema_id or schema."},
					{`{"schema_version":9,"data":1}`, "400", "Bad Request: Schema does not exist for subject: " + topic + "-" + side + ", version: 9"},
					{`{"schema_id":99999,"data":1}`, "422", "Error: 42207 : Error serializing message. Error when fetching schema by id. schemaId = 99999"},
					{fmt.Sprintf(`{"schema_id":%d,"data":1}`, bad.ID), "422", fmt.Sprintf("Error: 42205 : Invalid schema: schema %d: ", bad.ID)},
					{`{"data":1}`, "422", "Error: 42207 : Error serializing message. Error when fetching latest schema version. subject = " + topic + "-" + side},
					{`{"type":"` + f.typ + `","schema":` + jsonString(f.invalidSchema) + `,"data":1}`, "400", f.invalidSchemaWhy},
					{`{"type":"` + f.typ + `","schema":` + raw + `,"data":` + f.badData + `}`, "400", f.badWhy},
				}
				var body strings.Builder
				for _, c := range cases {
					body.WriteString(`{"` + side + `":` + c.body + "}\n")
				}
				ls := p.produceLines(t, topic, body.String())
				if len(ls) != len(cases) {
					t.Fatalf("%d lines for %d records", len(ls), len(cases))
				}
				for i, c := range cases {
					msg, _ := ls[i]["message"].(string)
					if ls[i]["error_code"] != json.Number(c.code) || !strings.Contains(msg, c.msg) || len(ls[i]) != 2 {
						t.Errorf("%s %s: got %v, want %s with %q", side, c.body, ls[i], c.code, c.msg)
					}
				}
			}
			// Nothing of it reached Kafka: a good record after them is offset 0.
			ls := p.produceLines(t, topic, `{"value":{"type":"`+f.typ+`","schema":`+raw+`,"data":`+f.data+`}}`)
			if ls[0]["offset"] != json.Number("0") {
				t.Fatalf("the good record after the bad ones: %v", ls[0])
			}
		})
	}
}

// TestSchemaV3Batch: the schema formats in records:batch, successes and
// failures side by side.
func TestSchemaV3Batch(t *testing.T) {
	p := startSchemaProxy(t, nil)
	for _, f := range schemaFormats() {
		t.Run(f.typ, func(t *testing.T) {
			topic := uniqueName(t, "schemabatch-"+f.lower)
			createTopic(t, p.proxy, topic, 1)
			raw := jsonString(f.schema)
			body := `{"entries":[` +
				`{"id":"a","key":{"type":"` + f.typ + `","schema":` + raw + `,"data":` + f.data + `},"value":{"type":"` + f.typ + `","schema":` + raw + `,"data":` + f.data + `}},` +
				`{"id":"b","value":{"data":` + f.data + `}},` +
				`{"id":"c","value":{"type":"` + f.typ + `","schema":` + raw + `,"data":` + f.badData + `}},` +
				`{"id":"d","value":{"schema_id":4242,"data":` + f.data + `}},` +
				`{"id":"e","key":{"schema_version":1,"data":` + f.data + `},"value":{"schema_version":1,"data":` + f.data + `}},` +
				`{"id":"f","key":{"type":"` + f.typ + `","schema":` + raw + `,"subject_name_strategy":"TOPIC_RECORD_NAME","data":` + f.data + `}},` +
				`{"id":"g","key":{"schema_version":3,"data":` + f.data + `}}]}`
			r := p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p.proxy)+"/topics/"+topic+"/records:batch", body, "Content-Type: application/json").expect(t, 207, "application/json")
			var out struct {
				Successes []map[string]any `json:"successes"`
				Failures  []struct {
					ID        string `json:"id"`
					ErrorCode int    `json:"error_code"`
					Message   string `json:"message"`
				} `json:"failures"`
			}
			dec := json.NewDecoder(strings.NewReader(string(r.body)))
			dec.UseNumber()
			if err := dec.Decode(&out); err != nil {
				t.Fatal(err)
			}
			if len(out.Successes) != 4 || len(out.Failures) != 3 {
				t.Fatalf("answer %s", r.body)
			}
			keyID, keyVersion := p.registered(t, topic+"-key", f, f.schema)
			valueID, valueVersion := p.registered(t, topic+"-value", f, f.schema)
			wantData(t, out.Successes[0], "key", f.typ, topic+"-key", keyID, keyVersion)
			wantData(t, out.Successes[0], "value", f.typ, topic+"-value", valueID, valueVersion)
			wantData(t, out.Successes[1], "value", f.typ, topic+"-value", valueID, valueVersion)
			if fl := out.Failures[0]; fl.ID != "c" || fl.ErrorCode != 400 || !strings.Contains(fl.Message, f.badWhy) {
				t.Fatalf("failure c: %+v", fl)
			}
			if fl := out.Failures[1]; fl.ID != "d" || fl.ErrorCode != 422 || fl.Message != "Error: 42207 : Error serializing message. Error when fetching schema by id. schemaId = 4242" {
				t.Fatalf("failure d: %+v", fl)
			}
			wantData(t, out.Successes[2], "key", f.typ, topic+"-key", keyID, keyVersion)
			wantData(t, out.Successes[2], "value", f.typ, topic+"-value", valueID, valueVersion)
			trID, trVersion := p.registered(t, topic+"-"+f.recordName, f, f.schema)
			wantData(t, out.Successes[3], "key", f.typ, topic+"-"+f.recordName, trID, trVersion)
			if fl := out.Failures[2]; fl.ID != "g" || fl.ErrorCode != 400 || fl.Message != "Bad Request: Schema does not exist for subject: "+topic+"-key, version: 3" {
				t.Fatalf("failure g: %+v", fl)
			}
			got := p.consumeAll(t, topic, f.lower, f.v2, 4)
			sameJSON(t, got[0].Key, f.data)
			sameJSON(t, got[1].Value, f.data)
			sameJSON(t, got[2].Key, f.data)
			sameJSON(t, got[3].Key, f.data)
		})
	}
}

// TestSchemaV2Produce: v2 produce of each schema format with raw schemas
// and schema ids, its 42201/42202 and 400 answers, and the ids answered.
func TestSchemaV2Produce(t *testing.T) {
	p := startSchemaProxy(t, nil)
	for i, f := range schemaFormats() {
		t.Run(f.typ, func(t *testing.T) {
			topic := uniqueName(t, "schemav2-"+f.lower)
			createTopic(t, p.proxy, topic, 1)
			ct := "Content-Type: " + f.v2
			raw := jsonString(f.schema)

			r := p.do(t, "POST", "/topics/"+topic, `{"value_schema":`+raw+`,"records":[{"value":`+f.data+`},{"value":`+f.data+`,"partition":0}]}`, ct).expect(t, 200, v2CT)
			valueID, _ := p.registered(t, topic+"-value", f, f.schema)
			sameJSON(t, r.body, fmt.Sprintf(`{"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null},{"partition":0,"offset":1,"error_code":null,"error":null}],"key_schema_id":null,"value_schema_id":%d}`, valueID))

			r = p.do(t, "POST", "/topics/"+topic+"/partitions/0", fmt.Sprintf(`{"key_schema":%s,"value_schema_id":%d,"records":[{"key":%s,"value":%s}]}`, raw, valueID, f.data, f.data), ct).expect(t, 200, v2CT)
			keyID, _ := p.registered(t, topic+"-key", f, f.schema)
			sameJSON(t, r.body, fmt.Sprintf(`{"offsets":[{"partition":0,"offset":2,"error_code":null,"error":null}],"key_schema_id":%d,"value_schema_id":%d}`, keyID, valueID))

			r = p.do(t, "POST", "/topics/"+topic, fmt.Sprintf(`{"key_schema_id":%d,"records":[{"key":%s}]}`, keyID, f.data), ct).expect(t, 200, v2CT)
			sameJSON(t, r.body, fmt.Sprintf(`{"offsets":[{"partition":0,"offset":3,"error_code":null,"error":null}],"key_schema_id":%d,"value_schema_id":null}`, keyID))
			other, _ := p.sr.CreateSchema(context.Background(), topic+"-other", sr.Schema{Schema: schemaFormats()[(i+1)%3].schema, Type: schemaFormats()[(i+1)%3].srType})
			p.do(t, "POST", "/topics/"+topic, fmt.Sprintf(`{"value_schema_id":%d,"records":[{"value":%s}]}`, other.ID, f.data), ct).
				expectError(t, 422, 42207, fmt.Sprintf("Error serializing message. Schema %d is a %s schema, not %s.", other.ID, schemaFormats()[(i+1)%3].typ, f.typ), v2CT)
			p.do(t, "POST", "/topics/"+topic, `{"value_schema":`+raw+`,"records":[{"key":`+f.data+`,"value":`+f.data+`}]}`, ct).
				expectError(t, 422, 42201, "Request includes keys but does not include key schema", v2CT)
			p.do(t, "POST", "/topics/"+topic, `{"key_schema":`+raw+`,"records":[{"key":`+f.data+`,"value":`+f.data+`}]}`, ct).
				expectError(t, 422, 42202, "Request includes values but does not include value schema", v2CT)
			r = p.do(t, "POST", "/topics/"+topic, `{"value_schema":`+raw+`,"records":[{"value":`+f.data+`},{"value":`+f.badData+`}]}`, ct).expect(t, 400, v2CT)
			if !strings.Contains(string(r.body), f.badWhy) {
				t.Fatalf("bad data answer %s, want %q", r.body, f.badWhy)
			}
			p.do(t, "POST", "/topics/"+topic, `{"value_schema_id":99999,"records":[{"value":`+f.data+`}]}`, ct).
				expectError(t, 422, 42207, "Error serializing message. Error when fetching schema by id. schemaId = 99999", v2CT)

			// The failed requests sent nothing: four records, read back the same.
			got := p.consumeAll(t, topic, f.lower, f.v2, 4)
			for i, c := range got[:3] {
				sameJSON(t, c.Value, f.data)
				if c.Offset != int64(i) {
					t.Fatalf("record %d at offset %d", i, c.Offset)
				}
			}
			sameJSON(t, got[2].Key, f.data)
			sameJSON(t, got[3].Key, f.data)
			if string(got[3].Value) != "null" {
				t.Fatalf("value %s, want null", got[3].Value)
			}
			if string(got[0].Key) != "null" {
				t.Fatalf("key %s, want null", got[0].Key)
			}
		})
	}
}

// TestSchemaV2ConsumeErrors: bytes that are not in the wire format, or of
// another format, fail the read with 40801; a format mismatch is 40601.
func TestSchemaV2ConsumeErrors(t *testing.T) {
	p := startSchemaProxy(t, nil)
	formats := schemaFormats()
	for i, f := range formats {
		t.Run(f.typ, func(t *testing.T) {
			topic := uniqueName(t, "schemacons-"+f.lower)
			createTopic(t, p.proxy, topic, 1)
			// A record of the next format, then plain bytes.
			o := formats[(i+1)%len(formats)]
			p.produceLines(t, topic, `{"value":{"type":"`+o.typ+`","schema":`+jsonString(o.schema)+`,"data":`+o.data+`}}`+`{"value":{"type":"STRING","data":"plain"}}`)
			oid, _ := p.registered(t, topic+"-value", o, o.schema)

			group := uniqueName(t, "schemacons")
			p.do(t, "POST", "/consumers/"+group, `{"name":"c","format":"`+f.lower+`","auto.offset.reset":"earliest"}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
			base := "/consumers/" + group + "/instances/c"
			p.do(t, "POST", base+"/assignments", `{"partitions":[{"topic":"`+topic+`","partition":0}]}`, "Content-Type: "+v2CT)
			p.do(t, "GET", base+"/records", "", "Accept: application/vnd.kafka.binary.v2+json").
				expectError(t, 406, 40601, "The requested embedded data format does not match the deserializer for this consumer instance", "application/vnd.kafka.binary.v2+json")
			want := fmt.Sprintf("Error deserializing value of the record at offset 0 of %s-0: schema %d is a %s schema, not %s", topic, oid, o.typ, f.typ)
			eventually(t, "the read fails", func() error {
				r := p.do(t, "GET", base+"/records?timeout=500", "", "Accept: "+f.v2)
				if r.status == 200 && string(r.body) == "[]" {
					return fmt.Errorf("no records yet")
				}
				r.expectError(t, 408, 40801, want, f.v2)
				return nil
			})
			p.do(t, "POST", base+"/positions", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":1}]}`, "Content-Type: "+v2CT)
			eventually(t, "the plain record fails", func() error {
				r := p.do(t, "GET", base+"/records?timeout=500", "", "Accept: "+f.v2)
				if r.status == 200 && string(r.body) == "[]" {
					return fmt.Errorf("no records yet")
				}
				r.expectError(t, 408, 40801, fmt.Sprintf("Error deserializing value of the record at offset 1 of %s-0: unknown magic byte: not Confluent's wire format (0, then a 4-byte schema id)", topic), f.v2)
				return nil
			})
			p.do(t, "DELETE", base, "")
		})
	}
}

// TestSchemaReferences: schemas that use types of other subjects (an Avro
// named type, a Protobuf import, a JSON Schema $ref), resolved through the
// registry, for produce by schema_id and for consume.
func TestSchemaReferences(t *testing.T) {
	p := startSchemaProxy(t, nil)
	ctx := context.Background()
	cases := []struct {
		typ, lower, v2 string
		srType         sr.SchemaType
		dep, depName   string
		main, data     string
	}{
		{"AVRO", "avro", "application/vnd.kafka.avro.v2+json", sr.TypeAvro,
			`{"type":"record","name":"Address","namespace":"geo","fields":[{"name":"city","type":"string"}]}`, "geo.Address",
			`{"type":"record","name":"Person","namespace":"crm","fields":[{"name":"name","type":"string"},{"name":"home","type":"geo.Address"}]}`,
			`{"name":"ann","home":{"city":"Oslo"}}`},
		{"PROTOBUF", "protobuf", "application/vnd.kafka.protobuf.v2+json", sr.TypeProtobuf,
			"syntax = \"proto3\";\npackage geo;\nmessage Address { string city = 1; }\n", "geo/address.proto",
			"syntax = \"proto3\";\npackage crm;\nimport \"geo/address.proto\";\nmessage Person { string name = 1; geo.Address home = 2; }\n",
			`{"name":"ann","home":{"city":"Oslo"}}`},
		{"JSONSCHEMA", "jsonschema", "application/vnd.kafka.jsonschema.v2+json", sr.TypeJSON,
			`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`, "address.json",
			`{"title":"Person","type":"object","properties":{"name":{"type":"string"},"home":{"$ref":"address.json"}}}`,
			`{"name":"ann","home":{"city":"Oslo"}}`},
	}
	for _, c := range cases {
		t.Run(c.typ, func(t *testing.T) {
			topic := uniqueName(t, "schemaref-"+c.lower)
			createTopic(t, p.proxy, topic, 1)
			dep, err := p.sr.CreateSchema(ctx, topic+"-dep", sr.Schema{Schema: c.dep, Type: c.srType})
			if err != nil {
				t.Fatal(err)
			}
			main, err := p.sr.CreateSchema(ctx, topic+"-value", sr.Schema{Schema: c.main, Type: c.srType,
				References: []sr.SchemaReference{{Name: c.depName, Subject: topic + "-dep", Version: dep.Version}}})
			if err != nil {
				t.Fatal(err)
			}
			ls := p.produceLines(t, topic, fmt.Sprintf(`{"value":{"schema_id":%d,"data":%s}}{"value":{"data":%s}}`, main.ID, c.data, c.data))
			for _, l := range ls {
				wantData(t, l, "value", c.typ, topic+"-value", main.ID, main.Version)
			}
			bad := strings.Replace(c.data, `{"city":"Oslo"}`, `{"town":1}`, 1)
			ls = p.produceLines(t, topic, fmt.Sprintf(`{"value":{"schema_id":%d,"data":%s}}`, main.ID, bad))
			if ls[0]["error_code"] != json.Number("400") {
				t.Fatalf("data that breaks the referenced type: %v", ls[0])
			}
			got := p.consumeAll(t, topic, c.lower, c.v2, 2)
			sameJSON(t, got[0].Value, c.data)
			sameJSON(t, got[1].Value, c.data)
		})
	}
}

// TestSchemaCustomStrategyAndEmptyNull: the default strategies come from
// the configuration, and null.request.body.always.publishes.empty.record
// makes typed null data an empty record.
func TestSchemaCustomStrategyAndEmptyNull(t *testing.T) {
	p := startSchemaProxy(t, func(c *schema.Config) {
		c.ValueStrategy = schema.TopicRecordName
		c.NullPublishesEmpty = true
	})
	f := schemaFormats()[0]
	topic := uniqueName(t, "schemastrategy")
	createTopic(t, p.proxy, topic, 1)
	ls := p.produceLines(t, topic, `{"key":{"type":"AVRO","schema":`+jsonString(f.schema)+`,"data":`+f.data+`},"value":{"type":"AVRO","schema":`+jsonString(f.schema)+`,"data":null}}`)
	id, version := p.registered(t, topic+"-"+f.recordName, f, f.schema)
	wantData(t, ls[0], "value", "AVRO", topic+"-"+f.recordName, id, version)
	kid, kversion := p.registered(t, topic+"-key", f, f.schema)
	wantData(t, ls[0], "key", "AVRO", topic+"-key", kid, kversion)
	if v := ls[0]["value"].(map[string]any); v["size"] != json.Number("0") {
		t.Fatalf("typed null with empty records on: %v", ls[0])
	}
	recs := readBack(t, p.bootstrap, topic, 1)
	if recs[0].Value == nil || len(recs[0].Value) != 0 {
		t.Fatalf("value %v, want an empty record", recs[0].Value)
	}
}

// TestSchemaRegistryAuth: the proxy sends its registry credentials (Basic
// or bearer); a registry that refuses them is the record's 401 40101.
func TestSchemaRegistryAuth(t *testing.T) {
	bootstrap := target(t)
	f := schemaFormats()[0]
	for _, tc := range []struct {
		name, expect string
		edit         func(*schema.Config)
		code         string
	}{
		{"basic", "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret")), func(c *schema.Config) { c.BasicAuthUser, c.BasicAuthPassword = "alice", "s3cret" }, "200"},
		{"bearer", "Bearer tok", func(c *schema.Config) { c.BearerToken = "tok" }, "200"},
		{"wrong", "Bearer tok", func(c *schema.Config) { c.BearerToken = "other" }, "403"},
		{"none", "Bearer tok", func(*schema.Config) {}, "401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := srfake.New(srfake.WithAuth(tc.expect))
			t.Cleanup(reg.Close)
			cfg := schema.DefaultConfig()
			cfg.URLs = []string{reg.URL()}
			tc.edit(&cfg)
			r, err := schema.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			p := &schemaProxy{proxy: startProxy(t, bootstrap, func(c *http.Config) { c.Serializer, c.Deserializer = r, r }), bootstrap: bootstrap}
			topic := uniqueName(t, "schemaauth")
			createTopic(t, p.proxy, topic, 1)
			ls := p.produceLines(t, topic, `{"value":{"type":"AVRO","schema":`+jsonString(f.schema)+`,"data":`+f.data+`}}`)
			msg, _ := ls[0]["message"].(string)
			switch {
			case tc.code == "401" && (ls[0]["error_code"] != json.Number("40101") || !strings.HasPrefix(msg, "Schema Registry authentication failed")),
				tc.code == "403" && (ls[0]["error_code"] != json.Number("40301") || !strings.HasPrefix(msg, "Not authorized by the Schema Registry")):
				t.Fatalf("answer %v", ls[0])
			}
			if tc.code == "200" && (ls[0]["error_code"] != json.Number("200") || !reg.SubjectExists(topic+"-value")) {
				t.Fatal("nothing registered")
			}
		})
	}
}
