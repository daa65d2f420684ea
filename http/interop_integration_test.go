//go:build integration

package http_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// TestConfluentPythonInterop checks byte compatibility with a decoder no
// one here wrote: Confluent's own Python client and its serdes (installed,
// pinned, by .ci/confluent-python.sh) read what the proxy produced in each
// format, keys and values, through the registry over HTTP; and records
// that client produced are read back through the proxy's v2 consumers as
// the same JSON.
func TestConfluentPythonInterop(t *testing.T) {
	bootstrap := target(t)
	python, err := exec.Command("../.ci/confluent-python.sh").Output()
	if err != nil {
		t.Fatalf("installing Confluent's Python client: %v", err)
	}
	reg, err := embedded.StartRegistry("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Close)
	cfg := schema.DefaultConfig()
	cfg.URLs = []string{reg.URL()}
	r, err := schema.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &schemaProxy{proxy: startProxy(t, bootstrap, func(c *http.Config) { c.Serializer, c.Deserializer = r, r }), bootstrap: bootstrap}

	type jobFormat struct {
		Format     string            `json:"format"`
		ReadTopic  string            `json:"read_topic"`
		Count      int               `json:"count"`
		WriteTopic string            `json:"write_topic"`
		Schema     string            `json:"schema"`
		Write      []json.RawMessage `json:"write"`
	}
	job := struct {
		Bootstrap string      `json:"bootstrap"`
		Registry  string      `json:"registry"`
		Formats   []jobFormat `json:"formats"`
	}{Bootstrap: bootstrap, Registry: reg.URL()}
	formats := schemaFormats()
	for _, f := range formats {
		read, write := uniqueName(t, "interop-proxy-"+f.lower), uniqueName(t, "interop-python-"+f.lower)
		createTopic(t, p.proxy, read, 1)
		createTopic(t, p.proxy, write, 1)
		raw := jsonString(f.schema)
		// The three ways in: a raw schema (v3), the latest (v3 batch), v2.
		p.produceOK(t, read, `{"key":{"type":"`+f.typ+`","schema":`+raw+`,"data":`+f.data+`},"value":{"type":"`+f.typ+`","schema":`+raw+`,"data":`+f.data+`}}`)
		b := p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p.proxy)+"/topics/"+read+"/records:batch", `{"entries":[{"id":"1","key":{"data":`+f.data+`},"value":{"data":`+f.data+`}}]}`, "Content-Type: application/json").expect(t, 207, "application/json")
		if !strings.Contains(string(b.body), `"failures":[]`) {
			t.Fatalf("batch: %s", b.body)
		}
		p.do(t, "POST", "/topics/"+read, `{"key_schema":`+raw+`,"value_schema":`+raw+`,"records":[{"key":`+f.data+`,"value":`+f.data+`}]}`, "Content-Type: "+f.v2).expect(t, 200, v2CT)
		plain := f.plain
		if plain == "" {
			plain = f.data
		}
		job.Formats = append(job.Formats, jobFormat{Format: f.typ, ReadTopic: read, Count: 3, WriteTopic: write, Schema: f.schema,
			Write: []json.RawMessage{json.RawMessage(plain), json.RawMessage(plain)}})
	}
	in, _ := json.Marshal(job)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, strings.TrimSpace(string(python)), "testdata/confluent_interop.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Confluent's Python client: %v\n%s", err, stderr.String())
	}
	var got map[string][]struct {
		Key   json.RawMessage `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("Python's answer %s: %v", out, err)
	}
	for i, f := range formats {
		t.Run(f.typ, func(t *testing.T) {
			plain := f.plain
			if plain == "" {
				plain = f.data
			}
			if len(got[f.typ]) != 3 {
				t.Fatalf("Python read %d records", len(got[f.typ]))
			}
			for _, rec := range got[f.typ] {
				sameJSON(t, rec.Key, plain)
				sameJSON(t, rec.Value, plain)
			}
			for _, c := range p.consumeAll(t, job.Formats[i].WriteTopic, f.lower, f.v2, 2) {
				sameJSON(t, c.Key, f.data)
				sameJSON(t, c.Value, f.data)
			}
		})
	}
}
