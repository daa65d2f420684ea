package http

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	nethttp "net/http"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// v2 consumer instances: create, delete, subscription, records, offsets.
// Each instance is an actor that owns its franz-go group client.

func (s *Server) v2ConsumerRoutes() []route {
	v2JSON := []offer{{mediaV2JSON, 0.9}}
	in := []string{mediaV2JSON, mediaV2Binary, mediaV2JSONData, mediaV2Avro, mediaV2JSONSchema, mediaV2Protobuf}
	inst := "/consumers/:group/instances/:instance"
	return []route{
		{method: "POST", path: "/consumers/:group", name: "api.v2.consumers.create", produces: v2JSON, consumes: in, handle: s.v2CreateConsumer},
		{method: "DELETE", path: inst, name: "api.v2.consumers.delete", produces: v2JSON, handle: s.v2DeleteConsumer},
		{method: "POST", path: inst + "/subscription", name: "api.v2.consumers.subscribe", produces: v2JSON, consumes: in, handle: s.v2Subscribe},
		{method: "GET", path: inst + "/subscription", name: "api.v2.consumers.get-subscription", produces: v2JSON, handle: s.v2Subscription},
		{method: "DELETE", path: inst + "/subscription", name: "api.v2.consumers.unsubscribe", produces: v2JSON, handle: s.v2Unsubscribe},
		{method: "GET", path: inst + "/records", name: "api.v2.consumers.consume", produces: recordOffers(), handle: s.v2Records},
		{method: "POST", path: inst + "/assignments", name: "api.v2.consumers.assign", produces: v2JSON, consumes: in, handle: s.v2Assign},
		{method: "GET", path: inst + "/assignments", name: "api.v2.consumers.get-assignments", produces: v2JSON, handle: s.v2Assignments},
		{method: "POST", path: inst + "/positions", name: "api.v2.consumers.seek", produces: v2JSON, consumes: in, handle: s.v2Seek},
		{method: "POST", path: inst + "/positions/beginning", name: "api.v2.consumers.seek-to-beginning", produces: v2JSON, consumes: in, handle: s.v2SeekEdge(-2)},
		{method: "POST", path: inst + "/positions/end", name: "api.v2.consumers.seek-to-end", produces: v2JSON, consumes: in, handle: s.v2SeekEdge(-1)},
		{method: "POST", path: inst + "/offsets", name: "api.v2.consumers.commit-offsets", produces: v2JSON, consumes: in, handle: s.v2CommitOffsets},
		{method: "GET", path: inst + "/offsets", name: "api.v2.consumers.get-committed-offsets", produces: v2JSON, consumes: in, handle: s.v2CommittedOffsets},
	}
}

// recordOffers are the types a records read answers in: binary is the
// default, and a client asking for plain v2 JSON gets binary too.
func recordOffers() []offer {
	return []offer{{mediaV2Binary, 1}, {mediaV2JSON, 0.9}, {mediaV2JSONData, 0.1}, {mediaV2Avro, 0.1}, {mediaV2JSONSchema, 0.1}, {mediaV2Protobuf, 0.1}}
}

// formatOf is the embedded format a records media type names.
func formatOf(media string) string {
	switch media {
	case mediaV2JSONData:
		return "json"
	case mediaV2Avro:
		return "avro"
	case mediaV2JSONSchema:
		return "jsonschema"
	case mediaV2Protobuf:
		return "protobuf"
	}
	return "binary"
}

// flexString is a JSON string or number, as the reference's create
// request takes its numeric fields in either form.
type flexString struct {
	set bool
	s   string
}

func (f *flexString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f.set = true
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &f.s)
	}
	f.s = string(b)
	return nil
}

type v2CreateRequest struct {
	Name             *string    `json:"name"`
	ID               *string    `json:"id"`
	Format           *string    `json:"format"`
	AutoOffsetReset  *string    `json:"auto.offset.reset"`
	AutoCommit       flexString `json:"auto.commit.enable"`
	FetchMinBytes    flexString `json:"fetch.min.bytes"`
	ResponseMinBytes flexString `json:"responseMinBytes"`
	RequestTimeout   flexString `json:"consumer.request.timeout.ms"`
	RequestWaitMs    flexString `json:"requestWaitMs"`
}

