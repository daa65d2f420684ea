package http_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
)

// produceTopic creates a topic of its own for a test and deletes it after.
func produceTopic(t *testing.T, p *proxy, partitions int32) string {
	t.Helper()
	topic := uniqueName(t, "produce")
	createTopic(t, p, topic, partitions)
	return topic
}

// readBack reads n records of topic from Kafka with a plain client.
func readBack(t *testing.T, bootstrap, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d records from %s", len(recs), n, topic)
		}
		if err := fs.Err0(); err != nil {
			t.Fatalf("reading %s: %v", topic, err)
		}
		recs = append(recs, fs.Records()...)
	}
	if len(recs) != n {
		t.Fatalf("read %d records from %s, want %d", len(recs), topic, n)
	}
	return recs
}

// lines splits a streaming answer into its JSON lines, each of which must
// end in \r\n.
func lines(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	s := string(body)
	if s != "" && !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("answer does not end in \\r\\n: %q", s)
	}
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestProduceStreamTwoRecords(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	cluster := v3Cluster(t, p)
	path := "/v3/clusters/" + cluster + "/topics/" + topic + "/records"
	r := p.do(t, "POST", path, `{"value":{"type":"JSON","data":"ONE"}}{"value":{"type":"JSON","data":"TWO"}}`,
		"Content-Type: application/json").expect(t, 200, "application/json")
	ls := lines(t, r.body)
	if len(ls) != 2 {
		t.Fatalf("%d lines, want 2: %s", len(ls), r.body)
	}
	for i, l := range ls {
		want := fmt.Sprintf(`{"error_code":200,"cluster_id":%q,"topic_name":%q,"partition_id":0,"offset":%d,"timestamp":%q,"value":{"type":"JSON","size":5}}`,
			cluster, topic, i, l["timestamp"])
		line, _ := json.Marshal(l)
		sameJSON(t, line, want)
	}
	recs := readBack(t, bootstrap, topic, 2)
	for i, want := range []string{`"ONE"`, `"TWO"`} {
		if recs[i].Key != nil || string(recs[i].Value) != want || recs[i].Offset != int64(i) {
			t.Fatalf("record %d in Kafka: key %q value %q offset %d", i, recs[i].Key, recs[i].Value, recs[i].Offset)
		}
		if got := recs[i].Timestamp.UTC().Format("2006-01-02T15:04:05.000Z"); !strings.HasPrefix(got, strings.TrimSuffix(ls[i]["timestamp"].(string), "Z")) {
			t.Fatalf("record %d timestamp %s, answer said %s", i, got, ls[i]["timestamp"])
		}
	}
}

