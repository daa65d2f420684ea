package v2

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// consumers serves the v2 consumer instances: create, subscribe or assign, read, commit, seek, delete.
type consumers struct {
	consumers *actors.Consumers
	admin     *actors.AdminPool
	urls      rest.URLs
	// id is this proxy's id, part of generated instance names.
	id string
	// deserializer reads the schema formats; nil without a registry.
	deserializer codec.Deserializer
	metrics      *telemetry.Metrics
	// cluster forwards calls to the node holding their instance; nil for
	// a single node.
	cluster *rest.Cluster
}

// v2 consumer instances: create, delete, subscription, records, offsets.
// Each instance is an actor that owns its franz-go group client.

func (s *consumers) routes() []rest.Route {
	in := []string{rest.MediaV2JSON, mediaV2Binary, mediaV2JSONData, mediaV2Avro, mediaV2JSONSchema, mediaV2Protobuf}
	inst := "/consumers/:group/instances/:instance"
	rs := []rest.Route{
		{Method: "POST", Path: "/consumers/:group", Name: "api.v2.consumers.create", Produces: v2JSON(), Consumes: in, Handle: s.v2CreateConsumer},
		{Method: "DELETE", Path: inst, Name: "api.v2.consumers.delete", Produces: v2JSON(), Handle: s.routed(s.v2DeleteConsumer)},
		{Method: "POST", Path: inst + "/subscription", Name: "api.v2.consumers.subscribe", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2Subscribe)},
		{Method: "GET", Path: inst + "/subscription", Name: "api.v2.consumers.get-subscription", Produces: v2JSON(), Handle: s.routed(s.v2Subscription)},
		{Method: "DELETE", Path: inst + "/subscription", Name: "api.v2.consumers.unsubscribe", Produces: v2JSON(), Handle: s.routed(s.v2Unsubscribe)},
		{Method: "GET", Path: inst + "/records", Name: "api.v2.consumers.consume", Produces: recordOffers(), Handle: s.routed(s.v2Records)},
		{Method: "POST", Path: inst + "/assignments", Name: "api.v2.consumers.assign", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2Assign)},
		{Method: "GET", Path: inst + "/assignments", Name: "api.v2.consumers.get-assignments", Produces: v2JSON(), Handle: s.routed(s.v2Assignments)},
		{Method: "POST", Path: inst + "/positions", Name: "api.v2.consumers.seek", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2Seek)},
		{Method: "POST", Path: inst + "/positions/beginning", Name: "api.v2.consumers.seek-to-beginning", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2SeekEdge(-2))},
		{Method: "POST", Path: inst + "/positions/end", Name: "api.v2.consumers.seek-to-end", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2SeekEdge(-1))},
		{Method: "POST", Path: inst + "/offsets", Name: "api.v2.consumers.commit-offsets", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2CommitOffsets)},
		{Method: "GET", Path: inst + "/offsets", Name: "api.v2.consumers.get-committed-offsets", Produces: v2JSON(), Consumes: in, Handle: s.routed(s.v2CommittedOffsets)},
	}
	if s.cluster != nil {
		rs = append(rs, rest.Route{Method: "HEAD", Path: inst, Name: "api.v2.consumers.holds", Produces: v2JSON(), Handle: s.v2HoldsConsumer})
	}
	return rs
}

// recordOffers are the types a records read answers in: binary is the
// default, and a client asking for plain v2 JSON gets binary too.
func recordOffers() []rest.Offer {
	return []rest.Offer{{Media: mediaV2Binary, QS: 1}, {Media: rest.MediaV2JSON, QS: 0.9}, {Media: mediaV2JSONData, QS: 0.1}, {Media: mediaV2Avro, QS: 0.1}, {Media: mediaV2JSONSchema, QS: 0.1}, {Media: mediaV2Protobuf, QS: 0.1}}
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
	return apierr.New(apierr.CodeInvalidConsumerConfig, "Invalid consumer configuration: "+format, args...)
}

func (s *consumers) v2CreateConsumer(c *rest.Call) error {
	var req v2CreateRequest
	b, err := c.Body()
	if err != nil {
		return err
	}
	if !rest.EmptyBody(b) {
		if err := rest.DecodeBytes(b, &req); err != nil {
			return err
		}
	}
	o := actors.ConsumerOptions{Group: c.Param("group"), Format: "binary", AutoCommit: true}
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
			return apierr.New(apierr.CodeUnprocessableEntity, "Invalid format type.")
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
			return apierr.NewStatus(422, apierr.CodeInvalidConsumerConfigConstraint, "Invalid consumer configuration. It does not abide by the constraints: fetch.min.bytes must be from -1 to 10000000, got %s", f.s)
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
	named := (req.ID != nil && *req.ID != "") || (req.Name != nil && *req.Name != "")
	if s.cluster != nil && named && !rest.Forwarded(c.R) {
		if forwarded, err := s.createElsewhere(c, b, o); forwarded || err != nil {
			return err
		}
	}
	if err := s.consumers.Create(c.R.Context(), o); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		InstanceID string `json:"instance_id"`
		BaseURI    string `json:"base_uri"`
	}{o.Name, s.urls.URL(c.R, "consumers", o.Group, "instances", o.Name)})
}

