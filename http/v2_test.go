package http_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

const v2CT = "application/vnd.kafka.v2+json"

func TestV2Metadata(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2meta")
	td := createTopic(t, p, topic, 2)

	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range md.Brokers {
		ids = append(ids, fmt.Sprint(b.NodeID))
	}
	sort.Strings(ids)
	r := p.do(t, "GET", "/brokers", "").expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"brokers":[`+strings.Join(ids, ",")+`]}`)

	var names []string
	if err := json.Unmarshal(p.do(t, "GET", "/topics", "").expect(t, 200, v2CT).body, &names); err != nil {
		t.Fatal(err)
	}
	if !sort.StringsAreSorted(names) {
		t.Fatalf("topics are not sorted: %v", names)
	}
	found := false
	for _, n := range names {
		found = found || n == topic
		if strings.HasPrefix(n, "__") {
			t.Fatalf("an internal topic is listed: %s", n)
		}
	}
	if !found {
		t.Fatalf("%s is not in %v", topic, names)
	}

	partitions := make([]string, len(td.Partitions.Sorted()))
	for i, pd := range td.Partitions.Sorted() {
		var reps []string
		for _, b := range pd.Replicas {
			reps = append(reps, fmt.Sprintf(`{"broker":%d,"leader":%v,"in_sync":true}`, b, b == pd.Leader))
		}
		partitions[i] = fmt.Sprintf(`{"partition":%d,"leader":%d,"replicas":[%s]}`, pd.Partition, pd.Leader, strings.Join(reps, ","))
	}
	var got struct {
		Name       string             `json:"name"`
		Configs    map[string]*string `json:"configs"`
		Partitions json.RawMessage    `json:"partitions"`
	}
	r = p.do(t, "GET", "/topics/"+topic, "").expect(t, 200, v2CT)
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != topic || got.Configs["cleanup.policy"] == nil || *got.Configs["cleanup.policy"] != "delete" {
		t.Fatalf("topic: %s", r.body)
	}
	sameJSON(t, got.Partitions, "["+strings.Join(partitions, ",")+"]")
	sameJSON(t, p.do(t, "GET", "/topics/"+topic+"/partitions", "").expect(t, 200, v2CT).body, "["+strings.Join(partitions, ",")+"]")
	sameJSON(t, p.do(t, "GET", "/topics/"+topic+"/partitions/1", "").expect(t, 200, v2CT).body, partitions[1])

	// Offsets, after three records land in partition 1.
	p.do(t, "POST", "/topics/"+topic+"/partitions/1", `{"records":[{"value":"YQ=="},{"value":"Yg=="},{"value":"Yw=="}]}`,
		"Content-Type: application/vnd.kafka.binary.v2+json").expect(t, 200, v2CT)
	sameJSON(t, p.do(t, "GET", "/topics/"+topic+"/partitions/1/offsets", "").expect(t, 200, v2CT).body, `{"beginning_offset":0,"end_offset":3}`)

	p.do(t, "GET", "/topics/no-such-topic-v2", "").expectError(t, 404, 40403, "This server does not host this topic-partition.", v2CT)
	for _, path := range []string{"/partitions/1000", "/partitions/-1", "/partitions/x", "/partitions/1000/offsets"} {
		p.do(t, "GET", "/topics/"+topic+path, "").expectError(t, 404, 40402, "Partition not found.", v2CT)
	}
	if v2doc, v3doc := p.do(t, "GET", "/v2/openapi.yaml", "").expect(t, 200, "application/yaml"), p.do(t, "GET", "/v3/openapi.yaml", "").expect(t, 200, "application/yaml"); string(v2doc.body) != string(v3doc.body) || !strings.Contains(string(v2doc.body), "/consumers/{group}/instances/{instance}/records:") {
		t.Fatal("the v2 OpenAPI document is not the one that describes v2")
	}
	if r := p.do(t, "GET", "/topics", "", "Accept: application/json"); r.status != 406 || len(r.body) != 0 {
		t.Fatalf("Accept application/json: %d %q, want 406 with no body", r.status, r.body)
	}
}

func TestV2Produce(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2produce")
	createTopic(t, p, topic, 2)
	binary := "Content-Type: application/vnd.kafka.binary.v2+json"

	r := p.do(t, "POST", "/topics/"+topic, `{"records":[{"key":"a2V5","value":"dmFsdWU=","partition":1}]}`, binary).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"offsets":[{"partition":1,"offset":0,"error_code":null,"error":null}],"key_schema_id":null,"value_schema_id":null}`)
	r = p.do(t, "POST", "/topics/"+topic+"/partitions/0", `{"records":[{"value":{"a":[1, 2]}},{"key":"k","value":null},{"value":"x","partition":1}]}`,
		"Content-Type: application/vnd.kafka.json.v2+json").expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null},{"partition":0,"offset":1,"error_code":null,"error":null},
		{"partition":1,"offset":1,"error_code":null,"error":null}],"key_schema_id":null,"value_schema_id":null}`)

	recs := readBack(t, bootstrap, topic, 4)
	got := map[string]string{}
	for _, rec := range recs {
		got[fmt.Sprintf("%d/%d", rec.Partition, rec.Offset)] = fmt.Sprintf("%s=%s", rec.Key, rec.Value)
	}
	want := map[string]string{"1/0": "key=value", "0/0": `={"a":[1,2]}`, "0/1": `"k"=`, "1/1": `="x"`}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Kafka has %s at %s, want %s (all: %v)", got[k], k, v, got)
		}
	}

	// A bad record fails the whole request before anything is sent.
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"YQ=="},{"value":"not base64!"}]}`, binary).
		expectError(t, 400, 400, `Bad Request: data="not base64!" is not a valid base64 string.`, v2CT)
	ends, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := ends.Lookup(topic, 0); o.Offset != 2 {
		t.Fatalf("after a refused request partition 0 ends at %d, want 2", o.Offset)
	}

	p.do(t, "POST", "/topics/"+topic, ``, binary).expectError(t, 422, 42206, "Payload error. Request body is empty. Data is required.", v2CT)
	p.do(t, "POST", "/topics/"+topic, `{}`, binary).expectError(t, 422, 422, "records must not be empty", v2CT)
	p.do(t, "POST", "/topics/"+topic, `{"records":[],"extra":1}`, binary).expectError(t, 422, 422, "Unrecognized field: extra", v2CT)
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"YQ=="}]}`, "Content-Type: application/vnd.kafka.v2+json").
		expectError(t, 415, 415, "HTTP 415 Unsupported Media Type", "application/json")
	avro := "Content-Type: application/vnd.kafka.avro.v2+json"
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"key":"k","value":"v"}],"value_schema":"\"string\""}`, avro).
		expectError(t, 422, 42201, "Request includes keys but does not include key schema", v2CT)
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"v"}]}`, avro).
		expectError(t, 422, 42202, "Request includes values but does not include value schema", v2CT)
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"v"}],"value_schema":"\"string\""}`, avro).
		expectError(t, 422, 42207, "Error serializing message. Schema Registry not defined, no Schema Registry client available to serialize message.", v2CT)

	// Kafka's refusals are per record, in an answer that is still 200.
	r = p.do(t, "POST", "/topics/no-such-topic-v2", `{"records":[{"value":"YQ=="},{"value":"Yg=="}]}`, binary).expect(t, 200, v2CT)
	one := `{"partition":null,"offset":null,"error_code":50003,"error":"Topic no-such-topic-v2 not present in metadata after 60000 ms."}`
	sameJSON(t, r.body, `{"offsets":[`+one+`,`+one+`],"key_schema_id":null,"value_schema_id":null}`)
	r = p.do(t, "POST", "/topics/"+topic+"/partitions/7", `{"records":[{"value":"YQ=="}]}`, binary).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"offsets":[{"partition":null,"offset":null,"error_code":50003,"error":"Partition 7 of topic `+topic+` is not present in metadata after 60000 ms."}],"key_schema_id":null,"value_schema_id":null}`)
}