func TestProduceStreamRecordFields(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 3)
	body := `{"partition_id":2,"headers":[{"name":"h","value":"YQ=="},{"name":"h","value":null},{"name":"x","value":"Yg=="}],
		"key":{"type":"BINARY","data":"a2V5"},"value":{"type":"STRING","data":"välue"},"timestamp":"2021-02-05T19:14:42.123Z"}
		{}
		{"key":{"type":"STRING","data":""},"value":{"type":"JSON","data":null}}`
	cluster := v3Cluster(t, p)
	r := p.do(t, "POST", "/v3/clusters/"+cluster+"/topics/"+topic+"/records", body, "Content-Type: application/json; charset=UTF-8").
		expect(t, 200, "application/json")
	ls := lines(t, r.body)
	if len(ls) != 3 {
		t.Fatalf("%d lines: %s", len(ls), r.body)
	}
	first, _ := json.Marshal(ls[0])
	sameJSON(t, first, fmt.Sprintf(`{"error_code":200,"cluster_id":%q,"topic_name":%q,"partition_id":2,"offset":0,
		"timestamp":"2021-02-05T19:14:42.123Z","key":{"type":"BINARY","size":3},"value":{"type":"STRING","size":6}}`, cluster, topic))
	if _, ok := ls[1]["key"]; ok || ls[1]["value"] != nil {
		t.Fatalf("{} answered with a key or value: %v", ls[1])
	}
	third, _ := json.Marshal(ls[2]["key"])
	sameJSON(t, third, `{"type":"STRING","size":0}`)
	v, _ := json.Marshal(ls[2]["value"])
	sameJSON(t, v, `{"type":"JSON","size":-1}`)

	recs := readBack(t, bootstrap, topic, 3)
	byPartitionOffset := map[string]*kgo.Record{}
	for _, rec := range recs {
		byPartitionOffset[fmt.Sprintf("%d/%d", rec.Partition, rec.Offset)] = rec
	}
	rec := byPartitionOffset["2/0"]
	if rec == nil || string(rec.Key) != "key" || string(rec.Value) != "välue" || rec.Timestamp.UnixMilli() != 1612552482123 {
		t.Fatalf("first record in Kafka: %+v", rec)
	}
	if len(rec.Headers) != 3 || rec.Headers[0].Key != "h" || string(rec.Headers[0].Value) != "a" ||
		rec.Headers[1].Key != "h" || rec.Headers[1].Value != nil || rec.Headers[2].Key != "x" || string(rec.Headers[2].Value) != "b" {
		t.Fatalf("headers in Kafka: %+v", rec.Headers)
	}
	for _, l := range ls[1:] {
		rec := byPartitionOffset[fmt.Sprintf("%s/%s", l["partition_id"], l["offset"])]
		if rec == nil || rec.Value != nil {
			t.Fatalf("record %v in Kafka: %+v", l, rec)
		}
	}
	if k := byPartitionOffset[fmt.Sprintf("%s/%s", ls[2]["partition_id"], ls[2]["offset"])].Key; k == nil || len(k) != 0 {
		t.Fatalf("an empty STRING key should be empty bytes, not null: %v", k)
	}
}

func TestProduceStreamPerRecordErrors(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	cases := []struct{ body, code, message string }{
		{`{ "records": {"subject": "foobar" } }`, "400", `Unrecognized field "records"`},
		{`{"key":{"type":"BINARY","data":1},"value":{"type":"BINARY","data":"fooba"}}`, "400", "Bad Request: data=1 is not a base64 string."},
		{`{"value":{"type":"BINARY","data":"fooba"}}`, "400", `Bad Request: data="fooba" is not a valid base64 string.`},
		{`{"key":{"type":"BINARY","subject":"foobar"}}`, "400", "type=BINARY cannot be used"},
		{`{"key":{"type":"BINARY","subject_name_strategy":"TOPIC"}}`, "400", "TOPIC"},
		{`{"key":{"type":"BINARY","schema_id":1}}`, "400", "type=BINARY cannot be used"},
		{`{"key":{"type":"AVRO","schema_version":1}}`, "400", "type=AVRO cannot be used"},
		{`{"key":{"subject_name_strategy":"RECORD_NAME","schema_version":1}}`, "400", "RECORD_NAME"},
		{`{"key":{"subject_name_strategy":"RECORD_NAME"}}`, "400", "RECORD_NAME"},
		{`{"value":{"data":{"a":1}}}`, "422", "Error: 42206 : Payload error. Schema Registry must be configured when using schemas."},
		{`{"partition_id":-1,"value":{"type":"STRING","data":"x"}}`, "40402", "Partition not found."},
		{`{"partition_id":1,"value":{"type":"STRING","data":"x"}}`, "40402", "Partition not found."},
	}
	var body strings.Builder
	for _, c := range cases {
		body.WriteString(c.body)
	}
	body.WriteString(`{"value":{"type":"STRING","data":"still going"}}`)
	ls := lines(t, p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p)+"/topics/"+topic+"/records", body.String(), "Content-Type: application/json").
		expect(t, 200, "application/json").body)
	if len(ls) != len(cases)+1 {
		t.Fatalf("%d lines for %d records", len(ls), len(cases)+1)
	}
	for i, c := range cases {
		if fmt.Sprint(ls[i]["error_code"]) != c.code || !strings.Contains(fmt.Sprint(ls[i]["message"]), c.message) || len(ls[i]) != 2 {
			t.Errorf("%s: got %v, want error_code %s and a message containing %q, and nothing else", c.body, ls[i], c.code, c.message)
		}
	}
	if last := ls[len(cases)]; fmt.Sprint(last["error_code"]) != "200" || fmt.Sprint(last["offset"]) != "0" {
		t.Fatalf("the record after the errors: %v", last)
	}
	if recs := readBack(t, bootstrap, topic, 1); string(recs[0].Value) != "still going" {
		t.Fatalf("in Kafka: %q", recs[0].Value)
	}

	// A hundred bad records: a hundred lines, and the stream never stops.
	bad := strings.Repeat(`{"key":{"type":"BINARY","data":1}}`, 100)
	ls = lines(t, p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p)+"/topics/"+topic+"/records", bad, "Content-Type: application/json").body)
	if len(ls) != 100 {
		t.Fatalf("%d lines for 100 bad records", len(ls))
	}
	for _, l := range ls {
		if fmt.Sprint(l["error_code"]) != "400" {
			t.Fatalf("line %v", l)
		}
	}
}

