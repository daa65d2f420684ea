package http_test

import (
	"bufio"
	"context"
	"fmt"
	nethttp "net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
)

// Tests of the v3 group stream, GET
// /v3/clusters/{c}/consumer-groups/{g}/records.

// streamEvent is one event of a group stream: a record, a heartbeat or an
// error.
type streamEvent struct {
	id        string // SSE only
	record    *readRecord
	heartbeat bool
	err       map[string]any
	at        time.Time
}

// streamClient is an open group stream read in the background.
type streamClient struct {
	res    *nethttp.Response
	cancel context.CancelFunc
	events chan streamEvent
	done   chan struct{}
}

// openStream opens a group stream; accept picks SSE or NDJSON. It fails the
// test unless the answer is 200 of that type.
func openStream(t *testing.T, p *proxy, group, query, accept string, headers ...string) *streamClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := nethttp.NewRequestWithContext(ctx, "GET", p.url+"/v3/clusters/"+p.cluster(t)+"/consumer-groups/"+group+"/records?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := p.httpClient().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	want := accept
	if accept == "" || accept == "*/*" {
		want = "application/x-ndjson"
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != want || res.Header.Get("Cache-Control") != "no-cache" {
		cancel()
		t.Fatalf("opening the stream: %d %v", res.StatusCode, res.Header)
	}
	sc := &streamClient{res: res, cancel: cancel, events: make(chan streamEvent, 100_000), done: make(chan struct{})}
	go sc.read(t, want == "text/event-stream")
	t.Cleanup(sc.close)
	return sc
}

func (sc *streamClient) close() {
	sc.cancel()
	sc.res.Body.Close()
	<-sc.done
}

func (sc *streamClient) read(t *testing.T, sse bool) {
	defer close(sc.done)
	defer close(sc.events)
	br := bufio.NewReader(sc.res.Body)
	var ev streamEvent
	var data, kind string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		if !sse {
			if line == "" {
				sc.events <- streamEvent{heartbeat: true, at: time.Now()}
				continue
			}
			sc.events <- parseEvent(t, "", line, "")
			continue
		}
		switch {
		case line == "":
			if data != "" {
				e := parseEvent(t, ev.id, data, kind)
				sc.events <- e
			}
			ev, data, kind = streamEvent{}, "", ""
		case strings.HasPrefix(line, ": "):
			sc.events <- streamEvent{heartbeat: true, at: time.Now()}
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		case strings.HasPrefix(line, "event: "):
			kind = line[7:]
		case strings.HasPrefix(line, "retry: "):
		default:
			t.Errorf("unexpected SSE line %q", line)
		}
	}
}

func parseEvent(t *testing.T, id, data, kind string) streamEvent {
	e := streamEvent{id: id, at: time.Now()}
	if kind == "error" || strings.HasPrefix(data, `{"error_code"`) {
		if err := json.Unmarshal([]byte(data), &e.err); err != nil {
			t.Errorf("error event %q: %v", data, err)
		}
		return e
	}
	e.record = new(readRecord)
	if err := json.Unmarshal([]byte(data), e.record); err != nil {
		t.Errorf("record event %q: %v", data, err)
	}
	return e
}

// next returns the stream's next record, skipping heartbeats; it fails the
// test after wait.
func (sc *streamClient) next(t *testing.T, wait time.Duration) streamEvent {
	t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case e, ok := <-sc.events:
			if !ok {
				t.Fatal("the stream ended")
			}
			if e.heartbeat {
				continue
			}
			return e
		case <-timer.C:
			t.Fatalf("no record within %s", wait)
		}
	}
}

// records reads n records.
func (sc *streamClient) records(t *testing.T, n int, wait time.Duration) []*readRecord {
	t.Helper()
	var out []*readRecord
	for len(out) < n {
		e := sc.next(t, wait)
		if e.record == nil {
			t.Fatalf("after %d records: an error event %v", len(out), e.err)
		}
		out = append(out, e.record)
	}
	return out
}

// quiet checks that no record comes within d.
func (sc *streamClient) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case e, ok := <-sc.events:
			if ok && !e.heartbeat {
				t.Fatalf("an unexpected event: %+v %+v", e.record, e.err)
			}
		case <-timer.C:
			return
		}
	}
}

