package http_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafka-rest-go/kafka-rest/actors"
)

// A record a v2 consumer cannot decode: the records before it are
// delivered, it is reported (408 40801) by every read until the client
// moves past it, other partitions go on, and no commit passes it.

// poisonCase is a format and a record of it that a consumer of the format
// cannot decode, among good ones.
type poisonCase struct {
	name, format, accept string
	// good is the key and value parts of a v3 produce record for the good
	// record number n, and want what a read answers of it.
	good func(n int) string
	want func(n int) (key, value string)
	// bad is the parts of the bad record; why ends the 408's message.
	bad, side, why string
}

func poisonCases() []poisonCase {
	jsonValue := func(n int) string { return fmt.Sprintf(`"value":{"type":"JSON","data":{"n":%d}}`, n) }
	cases := []poisonCase{
		{name: "json-value", format: "json", accept: "application/vnd.kafka.json.v2+json",
			good: jsonValue,
			want: func(n int) (string, string) { return "null", fmt.Sprintf(`{"n":%d}`, n) },
			bad:  `"value":{"type":"STRING","data":"not json"}`, side: "value", why: "not JSON"},
		{name: "json-key", format: "json", accept: "application/vnd.kafka.json.v2+json",
			good: func(n int) string { return `"key":{"type":"JSON","data":"k"},` + jsonValue(n) },
			want: func(n int) (string, string) { return `"k"`, fmt.Sprintf(`{"n":%d}`, n) },
			bad:  `"key":{"type":"STRING","data":"not json"},` + jsonValue(2), side: "key", why: "not JSON"},
	}
	const notWire = "unknown magic byte: not Confluent's wire format (0, then a 4-byte schema id)"
	for _, f := range schemaFormats() {
		value := `"value":{"type":"` + f.typ + `","schema":` + jsonString(f.schema) + `,"data":` + f.data + `}`
		cases = append(cases, poisonCase{name: f.lower + "-value", format: f.lower, accept: f.v2,
			good: func(int) string { return value },
			want: func(int) (string, string) { return "null", f.data },
			bad:  `"value":{"type":"STRING","data":"not json"}`, side: "value", why: notWire})
		if f.typ == "AVRO" {
			key := `"key":{"type":"AVRO","schema":"\"string\"","data":"k"},`
			cases = append(cases, poisonCase{name: "avro-key", format: f.lower, accept: f.v2,
				good: func(int) string { return key + value },
				want: func(int) (string, string) { return `"k"`, f.data },
				bad:  `"key":{"type":"STRING","data":"k"},` + value, side: "key", why: notWire})
		}
	}
	return cases
}

// poisonMode is how an instance reads and commits.
type poisonMode struct {
	name string
	// assign reads the partitions directly instead of subscribing.
	assign, autoCommit bool
	// toEnd moves past the bad record with positions/end rather than to
	// the offset after it; onClose checks what deleting the instance
	// commits (auto-commit on, its interval an hour).
	toEnd, onClose bool
}

// TestV2ConsumerPoisonRecord: a topic of two partitions, partition 0
// holding good records at offsets 0, 1 and 3 and one that does not decode
// at 2, partition 1 good ones only; a v2 instance of each format reads it,
// subscribed with auto-commit on or off, or assigned, one record a read
// (max_bytes). Every read answers the good records in order, or 408 40801
// naming offset 2 of partition 0; partition 1, written to while partition
// 0 is stuck, is read whole, each of its reads followed by the 408; once
// nothing else is left every read is that 408; what the group committed,
// read with a plain Kafka client, never passes offset 2 until the client
// moves past it with positions, after which partition 0 goes on.
func TestV2ConsumerPoisonRecord(t *testing.T) {
	modes := []poisonMode{
		{name: "auto-commit", autoCommit: true},
		{name: "manual-commit", toEnd: true},
		{name: "assigned", assign: true},
		{name: "auto-commit-on-close", autoCommit: true, onClose: true},
	}
	cases := poisonCases()
	// The auto-commit interval is short for the one proxy, an hour for the
	// other: there only closing the instance commits.
	interval := func(ms string) func(*actors.Config) {
		return func(a *actors.Config) {
			a.Kafka.Properties = map[string]string{"consumer.auto.commit.interval.ms": ms}
		}
	}
	short := startSchemaProxyWith(t, nil, interval("100"))
	long := startSchemaProxyWith(t, nil, interval("3600000"))
	for _, m := range modes {
		p := short
		if m.onClose {
			p = long
		}
		for _, c := range cases {
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				poisonScenario(t, p, c, m)
			})
		}
	}
}

