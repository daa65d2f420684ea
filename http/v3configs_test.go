package http_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// configsEnv is a proxy on the test's cluster and that cluster's id.
type configsEnv struct {
	p  *proxy
	id string
	// base is the absolute URL of /v3/clusters/{id}.
	base string
}

func newConfigsEnv(t *testing.T, bootstrap string) configsEnv {
	t.Helper()
	p := startProxy(t, bootstrap, nil)
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatalf("asking the cluster itself: %v", err)
	}
	return configsEnv{p: p, id: md.Cluster, base: p.url + "/v3/clusters/" + md.Cluster}
}

// createTopic creates a one-partition topic that the test deletes when it
// ends, and waits until Kafka describes its configs.
func (e configsEnv) createTopic(t *testing.T) string {
	t.Helper()
	name := uniqueName(t, "configs")
	createTopic(t, e.p, name, 1)
	eventually(t, "describing the new topic "+name, func() error {
		_, err := e.topicConfigs(name)
		return err
	})
	return name
}

// topicConfigs is Kafka's own description of a topic's configs.
func (e configsEnv) topicConfigs(topic string) ([]kadm.Config, error) {
	rcs, err := e.p.admin.DescribeTopicConfigs(context.Background(), topic)
	if err != nil {
		return nil, err
	}
	rc, err := rcs.On(topic, nil)
	if err != nil {
		return nil, err
	}
	return rc.Configs, rc.Err
}

// brokerConfigs is Kafka's own description of a broker's configs, or of
// the cluster-wide ones without a broker.
func (e configsEnv) brokerConfigs(brokers ...int32) ([]kadm.Config, error) {
	rcs, err := e.p.admin.DescribeBrokerConfigs(context.Background(), brokers...)
	if err != nil {
		return nil, err
	}
	if len(rcs) != 1 {
		return nil, fmt.Errorf("%d resources described, want 1", len(rcs))
	}
	return rcs[0].Configs, rcs[0].Err
}

// configOf finds name among configs.
func configOf(configs []kadm.Config, name string) (kadm.Config, bool) {
	i := slices.IndexFunc(configs, func(c kadm.Config) bool { return c.Key == name })
	if i < 0 {
		return kadm.Config{}, false
	}
	return configs[i], true
}

// valueIs checks that Kafka describes name among configs with value and,
// unless source is empty, from source.
func valueIs(configs []kadm.Config, err error, name, value, source string) error {
	if err != nil {
		return err
	}
	c, ok := configOf(configs, name)
	if !ok {
		return fmt.Errorf("Kafka has no config %s", name)
	}
	if c.MaybeValue() != value || (source != "" && c.Source.String() != source) {
		return fmt.Errorf("Kafka has %s=%q from %s, want %q from %s", name, c.MaybeValue(), c.Source, value, source)
	}
	return nil
}

// notSet is a check that, as describe reads Kafka, name is not set from
// any of sources.
func notSet(describe func() ([]kadm.Config, error), name string, sources ...kmsg.ConfigSource) func() error {
	return func() error {
		configs, err := describe()
		if err != nil {
			return err
		}
		if c, ok := configOf(configs, name); ok && slices.Contains(sources, c.Source) {
			return fmt.Errorf("%s is still %s from %s", name, c.MaybeValue(), c.Source)
		}
		return nil
	}
}

// owner is the field that tells a config's owner: topic_name, broker_id
// or config_type, with its value.
type owner struct {
	field string
	value any
}

// configJSON is the reference's data of config c as Kafka describes it,
// at self with resource name crn. is_read_only is left out: Kafka's
// description through kadm does not carry it.
func configJSON(t *testing.T, kind, clusterID string, o owner, self, crn string, c kadm.Config) map[string]any {
	t.Helper()
	value := c.Value
	if c.Sensitive {
		value = nil
	}
	synonyms := []any{}
	for _, s := range c.Synonyms {
		v := s.Value
		if c.Sensitive {
			v = nil
		}
		synonyms = append(synonyms, map[string]any{"name": s.Key, "value": v, "source": s.Source.String()})
	}
	return normalize(t, map[string]any{
		"kind":         kind,
		"metadata":     map[string]any{"self": self, "resource_name": crn},
		"cluster_id":   clusterID,
		o.field:        o.value,
		"name":         c.Key,
		"value":        value,
		"is_default":   c.Source == kmsg.ConfigSourceDefaultConfig,
		"is_sensitive": c.Sensitive,
		"source":       c.Source.String(),
		"synonyms":     synonyms,
	})
}

// topicConfigJSON is configJSON for a topic's config; topic configs are
// never read-only.
func (e configsEnv) topicConfigJSON(t *testing.T, topic string, c kadm.Config) map[string]any {
	t.Helper()
	m := configJSON(t, "KafkaTopicConfig", e.id, owner{"topic_name", topic},
		e.base+"/topics/"+topic+"/configs/"+c.Key, "crn:///kafka="+e.id+"/topic="+topic+"/config="+c.Key, c)
	m["is_read_only"] = false
	return m
}