func TestProduceStreamUnknownTopicAnswersQuickly(t *testing.T) {
	p := startProxy(t, target(t), nil)
	start := time.Now()
	ls := lines(t, p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p)+"/topics/no-such-topic-here/records",
		`{"value":{"type":"STRING","data":"x"}}{"value":{"type":"STRING","data":"y"}}`, "Content-Type: application/json").
		expect(t, 200, "application/json").body)
	if len(ls) != 2 {
		t.Fatalf("%d lines", len(ls))
	}
	for _, l := range ls {
		b, _ := json.Marshal(l)
		sameJSON(t, b, `{"error_code":40403,"message":"This server does not host this topic-partition."}`)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Fatalf("the unknown topic took %v to answer", took)
	}
}

func TestProduceStreamEnds(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) { c.Produce.ProduceRecordMaxBytes = 1 << 10 })
	topic := produceTopic(t, p, 1)
	path := "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic + "/records"
	big := `{"value":{"type":"STRING","data":"` + strings.Repeat("x", 2<<10) + `"}}`
	small := `{"value":{"type":"STRING","data":"small"}}`
	tooBig := `{"error_code":400,"message":"Bad Request: Error processing message: Produce request size is larger than allowed threshold"}`

	ls := lines(t, p.do(t, "POST", path, big+strings.Repeat(small, 10), "Content-Type: application/json").body)
	if len(ls) != 1 {
		t.Fatalf("a first record over the limit: %d lines, want 1", len(ls))
	}
	b, _ := json.Marshal(ls[0])
	sameJSON(t, b, tooBig)

	ls = lines(t, p.do(t, "POST", path, small+big+small, "Content-Type: application/json").body)
	if len(ls) != 2 || fmt.Sprint(ls[0]["error_code"]) != "200" {
		t.Fatalf("a second record over the limit: %v", ls)
	}
	b, _ = json.Marshal(ls[1])
	sameJSON(t, b, tooBig)

	// Malformed JSON inside a record is that record's error: the framing
	// still says where the next record starts, so the stream goes on.
	ls = lines(t, p.do(t, "POST", path, small+`{"value": garbage}`+small, "Content-Type: application/json").body)
	if len(ls) != 3 || fmt.Sprint(ls[1]["error_code"]) != "400" || fmt.Sprint(ls[2]["error_code"]) != "200" {
		t.Fatalf("garbage in a record: %v", ls)
	}
	ls = lines(t, p.do(t, "POST", path, small+` ]`+small, "Content-Type: application/json").body)
	if len(ls) != 2 || fmt.Sprint(ls[1]["error_code"]) != "400" ||
		!strings.HasPrefix(fmt.Sprint(ls[1]["message"]), "Bad Request: Error processing message: Unexpected character ']'") {
		t.Fatalf("garbage between records: %v", ls)
	}
}

