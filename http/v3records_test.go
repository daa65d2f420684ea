package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
)

// Tests of the v3 stateless partition read, GET
// /v3/clusters/{c}/topics/{t}/partitions/{p}/records.

// readRecord is a record as a partition read or a group stream answers it.
type readRecord struct {
	Kind          string `json:"kind"`
	ClusterID     string `json:"cluster_id"`
	TopicName     string `json:"topic_name"`
	PartitionID   int32  `json:"partition_id"`
	Offset        int64  `json:"offset"`
	Timestamp     string `json:"timestamp"`
	TimestampType string `json:"timestamp_type"`
	Key           struct {
		Type     string          `json:"type"`
		Data     json.RawMessage `json:"data"`
		SchemaID *int            `json:"schema_id"`
	} `json:"key"`
	Value struct {
		Type     string          `json:"type"`
		Data     json.RawMessage `json:"data"`
		SchemaID *int            `json:"schema_id"`
		Subject  string          `json:"subject"`
	} `json:"value"`
	Headers []struct {
		Name  string  `json:"name"`
		Value *string `json:"value"`
	} `json:"headers"`
}

type readList struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Self string `json:"self"`
		Next string `json:"next"`
	} `json:"metadata"`
	Data []readRecord `json:"data"`
}

// produceDirect writes records to Kafka with a plain franz-go client, not
// through the proxy, and returns them as Kafka stored them.
func produceDirect(t *testing.T, bootstrap string, recs ...*kgo.Record) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatalf("producing: %v", err)
	}
	return recs
}

// readPartition asks for a partition read and decodes a 200 answer.
func readPartition(t *testing.T, p *proxy, topic string, partition int, query string) readList {
	t.Helper()
	r := p.do(t, "GET", fmt.Sprintf("/v3/clusters/%s/topics/%s/partitions/%d/records?%s", p.cluster(t), topic, partition, query), "").
		expect(t, 200, "application/json")
	var l readList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	if l.Kind != "KafkaRecordList" {
		t.Fatalf("kind %q: %s", l.Kind, r.body)
	}
	return l
}

// follow reads the URL a list's metadata.next names.
func follow(t *testing.T, p *proxy, next string) readList {
	t.Helper()
	u, err := url.Parse(next)
	if err != nil {
		t.Fatal(err)
	}
	r := p.do(t, "GET", u.RequestURI(), "").expect(t, 200, "application/json")
	var l readList
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	return l
}