// consumerName is the reference's generated name:
// rest-consumer-[<id>-]<random>.
func (s *consumers) consumerName() string {
	var b [16]byte
	rand.Read(b[:])
	if s.id != "" {
		return "rest-consumer-" + s.id + "-" + hex.EncodeToString(b[:])
	}
	return "rest-consumer-" + hex.EncodeToString(b[:])
}

func (s *consumers) v2DeleteConsumer(c *rest.Call) error {
	return c.NoContent(s.consumers.Delete(c.R.Context(), c.Param("group"), c.Param("instance")))
}

func (s *consumers) v2Subscribe(c *rest.Call) error {
	var req struct {
		Topics       []string `json:"topics"`
		TopicPattern *string  `json:"topic_pattern"`
	}
	if err := c.Decode(&req); err != nil {
		return err
	}
	pattern := ""
	if req.TopicPattern != nil {
		pattern = *req.TopicPattern
	}
	return c.NoContent(s.consumers.Subscribe(c.R.Context(), c.Param("group"), c.Param("instance"), req.Topics, pattern))
}

func (s *consumers) v2Subscription(c *rest.Call) error {
	topics, err := s.consumers.Subscription(c.R.Context(), c.Param("group"), c.Param("instance"))
	if err != nil {
		return err
	}
	if topics == nil {
		topics = []string{}
	}
	return c.JSON(http.StatusOK, struct {
		Topics []string `json:"topics"`
	}{topics})
}

func (s *consumers) v2Unsubscribe(c *rest.Call) error {
	return c.NoContent(s.consumers.Unsubscribe(c.R.Context(), c.Param("group"), c.Param("instance")))
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

func (s *consumers) v2Records(c *rest.Call) error {
	group, name := c.Param("group"), c.Param("instance")
	want := formatOf(c.Media)
	if c.Media == rest.MediaV2JSON {
		c.Media = mediaV2Binary
	}
	format, err := s.consumers.Format(c.R.Context(), group, name)
	if err != nil {
		return err
	}
	if format != want {
		return apierr.New(apierr.CodeConsumerFormatMismatch, "The requested embedded data format does not match the deserializer for this consumer instance")
	}
	if format != "binary" && format != "json" && s.deserializer == nil {
		return apierr.New(apierr.CodeSerialization, "Error deserializing records: Schema Registry not defined, no Schema Registry client available to deserialize message.")
	}
	q := c.R.URL.Query()
	timeout, _ := strconv.ParseInt(q.Get("timeout"), 10, 64)
	maxBytes, _ := strconv.ParseInt(q.Get("max_bytes"), 10, 64)
	read, err := s.consumers.Read(c.R.Context(), group, name, time.Duration(timeout)*time.Millisecond, maxBytes, s.recordDecoder(format))
	if err != nil {
		return err
	}
	defer read.Release() // the records' share of the read budget, once written
	recs := read.Records
	// The answer is written record by record: a read may hold tens of
	// megabytes, and building it whole would hold them twice more.
	c.W.Header().Set("Content-Type", c.Media)
	c.W.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(c.W, 64<<10)
	bw.WriteByte('[')
	var (
		line      []byte // reused: binary records are encoded in place
		topic     []byte // topicName in JSON
		topicName string
	)
	for i, r := range recs {
		if i > 0 {
			bw.WriteByte(',')
		}
		var err error
		if format == "binary" {
			if topic == nil || r.Topic != topicName {
				if topic, err = codec.Marshal(r.Topic); err != nil {
					return err
				}
				topicName = r.Topic
			}
			line, err = appendBinaryRecord(line[:0], r, topic)
		} else {
			line, err = codec.Marshal(consumedRecord(r, jsonData(r.Key), jsonData(r.Value)))
		}
		if err != nil {
			return err
		}
		bw.Write(line)
	}
	bw.WriteByte(']')
	s.metrics.Consumed(group, len(recs))
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
func (s *consumers) recordDecoder(format string) actors.Decoder {
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
func (s *consumers) decodeData(ctx context.Context, format string, b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	if format == "json" {
		if !json.Valid(b) {
			return nil, fmt.Errorf("not JSON")
		}
		return b, nil
	}
	return s.deserializer.Deserialize(ctx, codec.Format(strings.ToUpper(format)), b)
}

// jsonData is decoded data in a records answer.
func jsonData(b []byte) any {
	if b == nil {
		return nil
	}
	return json.RawMessage(b)
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
	return apierr.New(apierr.CodeSerialization, "Error deserializing %s of the record at offset %d of %s-%d: %v",
		what, r.Offset, r.Topic, r.Partition, err)
}

// v2OffsetEntry is an offset of a commit or positions request.
type v2OffsetEntry struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
	Metadata  string `json:"metadata"`
}

func (s *consumers) v2CommitOffsets(c *rest.Call) error {
	var req struct {
		Offsets []v2OffsetEntry `json:"offsets"`
	}
	b, err := c.Body()
	if err != nil {
		return err
	}
	var offsets []actors.TopicPartitionOffset
	if !rest.EmptyBody(b) {
		if err := rest.DecodeBytes(b, &req); err != nil {
			return err
		}
		offsets = []actors.TopicPartitionOffset{}
		for _, o := range req.Offsets {
			// The client passes the last offset it consumed; Kafka stores
			// the next to read.
			offsets = append(offsets, actors.TopicPartitionOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset + 1, Metadata: o.Metadata})
		}
	}
	if err := s.consumers.Commit(c.R.Context(), c.Param("group"), c.Param("instance"), offsets); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, []struct{}{})
}

