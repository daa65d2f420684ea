package http_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// partitionJSON is the KafkaPartition the reference answers for pd.
func partitionJSON(base, cluster string, pd kadm.PartitionDetail) string {
	u := fmt.Sprintf("%s/v3/clusters/%s/topics/%s/partitions/%d", base, cluster, pd.Topic, pd.Partition)
	leader := "null"
	if tpContains(pd.Replicas, pd.Leader) {
		leader = fmt.Sprintf(`{"related":"%s/replicas/%d"}`, u, pd.Leader)
	}
	return fmt.Sprintf(`{"kind":"KafkaPartition","metadata":{"self":"%[1]s","resource_name":"crn:///kafka=%[2]s/topic=%[3]s/partition=%[4]d"},
		"cluster_id":"%[2]s","topic_name":"%[3]s","partition_id":%[4]d,"leader":%[5]s,
		"replicas":{"related":"%[1]s/replicas"},"reassignment":{"related":"%[1]s/reassignment"}}`,
		u, cluster, pd.Topic, pd.Partition, leader)
}

func TestV3Partitions(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	id, _ := tpCluster(t, p)
	topic := uniqueName(t, "topics-partitions")
	td := createTopic(t, p, topic, 2)
	base := "/v3/clusters/" + id + "/topics/" + topic + "/partitions"
	missing := topic + "-missing"
	const ct = "application/json"

	t.Run("list", func(t *testing.T) {
		var items []string
		for _, pd := range td.Partitions.Sorted() {
			items = append(items, partitionJSON(p.url, id, pd))
		}
		r := p.do(t, "GET", base, "").expect(t, 200, ct)
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaPartitionList","metadata":{"self":"%s%s","next":null},"data":[%s]}`,
			p.url, base, strings.Join(items, ",")))
		p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+missing+"/partitions", "").
			expectError(t, 404, 40403, "This server does not host this topic-partition.", ct)
		p.do(t, "GET", "/v3/clusters/foobar/topics/"+topic+"/partitions", "").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("get", func(t *testing.T) {
		r := p.do(t, "GET", base+"/1", "").expect(t, 200, ct)
		sameJSON(t, r.body, partitionJSON(p.url, id, td.Partitions[1]))
		p.do(t, "GET", base+"/2", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", base+"/one", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+missing+"/partitions/0", "").
			expectError(t, 404, 40403, "This server does not host topic-partition 0 for topic "+missing, ct)
		p.do(t, "GET", "/v3/clusters/foobar/topics/"+topic+"/partitions/0", "").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("offsets", func(t *testing.T) {
		cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		for i := range 3 {
			rec := &kgo.Record{Topic: topic, Partition: 1, Value: []byte(fmt.Sprint(i))}
			if err := cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
				t.Fatalf("producing: %v", err)
			}
		}
		starts, err := p.admin.ListStartOffsets(context.Background(), topic)
		if err != nil {
			t.Fatal(err)
		}
		ends, err := p.admin.ListEndOffsets(context.Background(), topic)
		if err != nil {
			t.Fatal(err)
		}
		for _, pid := range []int32{0, 1} {
			s, _ := starts.Lookup(topic, pid)
			e, _ := ends.Lookup(topic, pid)
			if want := int64(3 * pid); e.Offset != want || s.Offset != 0 {
				t.Fatalf("Kafka has offsets %d..%d in partition %d, want 0..%d", s.Offset, e.Offset, pid, want)
			}
			u := fmt.Sprintf("%s/%d/offset", base, pid)
			want := fmt.Sprintf(`{"kind":"KafkaPartitionWithOffsets","metadata":{"self":"%[1]s%[2]s",
				"resource_name":"crn:///kafka=%[3]s/topic=%[4]s/partition=%[5]d/offset_type=earliest_and_latest"},
				"cluster_id":"%[3]s","topic_name":"%[4]s","partition_id":%[5]d,"earliest_offset":%[6]d,"latest_offset":%[7]d}`,
				p.url, u, id, topic, pid, s.Offset, e.Offset)
			sameJSON(t, p.do(t, "GET", u, "").expect(t, 200, ct).body, want)
			sameJSON(t, p.do(t, "GET", u+"?offset_type=earliest_and_latest", "").expect(t, 200, ct).body, want)
		}
		for _, v := range []string{"latest", "EARLIEST_AND_LATEST", ""} {
			p.do(t, "GET", base+"/0/offset?offset_type="+v, "").
				expectError(t, 400, 400, "Bad Request: offset_type:"+v+" is invalid", ct)
		}
		p.do(t, "GET", base+"/100/offset", "").expectError(t, 404, 40402, "Partition not found.", ct)
		p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+missing+"/partitions/0/offset", "").
			expectError(t, 404, 40403, "This server does not host topic-partition 0 for topic "+missing, ct)
		p.do(t, "GET", "/v3/clusters/foobar/topics/"+topic+"/partitions/0/offset", "").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("replicas", func(t *testing.T) {
		pd := td.Partitions[0]
		var items []string
		for _, b := range pd.Replicas {
			one := replicaJSON(p.url, id, topic, 0, b, b == pd.Leader, tpContains(pd.ISR, b))
			items = append(items, one)
			r := p.do(t, "GET", fmt.Sprintf("%s/0/replicas/%d", base, b), "").expect(t, 200, ct)
			sameJSON(t, r.body, one)
		}
		r := p.do(t, "GET", base+"/0/replicas", "").expect(t, 200, ct)
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaReplicaList","metadata":{"self":"%s%s/0/replicas","next":null},"data":[%s]}`,
			p.url, base, strings.Join(items, ",")))
		p.do(t, "GET", base+"/0/replicas/987654", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", base+"/0/replicas/one", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", base+"/5/replicas", "").
			expectError(t, 404, 404, fmt.Sprintf("Partition 5 of topic %s could not be found on cluster %s.", topic, id), ct)
		p.do(t, "GET", "/v3/clusters/"+id+"/topics/"+missing+"/partitions/0/replicas", "").
			expectError(t, 404, 40403, "This server does not host topic-partition 0 for topic "+missing, ct)
		p.do(t, "GET", "/v3/clusters/foobar/topics/"+topic+"/partitions/0/replicas", "").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("reassignments", func(t *testing.T) {
		// No reassignment is ongoing on these clusters: what Kafka says.
		ongoing, err := p.admin.ListPartitionReassignments(context.Background(), kadm.TopicsSet{topic: {0: {}, 1: {}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(ongoing[topic]) != 0 {
			t.Fatalf("Kafka reports reassignments of %s: %v", topic, ongoing)
		}
		c := "/v3/clusters/" + id
		r := p.do(t, "GET", c+"/topics/-/partitions/-/reassignment", "").expect(t, 200, ct)
		tpList(t, r, "KafkaReassignmentList", p.url+c+"/topics/-/partitions/-/reassignments")
		for _, tn := range []string{topic, missing} {
			r := p.do(t, "GET", c+"/topics/"+tn+"/partitions/-/reassignment", "").expect(t, 200, ct)
			sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaReassignmentList","metadata":{"self":"%s%s/topics/%s/partitions/-/reassignments","next":null},"data":[]}`,
				p.url, c, tn))
		}
		p.do(t, "GET", base+"/0/reassignment", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", base+"/one/reassignment", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		for _, path := range []string{"/topics/-/partitions/-/reassignment", "/topics/" + topic + "/partitions/-/reassignment", "/topics/" + topic + "/partitions/0/reassignment"} {
			p.do(t, "GET", "/v3/clusters/foobar"+path, "").expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
		}
	})
}