// groupCommitted reads a group's committed offsets with a plain client.
func groupCommitted(t *testing.T, p *proxy, group string) map[string]map[int32]int64 {
	t.Helper()
	os, err := p.admin.FetchOffsets(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[int32]int64{}
	os.Each(func(o kadm.OffsetResponse) {
		if out[o.Topic] == nil {
			out[o.Topic] = map[int32]int64{}
		}
		out[o.Topic][o.Partition] = o.At
	})
	return out
}

func TestV3GroupStreamSSE(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "stream")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "group")
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Key: []byte("k0"), Value: []byte(`{"n":0}`), Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}})
	sc := openStream(t, p, group, "topics="+topic+"&value_type=JSON&key_type=STRING", "text/event-stream")
	e := sc.next(t, 30*time.Second)
	r := e.record
	if e.id != topic+"/0/0" || r == nil || r.TopicName != topic || r.Offset != 0 || string(r.Key.Data) != `"k0"` || r.Value.Type != "JSON" || string(r.Value.Data) != `{"n":0}` || len(r.Headers) != 1 {
		t.Fatalf("first event: %+v %+v", e, r)
	}
	// A record produced now arrives within 100 ms of Kafka storing it.
	// The median of five is held to that, so that one record delayed by
	// a loaded machine (the race detector, other tests) does not fail it,
	// while a stream that waits for a timer or a batch still does.
	var lat []time.Duration
	for i := 1; i <= 5; i++ {
		produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte(fmt.Sprintf(`{"n":%d}`, i))})
		stored := time.Now()
		e := sc.next(t, 10*time.Second)
		if e.id != fmt.Sprintf("%s/0/%d", topic, i) {
			t.Fatalf("event %d: %+v", i, e)
		}
		lat = append(lat, e.at.Sub(stored))
	}
	sorted := slices.Clone(lat)
	slices.Sort(sorted)
	if sorted[len(sorted)/2] > 100*time.Millisecond {
		t.Errorf("records arrived %v after they were stored: the median is over 100ms", lat)
	}
	// Closing the stream commits what it wrote and leaves the group at once.
	sc.close()
	eventually(t, "the group's commit after the stream closed", func() error {
		if got := groupCommitted(t, p, group)[topic][0]; got != 6 {
			return fmt.Errorf("committed %d, want 6", got)
		}
		return nil
	})
	eventually(t, "the group empty after the stream closed", func() error {
		gs, err := p.admin.DescribeGroups(context.Background(), group)
		if err != nil {
			return err
		}
		if n := len(gs[group].Members); n != 0 {
			return fmt.Errorf("%d members", n)
		}
		return nil
	})
	eventually(t, "no stream live after the close", func() error {
		if n := p.sys.Streams().Live(); n != 0 {
			return fmt.Errorf("%d live", n)
		}
		return nil
	})
}

func TestV3GroupStreamNDJSONAndHeartbeats(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) { c.GroupStream.Heartbeat = 200 * time.Millisecond })
	topic := uniqueName(t, "stream-nd")
	createTopic(t, p, topic, 2)
	group := uniqueName(t, "group")
	sc := openStream(t, p, group, "topic_pattern="+topic+".*", "*/*")
	// Idle: heartbeats only (empty lines).
	deadline := time.After(10 * time.Second)
	for beats := 0; beats < 2; {
		select {
		case e := <-sc.events:
			if !e.heartbeat {
				t.Fatalf("an event on an idle stream: %+v", e)
			}
			beats++
		case <-deadline:
			t.Fatal("no heartbeats on an idle stream")
		}
	}
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Partition: 0, Value: []byte("a")}, &kgo.Record{Topic: topic, Partition: 1, Value: []byte("b")})
	recs := sc.records(t, 2, 10*time.Second)
	seen := map[string]bool{}
	for _, r := range recs {
		seen[string(r.Value.Data)] = true
		if r.Value.Type != "BINARY" {
			t.Fatalf("%+v", r)
		}
	}
	if !seen[`"YQ=="`] || !seen[`"Yg=="`] {
		t.Fatalf("records %v", seen)
	}
}

