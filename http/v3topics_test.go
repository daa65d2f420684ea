package http_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// topicJSON is the KafkaTopic the reference answers.
func topicJSON(base, cluster, topic string, rf, partitions int, ops []string) string {
	t := base + "/v3/clusters/" + cluster + "/topics/" + topic
	if ops == nil {
		ops = []string{}
	}
	o, _ := json.Marshal(ops)
	return fmt.Sprintf(`{"kind":"KafkaTopic","metadata":{"self":"%[1]s","resource_name":"crn:///kafka=%[2]s/topic=%[3]s"},
		"cluster_id":"%[2]s","topic_name":"%[3]s","is_internal":false,"replication_factor":%[4]d,"partitions_count":%[5]d,
		"partitions":{"related":"%[1]s/partitions"},"configs":{"related":"%[1]s/configs"},
		"partition_reassignments":{"related":"%[1]s/partitions/-/reassignment"},"authorized_operations":%[6]s}`,
		t, cluster, topic, rf, partitions, o)
}

func TestV3Topics(t *testing.T) {
	p := startProxy(t, target(t), nil)
	id, brokers := tpCluster(t, p)
	base := "/v3/clusters/" + id + "/topics"
	name := uniqueName(t, "topics")
	deleteAtEnd(t, p, name)
	self := p.url + base + "/" + name
	const ct = "application/json"

	t.Run("create", func(t *testing.T) {
		body := fmt.Sprintf(`{"topic_name":%q,"partitions_count":2,"replication_factor":1,
			"configs":[{"name":"cleanup.policy","value":"compact"},{"name":"retention.ms","value":"3600000"}]}`, name)
		r := p.do(t, "POST", base, body, "Content-Type: application/json").expect(t, 201, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, name, 1, 2, nil))
		if loc := r.header.Get("Location"); loc != self {
			t.Fatalf("Location %q, want %q", loc, self)
		}
		td := awaitTopic(t, p, name)
		if len(td.Partitions) != 2 || len(td.Partitions[0].Replicas) != 1 {
			t.Fatalf("Kafka has %d partitions of %d replicas, want 2 of 1", len(td.Partitions), len(td.Partitions[0].Replicas))
		}
		cfg := tpTopicConfig(t, p, name, "cleanup.policy")
		if cfg.Value == nil || *cfg.Value != "compact" || cfg.Source != 1 { // DYNAMIC_TOPIC_CONFIG
			t.Fatalf("cleanup.policy in Kafka: %+v, want compact set on the topic", cfg)
		}
		if cfg := tpTopicConfig(t, p, name, "retention.ms"); cfg.Value == nil || *cfg.Value != "3600000" {
			t.Fatalf("retention.ms in Kafka: %+v, want 3600000", cfg)
		}
	})
	t.Run("create existing", func(t *testing.T) {
		p.do(t, "POST", base, fmt.Sprintf(`{"topic_name":%q}`, name), "Content-Type: application/json").
			expectError(t, 400, 40002, fmt.Sprintf("Topic '%s' already exists.", name), ct)
	})
	t.Run("validate only", func(t *testing.T) {
		other := uniqueName(t, "topics-dry")
		r := p.do(t, "POST", base, fmt.Sprintf(`{"topic_name":%q,"partitions_count":3,"replication_factor":1,"validate_only":true}`, other),
			"Content-Type: application/json").expect(t, 200, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, other, 1, 3, nil))
		if loc := r.header.Get("Location"); loc != p.url+base+"/"+other {
			t.Fatalf("Location %q", loc)
		}
		time.Sleep(200 * time.Millisecond) // give a wrongful creation time to show
		if err := describeTopic(t, p, other).Err; !errors.Is(err, kerr.UnknownTopicOrPartition) {
			t.Fatalf("validate_only created the topic (Kafka says %v)", err)
		}
	})
	t.Run("create with assignments", func(t *testing.T) {
		other := uniqueName(t, "topics-assigned")
		deleteAtEnd(t, p, other)
		b := brokers[len(brokers)-1]
		// The assignments win over the counts given beside them.
		body := fmt.Sprintf(`{"topic_name":%q,"partitions_count":7,"replication_factor":3,"replicas_assignments":{"0":[%d],"1":[%d]}}`, other, b, b)
		r := p.do(t, "POST", base, body, "Content-Type: application/json").expect(t, 201, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, other, 1, 2, nil))
		td := awaitTopic(t, p, other)
		if len(td.Partitions) != 2 {
			t.Fatalf("Kafka has %d partitions, want 2", len(td.Partitions))
		}
		for _, pd := range td.Partitions {
			if len(pd.Replicas) != 1 || pd.Replicas[0] != b {
				t.Fatalf("partition %d has replicas %v, want [%d]", pd.Partition, pd.Replicas, b)
			}
		}
	})
	t.Run("create with broker defaults", func(t *testing.T) {
		other := uniqueName(t, "topics-defaults")
		deleteAtEnd(t, p, other)
		r := p.do(t, "POST", base, fmt.Sprintf(`{"topic_name":%q}`, other), "Content-Type: application/json").expect(t, 201, ct)
		td := awaitTopic(t, p, other)
		sameJSON(t, r.body, topicJSON(p.url, id, other, len(td.Partitions[0].Replicas), len(td.Partitions), nil))
	})
	t.Run("create refused", func(t *testing.T) {
		for _, tc := range []struct {
			name, body   string
			status, code int
			message      string
		}{
			{"null body", "null", 422, 42206, "Payload error. Request body is empty. Data is required."},
			{"no body", "", 422, 42206, "Payload error. Request body is empty. Data is required."},
			{"invalid name", `{"topic_name":"no spaces allowed"}`, 422, 42206, "Payload error. Invalid topic name."},
			{"empty name", `{"topic_name":""}`, 422, 42206, "Payload error. Invalid topic name."},
			{"dot name", `{"topic_name":".."}`, 422, 42206, "Payload error. Invalid topic name."},
			{"long name", fmt.Sprintf(`{"topic_name":%q}`, strings.Repeat("a", 250)), 422, 42206, "Payload error. Invalid topic name."},
			{"unknown field", `{"topic_name":"x","foo":1}`, 422, 422, "Unrecognized field: foo"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p.do(t, "POST", base, tc.body, "Content-Type: application/json").expectError(t, tc.status, tc.code, tc.message, ct)
			})
		}
		for _, body := range []string{`{}`, `"foobar"`, `{"topic_name":"x","partitions_count":"two"}`,
			`{"topic_name":"x","replicas_assignments":{"zero":[1]}}`, `{"topic_name":"x","configs":[{"value":"1"}]}`, `{"topic_name":`} {
			tpExpectCode(t, p.do(t, "POST", base, body, "Content-Type: application/json"), 400, 400)
		}
		tpExpectCode(t, p.do(t, "POST", base, fmt.Sprintf(`{"topic_name":%q,"replication_factor":%d}`, uniqueName(t, "topics-rf"), len(brokers)+1),
			"Content-Type: application/json"), 400, 40002)
		p.do(t, "POST", "/v3/clusters/foobar/topics", `{"topic_name":"x"}`, "Content-Type: application/json").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("get", func(t *testing.T) {
		r := p.do(t, "GET", base+"/"+name, "").expect(t, 200, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, name, 1, 2, nil))
		r = p.do(t, "GET", base+"/"+name+"?include_authorized_operations=true", "").expect(t, 200, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, name, 1, 2, tpAuthorizedOps(t, p, name)))
		p.do(t, "GET", base+"/"+name+"-missing", "").
			expectError(t, 404, 40403, "This server does not host this topic-partition.", ct)
		p.do(t, "GET", "/v3/clusters/foobar/topics/"+name, "").expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("list", func(t *testing.T) {
		r := p.do(t, "GET", base, "").expect(t, 200, ct)
		data := tpList(t, r, "KafkaTopicList", p.url+base)
		var names []string
		for _, d := range data {
			var td struct {
				TopicName  string `json:"topic_name"`
				IsInternal bool   `json:"is_internal"`
			}
			if err := json.Unmarshal(d, &td); err != nil {
				t.Fatal(err)
			}
			if td.IsInternal || strings.HasPrefix(td.TopicName, "__") {
				t.Fatalf("the list shows internal topic %s", td.TopicName)
			}
			if td.TopicName == name {
				sameJSON(t, d, topicJSON(p.url, id, name, 1, 2, nil))
			}
			names = append(names, td.TopicName)
		}
		if !sort.StringsAreSorted(names) {
			t.Fatalf("topics are not sorted: %v", names)
		}
		if i := sort.SearchStrings(names, name); i == len(names) || names[i] != name {
			t.Fatalf("topic %s is not listed: %v", name, names)
		}
		r = p.do(t, "GET", base+"?includeAuthorizedOperations=true", "").expect(t, 200, ct)
		var withOps struct {
			Data []struct {
				TopicName string   `json:"topic_name"`
				Ops       []string `json:"authorized_operations"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.body, &withOps); err != nil {
			t.Fatal(err)
		}
		want := tpAuthorizedOps(t, p, name)
		for _, d := range withOps.Data {
			if d.TopicName == name && fmt.Sprint(d.Ops) != fmt.Sprint(want) {
				t.Fatalf("authorized_operations %v, want Kafka's %v", d.Ops, want)
			}
		}
		p.do(t, "GET", "/v3/clusters/foobar/topics", "").expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("update partitions count", func(t *testing.T) {
		r := p.do(t, "PATCH", base+"/"+name, `{"partitions_count":3}`, "Content-Type: application/json").expect(t, 200, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, name, 1, 3, nil))
		if n := len(describeTopic(t, p, name).Partitions); n != 3 {
			t.Fatalf("Kafka has %d partitions, want 3", n)
		}
		for _, n := range []int{3, 1} {
			tpExpectCode(t, p.do(t, "PATCH", base+"/"+name, fmt.Sprintf(`{"partitions_count":%d}`, n), "Content-Type: application/json"), 400, 40002)
		}
		if n := len(describeTopic(t, p, name).Partitions); n != 3 {
			t.Fatalf("Kafka has %d partitions after refused updates, want 3", n)
		}
		p.do(t, "PATCH", base+"/"+name+"-missing", `{"partitions_count":3}`, "Content-Type: application/json").
			expectError(t, 404, 40403, "This server does not host this topic-partition.", ct)
		p.do(t, "PATCH", base+"/"+name, "null", "Content-Type: application/json").
			expectError(t, 422, 42206, "Payload error. Request body is empty. Partitions_count is required.", ct)
		p.do(t, "PATCH", base+"/"+name, `{"partitions_count":4,"x":1}`, "Content-Type: application/json").
			expectError(t, 422, 422, "Unrecognized field: x", ct)
		for _, body := range []string{`{}`, `{"partitions_count":"4"}`} {
			tpExpectCode(t, p.do(t, "PATCH", base+"/"+name, body, "Content-Type: application/json"), 400, 400)
		}
		p.do(t, "PATCH", "/v3/clusters/foobar/topics/"+name, `{"partitions_count":4}`, "Content-Type: application/json").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("delete", func(t *testing.T) {
		p.do(t, "DELETE", "/v3/clusters/foobar/topics/"+name, "").expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
		r := p.do(t, "DELETE", base+"/"+name, "")
		if r.status != 204 || len(r.body) != 0 {
			t.Fatalf("DELETE: %d %q, want 204 with no body", r.status, r.body)
		}
		eventually(t, "the topic to be gone from Kafka", func() error {
			if err := describeTopic(t, p, name).Err; !errors.Is(err, kerr.UnknownTopicOrPartition) {
				return fmt.Errorf("Kafka still describes it (%v)", err)
			}
			return nil
		})
		eventually(t, "the proxy to see the topic gone", func() error {
			if st := p.do(t, "DELETE", base+"/"+name, "").status; st != 404 {
				return fmt.Errorf("DELETE answered %d", st)
			}
			return nil
		})
		p.do(t, "DELETE", base+"/"+name, "").expectError(t, 404, 40403, "This server does not host this topic-partition.", ct)
	})
}

// tpCluster returns the cluster's id and broker ids, asked of Kafka itself.
func tpCluster(t *testing.T, p *proxy) (string, []int32) {
	t.Helper()
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatalf("asking the cluster itself: %v", err)
	}
	var ids []int32
	for _, b := range md.Brokers {
		ids = append(ids, b.NodeID)
	}
	return md.Cluster, ids
}

// tpAuthorizedOps is what Kafka says the proxy's principal may do on topic.
func tpAuthorizedOps(t *testing.T, p *proxy, topic string) []string {
	t.Helper()
	ops := []string{}
	for _, op := range describeTopic(t, p, topic).AuthorizedOperations {
		ops = append(ops, op.String())
	}
	return ops
}

// tpTopicConfig is one config of a topic, as Kafka describes it.
func tpTopicConfig(t *testing.T, p *proxy, topic, name string) kadm.Config {
	t.Helper()
	rcs, err := p.admin.DescribeTopicConfigs(context.Background(), topic)
	if err != nil {
		t.Fatalf("describing the configs of %s: %v", topic, err)
	}
	rc, err := rcs.On(topic, nil)
	if err == nil {
		err = rc.Err
	}
	if err != nil {
		t.Fatalf("describing the configs of %s: %v", topic, err)
	}
	for _, c := range rc.Configs {
		if c.Key == name {
			return c
		}
	}
	t.Fatalf("topic %s has no config %s", topic, name)
	return kadm.Config{}
}

// tpExpectCode checks an error answer's status and error_code; the message
// is Kafka's own, which differs between brokers, so it is only required.
func tpExpectCode(t *testing.T, r response, status, code int) {
	t.Helper()
	r.expect(t, status, "application/json")
	var e struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.ErrorCode != code || e.Message == "" {
		t.Fatalf("error %s, want error_code %d and a message", r.body, code)
	}
}

// tpList checks a v3 list's kind and metadata and returns its items.
func tpList(t *testing.T, r response, kind, self string) []json.RawMessage {
	t.Helper()
	var list struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Self string  `json:"self"`
			Next *string `json:"next"`
		} `json:"metadata"`
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		t.Fatal(err)
	}
	if list.Kind != kind || list.Metadata.Self != self || list.Metadata.Next != nil || list.Data == nil {
		t.Fatalf("got list %s, want kind %s, self %s, next null and data", r.body, kind, self)
	}
	return list.Data
}