// poisonTopic creates a topic of two partitions and writes the case's
// records: good 0, 1, bad, good 3 to partition 0, good 0, 1, 2 to
// partition 1.
func poisonTopic(t *testing.T, p *schemaProxy, c poisonCase) string {
	t.Helper()
	topic := uniqueName(t, "poison-"+c.name)
	createTopic(t, p.proxy, topic, 2)
	var body strings.Builder
	for _, parts := range []string{c.good(0), c.good(1), c.bad, c.good(3)} {
		fmt.Fprintf(&body, `{"partition_id":0,%s}`, parts)
	}
	for i := range 3 {
		fmt.Fprintf(&body, `{"partition_id":1,%s}`, c.good(i))
	}
	for i, l := range produceTo(t, p, topic, body.String()) {
		want := [][2]int{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 0}, {1, 1}, {1, 2}}[i]
		if l["partition_id"] != json.Number(fmt.Sprint(want[0])) || l["offset"] != json.Number(fmt.Sprint(want[1])) {
			t.Fatalf("record %d landed at %v-%v, want %d-%d", i, l["partition_id"], l["offset"], want[0], want[1])
		}
	}
	return topic
}

// produceTo streams records to topic through the proxy's v3 API, on the
// cluster's real id, and checks that each was stored.
func produceTo(t *testing.T, p *schemaProxy, topic, body string) []map[string]any {
	t.Helper()
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := p.do(t, "POST", "/v3/clusters/"+md.Cluster+"/topics/"+topic+"/records", body, "Content-Type: application/json").expect(t, 200, "application/json")
	ls := lines(t, r.body)
	for i, l := range ls {
		if l["error_code"] != json.Number("200") {
			t.Fatalf("record %d: %v", i, l)
		}
	}
	return ls
}

// oneRecord is a max_bytes that every record of topic fits in and no two
// good ones do, read from Kafka with a plain client.
func oneRecord(t *testing.T, p *schemaProxy, topic string) int {
	t.Helper()
	most, least := 0, 1<<30
	for _, rec := range readBack(t, p.bootstrap, topic, 7) {
		n := len(rec.Key) + len(rec.Value)
		most = max(most, n)
		if !(rec.Partition == 0 && rec.Offset == 2) {
			least = min(least, n)
		}
	}
	if 2*least <= most {
		t.Fatalf("records of %d to %d bytes: two good ones fit in max_bytes %d", least, most, most)
	}
	return most
}

// committed is what the group committed for the topic's partitions 0 and
// 1, read with a plain Kafka admin client (-1: nothing).
func committed(t *testing.T, p *proxy, group, topic string) [2]int64 {
	t.Helper()
	offs, err := p.admin.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	var out [2]int64
	for part := range out {
		out[part] = -1
		if o, ok := offs.Lookup(topic, int32(part)); ok {
			out[part] = o.At
		}
	}
	return out
}

// wantCommitted waits (auto-commit runs on a timer) until the group's
// commits are want, and fails if they ever pass it.
func wantCommitted(t *testing.T, p *proxy, group, topic string, want [2]int64) {
	t.Helper()
	eventually(t, fmt.Sprintf("committed offsets %v", want), func() error {
		got := committed(t, p, group, topic)
		if got[0] > want[0] || got[1] > want[1] {
			t.Fatalf("committed %v, past %v", got, want)
		}
		if got != want {
			return fmt.Errorf("committed %v", got)
		}
		return nil
	})
}

// poisonReader reads an instance and checks every answer: good records in
// order, each once, or the bad record's 408.
type poisonReader struct {
	p      *schemaProxy
	c      poisonCase
	base   string
	topic  string
	badMsg string
	// next is the offset each partition's next record must have; last
	// partition 0 may reach before the client moves past the bad record.
	next      [2]int64
	limit0    int64
	maxBytes  int // one record per read: any two pass it
	reported  int // 408s in a row
	delivered int // records answered
	// stuck: the bad record was reported and the client has not moved
	// past it; reportNext: a read then answered records, so the next must
	// report it, that busy partitions cannot hide it.
	stuck, reportNext bool
}