func TestProduceStreamRequestErrors(t *testing.T) {
	p := startProxy(t, target(t), nil)
	path := "/v3/clusters/" + v3Cluster(t, p) + "/topics/t/records"
	p.do(t, "POST", path, " \n ", "Content-Type: application/json").
		expectError(t, 422, 42206, "Payload error. Request body is empty. Data is required.", "application/json")
	p.do(t, "POST", path, "{}", "Content-Type: application/json; charset=DEADBEEF").
		expectError(t, 400, 400, "Bad Request: Unsupported charset DEADBEEF", "application/json")
	p.do(t, "POST", path, "{}", "Content-Type: text/plain").
		expectError(t, 415, 415, "HTTP 415 Unsupported Media Type", "application/json")
}

func TestProduceStreamMaxDuration(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Produce.StreamMaxDuration = 300 * time.Millisecond
		c.Produce.StreamGrace = 300 * time.Millisecond
	})
	topic := produceTopic(t, p, 1)
	pr, pw := io.Pipe()
	req, _ := nethttp.NewRequest("POST", p.url+"/v3/clusters/"+v3Cluster(t, p)+"/topics/"+topic+"/records", pr)
	req.Header.Set("Content-Type", "application/json")
	go func() {
		io.WriteString(pw, `{"value":{"type":"STRING","data":"in time"}}`)
		time.Sleep(400 * time.Millisecond)
		io.WriteString(pw, `{"value":{"type":"STRING","data":"late"}}`)
		time.Sleep(2 * time.Second) // the proxy closes the stream before this
		pw.Close()
	}()
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	start := time.Now()
	body, _ := io.ReadAll(res.Body)
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Fatalf("the stream stayed open %v after its maximum duration and grace", took)
	}
	ls := lines(t, body)
	if len(ls) != 2 || fmt.Sprint(ls[0]["error_code"]) != "200" {
		t.Fatalf("lines %v", ls)
	}
	b, _ := json.Marshal(ls[1])
	sameJSON(t, b, `{"error_code":408,"message":"Streaming connection open for longer than allowed: Connection will be closed."}`)
}

func TestProduceBatch(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	path := "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic + "/records:batch"
	r := p.do(t, "POST", path, `{"entries":[
		{"id":"first","value":{"type":"STRING","data":"x"}},
		{"id":"bad-1","value":{"type":"BINARY","data":"fooba"}},
		{"id":"third_3","key":{"type":"JSON","data":{"k":1}},"value":{"type":"STRING","data":"z"},"headers":[{"name":"h","value":"YQ=="}]}]}`,
		"Content-Type: application/json").expect(t, 207, "application/json")
	var got struct {
		Successes []map[string]any `json:"successes"`
		Failures  []map[string]any `json:"failures"`
	}
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Successes) != 2 || len(got.Failures) != 1 {
		t.Fatalf("answer %s", r.body)
	}
	for i, id := range []string{"first", "third_3"} {
		s := got.Successes[i]
		if s["id"] != id || s["cluster_id"] != v3Cluster(t, p) || s["topic_name"] != topic || fmt.Sprint(s["partition_id"]) != "0" || s["timestamp"] == nil {
			t.Fatalf("success %d: %v", i, s)
		}
	}
	if v, _ := json.Marshal(got.Successes[1]["key"]); string(v) != `{"size":7,"type":"JSON"}` {
		t.Fatalf("key of the third entry: %s", v)
	}
	f, _ := json.Marshal(got.Failures[0])
	sameJSON(t, f, `{"id":"bad-1","error_code":400,"message":"Bad Request: data=\"fooba\" is not a valid base64 string."}`)

	recs := readBack(t, bootstrap, topic, 2)
	byOffset := map[int64]*kgo.Record{}
	for _, rec := range recs {
		byOffset[rec.Offset] = rec
	}
	for _, s := range got.Successes {
		var off int64
		fmt.Sscan(fmt.Sprint(s["offset"]), &off)
		rec := byOffset[off]
		if rec == nil {
			t.Fatalf("no record at offset %d", off)
		}
		if s["id"] == "third_3" && (string(rec.Key) != `{"k":1}` || string(rec.Value) != "z" || len(rec.Headers) != 1) {
			t.Fatalf("third entry in Kafka: %+v", rec)
		}
	}
}