func TestV3ReadPartitionByOffset(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "read")
	createTopic(t, p, topic, 2)
	base := time.UnixMilli(1_700_000_000_000)
	var recs []*kgo.Record
	for i := range 5 {
		recs = append(recs, &kgo.Record{Topic: topic, Partition: 1, Key: []byte{0, byte(i), 0xff}, Value: []byte(fmt.Sprintf("value-%d é", i)),
			Timestamp: base.Add(time.Duration(i) * time.Second), Headers: []kgo.RecordHeader{{Key: "h", Value: []byte{1, 2}}, {Key: "nil"}}})
	}
	recs = append(recs, &kgo.Record{Topic: topic, Partition: 1}) // null key and value
	produceDirect(t, bootstrap, recs...)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("other partition")})
	id := p.cluster(t)

	l := readPartition(t, p, topic, 1, "offset=earliest&value_type=string&max_records=4")
	if len(l.Data) != 4 {
		t.Fatalf("%d records, want 4: %+v", len(l.Data), l)
	}
	for i, r := range l.Data {
		if r.Kind != "KafkaRecord" || r.ClusterID != id || r.TopicName != topic || r.PartitionID != 1 || r.Offset != int64(i) || r.TimestampType != "CREATE_TIME" {
			t.Fatalf("record %d: %+v", i, r)
		}
		if want := base.Add(time.Duration(i) * time.Second).UTC().Format("2006-01-02T15:04:05Z"); r.Timestamp != want {
			t.Fatalf("record %d timestamp %s, want %s", i, r.Timestamp, want)
		}
		if r.Key.Type != "BINARY" || string(r.Key.Data) != `"`+base64.StdEncoding.EncodeToString([]byte{0, byte(i), 0xff})+`"` {
			t.Fatalf("record %d key %+v", i, r.Key)
		}
		if r.Value.Type != "STRING" || string(r.Value.Data) != fmt.Sprintf(`"value-%d é"`, i) {
			t.Fatalf("record %d value %s %s", i, r.Value.Type, r.Value.Data)
		}
		if len(r.Headers) != 2 || r.Headers[0].Name != "h" || *r.Headers[0].Value != "AQI=" || r.Headers[1].Value != nil {
			t.Fatalf("record %d headers %+v", i, r.Headers)
		}
	}
	if !strings.HasSuffix(l.Metadata.Self, "/partitions/1/records?max_records=4&offset=earliest&value_type=string") {
		t.Fatalf("self %s", l.Metadata.Self)
	}
	if !strings.Contains(l.Metadata.Next, "offset=4") {
		t.Fatalf("next %s", l.Metadata.Next)
	}
	// next continues exactly after the last record: the null one, then the
	// end of the log, which answers nothing and names itself again.
	l2 := follow(t, p, l.Metadata.Next)
	if len(l2.Data) != 2 || l2.Data[0].Offset != 4 || l2.Data[1].Offset != 5 || string(l2.Data[1].Key.Data) != "null" || string(l2.Data[1].Value.Data) != "null" {
		t.Fatalf("continued read: %+v", l2)
	}
	l3 := follow(t, p, l2.Metadata.Next)
	if len(l3.Data) != 0 || !strings.Contains(l3.Metadata.Next, "offset=6") {
		t.Fatalf("read at the end: %+v", l3)
	}
	// A given offset, latest (nothing yet), and max_bytes: the first
	// record always comes, the next one only if it fits.
	if l := readPartition(t, p, topic, 1, "offset=2&max_records=1"); len(l.Data) != 1 || l.Data[0].Offset != 2 {
		t.Fatalf("offset=2: %+v", l)
	}
	if l := readPartition(t, p, topic, 1, "offset=latest"); len(l.Data) != 0 || !strings.Contains(l.Metadata.Next, "offset=6") {
		t.Fatalf("offset=latest: %+v", l)
	}
	if l := readPartition(t, p, topic, 1, "offset=0&max_bytes=1"); len(l.Data) != 1 || !strings.Contains(l.Metadata.Next, "offset=1") {
		t.Fatalf("max_bytes=1: %+v", l)
	}
	if l := readPartition(t, p, topic, 0, ""); len(l.Data) != 1 || string(l.Data[0].Value.Data) != `"`+base64.StdEncoding.EncodeToString([]byte("other partition"))+`"` {
		t.Fatalf("partition 0: %+v", l)
	}
}

func TestV3ReadPartitionByTimestamp(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "read-ts")
	createTopic(t, p, topic, 1)
	base := time.UnixMilli(1_700_000_000_000)
	for i := range 4 {
		produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte{byte(i)}, Timestamp: base.Add(time.Duration(i) * time.Minute)})
	}
	iso := base.Add(90 * time.Second).UTC().Format(time.RFC3339)
	if l := readPartition(t, p, topic, 0, "timestamp="+url.QueryEscape(iso)); len(l.Data) != 2 || l.Data[0].Offset != 2 {
		t.Fatalf("timestamp=%s: %+v", iso, l)
	}
	ms := fmt.Sprint(base.Add(time.Minute).UnixMilli())
	l := readPartition(t, p, topic, 0, "timestamp="+ms+"&max_records=1")
	if len(l.Data) != 1 || l.Data[0].Offset != 1 {
		t.Fatalf("timestamp=%s: %+v", ms, l)
	}
	// next is an offset: the timestamp is what started the read, not what
	// continues it.
	if strings.Contains(l.Metadata.Next, "timestamp") || !strings.Contains(l.Metadata.Next, "offset=2") {
		t.Fatalf("next %s", l.Metadata.Next)
	}
	if l := readPartition(t, p, topic, 0, "timestamp="+fmt.Sprint(base.Add(time.Hour).UnixMilli())); len(l.Data) != 0 || !strings.Contains(l.Metadata.Next, "offset=4") {
		t.Fatalf("a timestamp after every record: %+v", l)
	}
}

