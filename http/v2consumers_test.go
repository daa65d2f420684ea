package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
)

const v2Binary = "application/vnd.kafka.binary.v2+json"

// consumed is a record of a v2 records answer.
type consumed struct {
	Topic     string          `json:"topic"`
	Key       json.RawMessage `json:"key"`
	Value     json.RawMessage `json:"value"`
	Partition int32           `json:"partition"`
	Offset    int64           `json:"offset"`
	Headers   []struct {
		Name  string  `json:"name"`
		Value *string `json:"value"`
	} `json:"headers"`
	Timestamp int64 `json:"timestamp"`
}

// readUntil reads an instance's records until it has n of them.
func readUntil(t *testing.T, p *proxy, base, accept string, n int) []consumed {
	t.Helper()
	var all []consumed
	eventually(t, fmt.Sprintf("reading %d records", n), func() error {
		r := p.do(t, "GET", base+"/records?timeout=500", "", "Accept: "+accept).expect(t, 200, accept)
		var got []consumed
		if err := json.Unmarshal(r.body, &got); err != nil {
			return err
		}
		all = append(all, got...)
		if len(all) < n {
			return fmt.Errorf("%d records so far", len(all))
		}
		return nil
	})
	if len(all) != n {
		t.Fatalf("read %d records, want %d", len(all), n)
	}
	return all
}

