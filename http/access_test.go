package http_test

import (
	"context"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/http"
)

// TestAccessLists is the reference's access list case: a blocked GET is 404,
// another blocked method 405, other endpoints answer as usual.
func TestAccessLists(t *testing.T) {
	bootstrap := target(t)
	t.Run("blocklist", func(t *testing.T) {
		p := startProxy(t, bootstrap, func(c *http.Config) {
			c.Guard.BlockList = []string{"api.v3.topics.*", "api.v3.clusters.list"}
		})
		id := clusterID(t, p)
		topics := "/v3/clusters/" + id + "/topics"
		p.do(t, "GET", topics, "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "POST", topics, `{"topic_name":"blocked"}`, "Content-Type: application/json").expectError(t, 405, 405, "HTTP 405 Method Not Allowed", "application/json")
		p.do(t, "DELETE", topics+"/t", "").expectError(t, 405, 405, "HTTP 405 Method Not Allowed", "application/json")
		p.do(t, "GET", "/v3/clusters", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", "/v3/clusters/"+id, "").expect(t, 200, "application/json")
		p.do(t, "GET", "/v3/clusters/"+id+"/brokers", "").expect(t, 200, "application/json")
		// Nothing was created behind the 405.
		if td, err := p.admin.ListTopics(context.Background(), "blocked"); err != nil || td.Has("blocked") {
			t.Fatalf("the blocked create reached Kafka: %v %v", td, err)
		}
	})
	t.Run("allowlist", func(t *testing.T) {
		p := startProxy(t, bootstrap, func(c *http.Config) {
			c.Guard.AllowList = []string{"api.v3.clusters.*", "api.v3.openapi.get", "api.v2.topics.list"}
			c.Guard.BlockList = []string{"api.v3.clusters.get"}
		})
		id := clusterID(t, p)
		p.do(t, "GET", "/v3/clusters/"+id, "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", "/v3/clusters/"+id+"/brokers", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", "/topics", "").expect(t, 200, "application/vnd.kafka.v2+json")
		p.do(t, "GET", "/brokers", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "POST", "/topics/t", `{"records":[{"value":"eA=="}]}`, "Content-Type: application/vnd.kafka.binary.v2+json").
			expectError(t, 405, 405, "HTTP 405 Method Not Allowed", "application/json")
	})
}

// clusterID asks the proxy's cluster its id.
func clusterID(t *testing.T, p *proxy) string {
	t.Helper()
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return md.Cluster
}
