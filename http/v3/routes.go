package v3

import (
	"log/slog"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
)

// Deps are what the v3 handlers use; each handler is given its part.
type Deps struct {
	// Admin is the admin pool: every admin endpoint and the cluster check.
	Admin *actors.AdminPool
	// Producers, Serializer and Produce serve produce; Serializer makes
	// the record bytes of keys and values.
	Producers *actors.Producers
	// Readers serve the partition reads; Deserializer renders their
	// records of the schema formats (nil without a Schema Registry).
	Readers      *actors.Readers
	Deserializer codec.Deserializer
	// Streams serve the group streams, GroupStream bounds how they write.
	Streams     *actors.Streams
	GroupStream GroupStreamConfig
	Serializer  codec.Serializer
	Produce     ProduceConfig
	// URLs and ResourceNameAuthority name resources in answers.
	URLs                  rest.URLs
	ResourceNameAuthority string
	Metrics               *telemetry.Metrics
	Log                   *slog.Logger
}

// Routes are the v3 API's routes, but for its OpenAPI document.
func Routes(d Deps) []rest.Route {
	b := &base{admin: d.Admin, urls: d.URLs, authority: d.ResourceNameAuthority}
	p := newProduce(b, d)
	var rs []rest.Route
	rs = append(rs, (&clusters{b}).routes()...)
	rs = append(rs, p.routes()...)
	rs = append(rs, (&brokers{b}).routes()...)
	rs = append(rs, (&topics{b}).routes()...)
	rs = append(rs, (&partitions{b}).routes()...)
	rs = append(rs, (&partitionRecords{base: b, readers: d.Readers, deserializer: d.Deserializer, metrics: d.Metrics}).routes()...)
	rs = append(rs, (&configs{b}).routes()...)
	rs = append(rs, (&groups{b}).routes()...)
	rs = append(rs, (&groupStream{base: b, streams: d.Streams, deserializer: d.Deserializer, metrics: d.Metrics, cfg: d.GroupStream}).routes()...)
	rs = append(rs, (&acls{b}).routes()...)
	return rs
}