func TestV2ConsumerLifecycle(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2cons")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "v2group")
	ct := "Content-Type: " + v2CT

	r := p.do(t, "POST", "/consumers/"+group, `{"name":"one","format":"binary","auto.offset.reset":"earliest","auto.commit.enable":"false"}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/one"
	sameJSON(t, r.body, `{"instance_id":"one","base_uri":"`+p.url+base+`"}`)
	p.do(t, "POST", "/consumers/"+group, `{"name":"one"}`, ct).
		expectError(t, 409, 40902, "Consumer with specified consumer ID already exists in the specified consumer group.", v2CT)

	// Reading before subscribing is the reference's illegal state.
	p.do(t, "GET", base+"/records", "", "Accept: "+v2Binary).
		expectError(t, 409, 40903, "Illegal state: Consumer is not subscribed to any topics or assigned any partitions", v2Binary)

	if r := p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	sameJSON(t, p.do(t, "GET", base+"/subscription", "").expect(t, 200, v2CT).body, `{"topics":["`+topic+`"]}`)

	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i := range 3 {
		rec := &kgo.Record{Topic: topic, Key: []byte(fmt.Sprint("k", i)), Value: []byte(fmt.Sprint("v", i)),
			Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("x")}}}
		if err := cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	got := readUntil(t, p, base, v2Binary, 3)
	for i, c := range got {
		key, _ := base64.StdEncoding.DecodeString(strings.Trim(string(c.Key), `"`))
		val, _ := base64.StdEncoding.DecodeString(strings.Trim(string(c.Value), `"`))
		if c.Topic != topic || c.Offset != int64(i) || string(key) != fmt.Sprint("k", i) || string(val) != fmt.Sprint("v", i) ||
			len(c.Headers) != 1 || c.Headers[0].Name != "h" || *c.Headers[0].Value != "eA==" || c.Timestamp <= 0 {
			t.Fatalf("record %d: %+v", i, c)
		}
	}

	// The format must match the instance's.
	p.do(t, "GET", base+"/records", "", "Accept: application/vnd.kafka.json.v2+json").
		expectError(t, 406, 40601, "The requested embedded data format does not match the deserializer for this consumer instance", "application/vnd.kafka.json.v2+json")

	// Commit: the last consumed offset, stored plus one; checked in Kafka.
	r = p.do(t, "POST", base+"/offsets", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":1,"metadata":"first"}]}`, ct).expect(t, 200, v2CT)
	if string(r.body) != "[]" {
		t.Fatalf("commit answered %s", r.body)
	}
	sameJSON(t, p.do(t, "GET", base+"/offsets", `{"partitions":[{"topic":"`+topic+`","partition":0}]}`, ct).expect(t, 200, v2CT).body,
		`{"offsets":[{"topic":"`+topic+`","partition":0,"offset":2,"metadata":"first"}]}`)
	committed := func() int64 {
		offs, err := p.admin.FetchOffsets(context.Background(), group)
		if err != nil {
			t.Fatal(err)
		}
		o, _ := offs.Lookup(topic, 0)
		return o.At
	}
	if at := committed(); at != 2 {
		t.Fatalf("committed %d, want 2", at)
	}
	p.do(t, "POST", base+"/offsets", "", ct).expect(t, 200, v2CT) // everything read
	if at := committed(); at != 3 {
		t.Fatalf("committed %d after committing what was read, want 3", at)
	}
	r = p.do(t, "GET", base+"/offsets", `{"partitions":[{"topic":"`+topic+`","partition":0},{"topic":"`+topic+`","partition":5}]}`, ct).expect(t, 200, v2CT)
	var committedAnswer struct {
		Offsets []struct {
			Topic     string  `json:"topic"`
			Partition int32   `json:"partition"`
			Offset    int64   `json:"offset"`
			Metadata  *string `json:"metadata"`
		} `json:"offsets"`
	}
	if err := json.Unmarshal(r.body, &committedAnswer); err != nil || len(committedAnswer.Offsets) != 1 ||
		committedAnswer.Offsets[0].Topic != topic || committedAnswer.Offsets[0].Partition != 0 ||
		committedAnswer.Offsets[0].Offset != 3 || committedAnswer.Offsets[0].Metadata == nil {
		t.Fatalf("committed offsets: %s (%v)", r.body, err)
	}
	p.do(t, "GET", base+"/offsets", "").expectError(t, 404, 40402, "Partition not found.", v2CT)

	// What v2 committed is what v3 reports for the group's lag.
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "v3 to report the committed offset", func() error {
		r := p.do(t, "GET", "/v3/clusters/"+md.Cluster+"/consumer-groups/"+group+"/lags/"+topic+"/partitions/0", "")
		var lag struct {
			CurrentOffset int64 `json:"current_offset"`
			LogEndOffset  int64 `json:"log_end_offset"`
			Lag           int64 `json:"lag"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &lag) != nil || lag.CurrentOffset != 3 || lag.LogEndOffset != 3 || lag.Lag != 0 {
			return fmt.Errorf("v3 lag: %d %s", r.status, r.body)
		}
		return nil
	})

	if r := p.do(t, "DELETE", base+"/subscription", ""); r.status != 204 {
		t.Fatalf("unsubscribe: %d %s", r.status, r.body)
	}
	sameJSON(t, p.do(t, "GET", base+"/subscription", "").expect(t, 200, v2CT).body, `{"topics":[]}`)
	if r := p.do(t, "DELETE", base, ""); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	p.do(t, "GET", base+"/records", "").expectError(t, 404, 40403, "Consumer instance not found.", v2Binary)
	p.do(t, "DELETE", base, "").expectError(t, 404, 40403, "Consumer instance not found.", v2CT)
}

func TestV2ConsumerJSONAndGeneratedName(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2json")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "v2group")
	r := p.do(t, "POST", "/consumers/"+group, `{"format":"JSON","auto.offset.reset":"earliest"}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
	var created struct {
		InstanceID string `json:"instance_id"`
		BaseURI    string `json:"base_uri"`
	}
	json.Unmarshal(r.body, &created)
	if !strings.HasPrefix(created.InstanceID, "rest-consumer-") || created.BaseURI != p.url+"/consumers/"+group+"/instances/"+created.InstanceID {
		t.Fatalf("created %s", r.body)
	}
	base := "/consumers/" + group + "/instances/" + created.InstanceID
	p.do(t, "POST", base+"/subscription", `{"topic_pattern":"`+topic+`.*"}`, "Content-Type: "+v2CT)
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"key":{"a":1},"value":[1,"two"]}]}`, "Content-Type: application/vnd.kafka.json.v2+json").expect(t, 200, v2CT)
	got := readUntil(t, p, base, "application/vnd.kafka.json.v2+json", 1)
	if string(got[0].Key) != `{"a":1}` || string(got[0].Value) != `[1,"two"]` {
		t.Fatalf("record %+v", got[0])
	}
	// Bytes that are not JSON fail the read, as the reference's
	// deserializer does.
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"bm90IGpzb24="}]}`, "Content-Type: application/vnd.kafka.binary.v2+json").expect(t, 200, v2CT)
	eventually(t, "the read to fail on bytes that are not JSON", func() error {
		r := p.do(t, "GET", base+"/records?timeout=500", "", "Accept: application/vnd.kafka.json.v2+json")
		if r.status == 200 && string(r.body) == "[]" {
			return fmt.Errorf("nothing read yet")
		}
		r.expectError(t, 408, 40801, "Error deserializing value of the record at offset 1 of "+topic+"-0: not JSON", "application/vnd.kafka.json.v2+json")
		return nil
	})
	p.do(t, "DELETE", base, "")
}