// Two streams of one group split its partitions; when one closes the other
// takes its partitions over from exactly after the last record the closed
// one wrote: no record lost, none repeated.
func TestV3GroupStreamRebalance(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "stream-rb")
	createTopic(t, p, topic, 4)
	group := uniqueName(t, "group")
	produce := func(round int) {
		var recs []*kgo.Record
		for part := range 4 {
			for i := range 5 {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(part), Value: []byte(fmt.Sprintf("%d-%d-%d", round, part, i))})
			}
		}
		produceDirect(t, bootstrap, recs...)
	}
	a := openStream(t, p, group, "topics="+topic+"&value_type=STRING", "text/event-stream")
	b := openStream(t, p, group, "topics="+topic+"&value_type=STRING", "application/x-ndjson")
	// Both are members once the group has rebalanced for the second.
	eventually(t, "both streams assigned", func() error {
		gs, err := p.admin.DescribeGroups(context.Background(), group)
		if err != nil {
			return err
		}
		g := gs[group]
		if len(g.Members) != 2 || g.State != "Stable" {
			return fmt.Errorf("%d members, %s", len(g.Members), g.State)
		}
		for _, m := range g.Members {
			if c, ok := m.Assigned.AsConsumer(); !ok || len(c.Topics) == 0 || len(c.Topics[0].Partitions) == 0 {
				return fmt.Errorf("member %s has no partitions yet", m.MemberID)
			}
		}
		return nil
	})
	produce(0)
	got := map[string]string{} // value -> stream
	var gotMu sync.Mutex
	collect := func(sc *streamClient, name string, until func() bool) {
		for !until() {
			e := sc.next(t, 30*time.Second)
			if e.record == nil {
				t.Fatalf("%s: error event %v", name, e.err)
			}
			v := strings.Trim(string(e.record.Value.Data), `"`)
			gotMu.Lock()
			if prev, dup := got[v]; dup {
				t.Fatalf("record %s came twice: from %s and %s", v, prev, name)
			}
			got[v] = name
			gotMu.Unlock()
		}
	}
	count := func(n int) func() bool {
		return func() bool { gotMu.Lock(); defer gotMu.Unlock(); return len(got) >= n }
	}
	var wg sync.WaitGroup
	wg.Add(2)
	done := make(chan struct{})
	go func() { defer wg.Done(); collectUntil(a, done, func(e streamEvent) { record(t, &gotMu, got, e, "a") }) }()
	go func() { defer wg.Done(); collectUntil(b, done, func(e streamEvent) { record(t, &gotMu, got, e, "b") }) }()
	eventually(t, "the first 20 records", func() error {
		if !count(20)() {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	close(done)
	wg.Wait()
	fromA, fromB := 0, 0
	for _, s := range got {
		if s == "a" {
			fromA++
		} else {
			fromB++
		}
	}
	if fromA == 0 || fromB == 0 {
		t.Fatalf("the streams did not split the partitions: %d from a, %d from b", fromA, fromB)
	}
	// a closes: b takes its partitions over from where a's commit left them.
	a.close()
	produce(1)
	collect(b, "b", count(40))
	b.quiet(t, time.Second)
	for round := range 2 {
		for part := range 4 {
			for i := range 5 {
				if _, ok := got[fmt.Sprintf("%d-%d-%d", round, part, i)]; !ok {
					t.Fatalf("record %d-%d-%d lost", round, part, i)
				}
			}
		}
	}
}

// collectUntil hands each record event of sc to fn until done is closed.
func collectUntil(sc *streamClient, done <-chan struct{}, fn func(streamEvent)) {
	for {
		select {
		case e, ok := <-sc.events:
			if !ok {
				return
			}
			if !e.heartbeat {
				fn(e)
			}
		case <-done:
			return
		}
	}
}

func record(t *testing.T, mu *sync.Mutex, got map[string]string, e streamEvent, name string) {
	if e.record == nil {
		t.Errorf("%s: error event %v", name, e.err)
		return
	}
	v := strings.Trim(string(e.record.Value.Data), `"`)
	mu.Lock()
	defer mu.Unlock()
	if prev, dup := got[v]; dup {
		t.Errorf("record %s came twice: from %s and %s", v, prev, name)
	}
	got[v] = name
}

// A reconnect with Last-Event-ID resumes right after the record it names,
// even when the group committed further (records written but not read by
// the client before it went away), and when it committed less.
func TestV3GroupStreamResume(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "stream-resume")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "group")
	var recs []*kgo.Record
	for i := range 10 {
		recs = append(recs, &kgo.Record{Topic: topic, Value: []byte(fmt.Sprint(i))})
	}
	produceDirect(t, bootstrap, recs...)
	sc := openStream(t, p, group, "topics="+topic+"&value_type=STRING", "text/event-stream")
	sc.records(t, 10, 30*time.Second)
	sc.close()
	eventually(t, "the commit of the first stream", func() error {
		if got := groupCommitted(t, p, group)[topic][0]; got != 10 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	// The client got up to offset 3 only.
	sc2 := openStream(t, p, group, "topics="+topic+"&value_type=STRING", "text/event-stream", "Last-Event-ID: "+topic+"/0/3")
	got := sc2.records(t, 6, 30*time.Second)
	for i, r := range got {
		if r.Offset != int64(4+i) {
			t.Fatalf("resumed record %d at offset %d, want %d", i, r.Offset, 4+i)
		}
	}
	sc2.quiet(t, 500*time.Millisecond)
	sc2.close()
	// The query parameter does the same, for a client that cannot set
	// the header; a Last-Event-ID of the last record reads nothing more.
	sc3 := openStream(t, p, group, "topics="+topic+"&last_event_id="+topic+"/0/9", "application/x-ndjson")
	sc3.quiet(t, 500*time.Millisecond)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("10")})
	if r := sc3.records(t, 1, 10*time.Second)[0]; r.Offset != 10 {
		t.Fatalf("after the resume: offset %d", r.Offset)
	}
}