func TestProduceBatchValidation(t *testing.T) {
	p := startProxy(t, target(t), nil)
	path := "/v3/clusters/" + v3Cluster(t, p) + "/topics/t/records:batch"
	entry := func(id string) string { return `{"id":` + id + `,"value":{"type":"STRING","data":"x"}}` }
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = entry(fmt.Sprintf(`"e%d"`, i))
	}
	cases := []struct {
		body    string
		status  int
		code    int
		message string
	}{
		{``, 422, 42208, "Request body is empty. Data is required."},
		{`null`, 422, 42208, "Request body is empty. Data is required."},
		{`{"records":[]}`, 422, 422, "Unrecognized field: records"},
		{`{"entries":[` + entry(`"a"`) + `,` + entry(`"a"`) + `]}`, 422, 42208, "Batch entry IDs are not distinct."},
		{`{"entries":[]}`, 422, 42208, "Empty batch."},
		{`{}`, 422, 42208, "Empty batch."},
		{`{"entries":[` + strings.Join(eleven, ",") + `]}`, 422, 42208, "Too many entries in batch."},
		{`{"entries":[` + entry(`1`) + `]}`, 422, 42208, "Batch entry identifier is not a valid string."},
		{`{"entries":[` + entry(`""`) + `]}`, 422, 42208, "Batch entry identifier is not a valid string."},
		{`{"entries":[` + entry(`"`+strings.Repeat("a", 81)+`"`) + `]}`, 422, 42208, "Batch entry identifier is not a valid string."},
		{`{"entries":[` + entry(`"a b"`) + `]}`, 422, 42208, "Batch entry identifier is not a valid string."},
		{`{"entries":[{"value":{"type":"STRING","data":"x"}}]}`, 422, 42208, "Batch entry identifier is not a valid string."},
	}
	for _, c := range cases {
		p.do(t, "POST", path, c.body, "Content-Type: application/json").expectError(t, c.status, c.code, c.message, "application/json")
	}
	// Eighty characters is the most an id may have.
	r := p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p)+"/topics/no-such-topic-here/records:batch",
		`{"entries":[`+entry(`"`+strings.Repeat("a", 80)+`"`)+`]}`, "Content-Type: application/json").expect(t, 207, "application/json")
	sameJSON(t, r.body, `{"successes":[],"failures":[{"id":"`+strings.Repeat("a", 80)+`","error_code":40403,"message":"This server does not host this topic-partition."}]}`)
}

