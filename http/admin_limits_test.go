package http_test

import (
	"errors"
	"fmt"
	nethttp "net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

// TestAdminBounds sends the admin requests that used to make the embedded
// cluster allocate until memory ran out while every other call hung, and
// the other counts and sizes Kafka bounds: each is refused at once with the
// real broker's status, code and message, on either tier (the same test
// runs against the embedded cluster and, with -tags integration, against
// Apache Kafka), nothing is created, and the proxy keeps answering.
func TestAdminBounds(t *testing.T) {
	p := startProxy(t, target(t), nil)
	// A hang is a failure, not a test that never ends.
	p.client = &nethttp.Client{Timeout: 2 * time.Minute}
	id, brokers := tpCluster(t, p)
	base := "/v3/clusters/" + id + "/topics"
	const ct = "application/json"
	b := brokers[0]
	heapBefore := heapInUse()

	const tooMany = "Excessively large number of partitions per request."
	const tooBig = "Unable to perform excessively large batch operation."
	manyAssignments := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"%d":[%d]`, i, b)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	refused := []struct {
		name, fields string
		message      string
	}{
		{"int32 partitions", `"partitions_count":2147483646`, tooMany},
		{"int32 partitions validate only", `"partitions_count":2147483647,"validate_only":true`, tooMany},
		{"just over the bound", `"partitions_count":10001,"replication_factor":1`, tooMany},
		{"too many assignments", `"replicas_assignments":` + manyAssignments(10_001), tooMany},
		// A topic, its configs and its partitions are one metadata record
		// each, 10,000 at most.
		{"too many records", `"partitions_count":10000,"replication_factor":1,"validate_only":true`, tooBig},
		{"too many records with a config", `"partitions_count":9999,"validate_only":true,"configs":[{"name":"retention.ms","value":"1000"}]`, tooBig},
		{"zero replication factor", `"partitions_count":1,"replication_factor":0`, "Replication factor must be larger than 0, or -1 to use the default value."},
		{"negative replication factor", `"partitions_count":1,"replication_factor":-5`, "Replication factor must be larger than 0, or -1 to use the default value."},
		{"zero partitions", `"partitions_count":0,"replication_factor":1`, "Number of partitions was set to an invalid non-positive value."},
		{"negative partitions", `"partitions_count":-5`, "Number of partitions was set to an invalid non-positive value."},
		{"more replicas than brokers", fmt.Sprintf(`"replication_factor":%d`, len(brokers)+1), fmt.Sprintf(
			"Unable to replicate the partition %[1]d time(s): The target replication factor of %[1]d cannot be reached because only %[2]d broker(s) are registered or some brokers have all their log directories cordoned.",
			len(brokers)+1, len(brokers))},
		{"int16 replication factor", `"replication_factor":32767`, fmt.Sprintf(
			"Unable to replicate the partition 32767 time(s): The target replication factor of 32767 cannot be reached because only %d broker(s) are registered or some brokers have all their log directories cordoned.",
			len(brokers))},
		{"unknown broker", `"replicas_assignments":{"0":[7777]}`, "The manual partition assignment includes broker 7777, but no such broker is registered."},
		{"broker twice", fmt.Sprintf(`"replicas_assignments":{"0":[%d,%d]}`, b, b), fmt.Sprintf("The manual partition assignment includes the broker %d more than once.", b)},
		{"empty assignment", `"replicas_assignments":{"0":[]}`, "The manual partition assignment includes an empty replica list."},
		{"gap in assignments", fmt.Sprintf(`"replicas_assignments":{"0":[%d],"2":[%d]}`, b, b), "partitions should be a consecutive 0-based integer sequence"},
		{"negative partition assigned", fmt.Sprintf(`"replicas_assignments":{"-1":[%d]}`, b), "partitions should be a consecutive 0-based integer sequence"},
		{"partition assigned twice", fmt.Sprintf(`"replicas_assignments":{"0":[%d],"00":[%d]}`, b, b), "Found multiple manual partition assignments for partition 0"},
		{"config value too long for Kafka", `"configs":[{"name":"retention.ms","value":"` + strings.Repeat("1", 32768) + `"}]`,
			"Invalid value for configuration retention.ms: it is 32768 bytes long; Kafka takes at most 32767."},
	}
	for _, tc := range refused {
		t.Run("create "+tc.name, func(t *testing.T) {
			name := uniqueName(t, "bounds")
			deleteAtEnd(t, p, name)
			body := fmt.Sprintf(`{"topic_name":%q,%s}`, name, tc.fields)
			p.do(t, "POST", base, body, "Content-Type: application/json").expectError(t, 400, 40002, tc.message, ct)
			if err := describeTopic(t, p, name).Err; !errors.Is(err, kerr.UnknownTopicOrPartition) {
				t.Fatalf("the refused topic exists (Kafka says %v)", err)
			}
		})
	}

	t.Run("create at the bound", func(t *testing.T) {
		name := uniqueName(t, "bounds")
		deleteAtEnd(t, p, name)
		r := p.do(t, "POST", base, fmt.Sprintf(`{"topic_name":%q,"partitions_count":9999,"replication_factor":1,"validate_only":true}`, name),
			"Content-Type: application/json").expect(t, 200, ct)
		sameJSON(t, r.body, topicJSON(p.url, id, name, 1, 9999, nil))
	})

	t.Run("increase", func(t *testing.T) {
		name := uniqueName(t, "bounds-increase")
		createTopic(t, p, name, 1)
		for _, count := range []int64{2147483646, 2147483647, 10_002} {
			p.do(t, "PATCH", base+"/"+name, fmt.Sprintf(`{"partitions_count":%d}`, count), "Content-Type: application/json").
				expectError(t, 400, 40002, tooMany, ct)
		}
		if n := len(describeTopic(t, p, name).Partitions); n != 1 {
			t.Fatalf("the topic has %d partitions after the refused increases, want 1", n)
		}
	})

	t.Run("config values", func(t *testing.T) {
		name := uniqueName(t, "bounds-configs")
		createTopic(t, p, name, 1)
		long := strings.Repeat("1", 32768)
		want := "Invalid value for configuration retention.ms: it is 32768 bytes long; Kafka takes at most 32767."
		p.do(t, "PUT", base+"/"+name+"/configs/retention.ms", fmt.Sprintf(`{"value":%q}`, long), "Content-Type: application/json").
			expectError(t, 400, 40002, want, ct)
		p.do(t, "POST", base+"/"+name+"/configs:alter", fmt.Sprintf(`{"data":[{"name":"retention.ms","value":%q}]}`, long), "Content-Type: application/json").
			expectError(t, 400, 40002, want, ct)
		p.do(t, "POST", base+"/-/configs:alter", fmt.Sprintf(`{"data":[{"topic_name":%q,"configs":[{"name":"retention.ms","value":%q}]}]}`, name, long), "Content-Type: application/json").
			expectError(t, 400, 40002, want, ct)
		// Cluster-wide configs take any name: a broker closes the
		// connection on a string this long rather than answer.
		key := "bounds.unknown." + strings.Repeat("k", 40_000)
		p.do(t, "POST", "/v3/clusters/"+id+"/broker-configs:alter", fmt.Sprintf(`{"data":[{"name":%q,"value":"x"}]}`, key), "Content-Type: application/json").
			expectError(t, 400, 40002, "A config name is 40015 bytes long; Kafka takes at most 32767.", ct)
		if cfg := tpTopicConfig(t, p, name, "retention.ms"); cfg.Value != nil && *cfg.Value == long {
			t.Fatal("the refused value is set")
		}
	})

	// The proxy and the cluster still answer everything else.
	other := uniqueName(t, "bounds-after")
	deleteAtEnd(t, p, other)
	p.do(t, "POST", base, fmt.Sprintf(`{"topic_name":%q,"partitions_count":2,"replication_factor":1}`, other), "Content-Type: application/json").
		expect(t, 201, ct)
	if n := len(awaitTopic(t, p, other).Partitions); n != 2 {
		t.Fatalf("a topic created after the refusals has %d partitions, want 2", n)
	}
	p.do(t, "GET", base, "").expect(t, 200, ct)
	if r := p.do(t, "GET", "/readyz", ""); r.status != 200 {
		t.Fatalf("/readyz %d after the refusals: %s", r.status, r.body)
	}
	// Two billion partitions would have taken tens of GB; the whole test
	// creates a few thousand at most.
	if grown := heapInUse() - heapBefore; grown > 512<<20 {
		t.Fatalf("the heap grew by %d MiB", grown>>20)
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}
