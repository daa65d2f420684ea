//go:build integration

package http_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
)

// grant lets principal write and read topic and use group, and removes
// the ACLs when the test ends.
func grant(t *testing.T, p *proxy, principal, topic, group string) {
	t.Helper()
	ctx := context.Background()
	topicACLs := kadm.NewACLs().Allow(principal).AllowHosts().Topics(topic).
		Operations(kadm.OpWrite, kadm.OpRead, kadm.OpDescribe).ResourcePatternType(kadm.ACLPatternLiteral)
	groupACLs := kadm.NewACLs().Allow(principal).AllowHosts().Groups(group).
		Operations(kadm.OpRead, kadm.OpDescribe).ResourcePatternType(kadm.ACLPatternLiteral)
	for _, b := range []*kadm.ACLBuilder{topicACLs, groupACLs} {
		res, err := p.admin.CreateACLs(ctx, b)
		if err == nil {
			for _, r := range res {
				if r.Err != nil {
					err = r.Err
				}
			}
		}
		if err != nil {
			t.Fatalf("granting %s: %v", principal, err)
		}
	}
	t.Cleanup(func() {
		for _, b := range []*kadm.ACLBuilder{topicACLs, groupACLs} {
			if _, err := p.admin.DeleteACLs(context.Background(), b); err != nil {
				t.Logf("removing the ACLs of %s: %v", principal, err)
			}
		}
	})
	// The authorizer applies new ACLs a moment after it answers.
	time.Sleep(500 * time.Millisecond)
}

// unsecuredJWT is an unsigned token (alg none) for subject, as Kafka's
// unsecured OAUTHBEARER validator accepts.
func unsecuredJWT(subject string) string {
	enc := base64.RawURLEncoding
	now := time.Now().Unix()
	return enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." +
		enc.EncodeToString(fmt.Appendf(nil, `{"sub":%q,"iat":%d,"exp":%d}`, subject, now, now+3600)) + "."
}

func expectDenied(t *testing.T, line map[string]any) {
	t.Helper()
	if fmt.Sprint(line["error_code"]) != "40301" || !strings.Contains(fmt.Sprint(line["message"]), "authorization failed") {
		t.Fatalf("want the reference's 40301, got %v", line)
	}
}