func TestV3GroupStreamErrors(t *testing.T) {
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, nil, func(c *actors.Config) { c.Streams.MaxPerGroup = 1; c.Streams.MaxPerNode = 2 })
	topic := uniqueName(t, "stream-err")
	createTopic(t, p, topic, 1)
	id := p.cluster(t)
	path := func(group, q string) string {
		return "/v3/clusters/" + id + "/consumer-groups/" + group + "/records?" + q
	}
	for _, tc := range []struct {
		path, header string
		status, code int
		message      string
	}{
		{path("g", ""), "", 400, 400, "Give the topics to read (topics=a,b) or a topic_pattern."},
		{path("g", "topics=a&topic_pattern=b"), "", 400, 400, "Give topics or topic_pattern, not both."},
		{path("g", "topic_pattern=(("), "", 400, 400, "topic_pattern \"((\" is not a regular expression: error parsing regexp: missing closing ): `((`"},
		{path("g", "topics=no-such-"+topic), "", 404, 40403, "Topic no-such-" + topic + " does not exist."},
		{path("g", "topics=bad/name"), "", 400, 40002, "Topic name is invalid: 'bad/name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"},
		{path("g", "topics="+topic+"&value_type=xml"), "", 400, 400, `value_type must be one of BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF, not "xml".`},
		{path("g", "topics="+topic), "Last-Event-ID: nonsense", 400, 400, `Last-Event-ID must be topic/partition/offset, as the stream's event ids are, not "nonsense".`},
		{"/v3/clusters/other/consumer-groups/g/records?topics=" + topic, "", 404, 404, "Cluster other cannot be found."},
	} {
		var hs []string
		if tc.header != "" {
			hs = append(hs, tc.header)
		}
		p.do(t, "GET", tc.path, "", append(hs, "Accept: text/event-stream")...).expectError(t, tc.status, tc.code, tc.message, "application/json")
	}
	// The limits, per group and per node, in the error model.
	g1, g2 := uniqueName(t, "g"), uniqueName(t, "g")
	s1 := openStream(t, p, g1, "topics="+topic, "text/event-stream")
	p.do(t, "GET", path(g1, "topics="+topic), "").expectError(t, 429, 429,
		"Too many group streams of consumer group "+g1+": 1 are open on this node (consumer.v3.stream.max.per.group); retry later.", "application/json")
	openStream(t, p, g2, "topics="+topic, "text/event-stream")
	p.do(t, "GET", path(uniqueName(t, "g"), "topics="+topic), "").expectError(t, 429, 429,
		"Too many group streams: 2 are open on this node (consumer.v3.stream.max.per.node); retry later.", "application/json")
	// A closed stream gives its place back.
	s1.close()
	eventually(t, "the place of the closed stream", func() error {
		if n := p.sys.Streams().Live(); n != 1 {
			return fmt.Errorf("%d live", n)
		}
		return nil
	})
	openStream(t, p, g1, "topics="+topic, "text/event-stream")
}