// v2CommittedOffsets answers the reference's GET with a JSON body: the
// offsets the instance's group committed for the partitions listed. With
// no body it is the reference's 404 40402.
func (s *consumers) v2CommittedOffsets(c *rest.Call) error {
	group, name := c.Param("group"), c.Param("instance")
	if _, err := s.consumers.Format(c.R.Context(), group, name); err != nil {
		return err // the instance must exist
	}
	var req struct {
		Partitions []struct {
			Topic     string `json:"topic"`
			Partition int32  `json:"partition"`
		} `json:"partitions"`
	}
	b, err := c.Body()
	if err != nil {
		return err
	}
	if rest.EmptyBody(b) {
		return kafka.ErrPartitionNotFound()
	}
	if err := rest.DecodeBytes(b, &req); err != nil {
		return err
	}
	asked := make([]kafka.CommittedOffset, len(req.Partitions))
	for i, p := range req.Partitions {
		asked[i] = kafka.CommittedOffset{Topic: p.Topic, Partition: p.Partition}
	}
	got, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.CommittedOffset, error) {
		return a.CommittedOffsets(ctx, group, asked)
	})
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
	return c.JSON(http.StatusOK, out)
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

func (s *consumers) v2Assign(c *rest.Call) error {
	var req v2Partitions
	if err := c.Decode(&req); err != nil {
		return err
	}
	return c.NoContent(s.consumers.Assign(c.R.Context(), c.Param("group"), c.Param("instance"), req.list()))
}

func (s *consumers) v2Assignments(c *rest.Call) error {
	tps, err := s.consumers.Assignment(c.R.Context(), c.Param("group"), c.Param("instance"))
	if err != nil {
		return err
	}
	out := v2Partitions{Partitions: []v2TopicPartition{}}
	for _, tp := range tps {
		out.Partitions = append(out.Partitions, v2TopicPartition{tp.Topic, tp.Partition})
	}
	return c.JSON(http.StatusOK, out)
}

// v2Seek moves partitions to offsets, or to the first offset at or after a
// time.
func (s *consumers) v2Seek(c *rest.Call) error {
	var req struct {
		Offsets    []v2OffsetEntry `json:"offsets"`
		Timestamps []struct {
			Topic     string    `json:"topic"`
			Partition int32     `json:"partition"`
			Timestamp time.Time `json:"timestamp"`
			Metadata  string    `json:"metadata"`
		} `json:"timestamps"`
	}
	if err := c.Decode(&req); err != nil {
		return err
	}
	var offsets []actors.TopicPartitionOffset
	for _, o := range req.Offsets {
		if o.Offset < 0 {
			return apierr.New(apierr.CodeBadRequest, "Bad Request: offset %d of %s-%d is negative", o.Offset, o.Topic, o.Partition)
		}
		offsets = append(offsets, actors.TopicPartitionOffset{Topic: o.Topic, Partition: o.Partition, Offset: o.Offset})
	}
	for _, ts := range req.Timestamps {
		at, err := s.consumers.OffsetForTime(c.R.Context(), ts.Topic, ts.Partition, ts.Timestamp)
		if err != nil {
			return err
		}
		offsets = append(offsets, actors.TopicPartitionOffset{Topic: ts.Topic, Partition: ts.Partition, Offset: at})
	}
	return c.NoContent(s.consumers.Seek(c.R.Context(), c.Param("group"), c.Param("instance"), offsets))
}

// v2SeekEdge moves partitions to their beginning (-2) or end (-1).
func (s *consumers) v2SeekEdge(edge int64) func(*rest.Call) error {
	return func(c *rest.Call) error {
		var req v2Partitions
		if err := c.Decode(&req); err != nil {
			return err
		}
		offsets := make([]actors.TopicPartitionOffset, len(req.Partitions))
		for i, tp := range req.Partitions {
			offsets[i] = actors.TopicPartitionOffset{Topic: tp.Topic, Partition: tp.Partition, Offset: edge}
		}
		return c.NoContent(s.consumers.Seek(c.R.Context(), c.Param("group"), c.Param("instance"), offsets))
	}
}