// TestProduceStreamFullDuplex writes records one at a time over a chunked
// upload and reads each answer before sending the next record.
func TestProduceStreamFullDuplex(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	pr, pw := io.Pipe()
	req, _ := nethttp.NewRequest("POST", p.url+"/v3/clusters/"+v3Cluster(t, p)+"/topics/"+topic+"/records", pr)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		res *nethttp.Response
		err error
	}
	started := make(chan result, 1)
	go func() {
		res, err := nethttp.DefaultClient.Do(req)
		started <- result{res, err}
	}()
	io.WriteString(pw, `{"value":{"type":"STRING","data":"0"}}`)
	rs := <-started
	if rs.err != nil {
		t.Fatal(rs.err)
	}
	defer rs.res.Body.Close()
	answers := bufio.NewReader(rs.res.Body)
	for i := range 20 {
		if i > 0 {
			time.Sleep(10 * time.Millisecond)
			fmt.Fprintf(pw, `{"value":{"type":"STRING","data":"%d"}}`, i)
		}
		line, err := answers.ReadString('\n')
		if err != nil {
			t.Fatalf("answer %d before the body ended: %v", i, err)
		}
		ls := lines(t, []byte(line))
		if fmt.Sprint(ls[0]["error_code"]) != "200" || fmt.Sprint(ls[0]["offset"]) != fmt.Sprint(i) {
			t.Fatalf("answer %d: %s", i, line)
		}
	}
	pw.Close()
	if rest, _ := io.ReadAll(answers); len(rest) != 0 {
		t.Fatalf("after the body ended: %q", rest)
	}
	recs := readBack(t, bootstrap, topic, 20)
	for i, rec := range recs {
		if string(rec.Value) != fmt.Sprint(i) {
			t.Fatalf("record %d is %q", i, rec.Value)
		}
	}
}

func TestProduceRateLimits(t *testing.T) {
	bootstrap := target(t)
	limited := `{"error_code":429,"message":"Request rate limit exceeded: The rate limit of requests per second has been exceeded."}`
	for _, tc := range []struct {
		name   string
		limits actors.ProduceLimits
		first  bool // whether the first record passes
	}{
		{"records per cluster", actors.ProduceLimits{Enabled: true, RecordsPerSec: 1, BytesPerSec: 1e9, GlobalRecordsPerSec: 1e9, GlobalBytesPerSec: 1e9}, true},
		{"records, global", actors.ProduceLimits{Enabled: true, RecordsPerSec: 1e9, BytesPerSec: 1e9, GlobalRecordsPerSec: 1, GlobalBytesPerSec: 1e9}, true},
		{"bytes per cluster", actors.ProduceLimits{Enabled: true, RecordsPerSec: 1e9, BytesPerSec: 1, GlobalRecordsPerSec: 1e9, GlobalBytesPerSec: 1e9}, false},
		{"bytes, global", actors.ProduceLimits{Enabled: true, RecordsPerSec: 1e9, BytesPerSec: 1e9, GlobalRecordsPerSec: 1e9, GlobalBytesPerSec: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := startProxyWith(t, bootstrap, nil, func(a *actors.Config) { a.Produce.Limits = tc.limits })
			topic := produceTopic(t, p, 1)
			path := "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic + "/records"
			for i, wantOK := range []bool{tc.first, false} {
				ls := lines(t, p.do(t, "POST", path, `{"value":{"type":"STRING","data":"x"}}`, "Content-Type: application/json").
					expect(t, 200, "application/json").body)
				if len(ls) != 1 {
					t.Fatalf("request %d: %v", i, ls)
				}
				if wantOK {
					if fmt.Sprint(ls[0]["error_code"]) != "200" {
						t.Fatalf("request %d: %v", i, ls[0])
					}
					continue
				}
				b, _ := json.Marshal(ls[0])
				sameJSON(t, b, limited)
			}
		})
	}
}