func TestV2ConsumerCreateErrors(t *testing.T) {
	p := startProxy(t, target(t), nil)
	ct := "Content-Type: " + v2CT
	cases := []struct {
		body    string
		status  int
		code    int
		message string
	}{
		{`{"auto.offset.reset":"bad-config"}`, 422, 42204, "Invalid consumer configuration: Invalid value bad-config for configuration auto.offset.reset: String must be one of: latest, earliest, none"},
		{`{"auto.commit.enable":"maybe"}`, 422, 42204, "Invalid consumer configuration: Invalid value maybe for configuration enable.auto.commit: Expected value to be either true or false"},
		{`{"fetch.min.bytes":10000001}`, 422, 40001, "Invalid consumer configuration. It does not abide by the constraints: fetch.min.bytes must be from -1 to 10000000, got 10000001"},
		{`{"format":"string"}`, 422, 422, "Invalid format type."},
		{`{"unknown":1}`, 422, 422, "Unrecognized field: unknown"},
	}
	for _, c := range cases {
		p.do(t, "POST", "/consumers/g", c.body, ct).expectError(t, c.status, c.code, c.message, v2CT)
	}
}

// TestV2ConsumerExpiry: an instance nobody uses expires, leaves its group
// and answers 404 at once.
func TestV2ConsumerExpiry(t *testing.T) {
	p := startProxyWith(t, target(t), nil, func(a *actors.Config) { a.Consumers.InstanceTimeout = 300 * time.Millisecond })
	group := uniqueName(t, "v2expiry")
	p.do(t, "POST", "/consumers/"+group, `{"name":"short"}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
	time.Sleep(time.Second)
	start := time.Now()
	p.do(t, "GET", "/consumers/"+group+"/instances/short/records", "").expectError(t, 404, 40403, "Consumer instance not found.", v2Binary)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("an expired instance took %v to answer", took)
	}
	// The name is free again.
	p.do(t, "POST", "/consumers/"+group, `{"name":"short"}`, "Content-Type: "+v2CT).expect(t, 200, v2CT)
}

// offsetsOf reads until n records and returns their offsets.
func offsetsOf(t *testing.T, p *proxy, base string, n int) []int64 {
	t.Helper()
	var out []int64
	for _, c := range readUntil(t, p, base, v2Binary, n) {
		out = append(out, c.Offset)
	}
	return out
}

func TestV2ConsumerAssignAndSeek(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2assign")
	createTopic(t, p, topic, 2)
	group := uniqueName(t, "v2group")
	ct := "Content-Type: " + v2CT
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	produce := func(i int) {
		rec := &kgo.Record{Topic: topic, Partition: 0, Value: []byte(fmt.Sprint(i)), Timestamp: at.Add(time.Duration(i) * time.Second)}
		if err := cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		produce(i)
	}

	p.do(t, "POST", "/consumers/"+group, `{"name":"a","auto.offset.reset":"earliest"}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/a"
	defer p.do(t, "DELETE", base, "")
	one := `{"partitions":[{"topic":"` + topic + `","partition":0}]}`
	if r := p.do(t, "POST", base+"/assignments", one, ct); r.status != 204 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	sameJSON(t, p.do(t, "GET", base+"/assignments", "").expect(t, 200, v2CT).body, one)
	p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct).
		expectError(t, 409, 40903, "Illegal state: Subscription to topics, partitions and pattern are mutually exclusive", v2CT)

	if got := offsetsOf(t, p, base, 3); fmt.Sprint(got) != "[0 1 2]" {
		t.Fatalf("first read: %v", got)
	}
	seek := func(path, body string) {
		t.Helper()
		if r := p.do(t, "POST", base+path, body, ct); r.status != 204 {
			t.Fatalf("POST %s: %d %s", path, r.status, r.body)
		}
	}
	seek("/positions", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":1}]}`)
	if got := offsetsOf(t, p, base, 2); fmt.Sprint(got) != "[1 2]" {
		t.Fatalf("after seeking to 1: %v", got)
	}
	seek("/positions/beginning", one)
	if got := offsetsOf(t, p, base, 3); fmt.Sprint(got) != "[0 1 2]" {
		t.Fatalf("after seeking to the beginning: %v", got)
	}
	seek("/positions", `{"timestamps":[{"topic":"`+topic+`","partition":0,"timestamp":"`+at.Add(2*time.Second).UTC().Format(time.RFC3339)+`"}]}`)
	if got := offsetsOf(t, p, base, 1); fmt.Sprint(got) != "[2]" {
		t.Fatalf("after seeking to the third record's time: %v", got)
	}
	seek("/positions/end", one)
	produce(3)
	if got := offsetsOf(t, p, base, 1); fmt.Sprint(got) != "[3]" {
		t.Fatalf("after seeking to the end: %v", got)
	}
	p.do(t, "POST", base+"/positions", `{"offsets":[{"topic":"`+topic+`","partition":1,"offset":0}]}`, ct).
		expectError(t, 409, 40903, "Illegal state: No current assignment for partition "+topic+"-1", v2CT)

	// Not a group member: the commit goes in as a simple consumer's.
	p.do(t, "POST", base+"/offsets", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":3}]}`, ct).expect(t, 200, v2CT)
	offs, err := p.admin.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := offs.Lookup(topic, 0); o.At != 4 {
		t.Fatalf("committed %d, want 4", o.At)
	}
	// An empty assignment ends it.
	seek("/assignments", `{"partitions":[]}`)
	sameJSON(t, p.do(t, "GET", base+"/assignments", "").expect(t, 200, v2CT).body, `{"partitions":[]}`)
}

// TestV2ConsumerReadBounds: fetch.min.bytes returns a read early, and
// max_bytes stops it before the record that would pass it; records left
// over come with the next read, none lost.
func TestV2ConsumerReadBounds(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2bounds")
	createTopic(t, p, topic, 1)
	value := strings.Repeat("x", 100)
	var recs []string
	for range 5 {
		recs = append(recs, `{"value":"`+base64.StdEncoding.EncodeToString([]byte(value))+`"}`)
	}
	p.do(t, "POST", "/topics/"+topic, `{"records":[`+strings.Join(recs, ",")+`]}`, "Content-Type: application/vnd.kafka.binary.v2+json").expect(t, 200, v2CT)
	group := uniqueName(t, "v2group")
	ct := "Content-Type: " + v2CT
	p.do(t, "POST", "/consumers/"+group, `{"name":"b","auto.offset.reset":"earliest","fetch.min.bytes":1,"consumer.request.timeout.ms":10000}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/b"
	defer p.do(t, "DELETE", base, "")
	p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)

	var offsets []int64
	for len(offsets) < 5 {
		start := time.Now()
		r := p.do(t, "GET", base+"/records?max_bytes=250", "", "Accept: "+v2Binary).expect(t, 200, v2Binary)
		// Once the instance has its partition: until then a read also
		// waits for the group, which a loaded machine makes slow.
		if took := time.Since(start); took > 8*time.Second && len(offsets) > 0 {
			t.Fatalf("a read with fetch.min.bytes=1 waited %v of its 10 s", took)
		}
		var got []consumed
		json.Unmarshal(r.body, &got)
		if len(got) > 2 {
			t.Fatalf("%d records of 100 bytes under max_bytes=250", len(got))
		}
		for _, c := range got {
			offsets = append(offsets, c.Offset)
		}
	}
	if fmt.Sprint(offsets) != "[0 1 2 3 4]" {
		t.Fatalf("offsets read %v, want every record once, in order", offsets)
	}
}

// TestV2ConsumerReadAnswersWhatIsBuffered: once fetch.min.bytes is reached
// a read still answers, up to max_bytes, everything the instance already
// fetched, so that a client polling with fetch.min.bytes=1 needs a few
// reads for thousands of records, not one per fetch; nothing is skipped or
// answered twice, and the order is Kafka's.
func TestV2ConsumerReadAnswersWhatIsBuffered(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2drain")
	createTopic(t, p, topic, 1)
	const n, size, maxBytes = 2000, 100, 50_000 // 500 records a read at most
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, n)
	for i := range recs {
		recs[i] = &kgo.Record{Value: fmt.Appendf(nil, "%0*d", size, i)}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	group := uniqueName(t, "v2group")
	ct := "Content-Type: " + v2CT
	p.do(t, "POST", "/consumers/"+group, `{"name":"d","auto.offset.reset":"earliest","fetch.min.bytes":1,"consumer.request.timeout.ms":10000}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/d"
	defer p.do(t, "DELETE", base, "")
	p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)

	var got []consumed
	var counts []int
	for reads := 0; len(got) < n; reads++ {
		if reads == 100 {
			t.Fatalf("100 reads gave %d records of %d: %v", len(got), n, counts)
		}
		start := time.Now()
		r := p.do(t, "GET", fmt.Sprintf("%s/records?max_bytes=%d", base, maxBytes), "", "Accept: "+v2Binary).expect(t, 200, v2Binary)
		if took := time.Since(start); took > 8*time.Second && len(got) > 0 { // the group's wait aside
			t.Fatalf("a read with fetch.min.bytes=1 waited %v of its 10 s", took)
		}
		var page []consumed
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page) > maxBytes/size {
			t.Fatalf("a read answered %d records of %d bytes under max_bytes=%d", len(page), size, maxBytes)
		}
		if len(page) > 0 {
			counts = append(counts, len(page))
		}
		got = append(got, page...)
	}
	// Four full answers; a real broker may end a fetch mid-way, which
	// costs a read or two more, never one per record.
	if len(counts) > n/(maxBytes/size)+2 {
		t.Fatalf("%d records took %d reads answering %v", n, len(counts), counts)
	}
	if counts[0] != maxBytes/size {
		t.Fatalf("the first read answered %d records, want %d: %v", counts[0], maxBytes/size, counts)
	}
	if len(got) != n {
		t.Fatalf("read %d records, want %d", len(got), n)
	}
	for i, c := range got {
		var v []byte
		if err := json.Unmarshal(c.Value, &v); err != nil {
			t.Fatal(err)
		}
		if c.Offset != int64(i) || string(v) != fmt.Sprintf("%0*d", size, i) {
			t.Fatalf("record %d is offset %d value %q: skipped, repeated or out of order", i, c.Offset, v)
		}
	}
}