func errInvalidConsumerConfig(format string, args ...any) error {
	return kafka.Errorf(nethttp.StatusUnprocessableEntity, kafka.CodeInvalidConsumerConfig, "Invalid consumer configuration: "+format, args...)
}

func (s *Server) v2CreateConsumer(c *call) error {
	var req v2CreateRequest
	b, err := c.body()
	if err != nil {
		return err
	}
	if !emptyBody(b) {
		if err := c.decodeBytes(b, &req); err != nil {
			return err
		}
	}
	o := actors.ConsumerOptions{Group: c.param("group"), Format: "binary", AutoCommit: true}
	switch {
	case req.ID != nil && *req.ID != "":
		o.Name = *req.ID
	case req.Name != nil && *req.Name != "":
		o.Name = *req.Name
	default:
		o.Name = s.consumerName()
	}
	if req.Format != nil {
		switch f := strings.ToLower(*req.Format); f {
		case "binary", "json", "avro", "jsonschema", "protobuf":
			o.Format = f
		default:
			return kafka.Errorf(nethttp.StatusUnprocessableEntity, nethttp.StatusUnprocessableEntity, "Invalid format type.")
		}
	}
	if req.AutoOffsetReset != nil {
		switch v := *req.AutoOffsetReset; v {
		case "earliest", "latest", "none":
			o.AutoOffsetReset = v
		default:
			return errInvalidConsumerConfig("Invalid value %s for configuration auto.offset.reset: String must be one of: latest, earliest, none", v)
		}
	}
	if req.AutoCommit.set {
		switch strings.ToLower(req.AutoCommit.s) {
		case "true":
		case "false":
			o.AutoCommit = false
		default:
			return errInvalidConsumerConfig("Invalid value %s for configuration enable.auto.commit: Expected value to be either true or false", req.AutoCommit.s)
		}
	}
	for _, f := range []flexString{req.FetchMinBytes, req.ResponseMinBytes} {
		if !f.set {
			continue
		}
		n, err := strconv.ParseInt(f.s, 10, 64)
		if err != nil || n < -1 || n > 10_000_000 {
			return kafka.Errorf(nethttp.StatusUnprocessableEntity, kafka.CodeInvalidConsumerConfigConstraint,
				"Invalid consumer configuration. It does not abide by the constraints: fetch.min.bytes must be from -1 to 10000000, got %s", f.s)
		}
		o.FetchMinBytes = n
	}
	for _, f := range []flexString{req.RequestTimeout, req.RequestWaitMs} {
		if !f.set {
			continue
		}
		n, err := strconv.ParseInt(f.s, 10, 64)
		if err != nil || n < 0 {
			return errInvalidConsumerConfig("Invalid value %s for configuration consumer.request.timeout.ms: must be a whole number of milliseconds, 0 or more", f.s)
		}
		o.RequestTimeout = time.Duration(n) * time.Millisecond
	}
	if err := s.sys.CreateConsumer(c.r.Context(), o); err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, struct {
		InstanceID string `json:"instance_id"`
		BaseURI    string `json:"base_uri"`
	}{o.Name, s.urls.url(c.r, "consumers", o.Group, "instances", o.Name)})
}

// consumerName is the reference's generated name:
// rest-consumer-[<id>-]<random>.
func (s *Server) consumerName() string {
	var b [16]byte
	rand.Read(b[:])
	if s.cfg.ID != "" {
		return "rest-consumer-" + s.cfg.ID + "-" + hex.EncodeToString(b[:])
	}
	return "rest-consumer-" + hex.EncodeToString(b[:])
}

func (s *Server) v2DeleteConsumer(c *call) error {
	return c.noContent(s.sys.DeleteConsumer(c.r.Context(), c.param("group"), c.param("instance")))
}

