//go:build integration

package http_test

import (
	"testing"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// TestV2ProduceAuthorizationDenied: a proxy whose Kafka principal may not
// write the topic answers v2 produce with 40301 per record and HTTP 403 for
// the whole answer, as the reference does.
func TestV2ProduceAuthorizationDenied(t *testing.T) {
	sasl := saslTarget(t)
	admin := startProxy(t, target(t), nil) // the super user, to make the topic
	topic := uniqueName(t, "v2denied")
	createTopic(t, admin, topic, 1)
	p := startProxyWith(t, sasl, nil, func(a *actors.Config) {
		a.Kafka = kafka.Config{BootstrapServers: []string{sasl}, Properties: map[string]string{
			"client.security.protocol": "SASL_PLAINTEXT",
			"client.sasl.mechanism":    "PLAIN",
			"client.sasl.jaas.config":  `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="alice-secret";`,
		}}
	})
	r := p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"YQ=="}]}`, "Content-Type: application/vnd.kafka.binary.v2+json").
		expect(t, 403, v2CT)
	sameJSON(t, r.body, `{"offsets":[{"partition":null,"offset":null,"error_code":40301,"error":"Not authorized to access topics: [Topic authorization failed.]"}],"key_schema_id":null,"value_schema_id":null}`)
}
