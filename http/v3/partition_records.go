package v3

import (
	"bufio"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// partitionRecords serves the stateless read of a partition by position:
// no consumer group, no instance, nothing kept between requests; each
// answer links to the read that continues it.
type partitionRecords struct {
	*base
	readers      *actors.Readers
	deserializer codec.Deserializer
	metrics      *telemetry.Metrics
}

// maxRecordsLimit bounds max_records: a read's answer is built in memory
// within the read budget, and so is bounded in bytes already; this bounds
// its records.
const maxRecordsLimit = 10_000

func (s *partitionRecords) routes() []rest.Route {
	return []rest.Route{{Method: "GET", Path: "/v3/clusters/:cluster_id/topics/:topic_name/partitions/:partition_id/records",
		Name: "api.v3.records.read", Produces: v3JSON(), Handle: s.read}}
}

// readQuery is a partition read's query, checked.
type readQuery struct {
	fetch      kafka.Fetch
	maxRecords int
	key, value codec.Format
}

// errQuery is a query parameter's mistake.
func errQuery(format string, args ...any) error {
	return apierr.New(apierr.CodeBadRequest, format, args...)
}

func (s *partitionRecords) parse(c *rest.Call, pid int32) (readQuery, error) {
	q := c.R.URL.Query()
	rq := readQuery{fetch: kafka.Fetch{Topic: c.Param("topic_name"), Partition: pid, Offset: kafka.OffsetEarliest}, maxRecords: 100}
	offset, hasOffset := q["offset"]
	ts, hasTS := q["timestamp"]
	switch {
	case hasOffset && hasTS:
		return rq, errQuery("Give offset or timestamp, not both.")
	case hasOffset:
		switch v := offset[0]; strings.ToLower(v) {
		case "earliest":
		case "latest":
			rq.fetch.Offset = kafka.OffsetLatest
		default:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return rq, errQuery("offset must be an offset (0 or more), earliest or latest, not %q.", v)
			}
			rq.fetch.Offset = n
		}
	case hasTS:
		t, err := parseInstant(ts[0])
		if err != nil {
			return rq, err
		}
		rq.fetch.Timestamp = t
	}
	maxBytes := s.readers.Config().MaxBytes
	ints := []struct {
		name     string
		min, max int64
		set      func(int64)
	}{
		{"max_records", 1, maxRecordsLimit, func(n int64) { rq.maxRecords = int(n) }},
		{"max_bytes", 1, maxBytes, func(n int64) { rq.fetch.MaxBytes = int32(n) }},
		{"timeout_ms", 0, s.readers.Config().MaxWait.Milliseconds(), func(n int64) { rq.fetch.MaxWait = time.Duration(n) * time.Millisecond }},
	}
	rq.fetch.MaxBytes = int32(min(maxBytes, 1<<20))
	for _, p := range ints {
		v, ok := q[p.name]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(v[0], 10, 64)
		if err != nil || n < p.min || n > p.max {
			return rq, errQuery("%s must be a whole number from %d to %d, not %q.", p.name, p.min, p.max, v[0])
		}
		p.set(n)
	}
	var err error
	if rq.key, err = dataTypeParam(q.Get("key_type"), "key_type", s.deserializer); err != nil {
		return rq, err
	}
	if rq.value, err = dataTypeParam(q.Get("value_type"), "value_type", s.deserializer); err != nil {
		return rq, err
	}
	return rq, nil
}

// parseInstant reads a timestamp parameter: ISO-8601 (RFC 3339) or
// milliseconds since the epoch.
func parseInstant(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		return time.UnixMilli(n), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errQuery("timestamp must be an ISO-8601 instant such as 2021-02-05T19:14:42Z or milliseconds since the epoch, not %q.", v)
	}
	return t, nil
}

// recordListMeta is the metadata of a read's answer: the read itself, and
// the read that continues after its last record.
type recordListMeta struct {
	Self string `json:"self"`
	Next string `json:"next"`
}

func (s *partitionRecords) read(c *rest.Call) error {
	id, pid, err := s.clusterAndID(c, "partition_id")
	if err != nil {
		return err
	}
	rq, err := s.parse(c, pid)
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	read, err := s.readers.Read(ctx, rq.fetch, rq.maxRecords)
	if err != nil {
		return err
	}
	defer read.Release() // the read's share of the read budget, once written
	rn := &renderer{clusterID: id, key: rq.key, value: rq.value, deserializer: s.deserializer}
	// The answer is written record by record, its metadata last (it
	// names where the records stopped): a read may hold megabytes, and
	// building its answer whole would hold them twice more. A first
	// record that cannot be rendered is the answer's error instead.
	var bw *bufio.Writer
	n, next := 0, read.Next
	for _, r := range read.Records {
		d, err := rn.render(ctx, r)
		var b []byte
		if err == nil {
			b, err = codec.Marshal(d)
		}
		if err != nil {
			if n == 0 {
				return err
			}
			// The records before it are answered; the read that
			// continues starts on it, and answers its error.
			next = r.Offset
			break
		}
		if n == 0 {
			bw = s.startList(c)
		} else {
			bw.WriteByte(',')
		}
		bw.Write(b)
		n++
	}
	if n == 0 {
		bw = s.startList(c)
	}
	meta, err := codec.Marshal(recordListMeta{Self: s.readURL(c, id, pid, nil), Next: s.readURL(c, id, pid, &next)})
	if err != nil {
		return err
	}
	bw.WriteString(`],"metadata":`)
	bw.Write(meta)
	bw.WriteByte('}')
	s.metrics.Read(rq.fetch.Topic, n)
	return bw.Flush()
}

// startList writes the answer's status and headers and opens its list.
func (s *partitionRecords) startList(c *rest.Call) *bufio.Writer {
	c.W.Header().Set("Content-Type", c.Media)
	c.W.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(c.W, 64<<10)
	bw.WriteString(`{"kind":"KafkaRecordList","data":[`)
	return bw
}

// readURL is the URL of this read, or with next of the read that starts at
// offset next and otherwise asks the same.
func (s *partitionRecords) readURL(c *rest.Call, clusterID string, pid int32, next *int64) string {
	u := s.url(c, clusterID, "topics", c.Param("topic_name"), "partitions", strconv.Itoa(int(pid)), "records")
	q := c.R.URL.Query()
	if next != nil {
		q.Del("timestamp")
		q.Set("offset", strconv.FormatInt(*next, 10))
	}
	if len(q) == 0 {
		return u
	}
	return u + "?" + url.Values(q).Encode()
}
