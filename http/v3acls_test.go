package http_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
)

// aclJSON is the KafkaAcl the reference answers for an ACL, self being the
// search URL of exactly that ACL.
func aclJSON(self, clusterID, resourceType, resourceName, patternType, principal, host, operation, permission string) string {
	return fmt.Sprintf(`{"kind":"KafkaAcl","metadata":{"self":%q},"cluster_id":%q,"resource_type":%q,"resource_name":%q,
		"pattern_type":%q,"principal":%q,"host":%q,"operation":%q,"permission":%q}`,
		self, clusterID, resourceType, resourceName, patternType, principal, host, operation, permission)
}

// principalACLs are the ACLs of the principals in Kafka itself, as kadm
// describes them.
func principalACLs(t *testing.T, p *proxy, principals ...string) []kadm.DescribedACL {
	t.Helper()
	b := kadm.NewACLs().AnyResource().ResourcePatternType(kadm.ACLPatternAny).
		Allow(principals...).AllowHosts().Deny(principals...).DenyHosts().Operations()
	res, err := p.admin.DescribeACLs(context.Background(), b)
	if err != nil {
		t.Fatalf("describing ACLs in Kafka: %v", err)
	}
	var all []kadm.DescribedACL
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("describing ACLs in Kafka: %v", r.Err)
		}
		all = append(all, r.Described...)
	}
	return all
}

// awaitACLs waits until Kafka has n ACLs of the principals: the real
// broker's authorizer applies a create or delete a moment after it answers.
func awaitACLs(t *testing.T, p *proxy, n int, principals ...string) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d ACLs of %v in Kafka", n, principals), func() error {
		if got := principalACLs(t, p, principals...); len(got) != n {
			return fmt.Errorf("Kafka has %d: %+v", len(got), got)
		}
		return nil
	})
}