func TestV3ReadPartitionWaitsAtTheEnd(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "read-wait")
	createTopic(t, p, topic, 1)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("first")})
	id := p.cluster(t)
	done := make(chan readList, 1)
	go func() {
		_, r, err := p.send("GET", fmt.Sprintf("/v3/clusters/%s/topics/%s/partitions/0/records?offset=1&timeout_ms=20000&value_type=STRING", id, topic), "")
		var l readList
		if err != nil || r.status != 200 || json.Unmarshal(r.body, &l) != nil {
			t.Errorf("waiting read: %v %d %s", err, r.status, r.body)
		}
		done <- l
	}()
	time.Sleep(300 * time.Millisecond)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("second")})
	select {
	case l := <-done:
		if len(l.Data) != 1 || l.Data[0].Offset != 1 || string(l.Data[0].Value.Data) != `"second"` {
			t.Fatalf("the waiting read answered %+v", l)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the waiting read did not answer the record produced while it waited")
	}
}

func TestV3ReadPartitionErrors(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "read-err")
	createTopic(t, p, topic, 1)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("a")}, &kgo.Record{Topic: topic, Value: []byte("b")})
	id := p.cluster(t)
	path := "/v3/clusters/" + id + "/topics/" + topic + "/partitions/0/records?"
	for _, tc := range []struct {
		path    string
		status  int
		code    int
		message string
	}{
		{path + "offset=3", 400, 40002, "Offset 3 is out of range for partition 0 of topic " + topic + ": its records run from offset 0 to the end of the log at 2."},
		{"/v3/clusters/" + id + "/topics/" + topic + "/partitions/7/records", 404, 40402, "Partition 7 of topic " + topic + " not found."},
		{"/v3/clusters/" + id + "/topics/no-such-" + topic + "/partitions/0/records", 404, 40403, "This server does not host topic-partition 0 for topic no-such-" + topic},
		{"/v3/clusters/other/topics/" + topic + "/partitions/0/records", 404, 404, "Cluster other cannot be found."},
		{path + "offset=-5", 400, 400, `offset must be an offset (0 or more), earliest or latest, not "-5".`},
		{path + "offset=first", 400, 400, `offset must be an offset (0 or more), earliest or latest, not "first".`},
		{path + "offset=1&timestamp=0", 400, 400, "Give offset or timestamp, not both."},
		{path + "timestamp=yesterday", 400, 400, `timestamp must be an ISO-8601 instant such as 2021-02-05T19:14:42Z or milliseconds since the epoch, not "yesterday".`},
		{path + "max_records=0", 400, 400, `max_records must be a whole number from 1 to 10000, not "0".`},
		{path + "max_bytes=x", 400, 400, `max_bytes must be a whole number from 1 to 8388608, not "x".`},
		{path + "timeout_ms=99999999", 400, 400, `timeout_ms must be a whole number from 0 to 30000, not "99999999".`},
		{path + "value_type=xml", 400, 400, `value_type must be one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF, not "xml".`},
		{path + "key_type=AVRO", 400, 400, "key_type=AVRO needs a Schema Registry, and none is configured (schema.registry.url)."},
	} {
		p.do(t, "GET", tc.path, "").expectError(t, tc.status, tc.code, tc.message, "application/json")
	}
}

