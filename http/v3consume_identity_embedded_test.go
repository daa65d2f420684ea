//go:build !integration

package http_test

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/kafka-rest-go/kafka-rest/internal/kfakesasl"
)

// TestV3ConsumeIdentityPassThrough: the v3 reads reach Kafka as their
// caller. alice may read topic A (and use group ga), bob topic B: each
// reads its own topic, is refused the other's in the error model (before
// a stream starts), and a wrong password is 401 for both reads.
func TestV3ConsumeIdentityPassThrough(t *testing.T) {
	reads := func(topic, group string) []kfake.ACL {
		var acls []kfake.ACL
		for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationRead, kmsg.ACLOperationDescribe} {
			acls = append(acls, kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: topic, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true},
				kfake.ACL{Resource: kmsg.ACLResourceTypeGroup, Name: group, Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true})
		}
		return append(acls, kfake.ACL{Resource: kmsg.ACLResourceTypeCluster, Name: "kafka-cluster", Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationDescribe, Allow: true})
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin-secret"),
		kfake.User("PLAIN", "alice", "alice-secret", reads("A", "ga")...),
		kfake.User("PLAIN", "bob", "bob-secret", reads("B", "gb")...),
		kfake.SeedTopics(1, "A", "B"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	kfakesasl.Refuse(c, map[string]string{"admin": "admin-secret", "alice": "alice-secret", "bob": "bob-secret"})
	addr := c.ListenAddrs()[0]
	p := passThroughProxy(t, addr, addr, "PLAIN", 4)
	admin := kgo.SASL(plain.Auth{User: "admin", Pass: "admin-secret"}.AsMechanism())
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), admin, kgo.DefaultProduceTopic("A"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(t.Context(), &kgo.Record{Topic: "A", Value: []byte("for alice")}, &kgo.Record{Topic: "B", Value: []byte("for bob")}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	alice, bob := basic("alice:alice-secret"), basic("bob:bob-secret")
	id := v3Cluster(t, p, alice)
	p.clusterID = id
	read := func(topic string) string {
		return "/v3/clusters/" + id + "/topics/" + topic + "/partitions/0/records?value_type=STRING"
	}
	for who, auth := range map[string]string{"A": alice, "B": bob} {
		r := p.do(t, "GET", read(who), "", auth).expect(t, 200, "application/json")
		if d := r.json(t)["data"].([]any); len(d) != 1 {
			t.Fatalf("%s reads its topic: %s", who, r.body)
		}
	}
	r := p.do(t, "GET", read("B"), "", alice)
	r.expect(t, 403, "application/json")
	if code := r.json(t)["error_code"]; code == nil || code.(interface{ String() string }).String() != "40301" {
		t.Fatalf("alice reads B: %s", r.body)
	}
	p.do(t, "GET", read("A"), "", basic("alice:wrong")).expect(t, 401, "application/json")

	sc := openStream(t, p, "ga", "topics=A&value_type=STRING", "text/event-stream", alice)
	if got := sc.records(t, 1, 30*time.Second)[0]; string(got.Value.Data) != `"for alice"` {
		t.Fatalf("alice's stream: %+v", got)
	}
	r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/ga/records?topics=B", "", alice)
	r.expect(t, 403, "application/json")
	p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/gb/records?topics=B", "", basic("bob:wrong")).expect(t, 401, "application/json")
}