// TestIdentityPassThroughACLs: one proxy, two callers; alice may write
// topic A, bob topic B. Each request reaches Kafka as its caller, over
// HTTP Basic (SCRAM) and bearer tokens (OAUTHBEARER) alike, and Kafka's
// denials are the reference's 40301: on v3 streaming and batch produce,
// v2 produce, admin calls and v2 consumer instances, which belong to the
// caller that created them.
func TestIdentityPassThroughACLs(t *testing.T) {
	bootstrap := target(t)
	admin := startProxy(t, bootstrap, nil)
	topicA, topicB := uniqueName(t, "alice-topic"), uniqueName(t, "bob-topic")
	groupA, groupB := uniqueName(t, "alice-group"), uniqueName(t, "bob-group")
	createTopic(t, admin, topicA, 1)
	createTopic(t, admin, topicB, 1)
	grant(t, admin, "User:alice", topicA, groupA)
	grant(t, admin, "User:bob", topicB, groupB)

	// Five distinct credentials below share two client places.
	p := passThroughProxy(t, bootstrap, saslTarget(t), "SCRAM-SHA-512", 2)
	alice, bob := basic("alice:alice-secret"), basic("bob:bob-secret")
	aliceToken, bobToken := "Authorization: Bearer "+unsecuredJWT("alice"), "Authorization: Bearer "+unsecuredJWT("bob")

	// v3 streaming produce, Basic and bearer.
	expectProduced(t, produceLine(t, p, topicA, "alice-stream", alice), topicA)
	expectDenied(t, produceLine(t, p, topicB, "alice-stream", alice))
	expectProduced(t, produceLine(t, p, topicB, "bob-stream", bob), topicB)
	expectDenied(t, produceLine(t, p, topicA, "bob-stream", bob))
	expectProduced(t, produceLine(t, p, topicA, "alice-token", aliceToken), topicA)
	expectDenied(t, produceLine(t, p, topicB, "alice-token", aliceToken))
	expectProduced(t, produceLine(t, p, topicB, "bob-token", bobToken), topicB)
	expectDenied(t, produceLine(t, p, topicA, "bob-token", bobToken))

	// v3 batch produce.
	batch := `{"entries":[{"id":"1","value":{"type":"STRING","data":"alice-batch"}}]}`
	r := p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p, alice)+"/topics/"+topicA+"/records:batch", batch, "Content-Type: application/json", alice).expect(t, 207, "application/json")
	if v := r.json(t); len(v["successes"].([]any)) != 1 {
		t.Fatalf("alice's batch to her topic: %s", r.body)
	}
	r = p.do(t, "POST", "/v3/clusters/"+v3Cluster(t, p, alice)+"/topics/"+topicB+"/records:batch", batch, "Content-Type: application/json", alice).expect(t, 207, "application/json")
	if f := r.json(t)["failures"].([]any); len(f) != 1 || fmt.Sprint(f[0].(map[string]any)["error_code"]) != "40301" {
		t.Fatalf("alice's batch to bob's topic: %s", r.body)
	}

	// v2 produce: a denial is HTTP 403 with 40301 per record.
	v2body := `{"records":[{"value":"` + base64.StdEncoding.EncodeToString([]byte("bob-v2")) + `"}]}`
	p.do(t, "POST", "/topics/"+topicB, v2body, "Content-Type: application/vnd.kafka.binary.v2+json", bob).expect(t, 200, v2CT)
	r = p.do(t, "POST", "/topics/"+topicA, v2body, "Content-Type: application/vnd.kafka.binary.v2+json", bob).expect(t, 403, v2CT)
	sameJSON(t, r.body, `{"offsets":[{"partition":null,"offset":null,"error_code":40301,"error":"Not authorized to access topics: [Topic authorization failed.]"}],"key_schema_id":null,"value_schema_id":null}`)

	// What landed in Kafka, read with a plain client: each topic holds
	// its owner's records only.
	if got, want := values(t, bootstrap, topicA), []string{"alice-stream", "alice-token", "alice-batch"}; !slices.Equal(got, want) {
		t.Fatalf("topic A holds %q, want %q", got, want)
	}
	if got, want := values(t, bootstrap, topicB), []string{"bob-stream", "bob-token", "bob-v2"}; !slices.Equal(got, want) {
		t.Fatalf("topic B holds %q, want %q", got, want)
	}

	// Admin calls: Kafka shows each caller only its own topic, refuses
	// the other's, and lets only the super user create topics.
	clusterID := p.do(t, "GET", "/v3/clusters", "", alice).expect(t, 200, "application/json").json(t)["data"].([]any)[0].(map[string]any)["cluster_id"].(string)
	topicsOf := func(auth string) []string {
		var list struct {
			Data []struct {
				Name string `json:"topic_name"`
			} `json:"data"`
		}
		r := p.do(t, "GET", "/v3/clusters/"+clusterID+"/topics", "", auth).expect(t, 200, "application/json")
		if err := json.Unmarshal(r.body, &list); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range list.Data {
			if d.Name == topicA || d.Name == topicB {
				names = append(names, d.Name)
			}
		}
		return names
	}
	if got := topicsOf(alice); !slices.Equal(got, []string{topicA}) {
		t.Fatalf("alice sees %q of the two topics, want only %s", got, topicA)
	}
	if got := topicsOf(bobToken); !slices.Equal(got, []string{topicB}) {
		t.Fatalf("bob sees %q of the two topics, want only %s", got, topicB)
	}
	p.do(t, "GET", "/v3/clusters/"+clusterID+"/topics/"+topicB, "", alice).
		expectError(t, 403, 40301, "Not authorized to access topics: [Topic authorization failed.]", "application/json")
	p.do(t, "GET", "/v3/clusters/"+clusterID+"/topics/"+topicB, "", bob).expect(t, 200, "application/json")
	created := uniqueName(t, "admin-created")
	newTopic := `{"topic_name":"` + created + `","partitions_count":1,"replication_factor":1}`
	p.do(t, "POST", "/v3/clusters/"+clusterID+"/topics", newTopic, "Content-Type: application/json", alice).
		expectError(t, 403, 40301, "Authorization failed.", "application/json")
	deleteAtEnd(t, admin, created)
	p.do(t, "POST", "/v3/clusters/"+clusterID+"/topics", newTopic, "Content-Type: application/json", basic("admin:admin-secret")).
		expect(t, 201, "application/json")

	// A wrong password is Kafka's 401 40101.
	r = p.do(t, "GET", "/v3/clusters", "", basic("alice:wrong"))
	if r.status != 401 || fmt.Sprint(r.json(t)["error_code"]) != "40101" {
		t.Fatalf("a wrong password: %d %s", r.status, r.body)
	}

	// v2 consumers: an instance reads as the caller that created it.
	ct := "Content-Type: " + v2CT
	consume := func(group, auth, topic string) string {
		p.do(t, "POST", "/consumers/"+group, `{"name":"i","format":"binary","auto.offset.reset":"earliest"}`, ct, auth).expect(t, 200, v2CT)
		base := "/consumers/" + group + "/instances/i"
		if r := p.do(t, "POST", base+"/subscription", `{"topics":["`+topic+`"]}`, ct, auth); r.status != 204 {
			t.Fatalf("subscribe: %d %s", r.status, r.body)
		}
		return base
	}
	readAs := func(base, auth string, n int) []string {
		var got []string
		eventually(t, fmt.Sprintf("reading %d records", n), func() error {
			r := p.do(t, "GET", base+"/records?timeout=500", "", "Accept: "+v2Binary, auth).expect(t, 200, v2Binary)
			var recs []consumed
			if err := json.Unmarshal(r.body, &recs); err != nil {
				return err
			}
			for _, c := range recs {
				v, _ := base64.StdEncoding.DecodeString(strings.Trim(string(c.Value), `"`))
				got = append(got, string(v))
			}
			if len(got) < n {
				return fmt.Errorf("%d records so far", len(got))
			}
			return nil
		})
		return got
	}
	aliceBase := consume(groupA, alice, topicA)
	if got := readAs(aliceBase, alice, 3); !slices.Equal(got, []string{"alice-stream", "alice-token", "alice-batch"}) {
		t.Fatalf("alice's instance read %q", got)
	}
	// Only alice's very credentials may use her instance: anyone else
	// gets the reference's answer for an instance that is not there.
	for _, other := range []string{bob, basic("alice:wrong"), aliceToken} {
		p.do(t, "GET", aliceBase+"/records", "", "Accept: "+v2Binary, other).
			expectError(t, 404, 40403, "Consumer instance not found.", v2Binary)
		p.do(t, "DELETE", aliceBase, "", ct, other).expectError(t, 404, 40403, "Consumer instance not found.", v2CT)
	}
	bobBase := consume(groupB, bob, topicB)
	if got := readAs(bobBase, bob, 3); !slices.Equal(got, []string{"bob-stream", "bob-token", "bob-v2"}) {
		t.Fatalf("bob's instance read %q", got)
	}
	// bob in alice's group, on alice's topic: Kafka refuses him.
	intruder := "/consumers/" + groupA + "/instances/bob"
	p.do(t, "POST", "/consumers/"+groupA, `{"name":"bob","format":"binary","auto.offset.reset":"earliest"}`, ct, bob).expect(t, 200, v2CT)
	if r := p.do(t, "POST", intruder+"/subscription", `{"topics":["`+topicA+`"]}`, ct, bob); r.status != 204 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	eventually(t, "bob's read in alice's group to be refused", func() error {
		r := p.do(t, "GET", intruder+"/records?timeout=500", "", "Accept: "+v2Binary, bob)
		if r.status != 403 || fmt.Sprint(r.json(t)["error_code"]) != "40301" {
			return fmt.Errorf("%d %s", r.status, r.body)
		}
		return nil
	})
	for _, del := range []struct{ base, auth string }{{aliceBase, alice}, {bobBase, bob}, {intruder, bob}} {
		if r := p.do(t, "DELETE", del.base, "", ct, del.auth); r.status != 204 {
			t.Fatalf("deleting %s: %d %s", del.base, r.status, r.body)
		}
	}

	// Five credentials went through two client places.
	if n := p.sys.IdentityClients(); n > 2 {
		t.Fatalf("%d callers' clients open, want at most 2", n)
	}
}

