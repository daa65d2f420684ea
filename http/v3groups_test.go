package http_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// gaRun is one run of a consumer group or ACL test: a proxy on the target
// cluster, the cluster's id, and a suffix that makes the run's names
// unique, for the real broker is shared: the groups, topics, principals
// and resources of these tests must be no one else's.
type gaRun struct {
	p         *proxy
	bootstrap string
	id        string
	sfx       string
}

func startGARun(t *testing.T) gaRun {
	t.Helper()
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	md, err := p.admin.BrokerMetadata(context.Background())
	if err != nil {
		t.Fatalf("asking the cluster itself: %v", err)
	}
	return gaRun{p: p, bootstrap: bootstrap, id: md.Cluster, sfx: fmt.Sprintf("%d-%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))}
}

// gaErrorCase is a request and the error it must get.
type gaErrorCase struct {
	method, path string
	status, code int
	message      string
}

// expectGAErrors sends each request, checking its error.
func expectGAErrors(t *testing.T, p *proxy, cases []gaErrorCase) {
	t.Helper()
	for _, c := range cases {
		p.do(t, c.method, c.path, "").expectError(t, c.status, c.code, c.message, "application/json")
	}
}

// groupsProduce writes count[p] records to each partition p.
func groupsProduce(t *testing.T, bootstrap, topic string, count map[int32]int) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var rs []*kgo.Record
	for p, n := range count {
		for i := range n {
			rs = append(rs, &kgo.Record{Topic: topic, Partition: p, Value: []byte(strconv.Itoa(i))})
		}
	}
	if err := cl.ProduceSync(context.Background(), rs...).FirstErr(); err != nil {
		t.Fatalf("producing: %v", err)
	}
}

// groupsConsumer starts a group consumer of the topic that commits only
// when told to; at the end of the test it leaves, and the group is
// deleted.
func groupsConsumer(t *testing.T, run gaRun, group, topic, clientID string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	opts = append([]kgo.Opt{kgo.SeedBrokers(run.bootstrap), kgo.ClientID(clientID), kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic), kgo.DisableAutoCommit(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, opts...)
	consumer, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		consumer.Close() // leaves the group
		if _, err := run.p.admin.DeleteGroup(context.Background(), group); err != nil {
			t.Errorf("deleting group %s: %v", group, err)
		}
	})
	return consumer
}

// groupsConsume polls until n records came, and returns them by partition
// and offset, to commit some of them.
func groupsConsume(t *testing.T, consumer *kgo.Client, n int) map[int32]map[int64]*kgo.Record {
	t.Helper()
	consumed := make(map[int32]map[int64]*kgo.Record)
	for got := 0; got < n; {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		fs := consumer.PollFetches(ctx)
		cancel()
		if err := fs.Err0(); err != nil {
			t.Fatalf("consuming: %v", err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if consumed[r.Partition] == nil {
				consumed[r.Partition] = make(map[int64]*kgo.Record)
			}
			consumed[r.Partition][r.Offset] = r
			got++
		})
	}
	return consumed
}