// read does one read and returns its status.
func (r *poisonReader) read(t *testing.T) int {
	t.Helper()
	res := r.p.do(t, "GET", fmt.Sprintf("%s/records?timeout=200&max_bytes=%d", r.base, r.maxBytes), "", "Accept: "+r.c.accept)
	if r.reportNext && res.status != 408 {
		t.Fatalf("a read after one that answered records while partition 0 was stuck answered %d %s, not the bad record", res.status, res.body)
	}
	r.reportNext = false
	switch res.status {
	case 408:
		res.expectError(t, 408, 40801, r.badMsg, r.c.accept)
		if r.next[0] < 2 {
			t.Fatalf("the bad record was reported before the records ahead of it were delivered (partition 0 at %d)", r.next[0])
		}
		r.reported++
		r.stuck = true
	case 200:
		res.expect(t, 200, r.c.accept)
		var got []consumed
		if err := json.Unmarshal(res.body, &got); err != nil {
			t.Fatalf("records answer %s: %v", res.body, err)
		}
		if len(got) > 1 {
			t.Fatalf("%d records under max_bytes=%d: %s", len(got), r.maxBytes, res.body)
		}
		if len(got) > 0 {
			r.reported = 0
			r.reportNext = r.stuck
		}
		for _, rec := range got {
			if rec.Topic != r.topic || rec.Partition < 0 || rec.Partition > 1 {
				t.Fatalf("record of %s-%d", rec.Topic, rec.Partition)
			}
			if rec.Offset != r.next[rec.Partition] {
				t.Fatalf("partition %d answered offset %d, want %d (answer %s)", rec.Partition, rec.Offset, r.next[rec.Partition], res.body)
			}
			if rec.Partition == 0 && rec.Offset >= r.limit0 {
				t.Fatalf("partition 0 answered offset %d, the bad record or past it, before the client moved past it", rec.Offset)
			}
			n := int(rec.Offset)
			if rec.Partition == 1 {
				n = int(rec.Offset) % 3 // partition 1's records are good 0, 1, 2, then 0 again
			}
			key, value := r.c.want(n)
			sameJSON(t, rec.Key, key)
			sameJSON(t, rec.Value, value)
			r.next[rec.Partition]++
			r.delivered++
		}
	default:
		t.Fatalf("read answered %d %s", res.status, res.body)
	}
	return res.status
}

// until reads until done says so, for up to 30 s.
func (r *poisonReader) until(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: partitions at %v, %d reports in a row", what, r.next, r.reported)
		}
		r.read(t)
	}
}

