package v2

import (
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
)

// Deps are what the v2 handlers use; each handler is given its part.
type Deps struct {
	Admin     *actors.AdminPool
	Producers *actors.Producers
	Consumers *actors.Consumers
	// Serializer makes the record bytes of produced keys and values;
	// Deserializer reads the schema formats (nil without a registry).
	Serializer   codec.Serializer
	Deserializer codec.Deserializer
	// CreditWait bounds how long a produce waits for produce credit.
	CreditWait time.Duration
	// URLs make base_uri; ID is this proxy's id, part of generated
	// consumer instance names.
	URLs    rest.URLs
	ID      string
	Metrics *telemetry.Metrics
	// Cluster, when this node is part of one, forwards the calls of
	// instances another node holds; nil for a single node.
	Cluster *rest.Cluster
}

// Routes are the v2 API's routes, but for its OpenAPI document.
func Routes(d Deps) []rest.Route {
	var rs []rest.Route
	rs = append(rs, (&root{}).routes()...)
	rs = append(rs, (&metadata{admin: d.Admin}).routes()...)
	rs = append(rs, (&produce{producers: d.Producers, serializer: d.Serializer, creditWait: d.CreditWait}).routes()...)
	rs = append(rs, (&consumers{consumers: d.Consumers, admin: d.Admin, urls: d.URLs, id: d.ID,
		deserializer: d.Deserializer, metrics: d.Metrics, cluster: d.Cluster}).routes()...)
	return rs
}

// v2JSON is what most v2 routes produce.
func v2JSON() []rest.Offer { return []rest.Offer{{Media: rest.MediaV2JSON, QS: 0.9}} }