// A value that is not of the type asked is never skipped: the records
// before it are answered, next starts on it, and that read is its error;
// reading it as BINARY, or from the offset after it, goes on.
func TestV3ReadPartitionUndecodable(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "read-bad")
	createTopic(t, p, topic, 1)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte(`{"ok":1}`)}, &kgo.Record{Topic: topic, Value: []byte(`{not json`)},
		&kgo.Record{Topic: topic, Value: []byte(`[2]`)}, &kgo.Record{Topic: topic, Key: []byte{0xff, 0xfe}, Value: []byte(`3`)})
	l := readPartition(t, p, topic, 0, "value_type=JSON")
	if len(l.Data) != 1 || string(l.Data[0].Value.Data) != `{"ok":1}` || !strings.Contains(l.Metadata.Next, "offset=1") {
		t.Fatalf("read before the bad record: %+v", l)
	}
	u, _ := url.Parse(l.Metadata.Next)
	msg := "Error deserializing the value of the record at offset 1 of " + topic + "-0 as JSON: not JSON. Read it as BINARY, or from offset 2 to pass it."
	p.do(t, "GET", u.RequestURI(), "").expectError(t, 408, 40801, msg, "application/json")
	if l := readPartition(t, p, topic, 0, "offset=1&value_type=BINARY&max_records=1"); len(l.Data) != 1 || string(l.Data[0].Value.Data) != `"`+base64.StdEncoding.EncodeToString([]byte(`{not json`))+`"` {
		t.Fatalf("as BINARY: %+v", l)
	}
	if l := readPartition(t, p, topic, 0, "offset=2&value_type=json&max_records=1"); len(l.Data) != 1 || string(l.Data[0].Value.Data) != `[2]` {
		t.Fatalf("after it: %+v", l)
	}
	// A key that is not UTF-8, asked as STRING.
	p.do(t, "GET", "/v3/clusters/"+p.cluster(t)+"/topics/"+topic+"/partitions/0/records?offset=3&key_type=STRING", "").expectError(t, 408, 40801,
		"Error deserializing the key of the record at offset 3 of "+topic+"-0 as STRING: not UTF-8 text. Read it as BINARY, or from offset 4 to pass it.", "application/json")
}

// Reads hold their max_bytes of the read budget until their answer is
// written: beyond it a read waits, then is 429 in the error model, and the
// budget is whole again afterwards.
func TestV3ReadPartitionBudget(t *testing.T) {
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, nil, func(c *actors.Config) {
		c.Consumers.ReadBudgetBytes = 1 << 20
		c.Fetch.MaxWait = 5 * time.Second
	})
	topic := uniqueName(t, "read-budget")
	createTopic(t, p, topic, 1)
	id := p.cluster(t)
	// Two reads waiting at the end of the log hold the whole budget...
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.send("GET", "/v3/clusters/"+id+"/topics/"+topic+"/partitions/0/records?offset=0&timeout_ms=5000&max_bytes=524288", "")
		}()
	}
	eventually(t, "both reads holding their budget", func() error {
		if v := metric(t, p, "kafka_rest_consumer_read_budget_bytes_in_use"); v != 1<<20 {
			return fmt.Errorf("%v bytes of the budget taken", v)
		}
		return nil
	})
	// ...so a third gets none within the wait.
	p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+topic+"/partitions/0/records?offset=0&max_bytes=524288", "").expectError(t, 429, 429,
		"Too many reads in flight: no room for 524288 bytes in the read budget within 1s; retry later or ask for fewer max_bytes.", "application/json")
	wg.Wait()
	readPartition(t, p, topic, 0, "offset=0&max_bytes=1048576")
}

