package http_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/http"
)

// clusterJSON is the KafkaCluster the reference answers for cluster id at
// base, with resource names under authority.
func clusterJSON(base, id, authority string, controller int32) string {
	c := base + "/v3/clusters/" + id
	ctrl := "null"
	if controller >= 0 {
		ctrl = fmt.Sprintf(`{"related":"%s/brokers/%d"}`, c, controller)
	}
	return fmt.Sprintf(`{"kind":"KafkaCluster","metadata":{"self":"%[1]s","resource_name":"crn://%[3]s/kafka=%[2]s"},
		"cluster_id":"%[2]s","controller":%[4]s,
		"acls":{"related":"%[1]s/acls"},"brokers":{"related":"%[1]s/brokers"},
		"broker_configs":{"related":"%[1]s/broker-configs"},"consumer_groups":{"related":"%[1]s/consumer-groups"},
		"topics":{"related":"%[1]s/topics"},
		"partition_reassignments":{"related":"%[1]s/topics/-/partitions/-/reassignment"}}`, c, id, authority, ctrl)
}

// sameJSON fails unless got and want are the same JSON value.
func sameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("response is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v: %s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body\n%s\nwant\n%s", got, want)
	}
}

func TestV3Clusters(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatalf("asking the cluster itself: %v", err)
	}
	id := md.Cluster
	if id == "" {
		t.Fatal("the cluster reports no id")
	}
	one := clusterJSON(p.url, id, "", md.Controller)

	t.Run("list", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaClusterList","metadata":{"self":"%s/v3/clusters","next":null},"data":[%s]}`, p.url, one))
	})
	t.Run("get", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id, "", "Accept: application/json").expect(t, 200, "application/json")
		sameJSON(t, r.body, one)
	})
	t.Run("trailing slash", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id+"/", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, one)
	})
	t.Run("unknown cluster", func(t *testing.T) {
		p.do(t, "GET", "/v3/clusters/not-"+id, "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	})
	t.Run("not acceptable", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters", "", "Accept: text/plain")
		if r.status != 406 || len(r.body) != 0 {
			t.Fatalf("got %d %q, want 406 with no body", r.status, r.body)
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		p.do(t, "POST", "/v3/clusters", "{}", "Content-Type: application/json").
			expectError(t, 405, 405, "HTTP 405 Method Not Allowed", "application/json")
	})
	t.Run("unknown path", func(t *testing.T) {
		p.do(t, "GET", "/v3/nothing-here", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	})
}

func TestV3ClusterURLs(t *testing.T) {
	bootstrap := target(t)
	cases := []struct {
		name string
		edit func(*http.Config)
		base func(proxyURL string) string
		auth string
	}{
		{
			name: "advertised listener of the request's scheme",
			edit: func(c *http.Config) {
				c.AdvertisedListeners = []*url.URL{mustURL(t, "https://secure.example:8443"), mustURL(t, "http://rest.example:9000")}
			},
			base: func(string) string { return "http://rest.example:9000" },
		},
		{
			name: "host.name with the port of the listener of the request's scheme",
			edit: func(c *http.Config) {
				c.HostName = "proxy.internal"
				c.Listeners = []*url.URL{mustURL(t, "http://0.0.0.0:18082")}
			},
			base: func(string) string { return "http://proxy.internal:18082" },
		},
		{
			name: "the request's host, and a resource-name authority",
			edit: func(c *http.Config) { c.ResourceNameAuthority = "mds.example.com" },
			base: func(u string) string { return u },
			auth: "mds.example.com",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := startProxy(t, bootstrap, tc.edit)
			md, err := p.admin.BrokerMetadata(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			r := p.do(t, "GET", "/v3/clusters/"+md.Cluster, "").expect(t, 200, "application/json")
			sameJSON(t, r.body, clusterJSON(tc.base(p.url), md.Cluster, tc.auth, md.Controller))
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAPIFamiliesCanBeTurnedOff(t *testing.T) {
	bootstrap := target(t)
	noV3 := startProxy(t, bootstrap, func(c *http.Config) { c.V3 = false })
	noV3.do(t, "GET", "/v3/clusters", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	noV3.do(t, "GET", "/", "").expect(t, 200, "application/vnd.kafka.v2+json")

	noV2 := startProxy(t, bootstrap, func(c *http.Config) { c.V2 = false })
	noV2.do(t, "GET", "/", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	noV2.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
}

func TestV2Root(t *testing.T) {
	p := startProxy(t, target(t), nil)
	for _, accept := range []string{"", "*/*", "application/vnd.kafka.v2+json", "application/*"} {
		r := p.do(t, "GET", "/", "", "Accept: "+accept).expect(t, 200, "application/vnd.kafka.v2+json")
		if string(r.body) != "{}" {
			t.Fatalf("Accept %q: body %s, want {}", accept, r.body)
		}
	}
	r := p.do(t, "GET", "/", "", "Accept: text/plain")
	if r.status != 406 || len(r.body) != 0 {
		t.Fatalf("Accept text/plain: got %d %q, want 406 with no body", r.status, r.body)
	}
	// The reference's own negotiation test: the error is written in the
	// preferred type the client accepts.
	p.do(t, "POST", "/", "hello", "Content-Type: text/plain", "Accept: application/vnd.kafka.v2+json, application/octet-stream").
		expectError(t, 415, 415, "HTTP 415 Unsupported Media Type", "application/vnd.kafka.v2+json")
	p.do(t, "POST", "/", "hello", "Content-Type: text/plain").
		expectError(t, 415, 415, "HTTP 415 Unsupported Media Type", "application/json")

	r = p.do(t, "POST", "/", `{"a":"b"}`, "Content-Type: application/vnd.kafka.v2+json").expect(t, 200, "application/vnd.kafka.v2+json")
	if string(r.body) != "{}" {
		t.Fatalf("POST /: body %s, want {}", r.body)
	}
	r = p.do(t, "POST", "/", `{"a":`, "Content-Type: application/vnd.kafka.v2+json").expect(t, 400, "application/vnd.kafka.v2+json")
	if e := r.json(t); e["error_code"].(json.Number) != "400" || !strings.Contains(e["message"].(string), "JSON") {
		t.Fatalf("malformed body: got %s", r.body)
	}
}
