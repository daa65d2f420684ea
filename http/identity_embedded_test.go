//go:build !integration

package http_test

import (
	"context"
	"fmt"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/kafka-rest-go/kafka-rest/internal/kfakesasl"
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

// identityCluster is a kfake cluster of brokers brokers with SASL PLAIN
// users admin and alice (super users), which refuses other logins as
// Kafka does, with one-partition topics; and the callers of the identity
// scenarios on it.
func identityCluster(t *testing.T, brokers int, topics ...string) (string, *kfake.Cluster, *kfakesasl.Logins, identityCallers) {
	t.Helper()
	users := map[string]string{"admin": "admin-secret", "alice": "alice-secret"}
	opts := []kfake.Opt{kfake.NumBrokers(brokers), kfake.EnableSASL(), kfake.SeedTopics(1, topics...)}
	for u, pw := range users {
		opts = append(opts, kfake.Superuser("PLAIN", u, pw))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	addr := c.ListenAddrs()[0]
	callers := identityCallers{
		admin: basic("admin:admin-secret"), alice: basic("alice:alice-secret"), wrong: basic("alice:wrong"),
		bogus: func(i int) string {
			if i%2 == 0 {
				return basic(fmt.Sprintf("nobody-%d:secret", i))
			}
			return basic(fmt.Sprintf("alice:guess-%d", i))
		},
		values: func(t *testing.T, topic string) []string {
			return values(t, addr, topic, kgo.SASL(plain.Auth{User: "admin", Pass: "admin-secret"}.AsMechanism()))
		},
	}
	return addr, c, kfakesasl.Refuse(c, users), callers
}

// TestIdentityPassThroughWrongPasswordOnWarmTopic: see
// checkWrongPasswordOnWarmTopic.
func TestIdentityPassThroughWrongPasswordOnWarmTopic(t *testing.T) {
	addr, _, _, callers := identityCluster(t, 1, "warm")
	checkWrongPasswordOnWarmTopic(t, passThroughProxy(t, addr, addr, "PLAIN", 4), "warm", callers)
}

// TestIdentityPassThroughBogusCallersLockNobodyOut: see
// checkBogusCallersLockNobodyOut; four client places for forty callers
// with made-up credentials.
func TestIdentityPassThroughBogusCallersLockNobodyOut(t *testing.T) {
	addr, _, _, callers := identityCluster(t, 1, "flood")
	checkBogusCallersLockNobodyOut(t, passThroughProxy(t, addr, addr, "PLAIN", 4), "flood", callers)
}

// TestIdentityPassThroughLostLogin: alice's client is in the pool when her
// credentials stop working (revoked); her next records, which need a new
// connection (their partition moved to another broker), are answered 401
// 40101 at once rather than retried until the delivery timeout, and her
// client leaves the pool.
func TestIdentityPassThroughLostLogin(t *testing.T) {
	addr, c, logins, callers := identityCluster(t, 2, "moving")
	p := passThroughProxy(t, addr, addr, "PLAIN", 4)
	expectProduced(t, produceLine(t, p, "moving", "before", callers.alice), "moving")
	logins.Revoke("alice")
	if err := c.MoveTopicPartition("moving", 0, 1-c.LeaderFor("moving", 0)); err != nil {
		t.Fatal(err)
	}
	p.client = &nethttp.Client{Timeout: answerBound}
	expectRefusedStream(t, p, "moving", callers.alice, 2)
	p.do(t, "GET", "/v3/clusters", "", callers.alice).expectError(t, 401, 40101, refused, "application/json")
	if got := callers.values(t, "moving"); len(got) != 1 || got[0] != "before" {
		t.Fatalf("topic holds %q, want only the record from before", got)
	}
	expectCallerClients(t, p, 0)
}
