//go:build !integration

package http_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"
)

// TestIdentityPassThroughConcurrentCallers: alice and bob stream to the
// same two topics at once through one proxy, against a SASL cluster with
// ACLs (kfake) where alice may write topic A only and bob topic B only.
// Every record of a caller is decided by the caller's own rights, however
// their requests interleave in the topics' shared producer actors. (kfake
// refuses at produce time; a real broker refuses the metadata request
// already, which the integration tier's TestIdentityPassThroughACLs
// covers: that refusal must answer only the caller who got it.)
func TestIdentityPassThroughConcurrentCallers(t *testing.T) {
	writes := func(topic string) []kfake.ACL {
		var acls []kfake.ACL
		for _, op := range []kmsg.ACLOperation{kmsg.ACLOperationWrite, kmsg.ACLOperationDescribe} {
			acls = append(acls, kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: topic,
				Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: op, Allow: true})
		}
		return acls
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.EnableACLs(),
		kfake.Superuser("PLAIN", "admin", "admin-secret"),
		kfake.User("PLAIN", "alice", "alice-secret", writes("A")...),
		kfake.User("PLAIN", "bob", "bob-secret", writes("B")...),
		kfake.SeedTopics(1, "A", "B"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	addr := c.ListenAddrs()[0]
	p := passThroughProxy(t, addr, addr, "PLAIN", 4)

	const n = 200
	callers := map[string]string{"alice": basic("alice:alice-secret"), "bob": basic("bob:bob-secret")}
	owner := map[string]string{"A": "alice", "B": "bob"}
	t.Run("streams", func(t *testing.T) {
		for who, auth := range callers {
			for _, topic := range []string{"A", "B"} {
				t.Run(who+"-"+topic, func(t *testing.T) {
					t.Parallel()
					var body strings.Builder
					for i := range n {
						fmt.Fprintf(&body, `{"value":{"type":"STRING","data":"%s-%d"}}`, who, i)
					}
					r := p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p, auth)+"/topics/"+topic+"/records", body.String(), "Content-Type: application/json", auth).
						expect(t, 200, "application/json")
					ls := lines(t, r.body)
					if len(ls) != n {
						t.Fatalf("%d answer lines for %d records", len(ls), n)
					}
					want := "40301"
					if owner[topic] == who {
						want = "200"
					}
					for i, l := range ls {
						if got := fmt.Sprint(l["error_code"]); got != want {
							t.Fatalf("%s's record %d to %s: %v, want error_code %s", who, i, topic, l, want)
						}
					}
				})
			}
		}
	})

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.SASL(plain.Auth{User: "admin", Pass: "admin-secret"}.AsMechanism()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), "A", "B")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"A", "B"} {
		if o, _ := ends.Lookup(topic, 0); o.Offset != n {
			t.Fatalf("topic %s holds %d records, want %s's %d", topic, o.Offset, owner[topic], n)
		}
	}
}
