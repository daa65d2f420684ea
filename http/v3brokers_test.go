package http_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kgo"
)

// brokerJSON is the KafkaBroker the reference answers for b.
func brokerJSON(base, cluster string, b kgo.BrokerMetadata) string {
	u := fmt.Sprintf("%s/v3/clusters/%s/brokers/%d", base, cluster, b.NodeID)
	rack := "null"
	if b.Rack != nil {
		rack = fmt.Sprintf("%q", *b.Rack)
	}
	return fmt.Sprintf(`{"kind":"KafkaBroker","metadata":{"self":"%[1]s","resource_name":"crn:///kafka=%[2]s/broker=%[3]d"},
		"cluster_id":"%[2]s","broker_id":%[3]d,"host":%[4]q,"port":%[5]d,"rack":%[6]s,
		"configs":{"related":"%[1]s/configs"},"partition_replicas":{"related":"%[1]s/partition-replicas"}}`,
		u, cluster, b.NodeID, b.Host, b.Port, rack)
}

// replicaJSON is the KafkaReplica the reference answers.
func replicaJSON(base, cluster, topic string, partition, broker int32, leader, inSync bool) string {
	c := base + "/v3/clusters/" + cluster
	return fmt.Sprintf(`{"kind":"KafkaReplica","metadata":{"self":"%[1]s/topics/%[3]s/partitions/%[4]d/replicas/%[5]d",
		"resource_name":"crn:///kafka=%[2]s/topic=%[3]s/partition=%[4]d/replica=%[5]d"},
		"cluster_id":"%[2]s","topic_name":"%[3]s","partition_id":%[4]d,"broker_id":%[5]d,"is_leader":%[6]t,"is_in_sync":%[7]t,
		"broker":{"related":"%[1]s/brokers/%[5]d"}}`, c, cluster, topic, partition, broker, leader, inSync)
}

func TestV3Brokers(t *testing.T) {
	p := startProxy(t, target(t), nil)
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := md.Cluster
	base := "/v3/clusters/" + id + "/brokers"
	const ct = "application/json"

	t.Run("list", func(t *testing.T) {
		var items []string
		for _, b := range md.Brokers { // kadm sorts them by id
			items = append(items, brokerJSON(p.url, id, b))
		}
		r := p.do(t, "GET", base, "").expect(t, 200, ct)
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaBrokerList","metadata":{"self":"%s%s","next":null},"data":[%s]}`,
			p.url, base, strings.Join(items, ",")))
		p.do(t, "GET", "/v3/clusters/foobar/brokers", "").expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("get", func(t *testing.T) {
		for _, b := range md.Brokers {
			r := p.do(t, "GET", fmt.Sprintf("%s/%d", base, b.NodeID), "").expect(t, 200, ct)
			sameJSON(t, r.body, brokerJSON(p.url, id, b))
		}
		p.do(t, "GET", base+"/987654", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", base+"/one", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", fmt.Sprintf("/v3/clusters/foobar/brokers/%d", md.Brokers[0].NodeID), "").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
	t.Run("partition replicas", func(t *testing.T) {
		topic := uniqueName(t, "topics-brokers")
		td := createTopic(t, p, topic, 2)
		b := td.Partitions[0].Replicas[0]
		r := p.do(t, "GET", fmt.Sprintf("%s/%d/partition-replicas", base, b), "").expect(t, 200, ct)
		data := tpList(t, r, "KafkaReplicaList", fmt.Sprintf("%s%s/%d/partition-replicas", p.url, base, b))
		type key struct {
			topic     string
			partition int32
		}
		var keys []key
		ours := map[int32]json.RawMessage{}
		for _, d := range data {
			var rd struct {
				TopicName   string `json:"topic_name"`
				PartitionID int32  `json:"partition_id"`
				BrokerID    int32  `json:"broker_id"`
			}
			if err := json.Unmarshal(d, &rd); err != nil {
				t.Fatal(err)
			}
			if rd.BrokerID != b {
				t.Fatalf("broker %d lists a replica on broker %d", b, rd.BrokerID)
			}
			keys = append(keys, key{rd.TopicName, rd.PartitionID})
			if rd.TopicName == topic {
				ours[rd.PartitionID] = d
			}
		}
		if !sort.SliceIsSorted(keys, func(i, j int) bool {
			return keys[i].topic < keys[j].topic || keys[i].topic == keys[j].topic && keys[i].partition < keys[j].partition
		}) {
			t.Fatalf("replicas are not sorted by topic and partition: %v", keys)
		}
		for _, pd := range td.Partitions {
			hosted := false
			for _, rb := range pd.Replicas {
				hosted = hosted || rb == b
			}
			got, listed := ours[pd.Partition]
			if hosted != listed {
				t.Fatalf("partition %d: hosted on %d is %t, listed is %t", pd.Partition, b, hosted, listed)
			}
			if listed {
				sameJSON(t, got, replicaJSON(p.url, id, topic, pd.Partition, b, pd.Leader == b, tpContains(pd.ISR, b)))
			}
		}
		p.do(t, "GET", base+"/987654/partition-replicas", "").expectError(t, 404, 404, "Broker 987654 cannot be found.", ct)
		p.do(t, "GET", base+"/one/partition-replicas", "").expectError(t, 404, 404, "HTTP 404 Not Found", ct)
		p.do(t, "GET", fmt.Sprintf("/v3/clusters/foobar/brokers/%d/partition-replicas", b), "").
			expectError(t, 404, 404, "Cluster foobar cannot be found.", ct)
	})
}

func tpContains(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