// TestProduceStreamClientThatStopsReading: a client that sends records but
// never reads its answers cannot hold the stream: once a write makes no
// progress for the write timeout, the stream ends, every record is still
// answered by Kafka and its credit comes back.
func TestProduceStreamClientThatStopsReading(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) { c.Produce.StreamWriteTimeout = 300 * time.Millisecond })
	topic := produceTopic(t, p, 1)
	const n = 100_000 // far more answers than the sockets' buffers hold
	var body strings.Builder
	for range n {
		body.WriteString(`{"value":{"type":"STRING","data":"x"}}`)
	}
	addr := strings.TrimPrefix(p.url, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A small receive window, so that the proxy's writes block soon.
	conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	fmt.Fprintf(conn, "POST /v3/clusters/%s/topics/%s/records HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n", v3Cluster(t, p), topic, addr, body.Len())
	if _, err := io.WriteString(conn, body.String()); err != nil {
		t.Fatal(err)
	}
	// Read nothing; the proxy must let go by itself.
	eventually(t, "the stream's credit to come back", func() error {
		if r, b, w := p.sys.Producers().Credits(); r != 0 || b != 0 || w != 0 {
			return fmt.Errorf("%d records, %d bytes in flight, %d waiting", r, b, w)
		}
		return nil
	})
	time.Sleep(time.Second) // well past the write timeout
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	got, err := io.Copy(io.Discard, conn)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) { // closed with answers unread: a reset
		t.Fatalf("the proxy did not close the stream it could not write to (read %d bytes): %v", got, err)
	}
	if full := int64(n) * 100; got >= full {
		t.Fatalf("read %d bytes, every answer: the proxy never gave up on the stalled client", got)
	}
}

// v3Cluster is the id of the proxy's cluster, as GET /v3/clusters says it
// to a caller with headers: the produce paths answer 404 for any other.
func v3Cluster(t *testing.T, p *proxy, headers ...string) string {
	t.Helper()
	var out struct {
		Data []struct {
			ClusterID string `json:"cluster_id"`
		} `json:"data"`
	}
	r := p.do(t, "GET", "/v3/clusters", "", headers...).expect(t, 200, "application/json")
	if err := json.Unmarshal(r.body, &out); err != nil || len(out.Data) != 1 {
		t.Fatalf("GET /v3/clusters: %v: %s", err, r.body)
	}
	return out.Data[0].ClusterID
}

// TestProduceUnknownCluster: a produce to a cluster id other than the
// proxy's is 404 "Cluster X cannot be found.", as on every other v3 path
// (the reference echoes any id), streaming, in one piece or in a batch;
// nothing is stored, and the same records to the right id are.
func TestProduceUnknownCluster(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	const record = `{"value":{"type":"STRING","data":"x"}}`
	const batch = `{"entries":[{"id":"a","value":{"type":"STRING","data":"x"}}]}`
	const msg = "Cluster anything cannot be found."
	base := "/v3/clusters/anything/topics/" + topic

	p.do(t, "POST", base+"/records", record, "Content-Type: application/json").expectError(t, 404, 404, msg, "application/json")
	p.do(t, "POST", base+"/records:batch", batch, "Content-Type: application/json").expectError(t, 404, 404, msg, "application/json")
	// A chunked upload that goes on after the first record.
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(record))
		pw.Write([]byte(record))
		pw.Close()
	}()
	req, _ := nethttp.NewRequest("POST", p.url+base+"/records", pr)
	req.Header.Set("Content-Type", "application/json")
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	response{res.StatusCode, res.Header, body}.expectError(t, 404, 404, msg, "application/json")

	ends, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := ends.Lookup(topic, 0); o.Offset != 0 {
		t.Fatalf("records to an unknown cluster were stored: end offset %d", o.Offset)
	}

	good := "/v3/clusters/" + v3Cluster(t, p) + "/topics/" + topic
	if ls := lines(t, p.do(t, "POST", good+"/records", record, "Content-Type: application/json").expect(t, 200, "application/json").body); len(ls) != 1 || fmt.Sprint(ls[0]["error_code"]) != "200" {
		t.Fatalf("the same record to the proxy's cluster: %v", ls)
	}
	p.do(t, "POST", good+"/records:batch", batch, "Content-Type: application/json").expect(t, 207, "application/json")
	if recs := readBack(t, bootstrap, topic, 2); string(recs[0].Value) != "x" || string(recs[1].Value) != "x" {
		t.Fatalf("stored %q %q", recs[0].Value, recs[1].Value)
	}
}