func poisonScenario(t *testing.T, p *schemaProxy, c poisonCase, m poisonMode) {
	topic := poisonTopic(t, p, c)
	group := uniqueName(t, "poison")
	ct := "Content-Type: " + v2CT
	create := func(name string) string {
		t.Helper()
		p.do(t, "POST", "/consumers/"+group, fmt.Sprintf(`{"name":%q,"format":%q,"auto.offset.reset":"earliest","auto.commit.enable":"%v"}`,
			name, c.format, m.autoCommit), ct).expect(t, 200, v2CT)
		base := "/consumers/" + group + "/instances/" + name
		var res response
		if m.assign {
			res = p.do(t, "POST", base+"/assignments", `{"partitions":[{"topic":"`+topic+`","partition":0},{"topic":"`+topic+`","partition":1}]}`, ct)
		} else {
			res = p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)
		}
		if res.status != 204 {
			t.Fatalf("subscribe or assign: %d %s", res.status, res.body)
		}
		return base
	}
	base := create("a")
	r := &poisonReader{p: p, c: c, base: base, topic: topic, limit0: 2, maxBytes: oneRecord(t, p, topic),
		badMsg: fmt.Sprintf("Error deserializing %s of the record at offset 2 of %s-0: %s", c.side, topic, c.why)}

	// Everything ahead of the bad record, and the first report of it.
	r.until(t, "the records ahead of the bad one, then its report", func() bool { return r.reported > 0 })
	if r.next[0] != 2 {
		t.Fatalf("partition 0 at %d when the bad record was reported", r.next[0])
	}
	// Partition 1 goes on while partition 0 is stuck, with records written
	// after it stopped, each read answering one and the next the bad
	// record; then every read reports the bad record.
	produceTo(t, p, topic, `{"partition_id":1,`+c.good(0)+`}{"partition_id":1,`+c.good(1)+`}`)
	r.until(t, "partition 1 read whole", func() bool { return r.next[1] == 5 })
	r.until(t, "two reports in a row", func() bool { return r.reported >= 2 })
	for range 2 {
		if st := r.read(t); st != 408 {
			t.Fatalf("a read with nothing but the bad record left answered %d", st)
		}
	}

	// Commits never pass it: auto-commit, a commit of what reads returned,
	// or closing the instance.
	want := [2]int64{2, 5}
	if m.onClose {
		if got := committed(t, p.proxy, group, topic); got != [2]int64{-1, -1} {
			t.Fatalf("committed %v before the instance closed, with an auto-commit interval of an hour", got)
		}
		if res := p.do(t, "DELETE", base, ""); res.status != 204 {
			t.Fatalf("delete: %d %s", res.status, res.body)
		}
		if got := committed(t, p.proxy, group, topic); got != want {
			t.Fatalf("closing committed %v, want %v", got, want)
		}
		// A new member of the group starts at the bad record again.
		r.base, r.reported, r.stuck, r.next = create("b"), 0, false, [2]int64{2, 5}
		r.until(t, "the new instance to report the bad record", func() bool { return r.reported > 0 })
		if r.delivered != 2+5 {
			t.Fatalf("the new instance answered records: %d delivered in all", r.delivered)
		}
		p.do(t, "DELETE", r.base, "")
		return
	}
	if m.autoCommit {
		wantCommitted(t, p.proxy, group, topic, want)
	}
	p.do(t, "POST", base+"/offsets", "", ct).expect(t, 200, v2CT)
	if got := committed(t, p.proxy, group, topic); got != want {
		t.Fatalf("committing what reads returned committed %v, want %v", got, want)
	}
	if st := r.read(t); st != 408 {
		t.Fatalf("after a commit, a read answered %d, not the bad record", st)
	}

	// Moving past it: partition 0 goes on.
	if m.toEnd {
		if res := p.do(t, "POST", base+"/positions/end", `{"partitions":[{"topic":"`+topic+`","partition":0}]}`, ct); res.status != 204 {
			t.Fatalf("positions/end: %d %s", res.status, res.body)
		}
		produceTo(t, p, topic, `{"partition_id":0,`+c.good(4)+`}`)
		r.next[0], r.limit0 = 4, 5
	} else {
		if res := p.do(t, "POST", base+"/positions", `{"offsets":[{"topic":"`+topic+`","partition":0,"offset":3}]}`, ct); res.status != 204 {
			t.Fatalf("positions: %d %s", res.status, res.body)
		}
		r.next[0], r.limit0 = 3, 4
	}
	r.reported, r.stuck = 0, false
	r.until(t, "partition 0 past the bad record", func() bool { return r.next[0] == r.limit0 })
	if r.reported > 0 {
		t.Fatalf("the bad record was reported after the client moved past it")
	}
	want = [2]int64{r.limit0, 5}
	if m.autoCommit {
		wantCommitted(t, p.proxy, group, topic, want)
	}
	p.do(t, "POST", base+"/offsets", "", ct).expect(t, 200, v2CT)
	if got := committed(t, p.proxy, group, topic); got != want {
		t.Fatalf("after moving past the bad record, committed %v, want %v", got, want)
	}
	if res := p.do(t, "DELETE", base, ""); res.status != 204 {
		t.Fatalf("delete: %d %s", res.status, res.body)
	}
}