// A record that is not of the type asked ends the stream with its error,
// after the records before it, which are committed; it is not: the next
// stream of the group starts on it.
func TestV3GroupStreamUndecodable(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "stream-bad")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "group")
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte(`1`)}, &kgo.Record{Topic: topic, Value: []byte(`{bad`)}, &kgo.Record{Topic: topic, Value: []byte(`3`)})
	sc := openStream(t, p, group, "topics="+topic+"&value_type=JSON", "text/event-stream")
	if r := sc.records(t, 1, 30*time.Second)[0]; r.Offset != 0 {
		t.Fatalf("first record at %d", r.Offset)
	}
	e := sc.next(t, 10*time.Second)
	want := "Error deserializing the value of the record at offset 1 of " + topic + "-0 as JSON: not JSON. Read it as BINARY, or from offset 2 to pass it."
	if e.err == nil || fmt.Sprint(e.err["error_code"]) != "40801" || e.err["message"] != want {
		t.Fatalf("the error event: %+v", e)
	}
	if _, ok := <-sc.events; ok {
		t.Fatal("the stream went on after the error")
	}
	eventually(t, "the commit before the bad record", func() error {
		if got := groupCommitted(t, p, group)[topic][0]; got != 1 {
			return fmt.Errorf("committed %d, want 1", got)
		}
		return nil
	})
	sc2 := openStream(t, p, group, "topics="+topic+"&value_type=BINARY", "application/x-ndjson")
	if r := sc2.records(t, 2, 30*time.Second); r[0].Offset != 1 || r[1].Offset != 2 {
		t.Fatalf("as BINARY: %+v", r)
	}
}

// A client that stops reading does not make the proxy hold what the
// stream's topic holds: its fetching stops at the stream's buffer, and its
// heap stays where it was, however much more is produced.
func TestV3GroupStreamStalledReader(t *testing.T) {
	bootstrap := target(t)
	p := startProxyWith(t, bootstrap, func(c *http.Config) { c.GroupStream.WriteTimeout = 3 * time.Second }, func(c *actors.Config) { c.Streams.BufferBytes = 256 << 10 })
	topic := uniqueName(t, "stream-stall")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "group")
	// A client that opens the stream and never reads its body.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := nethttp.NewRequestWithContext(ctx, "GET", p.url+"/v3/clusters/"+p.cluster(t)+"/consumer-groups/"+group+"/records?topics="+topic, nil)
	res, err := p.httpClient().Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("opening: %v %v", err, res)
	}
	defer res.Body.Close()
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	value := strings.Repeat("x", 64<<10)
	const batches, per = 16, 16 // 16 MiB in all
	for range batches {
		var recs []*kgo.Record
		for range per {
			recs = append(recs, &kgo.Record{Topic: topic, Value: []byte(value)})
		}
		produceDirect(t, bootstrap, recs...)
	}
	time.Sleep(time.Second)
	after := heap()
	// The embedded cluster shares this heap and holds the 16 MiB itself
	// (the real tier's broker does not): the proxy's bound is a few of
	// the stream's 256 KiB buffers and the produce client's batches.
	bound := int64(8 << 20)
	if clusterInHeap {
		bound += batches * per * int64(len(value))
	}
	if grown := int64(after) - int64(before); grown > bound {
		t.Fatalf("the heap grew by %d bytes while a reader stalled", grown)
	}
	// The stream ends once its writes make no progress.
	eventually(t, "the stalled stream closed", func() error {
		if n := p.sys.Streams().Live(); n != 0 {
			return fmt.Errorf("%d streams live", n)
		}
		return nil
	})
}

// When the proxy shuts down its streams end at once, each committing what
// it wrote, and no new one opens.
func TestV3GroupStreamShutdown(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "stream-stop")
	createTopic(t, p, topic, 1)
	group := uniqueName(t, "group")
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("a")}, &kgo.Record{Topic: topic, Value: []byte("b")})
	sc := openStream(t, p, group, "topics="+topic, "text/event-stream")
	sc.records(t, 2, 30*time.Second)
	stopped := time.Now()
	p.sys.Streams().Stop()
	for range sc.events {
	}
	if d := time.Since(stopped); d > 10*time.Second {
		t.Fatalf("the stream ended %s after the stop", d)
	}
	eventually(t, "the commit of the stopped stream", func() error {
		if got := groupCommitted(t, p, group)[topic][0]; got != 2 {
			return fmt.Errorf("committed %d", got)
		}
		return nil
	})
	p.do(t, "GET", "/v3/clusters/"+p.cluster(t)+"/consumer-groups/"+group+"/records?topics="+topic, "").expectError(t, 503, 503,
		"The proxy is shutting down; reconnect to another node.", "application/json")
}