// Records of the schema formats come back as their JSON, with the id of
// the schema they were written with.
func TestV3ReadPartitionSchemaFormats(t *testing.T) {
	for _, f := range schemaFormats() {
		t.Run(f.typ, func(t *testing.T) {
			p := startSchemaProxy(t, nil)
			topic := uniqueName(t, "read-"+f.lower)
			createTopic(t, p.proxy, topic, 1)
			ls := p.produceOK(t, topic, `{"value":{"type":"`+f.typ+`","schema":`+jsonString(f.schema)+`,"data":`+f.data+`}}{"value":{"type":"BINARY","data":"AAECAw=="}}`)
			id, _ := strconv.Atoi(ls[0]["value"].(map[string]any)["schema_id"].(json.Number).String())
			l := readPartition(t, p.proxy, topic, 0, "value_type="+f.lower+"&max_records=1")
			if len(l.Data) != 1 || l.Data[0].Value.Type != f.typ || l.Data[0].Value.SchemaID == nil || *l.Data[0].Value.SchemaID != id || l.Data[0].Value.Subject != topic+"-value" {
				t.Fatalf("%+v", l)
			}
			var got, want any
			json.Unmarshal(l.Data[0].Value.Data, &got)
			json.Unmarshal([]byte(f.data), &want)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("value %s, want %s", l.Data[0].Value.Data, f.data)
			}
			// A schema registered under another subject only is named by it.
			other := p.produceOK(t, topic, `{"value":{"type":"`+f.typ+`","subject":"custom-`+topic+`","schema":`+jsonString(f.otherSchema)+`,"data":`+f.otherData+`}}`)
			otherID, _ := strconv.Atoi(other[0]["value"].(map[string]any)["schema_id"].(json.Number).String())
			if l := readPartition(t, p.proxy, topic, 0, "offset=2&value_type="+f.lower); len(l.Data) != 1 || *l.Data[0].Value.SchemaID != otherID || l.Data[0].Value.Subject != "custom-"+topic {
				t.Fatalf("another subject: %+v", l)
			}
			// The second record is not in the wire format: its error.
			p.do(t, "GET", "/v3/clusters/"+p.cluster(t)+"/topics/"+topic+"/partitions/0/records?offset=1&value_type="+f.typ, "").expectError(t, 408, 40801,
				"Error deserializing the value of the record at offset 1 of "+topic+"-0 as "+f.typ+": unknown magic byte: not Confluent's wire format (0, then a 4-byte schema id). Read it as BINARY, or from offset 2 to pass it.", "application/json")
		})
	}
}

// Reads wait for a free reader no longer than for their budget: with one
// reader busy at the end of a log, another read is 429, then served once
// the reader is free.
func TestV3ReadPartitionReadersBusy(t *testing.T) {
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, nil, func(c *actors.Config) { c.Fetch.Workers = 1 })
	topic := uniqueName(t, "read-busy")
	createTopic(t, p, topic, 1)
	id := p.cluster(t)
	done := waitingRead(t, p, id, topic, 0, 5000)
	p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+topic+"/partitions/0/records?offset=0", "").expectError(t, 429, 429,
		"Too many reads in flight: all 1 readers stayed busy for 1s (consumer.v3.fetch.workers); retry later.", "application/json")
	<-done
	readPartition(t, p, topic, 0, "offset=0")
}

// A read waiting at the end of an idle partition does not hold up the
// reads of other partitions on the same broker: a broker answers one
// request of a connection at a time, and the readers share theirs, so
// each read asks with a short wait, again and again, rather than with its
// whole timeout at once.
func TestV3ReadPartitionWaitsDoNotQueue(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "read-queue")
	createTopic(t, p, topic, 2)
	id := p.cluster(t)
	done := waitingRead(t, p, id, topic, 0, 8000)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Partition: 1, Value: []byte("here")})
	start := time.Now()
	l := readPartition(t, p, topic, 1, "offset=0&timeout_ms=8000")
	if took := time.Since(start); len(l.Data) != 1 || took > 3*time.Second {
		t.Fatalf("the read of partition 1 took %v behind the idle read of partition 0: %+v", took, l)
	}
	<-done
}

// waitingRead starts a read of an empty partition that waits timeoutMs
// for records, and returns once it holds a reader (the proxy's only read
// in flight); the channel is closed when its answer came.
func waitingRead(t *testing.T, p *proxy, clusterID, topic string, partition, timeoutMs int) <-chan struct{} {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.send("GET", fmt.Sprintf("/v3/clusters/%s/topics/%s/partitions/%d/records?offset=0&timeout_ms=%d", clusterID, topic, partition, timeoutMs), "")
	}()
	eventually(t, "the read waiting at the end of the log", func() error {
		if v := metric(t, p, "kafka_rest_partition_readers_busy"); v != 1 {
			return fmt.Errorf("%v readers busy", v)
		}
		return nil
	})
	return done
}