func (s *Server) v2Subscribe(c *call) error {
	var req struct {
		Topics       []string `json:"topics"`
		TopicPattern *string  `json:"topic_pattern"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	pattern := ""
	if req.TopicPattern != nil {
		pattern = *req.TopicPattern
	}
	return c.noContent(s.sys.Subscribe(c.r.Context(), c.param("group"), c.param("instance"), req.Topics, pattern))
}

func (s *Server) v2Subscription(c *call) error {
	topics, err := s.sys.Subscription(c.r.Context(), c.param("group"), c.param("instance"))
	if err != nil {
		return err
	}
	if topics == nil {
		topics = []string{}
	}
	return c.json(nethttp.StatusOK, struct {
		Topics []string `json:"topics"`
	}{topics})
}

func (s *Server) v2Unsubscribe(c *call) error {
	return c.noContent(s.sys.Unsubscribe(c.r.Context(), c.param("group"), c.param("instance")))
}

// v2RecordHeader is a consumed record's header: beyond the reference, which
// leaves headers out of v2 records.
type v2RecordHeader struct {
	Name  string  `json:"name"`
	Value *string `json:"value"`
}

type v2ConsumedRecord struct {
	Topic     string           `json:"topic"`
	Key       any              `json:"key"`
	Value     any              `json:"value"`
	Partition int32            `json:"partition"`
	Offset    int64            `json:"offset"`
	Headers   []v2RecordHeader `json:"headers,omitempty"`
	Timestamp int64            `json:"timestamp"`
}

func (s *Server) v2Records(c *call) error {
	group, name := c.param("group"), c.param("instance")
	want := formatOf(c.media)
	if c.media == mediaV2JSON {
		c.media = mediaV2Binary
	}
	format, err := s.sys.ConsumerFormat(c.r.Context(), group, name)
	if err != nil {
		return err
	}
	if format != want {
		return kafka.Errorf(nethttp.StatusNotAcceptable, kafka.CodeConsumerFormatMismatch,
			"The requested embedded data format does not match the deserializer for this consumer instance")
	}
	if format != "binary" && format != "json" && s.cfg.Deserializer == nil {
		return kafka.Errorf(408, kafka.CodeSerialization,
			"Error deserializing records: Schema Registry not defined, no Schema Registry client available to deserialize message.")
	}
	q := c.r.URL.Query()
	timeout, _ := strconv.ParseInt(q.Get("timeout"), 10, 64)
	maxBytes, _ := strconv.ParseInt(q.Get("max_bytes"), 10, 64)
	read, err := s.sys.ReadRecords(c.r.Context(), group, name, time.Duration(timeout)*time.Millisecond, maxBytes, s.recordDecoder(format))
	if err != nil {
		return err
	}
	defer read.Release() // the records' share of the read budget, once written
	recs := read.Records
	// The answer is written record by record: a read may hold tens of
	// megabytes, and building it whole would hold them twice more.
	c.w.Header().Set("Content-Type", c.media)
	c.w.WriteHeader(nethttp.StatusOK)
	bw := bufio.NewWriterSize(c.w, 64<<10)
	bw.WriteByte('[')
	for i, r := range recs {
		if i > 0 {
			bw.WriteByte(',')
		}
		key, value := jsonData(r.Key), jsonData(r.Value)
		if format == "binary" {
			key, value = base64Data(r.Key), base64Data(r.Value)
		}
		line, err := codec.Marshal(consumedRecord(r, key, value))
		if err != nil {
			return err
		}
		bw.Write(line)
	}
	bw.WriteByte(']')
	s.sys.Metrics().Consumed(group, len(recs))
	return bw.Flush()
}

// recordDecoder checks and converts each record a read of format answers,
// before the instance counts it as read: its key and value become their
// JSON (json: the JSON itself, checked; the schema formats: their JSON
// conversion). A record that cannot be decoded is the reference's 408
// 40801, naming it; the instance stops its partition there.
//
// Binary needs none (nil): it cannot fail, and the writer encodes it, as
// encoding it all up front would hold a large read twice more.
func (s *Server) recordDecoder(format string) actors.Decoder {
	if format == "binary" {
		return nil
	}
	return func(ctx context.Context, r actors.ConsumedRecord) (actors.ConsumedRecord, error) {
		key, err := s.decodeData(ctx, format, r.Key)
		if err != nil {
			return r, errDeserialize("key", r, err)
		}
		value, err := s.decodeData(ctx, format, r.Value)
		if err != nil {
			return r, errDeserialize("value", r, err)
		}
		r.Key, r.Value = key, value
		return r, nil
	}
}

// decodeData is the JSON of one key or value in a records answer; nil for a
// null one.
func (s *Server) decodeData(ctx context.Context, format string, b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	if format == "json" {
		if !json.Valid(b) {
			return nil, fmt.Errorf("not JSON")
		}
		return b, nil
	}
	return s.cfg.Deserializer.Deserialize(ctx, codec.Format(strings.ToUpper(format)), b)
}

// jsonData is decoded data in a records answer.
func jsonData(b []byte) any {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
}

// base64Data is binary data in a records answer.
func base64Data(b []byte) any {
	if b == nil {
		return nil
	}
	return base64.StdEncoding.EncodeToString(b)
}

// consumedRecord is r as a records answer holds it, with its key and
// value decoded.
func consumedRecord(r actors.ConsumedRecord, key, value any) v2ConsumedRecord {
	cr := v2ConsumedRecord{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp.UnixMilli(),
		Key: key, Value: value}
	for _, h := range r.Headers {
		hv := v2RecordHeader{Name: h.Key}
		if h.Value != nil {
			v := base64.StdEncoding.EncodeToString(h.Value)
			hv.Value = &v
		}
		cr.Headers = append(cr.Headers, hv)
	}
	return cr
}

func errDeserialize(what string, r actors.ConsumedRecord, err error) error {
	return kafka.Errorf(408, kafka.CodeSerialization, "Error deserializing %s of the record at offset %d of %s-%d: %v",
		what, r.Offset, r.Topic, r.Partition, err)
}

// v2OffsetEntry is an offset of a commit or positions request.
type v2OffsetEntry struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Metadata  string `json:"metadata"`
}

func (s *Server) v2CommitOffsets(c *call) error {
	var req struct {
		Offsets []v2OffsetEntry `json:"offsets"`
	}
	b, err := c.body()
	if err != nil {
		return err
	}
	var offsets []actors.TopicPartitionOffset
	if !emptyBody(b) {
		if err := c.decodeBytes(b, &req); err != nil {
			return err
		}
		offsets = []actors.TopicPartitionOffset{}
		for _, o := range req.Offsets {
			// The client passes the last offset it consumed; Kafka stores
			// the next to read.
			offsets = append(offsets, actors.TopicPartitionOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset + 1, Metadata: o.Metadata})
		}
	}
	if err := s.sys.CommitOffsets(c.r.Context(), c.param("group"), c.param("instance"), offsets); err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, []struct{}{})
}

// v2CommittedOffsets answers the reference's GET with a JSON body: the
// offsets the instance's group committed for the partitions listed. With
// no body it is the reference's 404 40402.
func (s *Server) v2CommittedOffsets(c *call) error {
	group, name := c.param("group"), c.param("instance")
	if _, err := s.sys.ConsumerFormat(c.r.Context(), group, name); err != nil {
		return err // the instance must exist
	}
	var req struct {
		Partitions []struct {
			Topic     string `json:"topic"`
			Partition int32  `json:"partition"`
		} `json:"partitions"`
	}
	b, err := c.body()
	if err != nil {
		return err
	}
	if emptyBody(b) {
		return kafka.ErrPartitionNotFound()
	}
	if err := c.decodeBytes(b, &req); err != nil {
		return err
	}
	asked := make([]kafka.CommittedOffset, len(req.Partitions))
	for i, p := range req.Partitions {
		asked[i] = kafka.CommittedOffset{Topic: p.Topic, Partition: p.Partition}
	}
	got, err := s.sys.CommittedOffsets(c.r.Context(), group, asked)
	if err != nil {
		return err
	}
	type offset struct {
		Topic     string `json:"topic"`
		Partition int32  `json:"partition"`
		Offset    int64  `json:"offset"`
		Metadata  string `json:"metadata"`
	}
	out := struct {
		Offsets []offset `json:"offsets"`
	}{Offsets: []offset{}}
	for _, o := range got {
		out.Offsets = append(out.Offsets, offset{o.Topic, o.Partition, o.Offset, o.Metadata})
	}
	return c.json(nethttp.StatusOK, out)
}

// v2Partitions is the {"partitions":[{"topic","partition"}]} of the
// assignment and positions requests and answers.
type v2Partitions struct {
	Partitions []v2TopicPartition `json:"partitions"`
}

type v2TopicPartition struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
}

func (p v2Partitions) list() []actors.TopicPartition {
	out := make([]actors.TopicPartition, len(p.Partitions))
	for i, tp := range p.Partitions {
		out[i] = actors.TopicPartition{Topic: tp.Topic, Partition: tp.Partition}
	}
	return out
}

func (s *Server) v2Assign(c *call) error {
	var req v2Partitions
	if err := c.decode(&req); err != nil {
		return err
	}
	return c.noContent(s.sys.Assign(c.r.Context(), c.param("group"), c.param("instance"), req.list()))
}

func (s *Server) v2Assignments(c *call) error {
	tps, err := s.sys.Assignment(c.r.Context(), c.param("group"), c.param("instance"))
	if err != nil {
		return err
	}
	out := v2Partitions{Partitions: []v2TopicPartition{}}
	for _, tp := range tps {
		out.Partitions = append(out.Partitions, v2TopicPartition{tp.Topic, tp.Partition})
	}
	return c.json(nethttp.StatusOK, out)
}

// v2Seek moves partitions to offsets, or to the first offset at or after a
// time.
func (s *Server) v2Seek(c *call) error {
	var req struct {
		Offsets    []v2OffsetEntry `json:"offsets"`
		Timestamps []struct {
			Topic     string    `json:"topic"`
			Partition int32     `json:"partition"`
			Timestamp time.Time `json:"timestamp"`
			Metadata  string    `json:"metadata"`
		} `json:"timestamps"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	var offsets []actors.TopicPartitionOffset
	for _, o := range req.Offsets {
		if o.Offset < 0 {
			return kafka.Errorf(nethttp.StatusBadRequest, nethttp.StatusBadRequest, "Bad Request: offset %d of %s-%d is negative", o.Offset, o.Topic, o.Partition)
		}
		offsets = append(offsets, actors.TopicPartitionOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset})
	}
	for _, ts := range req.Timestamps {
		at, err := s.sys.OffsetForTime(c.r.Context(), ts.Topic, ts.Partition, ts.Timestamp)
		if err != nil {
			return err
		}
		offsets = append(offsets, actors.TopicPartitionOffset{Topic: ts.Topic, Partition: ts.Partition, Offset: at})
	}
	return c.noContent(s.sys.Seek(c.r.Context(), c.param("group"), c.param("instance"), offsets))
}

// v2SeekEdge moves partitions to their beginning (-2) or end (-1).
func (s *Server) v2SeekEdge(edge int64) func(*call) error {
	return func(c *call) error {
		var req v2Partitions
		if err := c.decode(&req); err != nil {
			return err
		}
		offsets := make([]actors.TopicPartitionOffset, len(req.Partitions))
		for i, tp := range req.Partitions {
			offsets[i] = actors.TopicPartitionOffset{Topic: tp.Topic, Partition: tp.Partition, Offset: edge}
		}
		return c.noContent(s.sys.Seek(c.r.Context(), c.param("group"), c.param("instance"), offsets))
	}
}