// TestV2ConsumerMaxBytesKeepsTheRest: reads cut by max_bytes, over two
// partitions, answer every record once and in order; the bad record at the
// end of partition 0 is reported only once everything ahead of it is
// answered, and what reads returned is what is committed.
func TestV2ConsumerMaxBytesKeepsTheRest(t *testing.T) {
	p := startSchemaProxy(t, nil)
	topic := uniqueName(t, "maxbytes")
	createTopic(t, p.proxy, topic, 2)
	var body strings.Builder
	for i := range 6 {
		fmt.Fprintf(&body, `{"partition_id":0,"value":{"type":"JSON","data":{"n":%d}}}`, i)
		fmt.Fprintf(&body, `{"partition_id":1,"value":{"type":"JSON","data":{"n":%d}}}`, i)
	}
	body.WriteString(`{"partition_id":0,"value":{"type":"STRING","data":"not json"}}`)
	produceTo(t, p, topic, body.String())
	group := uniqueName(t, "maxbytes")
	ct := "Content-Type: " + v2CT
	p.do(t, "POST", "/consumers/"+group, `{"name":"m","format":"json","auto.offset.reset":"earliest","auto.commit.enable":"false"}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/m"
	defer p.do(t, "DELETE", base, "")
	p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)

	const accept = "application/vnd.kafka.json.v2+json"
	next := [2]int64{}
	reported := false
	deadline := time.Now().Add(30 * time.Second)
	for next != [2]int64{6, 6} || !reported {
		if time.Now().After(deadline) {
			t.Fatalf("partitions at %v, bad record reported: %v", next, reported)
		}
		// {"n":0} is 7 bytes: three records never fit in 15.
		res := p.do(t, "GET", base+"/records?timeout=300&max_bytes=15", "", "Accept: "+accept)
		if res.status == 408 {
			res.expectError(t, 408, 40801, fmt.Sprintf("Error deserializing value of the record at offset 6 of %s-0: not JSON", topic), accept)
			if next[0] != 6 {
				t.Fatalf("the bad record was reported with partition 0 at %d", next[0])
			}
			reported = true
			continue
		}
		res.expect(t, 200, accept)
		var got []consumed
		if err := json.Unmarshal(res.body, &got); err != nil {
			t.Fatalf("records answer %s: %v", res.body, err)
		}
		if len(got) > 2 {
			t.Fatalf("%d records under max_bytes=15: %s", len(got), res.body)
		}
		for _, rec := range got {
			if rec.Offset != next[rec.Partition] {
				t.Fatalf("partition %d answered offset %d, want %d", rec.Partition, rec.Offset, next[rec.Partition])
			}
			sameJSON(t, rec.Value, fmt.Sprintf(`{"n":%d}`, rec.Offset))
			next[rec.Partition]++
		}
	}
	p.do(t, "POST", base+"/offsets", "", ct).expect(t, 200, v2CT)
	if got := committed(t, p.proxy, group, topic); got != [2]int64{6, 6} {
		t.Fatalf("committed %v, want [6 6]", got)
	}
}

// TestV2ConsumerFetchErrorKeepsRecords: a fetch error of one partition
// (the group's offset is past its end and auto.offset.reset is none) does
// not lose the records of another partition fetched beside it: they are
// answered, each once, and the error is told.
func TestV2ConsumerFetchErrorKeepsRecords(t *testing.T) {
	p := startSchemaProxy(t, nil)
	topic := uniqueName(t, "fetcherr")
	createTopic(t, p.proxy, topic, 2)
	produceTo(t, p, topic, `{"partition_id":0,"value":{"type":"BINARY","data":"AA=="}}{"partition_id":0,"value":{"type":"BINARY","data":"AQ=="}}{"partition_id":1,"value":{"type":"BINARY","data":"Ag=="}}`)
	group := uniqueName(t, "fetcherr")
	os := make(kadm.Offsets)
	os.Add(kadm.Offset{Topic: topic, Partition: 0, At: 0, LeaderEpoch: -1})
	os.Add(kadm.Offset{Topic: topic, Partition: 1, At: 100, LeaderEpoch: -1})
	if err := p.admin.CommitAllOffsets(context.Background(), group, os); err != nil {
		t.Fatal(err)
	}
	ct := "Content-Type: " + v2CT
	p.do(t, "POST", "/consumers/"+group, `{"name":"e","auto.offset.reset":"none","auto.commit.enable":"false"}`, ct).expect(t, 200, v2CT)
	base := "/consumers/" + group + "/instances/e"
	defer p.do(t, "DELETE", base, "")
	p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct)
	const outOfRange = `{"error_code":50002,"message":"The requested offset is not within the range of offsets maintained by the server."}`
	var next int64
	reported := false
	deadline := time.Now().Add(30 * time.Second)
	for next < 2 || !reported {
		if time.Now().After(deadline) {
			t.Fatalf("partition 0 at %d, error reported: %v", next, reported)
		}
		res := p.do(t, "GET", base+"/records?timeout=300", "", "Accept: "+v2Binary)
		if res.status != 200 {
			if res.status != 500 || string(res.body) != outOfRange {
				t.Fatalf("read answered %d %s", res.status, res.body)
			}
			reported = true
			continue
		}
		var got []consumed
		if err := json.Unmarshal(res.body, &got); err != nil {
			t.Fatalf("records answer %s: %v", res.body, err)
		}
		for _, rec := range got {
			if rec.Partition != 0 || rec.Offset != next {
				t.Fatalf("answered %d-%d, want 0-%d", rec.Partition, rec.Offset, next)
			}
			next++
		}
	}
	p.do(t, "POST", base+"/offsets", "", ct).expect(t, 200, v2CT)
	if got := committed(t, p.proxy, group, topic); got != [2]int64{2, 100} {
		t.Fatalf("committed %v, want [2 100]", got)
	}
}