func (e configsEnv) brokerConfigJSON(t *testing.T, broker int32, c kadm.Config) map[string]any {
	t.Helper()
	b := strconv.Itoa(int(broker))
	return configJSON(t, "KafkaBrokerConfig", e.id, owner{"broker_id", broker},
		e.base+"/brokers/"+b+"/configs/"+c.Key, "crn:///kafka="+e.id+"/broker="+b+"/config="+c.Key, c)
}

func (e configsEnv) clusterConfigJSON(t *testing.T, c kadm.Config) map[string]any {
	t.Helper()
	return configJSON(t, "KafkaClusterConfig", e.id, owner{"config_type", "BROKER"},
		e.base+"/broker-configs/"+c.Key, "crn:///kafka="+e.id+"/broker-config="+c.Key, c)
}

// normalize gives v the shape a decoded response has.
func normalize(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// decoded is a response body decoded as configJSON builds them.
func decoded(t *testing.T, r response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// sameConfig fails unless got is want, is_read_only aside when want has
// none.
func sameConfig(t *testing.T, got, want map[string]any) {
	t.Helper()
	if _, ok := want["is_read_only"]; !ok {
		if _, isBool := got["is_read_only"].(bool); !isBool {
			t.Fatalf("is_read_only is not a boolean: %v", got)
		}
		got = maps(got)
		delete(got, "is_read_only")
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("config\n%s\nwant\n%s", g, w)
	}
}

func maps(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// sameConfigList fails unless the list at r is kind at self holding want,
// in order.
func sameConfigList(t *testing.T, r response, kind, self string, want []map[string]any) {
	t.Helper()
	got := decoded(t, r)
	if got["kind"] != kind || !reflect.DeepEqual(got["metadata"], map[string]any{"self": self, "next": nil}) {
		t.Fatalf("list kind %v metadata %v, want %s at %s", got["kind"], got["metadata"], kind, self)
	}
	data, _ := got["data"].([]any)
	if len(data) != len(want) {
		t.Fatalf("%d configs, want %d: %s", len(data), len(want), r.body)
	}
	for i := range want {
		sameConfig(t, data[i].(map[string]any), want[i])
	}
}

// sortedByName is Kafka's configs in the reference's order.
func sortedByName(configs []kadm.Config) []kadm.Config {
	s := slices.Clone(configs)
	slices.SortFunc(s, func(a, b kadm.Config) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return s
}

// sameErrorEverywhere checks that every endpoint of the config collection
// at path answers the same error: list, get, update, reset and alter.
func sameErrorEverywhere(t *testing.T, p *proxy, path string, status, code int, msg string) {
	t.Helper()
	p.do(t, "GET", path, "").expectError(t, status, code, msg, "application/json")
	itemErrors(t, p, path, status, code, msg)
}

// itemErrors checks that the endpoints of one config of the collection at
// path answer the same error: get, update, reset, and alter.
func itemErrors(t *testing.T, p *proxy, path string, status, code int, msg string) {
	t.Helper()
	p.do(t, "GET", path+"/cleanup.policy", "").expectError(t, status, code, msg, "application/json")
	p.do(t, "PUT", path+"/cleanup.policy", `{"value":"compact"}`, jsonCT).expectError(t, status, code, msg, "application/json")
	p.do(t, "DELETE", path+"/cleanup.policy", "").expectError(t, status, code, msg, "application/json")
	p.do(t, "POST", path+":alter", `{"data":[{"name":"cleanup.policy","value":"compact"}]}`, jsonCT).
		expectError(t, status, code, msg, "application/json")
}

const jsonCT = "Content-Type: application/json"

func TestV3TopicConfigs(t *testing.T) {
	e := newConfigsEnv(t, target(t))
	p := e.p
	topic := e.createTopic(t)
	path := "/v3/clusters/" + e.id + "/topics/" + topic + "/configs"

	t.Run("list", func(t *testing.T) {
		configs, err := e.topicConfigs(topic)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := configOf(configs, "cleanup.policy"); !ok {
			t.Fatal("Kafka describes no cleanup.policy")
		}
		var want []map[string]any
		for _, c := range sortedByName(configs) {
			want = append(want, e.topicConfigJSON(t, topic, c))
		}
		r := p.do(t, "GET", path, "").expect(t, 200, "application/json")
		sameConfigList(t, r, "KafkaTopicConfigList", e.base+"/topics/"+topic+"/configs", want)
	})
	t.Run("get a default", func(t *testing.T) {
		configs, err := e.topicConfigs(topic)
		if err := valueIs(configs, err, "cleanup.policy", "delete", "DEFAULT_CONFIG"); err != nil {
			t.Fatal(err)
		}
		c, _ := configOf(configs, "cleanup.policy")
		r := p.do(t, "GET", path+"/cleanup.policy", "").expect(t, 200, "application/json")
		sameConfig(t, decoded(t, r), e.topicConfigJSON(t, topic, c))
	})
	t.Run("update then reset", func(t *testing.T) {
		p.do(t, "PUT", path+"/cleanup.policy", `{"value":"compact"}`, jsonCT).expect(t, 204, "")
		var set kadm.Config
		eventually(t, "Kafka has the new value", func() error {
			configs, err := e.topicConfigs(topic)
			set, _ = configOf(configs, "cleanup.policy")
			return valueIs(configs, err, "cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG")
		})
		r := p.do(t, "GET", path+"/cleanup.policy", "").expect(t, 200, "application/json")
		got := decoded(t, r)
		sameConfig(t, got, e.topicConfigJSON(t, topic, set))
		if got["is_default"] != false || len(got["synonyms"].([]any)) == 0 {
			t.Fatalf("a topic-level value: %s", r.body)
		}

		p.do(t, "DELETE", path+"/cleanup.policy", "").expect(t, 204, "")
		eventually(t, "Kafka has the default back", func() error {
			configs, err := e.topicConfigs(topic)
			return valueIs(configs, err, "cleanup.policy", "delete", "DEFAULT_CONFIG")
		})
	})
	t.Run("alter batch", func(t *testing.T) {
		p.do(t, "PUT", path+"/cleanup.policy", `{"value":"compact"}`, jsonCT).expect(t, 204, "")
		eventually(t, "Kafka has the first value", func() error {
			configs, err := e.topicConfigs(topic)
			return valueIs(configs, err, "cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG")
		})
		p.do(t, "POST", path+":alter", `{"data":[{"name":"compression.type","value":"gzip"},
			{"name":"cleanup.policy","operation":"DELETE"},{"name":"retention.ms","value":"3600000","operation":"SET"}]}`, jsonCT).
			expect(t, 204, "")
		eventually(t, "Kafka has the batch applied", func() error {
			configs, err := e.topicConfigs(topic)
			if err := valueIs(configs, err, "compression.type", "gzip", "DYNAMIC_TOPIC_CONFIG"); err != nil {
				return err
			}
			if err := valueIs(configs, nil, "retention.ms", "3600000", "DYNAMIC_TOPIC_CONFIG"); err != nil {
				return err
			}
			return valueIs(configs, nil, "cleanup.policy", "delete", "DEFAULT_CONFIG")
		})
	})
	t.Run("validate only changes nothing", func(t *testing.T) {
		before, err := e.topicConfigs(topic)
		if err != nil {
			t.Fatal(err)
		}
		p.do(t, "POST", path+":alter", `{"data":[{"name":"segment.ms","value":"7200000"},{"name":"compression.type","operation":"DELETE"}],"validate_only":true}`, jsonCT).
			expect(t, 204, "")
		time.Sleep(200 * time.Millisecond) // what a real change would take to show
		after, err := e.topicConfigs(topic)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sortedByName(before), sortedByName(after)) {
			t.Fatalf("validate_only changed the configs:\nbefore %v\nafter  %v", before, after)
		}
	})
	t.Run("validate only reports what Kafka refuses", func(t *testing.T) {
		// Only the real broker checks values; what it says is the answer.
		res, err := p.admin.ValidateAlterTopicConfigs(context.Background(),
			[]kadm.AlterConfig{{Name: "cleanup.policy", Value: kadm.StringPtr("invalid_xyz")}}, topic)
		if err != nil {
			t.Fatal(err)
		}
		r := p.do(t, "POST", path+":alter", `{"data":[{"name":"cleanup.policy","value":"invalid_xyz"}],"validate_only":true}`, jsonCT)
		if res[0].Err == nil {
			r.expect(t, 204, "")
			return
		}
		r.expectError(t, 400, 40002, res[0].ErrMessage, "application/json")
	})
	t.Run("no such topic", func(t *testing.T) {
		sameErrorEverywhere(t, p, "/v3/clusters/"+e.id+"/topics/"+uniqueName(t, "configs")+"/configs",
			404, 40403, "This server does not host this topic-partition.")
	})
	t.Run("no such config", func(t *testing.T) {
		msg := fmt.Sprintf("Config foobar cannot be found for TOPIC %s in cluster %s.", topic, e.id)
		p.do(t, "GET", path+"/foobar", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "PUT", path+"/foobar", `{"value":"compact"}`, jsonCT).expectError(t, 404, 404, msg, "application/json")
		p.do(t, "DELETE", path+"/foobar", "").expectError(t, 404, 404, msg, "application/json")
		p.do(t, "POST", path+":alter", `{"data":[{"name":"compression.type","value":"gzip"},{"name":"foobar","value":"x"}]}`, jsonCT).
			expectError(t, 404, 404, msg, "application/json")
		eventually(t, "the refused batch left compression.type alone", func() error {
			configs, err := e.topicConfigs(topic)
			return valueIs(configs, err, "compression.type", "gzip", "DYNAMIC_TOPIC_CONFIG")
		})
	})
	t.Run("no such cluster", func(t *testing.T) {
		sameErrorEverywhere(t, p, "/v3/clusters/foobar/topics/"+topic+"/configs", 404, 404, "Cluster foobar cannot be found.")
	})
	t.Run("invalid bodies", func(t *testing.T) {
		for _, tc := range []struct {
			method, path, body string
			status, code       int
			msg                string
		}{
			{"POST", path + ":alter", "", 422, 42206, "Payload error. Null input provided. Data is required."},
			{"POST", path + ":alter", "null", 422, 42206, "Payload error. Null input provided. Data is required."},
			{"POST", path + ":alter", `{"data":[],"foo":1}`, 422, 422, "Unrecognized field: foo"},
			{"POST", path + ":alter", `{"data":[{"name":"cleanup.policy","values":"x"}]}`, 422, 422, "Unrecognized field: values"},
			{"POST", path + ":alter", `{}`, 400, 400, "Bad Request: data is required."},
			{"POST", path + ":alter", `{"data":[{"value":"x"}]}`, 400, 400, "Bad Request: data[].name is required."},
			{"POST", path + ":alter", `{"data":[null]}`, 400, 400, "Bad Request: data[].name is required."},
			{"POST", path + ":alter", `{"data":[{"name":"cleanup.policy","operation":"set"}]}`, 400, 400,
				"Bad Request: data[].operation must be one of SET, DELETE, not 'set'."},
			{"PUT", path + "/cleanup.policy", "", 422, 42206, "Payload error. Request body is empty. Data is required."},
			{"PUT", path + "/cleanup.policy", `{"valu":"x"}`, 422, 422, "Unrecognized field: valu"},
		} {
			p.do(t, tc.method, tc.path, tc.body, jsonCT).expectError(t, tc.status, tc.code, tc.msg, "application/json")
		}
		for _, body := range []string{`{"data":{}}`, `{"data":[{"name":1}]}`, `{"data":[],"validate_only":"yes"}`, `{"data":[`, `"foobar"`} {
			r := p.do(t, "POST", path+":alter", body, jsonCT).expect(t, 400, "application/json")
			if e := r.json(t); e["error_code"] != json.Number("400") {
				t.Fatalf("%s: %s", body, r.body)
			}
		}
		r := p.do(t, "PUT", path+"/cleanup.policy", `{"value":1}`, jsonCT).expect(t, 400, "application/json")
		if e := r.json(t); e["error_code"] != json.Number("400") {
			t.Fatalf("a number for a value: %s", r.body)
		}
	})
}

func TestV3AllTopicsConfigs(t *testing.T) {
	e := newConfigsEnv(t, target(t))
	p := e.p
	t1, t2 := e.createTopic(t), e.createTopic(t)
	if t2 < t1 {
		t1, t2 = t2, t1
	}
	all := "/v3/clusters/" + e.id + "/topics/-/configs"

	t.Run("list", func(t *testing.T) {
		p.do(t, "PUT", "/v3/clusters/"+e.id+"/topics/"+t2+"/configs/cleanup.policy", `{"value":"compact"}`, jsonCT).expect(t, 204, "")
		eventually(t, "Kafka has the new value", func() error {
			configs, err := e.topicConfigs(t2)
			return valueIs(configs, err, "cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG")
		})
		r := p.do(t, "GET", all, "").expect(t, 200, "application/json")
		got := decoded(t, r)
		if got["kind"] != "KafkaTopicConfigList" || !reflect.DeepEqual(got["metadata"], map[string]any{"self": e.base + "/topics/-/configs", "next": nil}) {
			t.Fatalf("list kind %v metadata %v", got["kind"], got["metadata"])
		}
		// Other tests' topics may come and go on a shared broker: look at
		// this test's two, which must be whole, in order, one after the other.
		var mine []map[string]any
		for _, d := range got["data"].([]any) {
			c := d.(map[string]any)
			if c["topic_name"] == t1 || c["topic_name"] == t2 {
				mine = append(mine, c)
			}
		}
		var want []map[string]any
		for _, topic := range []string{t1, t2} {
			configs, err := e.topicConfigs(topic)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range sortedByName(configs) {
				want = append(want, e.topicConfigJSON(t, topic, c))
			}
		}
		if len(mine) != len(want) {
			t.Fatalf("%d configs of the two topics, want %d", len(mine), len(want))
		}
		for i := range want {
			sameConfig(t, mine[i], want[i])
		}
	})
	t.Run("no such cluster", func(t *testing.T) {
		p.do(t, "GET", "/v3/clusters/foobar/topics/-/configs", "").expectError(t, 404, 404, "Cluster foobar cannot be found.", "application/json")
	})
}

func TestV3AlterManyTopicsConfigs(t *testing.T) {
	e := newConfigsEnv(t, target(t))
	p := e.p
	t1, t2 := e.createTopic(t), e.createTopic(t)
	alter := "/v3/clusters/" + e.id + "/topics/-/configs:alter"

	t.Run("all succeed", func(t *testing.T) {
		p.do(t, "POST", alter, fmt.Sprintf(`{"data":[
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","value":"compact"}]},
			{"topic_name":%q,"configs":[{"name":"compression.type","value":"gzip"},{"name":"retention.ms","value":"3600000"}]}]}`, t1, t2), jsonCT).
			expect(t, 204, "")
		eventually(t, "Kafka has both topics altered", func() error {
			c1, err := e.topicConfigs(t1)
			if err := valueIs(c1, err, "cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG"); err != nil {
				return err
			}
			c2, err := e.topicConfigs(t2)
			if err := valueIs(c2, err, "compression.type", "gzip", "DYNAMIC_TOPIC_CONFIG"); err != nil {
				return err
			}
			return valueIs(c2, nil, "retention.ms", "3600000", "DYNAMIC_TOPIC_CONFIG")
		})
	})
	t.Run("validate only changes nothing", func(t *testing.T) {
		p.do(t, "POST", alter, fmt.Sprintf(`{"data":[
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","operation":"DELETE"}]},
			{"topic_name":%q,"configs":[{"name":"compression.type","value":"lz4"}]}],"validate_only":true}`, t1, t2), jsonCT).
			expect(t, 204, "")
		time.Sleep(200 * time.Millisecond) // what a real change would take to show
		c1, err := e.topicConfigs(t1)
		if err := valueIs(c1, err, "cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG"); err != nil {
			t.Fatal(err)
		}
		c2, err := e.topicConfigs(t2)
		if err := valueIs(c2, err, "compression.type", "gzip", "DYNAMIC_TOPIC_CONFIG"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a topic Kafka refuses", func(t *testing.T) {
		// Only the real broker checks values (kfake takes any): ask it
		// first, and expect what it says.
		res, err := p.admin.ValidateAlterTopicConfigs(context.Background(),
			[]kadm.AlterConfig{{Name: "cleanup.policy", Value: kadm.StringPtr("invalid_xyz")}}, t2)
		if err != nil {
			t.Fatal(err)
		}
		r := p.do(t, "POST", alter, fmt.Sprintf(`{"data":[
			{"topic_name":%q,"configs":[{"name":"segment.ms","value":"7200000"}]},
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","value":"invalid_xyz"}]}]}`, t1, t2), jsonCT)
		if res[0].Err == nil {
			r.expect(t, 204, "")
		} else {
			r.expect(t, 207, "application/json")
			sameJSON(t, r.body, string(normalizeJSON(t, map[string]any{"failures": []any{
				map[string]any{"topic_name": t2, "error_code": 40002, "message": res[0].ErrMessage}}})))
			c2, err := e.topicConfigs(t2)
			if err := valueIs(c2, err, "cleanup.policy", "delete", "DEFAULT_CONFIG"); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, "Kafka has the other topic altered", func() error {
			c1, err := e.topicConfigs(t1)
			return valueIs(c1, err, "segment.ms", "7200000", "DYNAMIC_TOPIC_CONFIG")
		})
	})
	t.Run("pre-validation fails the whole request", func(t *testing.T) {
		missing := uniqueName(t, "configs")
		p.do(t, "POST", alter, fmt.Sprintf(`{"data":[
			{"topic_name":%q,"configs":[{"name":"retention.ms","value":"1800000"}]},
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","value":"compact"}]}]}`, t1, missing), jsonCT).
			expectError(t, 404, 40403, "This server does not host this topic-partition.", "application/json")
		p.do(t, "POST", alter, fmt.Sprintf(`{"data":[
			{"topic_name":%q,"configs":[{"name":"retention.ms","value":"1800000"}]},
			{"topic_name":%q,"configs":[{"name":"foobar","value":"x"}]}]}`, t1, t2), jsonCT).
			expectError(t, 404, 404, fmt.Sprintf("Config foobar cannot be found for TOPIC %s in cluster %s.", t2, e.id), "application/json")
		p.do(t, "POST", "/v3/clusters/foobar/topics/-/configs:alter", `{"data":[]}`, jsonCT).
			expectError(t, 404, 404, "Cluster foobar cannot be found.", "application/json")
		time.Sleep(200 * time.Millisecond) // what a real change would take to show
		c1, err := e.topicConfigs(t1)
		if err := valueIs(c1, err, "retention.ms", "3600000", ""); err == nil {
			t.Fatal("retention.ms of the first topic was altered by a refused request")
		}
	})
	t.Run("invalid bodies", func(t *testing.T) {
		for _, tc := range []struct {
			body         string
			status, code int
			msg          string
		}{
			{"", 422, 42206, "Payload error. Null input provided. Data is required."},
			{"null", 422, 42206, "Payload error. Null input provided. Data is required."},
			{`{"data":[{"topic_name":"a","configs":[],"x":1}]}`, 422, 422, "Unrecognized field: x"},
			{`{}`, 400, 400, "Bad Request: data is required."},
			{`{"data":[{"configs":[]}]}`, 400, 400, "Bad Request: data[].topic_name is required."},
			{`{"data":[{"topic_name":"a"}]}`, 400, 400, "Bad Request: data[].configs is required."},
			{`{"data":[{"topic_name":"a","configs":[{"name":"x","operation":"APPEND"}]}]}`, 400, 400,
				"Bad Request: data[].configs[].operation must be one of SET, DELETE, not 'APPEND'."},
		} {
			p.do(t, "POST", alter, tc.body, jsonCT).expectError(t, tc.status, tc.code, tc.msg, "application/json")
		}
	})
}

// normalizeJSON is v as JSON.
func normalizeJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestV3TopicsConfigsKafkaFailures makes Kafka fail some topics for sure,
// which only an embedded cluster's fault injection can, on either tier.
func TestV3TopicsConfigsKafkaFailures(t *testing.T) {
	cfg := embedded.DefaultConfig()
	cfg.Port = 0
	emb, err := embedded.Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	e := newConfigsEnv(t, emb.Addr())
	t1, t2, t3 := e.createTopic(t), e.createTopic(t), e.createTopic(t)

	t.Run("refused topics of a multi-topic alter", func(t *testing.T) {
		h := emb.Fake().Fault(
			kfake.Fault{Keys: []kmsg.Key{kmsg.IncrementalAlterConfigs}, Resource: t2, Err: kerr.InvalidConfig},
			kfake.Fault{Keys: []kmsg.Key{kmsg.IncrementalAlterConfigs}, Resource: t3, Err: kerr.TopicAuthorizationFailed},
		)
		defer h.Remove()
		r := e.p.do(t, "POST", "/v3/clusters/"+e.id+"/topics/-/configs:alter", fmt.Sprintf(`{"data":[
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","value":"compact"}]},
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","value":"compact"}]},
			{"topic_name":%q,"configs":[{"name":"cleanup.policy","value":"compact"}]}]}`, t3, t1, t2), jsonCT).
			expect(t, 207, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"failures":[
			{"topic_name":%q,"error_code":40301,"message":%q},
			{"topic_name":%q,"error_code":40002,"message":%q}]}`,
			t3, kerr.TopicAuthorizationFailed.Description, t2, kerr.InvalidConfig.Description))
		c1, err := e.topicConfigs(t1)
		if err := valueIs(c1, err, "cleanup.policy", "compact", "DYNAMIC_TOPIC_CONFIG"); err != nil {
			t.Fatal(err)
		}
		for _, topic := range []string{t2, t3} {
			c, err := e.topicConfigs(topic)
			if err := valueIs(c, err, "cleanup.policy", "delete", "DEFAULT_CONFIG"); err != nil {
				t.Fatalf("%s: %v", topic, err)
			}
		}
	})
	t.Run("a topic deleted while all are listed", func(t *testing.T) {
		// Kafka answers for t2 as for a topic deleted between the listing
		// and the description: it is no longer one of all topics.
		h := emb.Fake().Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.DescribeConfigs}, Resource: t2, Err: kerr.UnknownTopicOrPartition})
		defer h.Remove()
		r := e.p.do(t, "GET", "/v3/clusters/"+e.id+"/topics/-/configs", "").expect(t, 200, "application/json")
		var topics []any
		for _, d := range decoded(t, r)["data"].([]any) {
			if name := d.(map[string]any)["topic_name"]; !slices.Contains(topics, name) {
				topics = append(topics, name)
			}
		}
		want := []any{t1, t3}
		if t3 < t1 {
			want = []any{t3, t1}
		}
		if !reflect.DeepEqual(topics, want) {
			t.Fatalf("configs of topics %v, want %v", topics, want)
		}
		if h.Hits() != 1 {
			t.Fatalf("the fault answered %d requests, want 1", h.Hits())
		}
	})
}

// brokers is the cluster's broker ids, lowest first.
func (e configsEnv) brokers(t *testing.T) []int32 {
	t.Helper()
	md, err := e.p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := md.Brokers.NodeIDs()
	slices.Sort(ids)
	return ids
}

// brokerKnob is a broker config every broker can change at run time,
// per broker and cluster-wide, and that nothing else reads in tests.
const brokerKnob = "log.cleaner.backoff.ms"

func TestV3BrokerConfigs(t *testing.T) {
	e := newConfigsEnv(t, target(t))
	p := e.p
	broker := e.brokers(t)[0]
	b := strconv.Itoa(int(broker))
	path := "/v3/clusters/" + e.id + "/brokers/" + b + "/configs"
	t.Cleanup(func() {
		// Leave the shared broker as it was, whatever failed.
		_, _ = p.admin.AlterBrokerConfigs(context.Background(), []kadm.AlterConfig{{Op: kadm.DeleteConfig, Name: brokerKnob}}, broker)
	})

	t.Run("list", func(t *testing.T) {
		configs, err := e.brokerConfigs(broker)
		if err != nil {
			t.Fatal(err)
		}
		var want []map[string]any
		sensitive := 0
		for _, c := range sortedByName(configs) {
			want = append(want, e.brokerConfigJSON(t, broker, c))
			if c.Sensitive {
				sensitive++
			}
		}
		if sensitive == 0 {
			t.Fatal("Kafka describes no sensitive broker config to check")
		}
		r := p.do(t, "GET", path, "").expect(t, 200, "application/json")
		sameConfigList(t, r, "KafkaBrokerConfigList", e.base+"/brokers/"+b+"/configs", want)
	})
	t.Run("all brokers", func(t *testing.T) {
		var want []map[string]any
		for _, id := range e.brokers(t) {
			configs, err := e.brokerConfigs(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range sortedByName(configs) {
				want = append(want, e.brokerConfigJSON(t, id, c))
			}
		}
		r := p.do(t, "GET", "/v3/clusters/"+e.id+"/brokers/-/configs", "").expect(t, 200, "application/json")
		sameConfigList(t, r, "KafkaBrokerConfigList", e.base+"/brokers/-/configs", want)
	})
	t.Run("update then reset", func(t *testing.T) {
		p.do(t, "PUT", path+"/"+brokerKnob, `{"value":"16000"}`, jsonCT).expect(t, 204, "")
		var set kadm.Config
		eventually(t, "Kafka has the new value", func() error {
			configs, err := e.brokerConfigs(broker)
			set, _ = configOf(configs, brokerKnob)
			return valueIs(configs, err, brokerKnob, "16000", "DYNAMIC_BROKER_CONFIG")
		})
		r := p.do(t, "GET", path+"/"+brokerKnob, "").expect(t, 200, "application/json")
		sameConfig(t, decoded(t, r), e.brokerConfigJSON(t, broker, set))

		p.do(t, "DELETE", path+"/"+brokerKnob, "").expect(t, 204, "")
		eventually(t, "Kafka has the broker value gone", notSet(func() ([]kadm.Config, error) { return e.brokerConfigs(broker) },
			brokerKnob, kmsg.ConfigSourceDynamicBrokerConfig))
	})
	t.Run("alter batch", func(t *testing.T) {
		p.do(t, "POST", path+":alter", `{"data":[{"name":"`+brokerKnob+`","value":"16000"}],"validate_only":true}`, jsonCT).expect(t, 204, "")
		if err := notSet(func() ([]kadm.Config, error) { return e.brokerConfigs(broker) }, brokerKnob, kmsg.ConfigSourceDynamicBrokerConfig)(); err != nil {
			t.Fatalf("validate_only changed the broker config: %v", err)
		}
		p.do(t, "POST", path+":alter", `{"data":[{"name":"`+brokerKnob+`","value":"17000"}]}`, jsonCT).expect(t, 204, "")
		eventually(t, "Kafka has the batch applied", func() error {
			configs, err := e.brokerConfigs(broker)
			return valueIs(configs, err, brokerKnob, "17000", "DYNAMIC_BROKER_CONFIG")
		})
		p.do(t, "POST", path+":alter", `{"data":[{"name":"`+brokerKnob+`","operation":"DELETE"}]}`, jsonCT).expect(t, 204, "")
		eventually(t, "Kafka has the broker value gone", notSet(func() ([]kadm.Config, error) { return e.brokerConfigs(broker) },
			brokerKnob, kmsg.ConfigSourceDynamicBrokerConfig))
	})
	t.Run("no such config", func(t *testing.T) {
		msg := fmt.Sprintf("Config foobar cannot be found for BROKER %s in cluster %s.", b, e.id)
		p.do(t, "GET", path+"/foobar", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "PUT", path+"/foobar", `{"value":"1"}`, jsonCT).expectError(t, 404, 404, msg, "application/json")
		p.do(t, "DELETE", path+"/foobar", "").expectError(t, 404, 404, msg, "application/json")
		p.do(t, "POST", path+":alter", `{"data":[{"name":"foobar","value":"1"}]}`, jsonCT).expectError(t, 404, 404, msg, "application/json")
	})
	t.Run("no such broker", func(t *testing.T) {
		// Not a number: no path of the reference. "-" is every broker
		// only for the list.
		sameErrorEverywhere(t, p, "/v3/clusters/"+e.id+"/brokers/foobar/configs", 404, 404, "HTTP 404 Not Found")
		itemErrors(t, p, "/v3/clusters/"+e.id+"/brokers/-/configs", 404, 404, "HTTP 404 Not Found")
		sameErrorEverywhere(t, p, "/v3/clusters/"+e.id+"/brokers/9999/configs", 404, 404, "Broker 9999 cannot be found.")
	})
	t.Run("no such cluster", func(t *testing.T) {
		const msg = "Cluster foobar cannot be found."
		sameErrorEverywhere(t, p, "/v3/clusters/foobar/brokers/"+b+"/configs", 404, 404, msg)
		p.do(t, "GET", "/v3/clusters/foobar/brokers/-/configs", "").expectError(t, 404, 404, msg, "application/json")
	})
	t.Run("invalid bodies", func(t *testing.T) {
		p.do(t, "POST", path+":alter", "null", jsonCT).
			expectError(t, 422, 42206, "Payload error. Null input provided. Data is required.", "application/json")
		p.do(t, "PUT", path+"/"+brokerKnob, "", jsonCT).
			expectError(t, 422, 42206, "Payload error. Request body is empty. Data is required.", "application/json")
		p.do(t, "POST", path+":alter", `{"data":[{"name":"x","operation":"REMOVE"}]}`, jsonCT).
			expectError(t, 400, 400, "Bad Request: data[].operation must be one of SET, DELETE, not 'REMOVE'.", "application/json")
	})
}

func TestV3ClusterConfigs(t *testing.T) {
	e := newConfigsEnv(t, target(t))
	p := e.p
	path := "/v3/clusters/" + e.id + "/broker-configs"
	t.Cleanup(func() {
		// Leave the shared broker as it was, whatever failed.
		_, _ = p.admin.AlterBrokerConfigs(context.Background(), []kadm.AlterConfig{{Op: kadm.DeleteConfig, Name: brokerKnob}})
	})
	// dynamic is Kafka's own list of the cluster-wide configs: the
	// dynamic ones of the cluster-wide resource.
	dynamic := func() ([]kadm.Config, error) {
		configs, err := e.brokerConfigs()
		return slices.DeleteFunc(configs, func(c kadm.Config) bool {
			return c.Source != kmsg.ConfigSourceDynamicDefaultBrokerConfig && c.Source != kmsg.ConfigSourceDynamicBrokerConfig
		}), err
	}

	t.Run("upsert, list, get, delete", func(t *testing.T) {
		p.do(t, "PUT", path+"/"+brokerKnob, `{"value":"18000"}`, jsonCT).expect(t, 204, "")
		var configs []kadm.Config
		eventually(t, "Kafka has the new value", func() error {
			var err error
			configs, err = dynamic()
			return valueIs(configs, err, brokerKnob, "18000", "")
		})
		var want []map[string]any
		for _, c := range sortedByName(configs) {
			want = append(want, e.clusterConfigJSON(t, c))
		}
		r := p.do(t, "GET", path, "").expect(t, 200, "application/json")
		sameConfigList(t, r, "KafkaClusterConfigList", e.base+"/broker-configs", want)

		set, _ := configOf(configs, brokerKnob)
		r = p.do(t, "GET", path+"/"+brokerKnob, "").expect(t, 200, "application/json")
		sameConfig(t, decoded(t, r), e.clusterConfigJSON(t, set))

		p.do(t, "DELETE", path+"/"+brokerKnob, "").expect(t, 204, "")
		eventually(t, "Kafka has the value gone", notSet(dynamic, brokerKnob,
			kmsg.ConfigSourceDynamicDefaultBrokerConfig, kmsg.ConfigSourceDynamicBrokerConfig))
		p.do(t, "GET", path+"/"+brokerKnob, "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "DELETE", path+"/"+brokerKnob, "").expectError(t, 404, 404,
			fmt.Sprintf("Config %s cannot be found for BROKER  in cluster %s.", brokerKnob, e.id), "application/json")
	})
	t.Run("alter batch", func(t *testing.T) {
		p.do(t, "POST", path+":alter", `{"data":[{"name":"`+brokerKnob+`","value":"19000"}]}`, jsonCT).expect(t, 204, "")
		eventually(t, "Kafka has the batch applied", func() error {
			configs, err := dynamic()
			return valueIs(configs, err, brokerKnob, "19000", "")
		})
		p.do(t, "POST", path+":alter", `{"data":[{"name":"`+brokerKnob+`","operation":"DELETE"}]}`, jsonCT).expect(t, 204, "")
		eventually(t, "Kafka has the value gone", notSet(dynamic, brokerKnob,
			kmsg.ConfigSourceDynamicDefaultBrokerConfig, kmsg.ConfigSourceDynamicBrokerConfig))
	})
	t.Run("other config types", func(t *testing.T) {
		for _, tc := range []struct{ method, path, body string }{
			{"GET", "/v3/clusters/" + e.id + "/topic-configs", ""},
			{"GET", "/v3/clusters/foobar/topic-configs/" + brokerKnob, ""},
			{"PUT", "/v3/clusters/" + e.id + "/topic-configs/" + brokerKnob, `{"value":"1"}`},
			{"POST", "/v3/clusters/" + e.id + "/topic-configs:alter", `{"data":[]}`},
		} {
			p.do(t, tc.method, tc.path, tc.body, jsonCT).
				expectError(t, 404, 404, "The valid values for Type do not include 'topic'", "application/json")
		}
		p.do(t, "GET", "/v3/clusters/"+e.id+"/-configs", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", "/v3/clusters/"+e.id+"/topic-configs/a/b", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		noV3 := startProxy(t, target(t), func(c *http.Config) { c.V3 = false })
		noV3.do(t, "GET", "/v3/clusters/"+e.id+"/topic-configs", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	})
	t.Run("no such cluster", func(t *testing.T) {
		sameErrorEverywhere(t, p, "/v3/clusters/foobar/broker-configs", 404, 404, "Cluster foobar cannot be found.")
	})
	t.Run("invalid bodies", func(t *testing.T) {
		p.do(t, "POST", path+":alter", "", jsonCT).
			expectError(t, 422, 42206, "Payload error. Null input provided. Data is required.", "application/json")
		p.do(t, "PUT", path+"/"+brokerKnob, "null", jsonCT).
			expectError(t, 422, 42206, "Payload error. Request body is empty. Data is required.", "application/json")
		p.do(t, "POST", path+":alter", `{"data":[{"name":"x"}],"validate":true}`, jsonCT).
			expectError(t, 422, 422, "Unrecognized field: validate", "application/json")
	})
}