// identityCallersOn are the scenarios' callers on the real broker's SASL
// listener: admin (a super user) and alice, who must be granted the
// scenario's topic, read back through the plain listener at bootstrap.
func identityCallersOn(bootstrap string) identityCallers {
	return identityCallers{
		admin: basic("admin:admin-secret"), alice: basic("alice:alice-secret"), wrong: basic("alice:wrong"),
		bogus: func(i int) string {
			if i%2 == 0 {
				return basic(fmt.Sprintf("nobody-%d:secret", i))
			}
			return basic(fmt.Sprintf("alice:guess-%d", i))
		},
		values: func(t *testing.T, topic string) []string { return values(t, bootstrap, topic) },
	}
}

// identityTopic is a one-partition topic alice may write.
func identityTopic(t *testing.T, bootstrap, prefix string) string {
	admin := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, prefix)
	createTopic(t, admin, topic, 1)
	grant(t, admin, "User:alice", topic, uniqueName(t, prefix+"-group"))
	return topic
}

// TestIdentityPassThroughWrongPasswordOnWarmTopic: see
// checkWrongPasswordOnWarmTopic; SCRAM-SHA-512.
func TestIdentityPassThroughWrongPasswordOnWarmTopic(t *testing.T) {
	bootstrap := target(t)
	topic := identityTopic(t, bootstrap, "warm")
	p := passThroughProxy(t, bootstrap, saslTarget(t), "SCRAM-SHA-512", 4)
	checkWrongPasswordOnWarmTopic(t, p, topic, identityCallersOn(bootstrap))

	// Bearer tokens the broker refuses (expired, not a JWT) are the same
	// 401 40101 at once.
	enc := base64.RawURLEncoding
	now := time.Now().Unix()
	expired := enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." +
		enc.EncodeToString(fmt.Appendf(nil, `{"sub":"alice","iat":%d,"exp":%d}`, now-7200, now-3600)) + "."
	for _, token := range []string{expired, "not-a-jwt"} {
		expectRefusedStream(t, p, topic, "Authorization: Bearer "+token, 2)
		p.do(t, "GET", "/v3/clusters", "", "Authorization: Bearer "+token).expectError(t, 401, 40101, refused, "application/json")
	}
	expectCallerClients(t, p, 1) // alice's
}

// TestIdentityPassThroughBogusCallersLockNobodyOut: see
// checkBogusCallersLockNobodyOut; four client places for forty callers
// with made-up credentials, each refused by the broker after its failed
// authentication delay.
func TestIdentityPassThroughBogusCallersLockNobodyOut(t *testing.T) {
	bootstrap := target(t)
	topic := identityTopic(t, bootstrap, "flood")
	p := passThroughProxy(t, bootstrap, saslTarget(t), "SCRAM-SHA-512", 4)
	checkBogusCallersLockNobodyOut(t, p, topic, identityCallersOn(bootstrap))
}