// onlyPrincipals keeps the ACLs of a list response that belong to the
// principals: other users of the shared broker may have ACLs the same
// search matches.
func onlyPrincipals(t *testing.T, body []byte, principals ...string) []byte {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, body)
	}
	data, _ := v["data"].([]any)
	kept := []any{}
	for _, d := range data {
		for _, pr := range principals {
			if d.(map[string]any)["principal"] == pr {
				kept = append(kept, d)
			}
		}
	}
	v["data"] = kept
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestV3ACLs(t *testing.T) {
	run := startGARun(t)
	p, id, sfx := run.p, run.id, run.sfx
	alice, bob := "User:acls-alice-"+sfx, "User:acls-bob-"+sfx
	topic := "acls-" + sfx + "-topic-1"
	prefix := "acls-" + sfx + "-topic-"
	t.Cleanup(func() {
		b := kadm.NewACLs().AnyResource().ResourcePatternType(kadm.ACLPatternAny).
			Allow(alice, bob).AllowHosts().Deny(alice, bob).DenyHosts().Operations()
		if _, err := p.admin.DeleteACLs(context.Background(), b); err != nil {
			t.Errorf("deleting the test's ACLs: %v", err)
		}
	})
	base := p.url + "/v3/clusters/" + id + "/acls"
	enc := func(s string) string { return strings.ReplaceAll(s, ":", "%3A") }
	aliceURL := base + "?resource_type=TOPIC&resource_name=*&pattern_type=LITERAL&principal=" + enc(alice) + "&host=*&operation=READ&permission=ALLOW"
	bobURL := base + "?resource_type=TOPIC&resource_name=" + prefix + "&pattern_type=PREFIXED&principal=" + enc(bob) + "&host=1.2.3.4&operation=WRITE&permission=ALLOW"
	searchURL := base + "?resource_type=TOPIC&resource_name=" + topic + "&pattern_type=MATCH&principal=&host=&operation=ANY&permission=ANY"
	search := "/v3/clusters/" + id + "/acls?resource_type=topic&resource_name=" + topic + "&pattern_type=match"
	aliceACL := aclJSON(aliceURL, id, "TOPIC", "*", "LITERAL", alice, "*", "READ", "ALLOW")
	bobACL := aclJSON(bobURL, id, "TOPIC", prefix, "PREFIXED", bob, "1.2.3.4", "WRITE", "ALLOW")
	create := func(t *testing.T, body string) response {
		t.Helper()
		return p.do(t, "POST", "/v3/clusters/"+id+"/acls", body, "Content-Type: application/json")
	}
	aliceBody := fmt.Sprintf(`{"resource_type":"TOPIC","resource_name":"*","pattern_type":"LITERAL","principal":%q,"host":"*","operation":"READ","permission":"ALLOW"}`, alice)
	bobBody := fmt.Sprintf(`{"resource_type":"TOPIC","resource_name":%q,"pattern_type":"PREFIXED","principal":%q,"host":"1.2.3.4","operation":"WRITE","permission":"ALLOW"}`, prefix, bob)

	t.Run("search finds nothing yet", func(t *testing.T) {
		r := p.do(t, "GET", search, "").expect(t, 200, "application/json")
		sameJSON(t, onlyPrincipals(t, r.body, alice, bob), fmt.Sprintf(`{"kind":"KafkaAclList","metadata":{"self":%q,"next":null},"data":[]}`, searchURL))
	})
	t.Run("create", func(t *testing.T) {
		for _, c := range []struct{ body, location string }{{aliceBody, aliceURL}, {bobBody, bobURL}} {
			r := create(t, c.body).expect(t, 201, "")
			if got := r.header.Get("Location"); got != c.location {
				t.Fatalf("Location %q, want %q", got, c.location)
			}
			if len(r.body) != 0 {
				t.Fatalf("body %q, want none", r.body)
			}
		}
		awaitACLs(t, p, 2, alice, bob)
	})
	t.Run("search", func(t *testing.T) {
		r := p.do(t, "GET", search, "").expect(t, 200, "application/json")
		sameJSON(t, onlyPrincipals(t, r.body, alice, bob), fmt.Sprintf(`{"kind":"KafkaAclList","metadata":{"self":%q,"next":null},"data":[%s,%s]}`, searchURL, aliceACL, bobACL))
		// Exactly one ACL by its self URL, whose query names it entirely.
		r = p.do(t, "GET", strings.TrimPrefix(aliceURL, p.url), "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaAclList","metadata":{"self":%q,"next":null},"data":[%s]}`, aliceURL, aliceACL))
		// By principal, every parameter echoed.
		r = p.do(t, "GET", "/v3/clusters/"+id+"/acls?principal="+enc(bob)+"&permission=allow", "").expect(t, 200, "application/json")
		self := base + "?resource_type=ANY&resource_name=&pattern_type=ANY&principal=" + enc(bob) + "&host=&operation=ANY&permission=ALLOW"
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaAclList","metadata":{"self":%q,"next":null},"data":[%s]}`, self, bobACL))
		// Values are encoded as Java's URLEncoder encodes them.
		r = p.do(t, "GET", "/v3/clusters/"+id+"/acls?resource_name=x%20y~z%2F%C3%A9&principal="+enc(bob), "").expect(t, 200, "application/json")
		self = base + "?resource_type=ANY&resource_name=x+y%7Ez%2F%C3%A9&pattern_type=ANY&principal=" + enc(bob) + "&host=&operation=ANY&permission=ANY"
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaAclList","metadata":{"self":%q,"next":null},"data":[]}`, self))
	})
	t.Run("search errors", func(t *testing.T) {
		acls := "/v3/clusters/" + id + "/acls"
		expectGAErrors(t, p, []gaErrorCase{
			{"GET", acls + "?resource_type=teapot", 404, 404, "The valid values for ResourceType do not include 'teapot'"},
			{"GET", acls + "?operation=teapot", 404, 404, "The valid values for Operation do not include 'teapot'"},
			{"GET", acls + "?pattern_type=unknown", 400, 400, "Bad Request: pattern_type cannot be UNKNOWN"},
			{"GET", "/v3/clusters/not-" + id + "/acls", 404, 404, "Cluster not-" + id + " cannot be found."},
		})
	})
	t.Run("create errors", func(t *testing.T) {
		field := func(name, value string) string {
			var v map[string]any
			if err := json.Unmarshal([]byte(aliceBody), &v); err != nil {
				t.Fatal(err)
			}
			if value == "" {
				delete(v, name)
			} else {
				v[name] = value
			}
			b, _ := json.Marshal(v)
			return string(b)
		}
		for _, c := range []struct {
			name, body string
			status     int
			code       int
			message    string
		}{
			{"no body", "", 422, 42206, "Payload error. Null input provided. Data is required."},
			{"null body", "null", 422, 42206, "Payload error. Null input provided. Data is required."},
			{"unknown field", `{"resource":"x"}`, 422, 422, "Unrecognized field: resource"},
			{"resource_type ANY", field("resource_type", "ANY"), 400, 400, "Bad Request: resource_type cannot be ANY"},
			{"resource_type UNKNOWN", field("resource_type", "UNKNOWN"), 400, 400, "Bad Request: resource_type cannot be ANY"},
			{"pattern_type MATCH", field("pattern_type", "MATCH"), 400, 400, "Bad Request: pattern_type cannot be MATCH"},
			{"pattern_type ANY", field("pattern_type", "ANY"), 400, 400, "Bad Request: pattern_type cannot be ANY"},
			{"operation ANY", field("operation", "ANY"), 400, 400, "Bad Request: operation cannot be ANY"},
			{"permission UNKNOWN", field("permission", "UNKNOWN"), 400, 400, "Bad Request: permission cannot be ANY"},
			{"missing fields", field("host", ""), 400, 400, "Missing required properties: host"},
			{"lower-case enum", field("resource_type", "topic"), 400, 400,
				"Cannot deserialize value of type ResourceType from String \"topic\": not one of the values accepted for Enum class: [UNKNOWN, ANY, TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, DELEGATION_TOKEN]"},
			{"cluster resource not named kafka-cluster", strings.Replace(field("resource_type", "CLUSTER"), `"*"`, `"acls-cluster"`, 1),
				400, 40002, "The only valid name for the CLUSTER resource is kafka-cluster"},
		} {
			t.Run(c.name, func(t *testing.T) {
				create(t, c.body).expectError(t, c.status, c.code, c.message, "application/json")
			})
		}
		t.Run("wrong type", func(t *testing.T) {
			r := create(t, `{"resource_type":1}`).expect(t, 400, "application/json")
			if e := r.json(t); e["error_code"] != json.Number("400") {
				t.Fatalf("error %s, want error_code 400", r.body)
			}
		})
		t.Run("unknown cluster", func(t *testing.T) {
			p.do(t, "POST", "/v3/clusters/not-"+id+"/acls", aliceBody, "Content-Type: application/json").
				expectError(t, 404, 404, "Cluster not-"+id+" cannot be found.", "application/json")
		})
		if got := principalACLs(t, p, alice, bob); len(got) != 2 {
			t.Fatalf("failed creations changed Kafka: %d ACLs of the test's principals, want 2", len(got))
		}
	})
	t.Run("delete errors", func(t *testing.T) {
		acls := "/v3/clusters/" + id + "/acls"
		expectGAErrors(t, p, []gaErrorCase{
			{"DELETE", acls, 400, 400, "Bad Request: resource_type cannot be unspecified or UNKNOWN"},
			{"DELETE", acls + "?resource_type=topic", 400, 400, "Bad Request: pattern_type cannot be unspecified or UNKNOWN"},
			{"DELETE", acls + "?resource_type=teapot", 404, 404, "The valid values for ResourceType do not include 'teapot'"},
			{"DELETE", "/v3/clusters/not-" + id + "/acls?resource_type=any&pattern_type=any&operation=any&permission=any&principal=" + enc(alice),
				404, 404, "Cluster not-" + id + " cannot be found."},
		})
		if got := principalACLs(t, p, alice, bob); len(got) != 2 {
			t.Fatalf("refused deletes changed Kafka: %d ACLs of the test's principals, want 2", len(got))
		}
	})
	t.Run("delete one by its self URL", func(t *testing.T) {
		r := p.do(t, "DELETE", strings.TrimPrefix(aliceURL, p.url), "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"data":[%s]}`, aliceACL))
		awaitACLs(t, p, 0, alice)
		r = p.do(t, "DELETE", strings.TrimPrefix(aliceURL, p.url), "").expect(t, 200, "application/json")
		sameJSON(t, r.body, `{"data":[]}`)
	})
	t.Run("batch create, then delete many", func(t *testing.T) {
		p.do(t, "POST", "/v3/clusters/"+id+"/acls:batch", `{"data":[`+aliceBody+`,`+strings.Replace(aliceBody, `"READ"`, `"DESCRIBE"`, 1)+`]}`,
			"Content-Type: application/json").expect(t, 204, "")
		awaitACLs(t, p, 2, alice)
		describeURL := strings.Replace(aliceURL, "READ", "DESCRIBE", 1)
		q := "/v3/clusters/" + id + "/acls?resource_type=any&pattern_type=any&operation=any&permission=any&principal="
		r := p.do(t, "DELETE", q+enc(alice)+"&host=*", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"data":[%s,%s]}`, aliceACL, aclJSON(describeURL, id, "TOPIC", "*", "LITERAL", alice, "*", "DESCRIBE", "ALLOW")))
		// MATCH: the ACLs whose pattern matches the topic, as Kafka matches.
		r = p.do(t, "DELETE", "/v3/clusters/"+id+"/acls?resource_type=topic&resource_name="+topic+
			"&pattern_type=match&operation=any&permission=any&principal="+enc(bob), "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"data":[%s]}`, bobACL))
		awaitACLs(t, p, 0, alice, bob)
	})
	t.Run("batch errors", func(t *testing.T) {
		batch := func(t *testing.T, body string) response {
			t.Helper()
			return p.do(t, "POST", "/v3/clusters/"+id+"/acls:batch", body, "Content-Type: application/json")
		}
		batch(t, `{"data":[]}`).expect(t, 204, "")
		batch(t, "null").expectError(t, 422, 42206, "Payload error. Null input provided. Data is required.", "application/json")
		batch(t, "").expectError(t, 422, 42206, "Payload error. Null input provided. Data is required.", "application/json")
		batch(t, "{}").expectError(t, 422, 42206, "Payload error. Empty input provided. Data is required.", "application/json")
		batch(t, `{"data":[{"resource_type":"TOPIC"}]}`).expectError(t, 400, 400,
			"Missing required properties: resource_name pattern_type principal host operation permission", "application/json")
		batch(t, `{"data":[`+strings.Replace(bobBody, `"WRITE"`, `"ANY"`, 1)+`]}`).expectError(t, 400, 400, "Bad Request: operation cannot be ANY", "application/json")
		batch(t, `{"data":[`+aliceBody+`]}x`).expect(t, 400, "application/json")
		p.do(t, "POST", "/v3/clusters/not-"+id+"/acls:batch", `{"data":[]}`, "Content-Type: application/json").
			expectError(t, 404, 404, "Cluster not-"+id+" cannot be found.", "application/json")
		if got := principalACLs(t, p, alice, bob); len(got) != 0 {
			t.Fatalf("refused batches changed Kafka: %+v", got)
		}
	})
}