func TestV3ConsumerGroups(t *testing.T) {
	run := startGARun(t)
	p, bootstrap, id, sfx := run.p, run.bootstrap, run.id, run.sfx
	ctx := context.Background()
	topic, group, clientID := "groups-"+sfx, "groups-"+sfx, "groups-client-"+sfx
	createTopic(t, p, topic, 3)
	groupsProduce(t, bootstrap, topic, map[int32]int{0: 10, 1: 10, 2: 10})
	consumer := groupsConsumer(t, run, group, topic, clientID)
	consumed := groupsConsume(t, consumer, 30)

	// The group is stable, its one member owning the three partitions,
	// in Kafka and through the proxy.
	var described kadm.DescribedGroup
	eventually(t, "the group is stable", func() error {
		ds, err := p.admin.DescribeGroups(ctx, group)
		if err != nil {
			return err
		}
		d := ds[group]
		if d.State != "Stable" || len(d.Members) != 1 || len(d.AssignedPartitions()[topic]) != 3 {
			return fmt.Errorf("state %s, %d members, assigned %v", d.State, len(d.Members), d.AssignedPartitions())
		}
		r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group, "")
		if r.status != 200 || r.json(t)["state"] != "STABLE" {
			return fmt.Errorf("the proxy answers %d %s", r.status, r.body)
		}
		described = d
		return nil
	})
	member := described.Members[0].MemberID
	base := p.url + "/v3/clusters/" + id
	g := base + "/consumer-groups/" + group
	crn := "crn:///kafka=" + id + "/consumer-group=" + group
	groupJSON := fmt.Sprintf(`{"kind":"KafkaConsumerGroup","metadata":{"self":%q,"resource_name":%q},
		"cluster_id":%q,"consumer_group_id":%q,"is_simple":false,"partition_assignor":%q,"state":"STABLE","type":"CLASSIC",
		"is_mixed_consumer_group":false,"coordinator":{"related":"%s/brokers/%d"},
		"consumers":{"related":"%s/consumers"},"lag_summary":{"related":"%s/lag-summary"}}`,
		g, crn, id, group, described.Protocol, base, described.Coordinator.NodeID, g, g)
	c := g + "/consumers/" + member
	consumerJSON := fmt.Sprintf(`{"kind":"KafkaConsumer","metadata":{"self":%q,"resource_name":"%s/consumer=%s"},
		"cluster_id":%q,"consumer_group_id":%q,"consumer_id":%q,"instance_id":null,"client_id":%q,
		"assignments":{"related":"%s/assignments"}}`, c, crn, member, id, group, member, clientID, c)
	assignmentJSON := func(partition int) string {
		return fmt.Sprintf(`{"kind":"KafkaConsumerAssignment",
			"metadata":{"self":"%[1]s/assignments/%[2]s/partitions/%[3]d","resource_name":"%[4]s/consumer=%[5]s/assignment=%[2]s/partition=%[3]d"},
			"cluster_id":%[6]q,"consumer_group_id":%[7]q,"consumer_id":%[5]q,"topic_name":%[2]q,"partition_id":%[3]d,
			"partition":{"related":"%[8]s/topics/%[2]s/partitions/%[3]d"},"lag":{"related":"%[9]s/lags/%[2]s/partitions/%[3]d"}}`,
			c, topic, partition, crn, member, id, group, base, g)
	}

	t.Run("group", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group, "").expect(t, 200, "application/json")
		sameJSON(t, r.body, groupJSON)
	})
	t.Run("list", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups", "").expect(t, 200, "application/json")
		var list struct {
			Kind     string            `json:"kind"`
			Metadata map[string]any    `json:"metadata"`
			Data     []json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(r.body, &list); err != nil {
			t.Fatal(err)
		}
		if list.Kind != "KafkaConsumerGroupList" || list.Metadata["self"] != base+"/consumer-groups" || list.Metadata["next"] != nil {
			t.Fatalf("list %s", r.body)
		}
		found := 0
		for _, d := range list.Data {
			var v map[string]any
			if err := json.Unmarshal(d, &v); err != nil {
				t.Fatal(err)
			}
			if v["consumer_group_id"] == group {
				sameJSON(t, d, groupJSON)
				found++
			}
		}
		if found != 1 {
			t.Fatalf("the group is in the list %d times: %s", found, r.body)
		}
	})
	t.Run("consumers", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/consumers", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerList","metadata":{"self":"%s/consumers","next":null},"data":[%s]}`, g, consumerJSON))
		r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/consumers/"+member, "").expect(t, 200, "application/json")
		sameJSON(t, r.body, consumerJSON)
		p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/consumers/nobody", "").
			expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	})
	t.Run("assignments", func(t *testing.T) {
		path := "/v3/clusters/" + id + "/consumer-groups/" + group + "/consumers/" + member + "/assignments"
		r := p.do(t, "GET", path, "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerAssignmentList","metadata":{"self":"%s/assignments","next":null},"data":[%s,%s,%s]}`,
			c, assignmentJSON(0), assignmentJSON(1), assignmentJSON(2)))
		r = p.do(t, "GET", path+"/"+topic+"/partitions/1", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, assignmentJSON(1))
		p.do(t, "GET", path+"/"+topic+"/partitions/3", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", path+"/"+topic+"/partitions/x", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", path+"/other-"+topic+"/partitions/1", "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/consumers/nobody/assignments", "").
			expectError(t, 404, 404, "Consumer nobody does not exist.", "application/json")
	})
	t.Run("no offsets committed yet", func(t *testing.T) {
		for _, path := range []string{"/lags", "/lag-summary", "/lags/" + topic + "/partitions/0"} {
			p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+path, "").
				expectError(t, 404, 404, "Consumer group offsets could not be found.", "application/json")
		}
	})

	// Commit partitions 0 and 1 only, then write more: the lags are those
	// of the two committed partitions.
	if err := consumer.CommitRecords(ctx, consumed[0][9], consumed[1][3]); err != nil {
		t.Fatalf("committing: %v", err)
	}
	groupsProduce(t, bootstrap, topic, map[int32]int{0: 5, 1: 2})

	// What kadm computes from the same Kafka.
	var kadmLag kadm.GroupLag
	eventually(t, "kadm sees the new ends", func() error {
		lags, err := p.admin.Lag(ctx, group)
		if err != nil {
			return err
		}
		l := lags[group]
		if err := l.Error(); err != nil {
			return err
		}
		if e, ok := l.Lag.Lookup(topic, 0); !ok || e.End.Offset != 15 {
			return fmt.Errorf("partition 0: %+v", e)
		}
		kadmLag = l.Lag
		return nil
	})
	lagJSON := func(partition int32) string {
		l, ok := kadmLag.Lookup(topic, partition)
		if !ok || l.Member == nil || l.Member.MemberID != member {
			t.Fatalf("kadm's lag of partition %d: %+v", partition, l)
		}
		return fmt.Sprintf(`{"kind":"KafkaConsumerLag",
			"metadata":{"self":"%[1]s/lags/%[2]s/partitions/%[3]d","resource_name":"%[4]s/lag=%[2]s/partition=%[3]d"},
			"cluster_id":%[5]q,"consumer_group_id":%[6]q,"topic_name":%[2]q,"partition_id":%[3]d,
			"consumer_id":%[7]q,"instance_id":null,"client_id":%[8]q,
			"current_offset":%[9]d,"log_end_offset":%[10]d,"lag":%[11]d}`,
			g, topic, partition, crn, id, group, member, clientID, l.Commit.At, l.End.Offset, l.Lag)
	}
	if l, _ := kadmLag.Lookup(topic, 1); l.Lag != 8 {
		t.Fatalf("kadm's lag of partition 1 is %d, want 8", l.Lag)
	}

	t.Run("lags", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lags", "").expect(t, 200, "application/json")
		// Greatest lag first: partition 1 (8) before partition 0 (5);
		// partition 2 has no committed offset.
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerLagList","metadata":{"self":"%s/lags","next":null},"data":[%s,%s]}`,
			g, lagJSON(1), lagJSON(0)))
		r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lags/"+topic+"/partitions/0", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, lagJSON(0))
		p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lags/"+topic+"/partitions/2", "").
			expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
		p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lags/"+topic+"/partitions/x", "").
			expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	})
	t.Run("lag summary", func(t *testing.T) {
		r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lag-summary", "").expect(t, 200, "application/json")
		sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerGroupLagSummary",
			"metadata":{"self":"%[1]s/lag-summary","resource_name":"%[2]s/lag-summary"},
			"cluster_id":%[3]q,"consumer_group_id":%[4]q,"max_lag":8,"total_lag":%[9]d,
			"max_lag_consumer_id":%[5]q,"max_lag_consumer":{"related":"%[1]s/consumers/%[5]s"},
			"max_lag_client_id":%[6]q,"max_lag_instance_id":null,"max_lag_topic_name":%[7]q,"max_lag_partition_id":1,
			"max_lag_partition":{"related":"%[8]s/topics/%[7]s/partitions/1"}}`,
			g, crn, id, group, member, clientID, topic, base, 13))
	})
	t.Run("unknown group", func(t *testing.T) {
		unknown := "/v3/clusters/" + id + "/consumer-groups/no-" + group
		doesNotExist, notFound := "Consumer Group no-"+group+" does not exist.", "Consumer Group no-"+group+" could not be found."
		expectGAErrors(t, p, []gaErrorCase{
			{"GET", unknown, 404, 404, "HTTP 404 Not Found"},
			{"GET", unknown + "/consumers", 404, 404, doesNotExist},
			{"GET", unknown + "/consumers/" + member, 404, 404, doesNotExist},
			{"GET", unknown + "/consumers/" + member + "/assignments", 404, 404, doesNotExist},
			{"GET", unknown + "/consumers/" + member + "/assignments/" + topic + "/partitions/0", 404, 404, doesNotExist},
			{"GET", unknown + "/lags", 404, 404, notFound},
			{"GET", unknown + "/lag-summary", 404, 404, notFound},
			{"GET", unknown + "/lags/" + topic + "/partitions/0", 404, 404, notFound},
		})
	})
	t.Run("unknown cluster", func(t *testing.T) {
		for _, path := range []string{"", "/" + group, "/" + group + "/consumers", "/" + group + "/lags", "/" + group + "/lag-summary"} {
			p.do(t, "GET", "/v3/clusters/not-"+id+"/consumer-groups"+path, "").
				expectError(t, 404, 404, "Cluster not-"+id+" could not be found.", "application/json")
		}
	})
}

// TestV3SimpleConsumerGroup covers a group that only ever committed
// offsets, through the admin API: a simple group, with no member to own
// its partitions.
func TestV3SimpleConsumerGroup(t *testing.T) {
	run := startGARun(t)
	p, bootstrap, id, sfx := run.p, run.bootstrap, run.id, run.sfx
	ctx := context.Background()
	topic, group := "groups-simple-"+sfx, "groups-simple-"+sfx
	createTopic(t, p, topic, 3)
	groupsProduce(t, bootstrap, topic, map[int32]int{0: 3, 2: 7})

	offsets := make(kadm.Offsets)
	offsets.AddOffset(topic, 0, 1, -1)
	offsets.AddOffset(topic, 2, 7, -1)
	if err := p.admin.CommitAllOffsets(ctx, group, offsets); err != nil {
		t.Fatalf("committing: %v", err)
	}
	t.Cleanup(func() {
		if _, err := p.admin.DeleteGroup(context.Background(), group); err != nil {
			t.Errorf("deleting group %s: %v", group, err)
		}
	})
	base := p.url + "/v3/clusters/" + id
	g := base + "/consumer-groups/" + group
	crn := "crn:///kafka=" + id + "/consumer-group=" + group
	ds, err := p.admin.DescribeGroups(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	coordinator := ds[group].Coordinator.NodeID

	r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group, "").expect(t, 200, "application/json")
	sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerGroup","metadata":{"self":%q,"resource_name":%q},
		"cluster_id":%q,"consumer_group_id":%q,"is_simple":true,"partition_assignor":"","state":"EMPTY","type":"CLASSIC",
		"is_mixed_consumer_group":false,"coordinator":{"related":"%s/brokers/%d"},
		"consumers":{"related":"%s/consumers"},"lag_summary":{"related":"%s/lag-summary"}}`,
		g, crn, id, group, base, coordinator, g, g))
	r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/consumers", "").expect(t, 200, "application/json")
	sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerList","metadata":{"self":"%s/consumers","next":null},"data":[]}`, g))

	lag := func(partition, current, end int) string {
		return fmt.Sprintf(`{"kind":"KafkaConsumerLag",
			"metadata":{"self":"%[1]s/lags/%[2]s/partitions/%[3]d","resource_name":"%[4]s/lag=%[2]s/partition=%[3]d"},
			"cluster_id":%[5]q,"consumer_group_id":%[6]q,"topic_name":%[2]q,"partition_id":%[3]d,
			"consumer_id":"","instance_id":null,"client_id":"",
			"current_offset":%[7]d,"log_end_offset":%[8]d,"lag":%[9]d}`,
			g, topic, partition, crn, id, group, current, end, end-current)
	}
	r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lags", "").expect(t, 200, "application/json")
	// Equal lags (none here on partition 2) sort by topic and partition.
	sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerLagList","metadata":{"self":"%s/lags","next":null},"data":[%s,%s]}`,
		g, lag(0, 1, 3), lag(2, 7, 7)))
	r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lag-summary", "").expect(t, 200, "application/json")
	sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerGroupLagSummary",
		"metadata":{"self":"%[1]s/lag-summary","resource_name":"%[2]s/lag-summary"},
		"cluster_id":%[3]q,"consumer_group_id":%[4]q,"max_lag":2,"total_lag":2,
		"max_lag_consumer_id":"","max_lag_consumer":{"related":"%[1]s/consumers/"},
		"max_lag_client_id":"","max_lag_instance_id":null,"max_lag_topic_name":%[5]q,"max_lag_partition_id":0,
		"max_lag_partition":{"related":"%[6]s/topics/%[5]s/partitions/0"}}`,
		g, crn, id, group, topic, base))
}

// TestV3NewProtocolConsumerGroup covers a group of the consumer protocol
// (KIP-848), whose partitions the broker assigns.
func TestV3NewProtocolConsumerGroup(t *testing.T) {
	run := startGARun(t)
	p, bootstrap, id, sfx := run.p, run.bootstrap, run.id, run.sfx
	ctx := context.Background()
	topic, group, clientID := "groups-848-"+sfx, "groups-848-"+sfx, "groups-848-client-"+sfx
	createTopic(t, p, topic, 3)
	groupsProduce(t, bootstrap, topic, map[int32]int{0: 4, 1: 4, 2: 4})
	consumer := groupsConsumer(t, run, group, topic, clientID, kgo.ServerSideBalancer(), kgo.Balancers(kgo.CooperativeStickyBalancer()))
	consumed := groupsConsume(t, consumer, 12)

	var described kadm.DescribedConsumerGroup
	eventually(t, "the group is stable", func() error {
		ds, err := p.admin.DescribeConsumerGroups(ctx, group)
		if err != nil {
			return err
		}
		d := ds[group]
		if d.Err != nil {
			return d.Err
		}
		if d.State != "Stable" || len(d.Members) != 1 || len(d.AssignedPartitions().Sorted()) != 1 ||
			len(d.AssignedPartitions().Sorted()[0].Partitions) != 3 {
			return fmt.Errorf("state %s, %d members, assigned %v", d.State, len(d.Members), d.AssignedPartitions())
		}
		described = d
		return nil
	})
	member := described.Members[0].MemberID
	// The embedded cluster names assigned topics by id alone, which kadm,
	// and so the proxy, reads as no name: what the proxy says is checked
	// against what kadm says.
	assigned := described.AssignedPartitions().Sorted()[0].Topic
	base := p.url + "/v3/clusters/" + id
	g := base + "/consumer-groups/" + group
	crn := "crn:///kafka=" + id + "/consumer-group=" + group
	r := p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group, "").expect(t, 200, "application/json")
	sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerGroup","metadata":{"self":%q,"resource_name":%q},
		"cluster_id":%q,"consumer_group_id":%q,"is_simple":false,"partition_assignor":%q,"state":"STABLE","type":"CONSUMER",
		"is_mixed_consumer_group":false,"coordinator":{"related":"%s/brokers/%d"},
		"consumers":{"related":"%s/consumers"},"lag_summary":{"related":"%s/lag-summary"}}`,
		g, crn, id, group, described.AssignorName, base, described.Coordinator.NodeID, g, g))
	r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/consumers/"+member+"/assignments", "").expect(t, 200, "application/json")
	var assignments struct {
		Data []struct {
			Topic     string `json:"topic_name"`
			Partition int32  `json:"partition_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.body, &assignments); err != nil {
		t.Fatal(err)
	}
	if len(assignments.Data) != 3 {
		t.Fatalf("assignments %s, want three", r.body)
	}
	for i, a := range assignments.Data {
		if a.Topic != assigned || a.Partition != int32(i) {
			t.Fatalf("assignments %s, want partitions 0 to 2 of %q in order", r.body, assigned)
		}
	}

	if err := consumer.CommitRecords(ctx, consumed[2][1]); err != nil {
		t.Fatalf("committing: %v", err)
	}
	owner, ownerClient := "", ""
	if described.AssignedPartitions().Lookup(topic, 2) {
		owner, ownerClient = member, clientID
	}
	r = p.do(t, "GET", "/v3/clusters/"+id+"/consumer-groups/"+group+"/lags", "").expect(t, 200, "application/json")
	sameJSON(t, r.body, fmt.Sprintf(`{"kind":"KafkaConsumerLagList","metadata":{"self":"%[1]s/lags","next":null},"data":[{"kind":"KafkaConsumerLag",
		"metadata":{"self":"%[1]s/lags/%[2]s/partitions/2","resource_name":"%[3]s/lag=%[2]s/partition=2"},
		"cluster_id":%[4]q,"consumer_group_id":%[5]q,"topic_name":%[2]q,"partition_id":2,
		"consumer_id":%[6]q,"instance_id":null,"client_id":%[7]q,"current_offset":2,"log_end_offset":4,"lag":2}]}`,
		g, topic, crn, id, group, owner, ownerClient))
}
