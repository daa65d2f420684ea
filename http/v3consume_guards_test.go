package http_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
)

// The guards cover the v3 reads as every other endpoint: authentication,
// access lists by endpoint name, rate-limit costs, and the metrics.

func TestV3ConsumeAuthentication(t *testing.T) {
	bootstrap := target(t)
	auth, err := guard.NewBasicAuth("KafkaRest", map[string]guard.BasicUser{"alice": {Password: "alice-secret", Roles: []string{"user"}}})
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.Auth = guard.AuthConfig{Authenticator: auth, Roles: []string{"user"}}
	})
	alice := basic("alice:alice-secret")
	id := v3Cluster(t, p, alice)
	p.mu.Lock()
	p.clusterID = id
	p.mu.Unlock()
	topic := uniqueName(t, "guarded")
	createTopic(t, p, topic, 1)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("x")})
	read := "/v3/clusters/" + id + "/topics/" + topic + "/partitions/0/records"
	stream := "/v3/clusters/" + id + "/consumer-groups/" + uniqueName(t, "g") + "/records?topics=" + topic
	for _, path := range []string{read, stream} {
		p.do(t, "GET", path, "").expectError(t, 401, 401, unauthorizedBasic, "application/json")
		p.do(t, "GET", path, "", basic("alice:wrong")).expectError(t, 401, 401, "Unauthorized: wrong user name or password", "application/json")
	}
	r := p.do(t, "GET", read+"?value_type=STRING", "", alice).expect(t, 200, "application/json")
	if l := r.json(t); len(l["data"].([]any)) != 1 {
		t.Fatalf("alice's read: %s", r.body)
	}
	sc := openStream(t, p, uniqueName(t, "g"), "topics="+topic, "text/event-stream", alice)
	sc.records(t, 1, 30*time.Second)
}

func TestV3ConsumeAccessLists(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.BlockList = []string{"api.v3.records.read", "api.v3.consumer-groups.records.*"}
	})
	id := clusterID(t, p)
	topic := uniqueName(t, "blocked")
	createTopic(t, p, topic, 1)
	p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+topic+"/partitions/0/records", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/g/records?topics="+topic, "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	if n := p.sys.Streams().Live(); n != 0 {
		t.Fatalf("a blocked stream opened: %d live", n)
	}
	// An allow list of only the reads serves them, and nothing else.
	p = startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.AllowList = []string{"api.v3.records.read", "api.v3.consumer-groups.records.stream", "api.v3.clusters.list"}
	})
	p.clusterID = id
	readPartition(t, p, topic, 0, "")
	openStream(t, p, uniqueName(t, "g"), "topics="+topic, "text/event-stream")
	p.do(t, "GET", "/v3/clusters/"+id+"/topics", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
}

func TestV3ConsumeRateLimitAndMetrics(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.RateLimit = guard.RateLimitConfig{Enabled: true, PermitsPerSec: 2, PerClusterPermitsPerSec: 1000, DefaultCost: 1,
			Costs: map[string]int{"api.v3.records.read": 2, "api.v3.clusters.*": 0}}
	})
	topic := uniqueName(t, "limited")
	createTopic(t, p, topic, 1)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("a")}, &kgo.Record{Topic: topic, Value: []byte("b")})
	id := p.cluster(t)
	read := "/v3/clusters/" + id + "/topics/" + topic + "/partitions/0/records"
	// A read costs two permits, the bucket's whole depth: the next is 429,
	// and so is a stream's open (one permit) right after.
	readPartition(t, p, topic, 0, "")
	p.do(t, "GET", read, "").expectError(t, 429, 429, rateLimited, "application/json")
	group := uniqueName(t, "g")
	p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/records?topics="+topic, "").expectError(t, 429, 429, rateLimited, "application/json")
	time.Sleep(1100 * time.Millisecond)
	sc := openStream(t, p, group, "topics="+topic, "text/event-stream")
	sc.records(t, 2, 30*time.Second)
	// The stream counts a batch once the group has been told it was
	// written, just after the client has it.
	eventually(t, "the stream's records counted", func() error {
		if got := scrape(t, p)[`kafka_rest_consumed_records_total{group="`+group+`"}`]; got != 2 {
			return fmt.Errorf("%v", got)
		}
		return nil
	})
	m := scrape(t, p)
	for series, want := range map[string]float64{
		`kafka_rest_read_records_total{topic="` + topic + `"}`:     2,
		`kafka_rest_consumed_records_total{group="` + group + `"}`: 2,
		`kafka_rest_group_streams`:                                 1,
		`kafka_rest_http_requests_total{route="/v3/clusters/:cluster_id/topics/:topic_name/partitions/:partition_id/records",method="GET",status="200"}`: 1,
		`kafka_rest_http_requests_total{route="/v3/clusters/:cluster_id/topics/:topic_name/partitions/:partition_id/records",method="GET",status="429"}`: 1,
		`kafka_rest_http_requests_total{route="/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/records",method="GET",status="429"}`:          1,
	} {
		if got := m[series]; got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	sc.close()
	eventually(t, "the stream's request counted once it ended", func() error {
		m := scrape(t, p)
		if got := m[`kafka_rest_http_requests_total{route="/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/records",method="GET",status="200"}`]; got != 1 {
			return fmt.Errorf("%v", got)
		}
		if got := m[`kafka_rest_group_streams`]; got != 0 {
			return fmt.Errorf("%v streams", got)
		}
		return nil
	})
}
