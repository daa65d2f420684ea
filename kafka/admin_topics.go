package kafka

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Topic is a topic as the cluster describes it.
type Topic struct {
	Name       string
	Internal   bool
	Partitions []Partition // sorted by id
	// AuthorizedOperations are the operations the proxy's principal may
	// run on the topic (READ, WRITE, ...), when they were asked for.
	AuthorizedOperations []string
}

// ReplicationFactor is the replica count of partition 0, as the reference
// reports it.
func (t Topic) ReplicationFactor() int {
	if len(t.Partitions) == 0 {
		return 0
	}
	return len(t.Partitions[0].Replicas)
}

// Partition is one partition of a topic.
type Partition struct {
	Topic string
	ID    int32
	// Leader is the leader's broker id, or -1 when the partition has none.
	Leader   int32
	Replicas []Replica // in the cluster's assignment order
}

// Replica is one replica of a partition.
type Replica struct {
	Topic     string
	Partition int32
	Broker    int32
	Leader    bool
	InSync    bool
}

// NewTopic is a topic to create. Nil fields take the broker's defaults.
type NewTopic struct {
	Name              string
	Partitions        *int32
	ReplicationFactor *int16
	// Assignments, when not empty, place every partition's replicas; the
	// partition count and replication factor then follow from them.
	Assignments map[int32][]int32
	// Configs are topic configs; a nil value asks for the default.
	Configs []TopicConfig
	// ValidateOnly checks the request without creating anything.
	ValidateOnly bool
}

// TopicConfig is one config entry of a topic to create.
type TopicConfig struct {
	Name  string
	Value *string
}

// CreatedTopic is what the cluster reports about a topic it created (or
// would create, when validating).
type CreatedTopic struct {
	Name              string
	Partitions        int32
	ReplicationFactor int16
}

// Reassignment is an ongoing reassignment of a partition's replicas.
type Reassignment struct {
	Topic     string
	Partition int32
	Adding    []int32
	Removing  []int32
}

// describeTopics describes the named topics, or every topic when names is
// empty, asking the cluster every time: after a create, delete or partition
// increase the next read must see it. A named topic the cluster does not
// know is an error (UnknownTopicOrPartition), as in the reference.
func (a *Admin) describeTopics(ctx context.Context, authOps bool, names ...string) ([]Topic, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = false
	req.IncludeTopicAuthorizedOperations = authOps
	if len(names) > 0 {
		for _, n := range names {
			rt := kmsg.NewMetadataRequestTopic()
			rt.Topic = kmsg.StringPtr(n)
			req.Topics = append(req.Topics, rt)
		}
	}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return nil, fmt.Errorf("describing topics: %w", err)
	}
	topics := make([]Topic, 0, len(resp.Topics))
	for _, rt := range resp.Topics {
		if err := kerr.ErrorForCode(rt.ErrorCode); err != nil {
			return nil, err
		}
		t := Topic{Name: strOrEmpty(rt.Topic), Internal: rt.IsInternal}
		if authOps {
			for _, op := range kadm.DecodeACLOperations(rt.AuthorizedOperations) {
				t.AuthorizedOperations = append(t.AuthorizedOperations, op.String())
			}
		}
		for _, rp := range rt.Partitions {
			t.Partitions = append(t.Partitions, partitionOf(t.Name, rp))
		}
		sort.Slice(t.Partitions, func(i, j int) bool { return t.Partitions[i].ID < t.Partitions[j].ID })
		topics = append(topics, t)
	}
	sort.Slice(topics, func(i, j int) bool { return topics[i].Name < topics[j].Name })
	return topics, nil
}

func partitionOf(topic string, rp kmsg.MetadataResponseTopicPartition) Partition {
	isr := make(map[int32]bool, len(rp.ISR))
	for _, b := range rp.ISR {
		isr[b] = true
	}
	p := Partition{Topic: topic, ID: rp.Partition, Leader: rp.Leader}
	for _, b := range rp.Replicas {
		p.Replicas = append(p.Replicas, Replica{
			Topic: topic, Partition: rp.Partition, Broker: b, Leader: b == rp.Leader, InSync: isr[b],
		})
	}
	return p
}

// Topics lists the cluster's topics but the internal ones, sorted by name.
func (a *Admin) Topics(ctx context.Context, authOps bool) ([]Topic, error) {
	all, err := a.describeTopics(ctx, authOps)
	if err != nil {
		return nil, err
	}
	topics := all[:0]
	for _, t := range all {
		if !t.Internal {
			topics = append(topics, t)
		}
	}
	return topics, nil
}

// Topic describes one topic; an unknown topic is Kafka's
// UnknownTopicOrPartition (404 40403).
func (a *Admin) Topic(ctx context.Context, name string, authOps bool) (Topic, error) {
	ts, err := a.describeTopics(ctx, authOps, name)
	if err != nil {
		return Topic{}, err
	}
	if len(ts) != 1 {
		return Topic{}, fmt.Errorf("describing topic %q: the cluster answered %d topics", name, len(ts))
	}
	return ts[0], nil
}

// Partition describes one partition of a topic: an unknown topic is
// UnknownTopicOrPartition with the reference's message naming the
// partition; nil for a partition the topic does not have.
func (a *Admin) Partition(ctx context.Context, topic string, id int32) (*Partition, error) {
	t, err := a.Topic(ctx, topic, false)
	if errors.Is(err, kerr.UnknownTopicOrPartition) {
		return nil, WithMessage(err, fmt.Sprintf("This server does not host topic-partition %d for topic %s", id, topic))
	}
	if err != nil {
		return nil, err
	}
	for _, p := range t.Partitions {
		if p.ID == id {
			return &p, nil
		}
	}
	return nil, nil
}

// CreateTopic creates a topic, or only validates its creation.
func (a *Admin) CreateTopic(ctx context.Context, nt NewTopic) (CreatedTopic, error) {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 15000
	req.ValidateOnly = nt.ValidateOnly
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic = nt.Name
	rt.NumPartitions, rt.ReplicationFactor = -1, -1
	if len(nt.Assignments) > 0 {
		ids := make([]int32, 0, len(nt.Assignments))
		for id := range nt.Assignments {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
			ra.Partition, ra.Replicas = id, nt.Assignments[id]
			rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
		}
	} else {
		if nt.Partitions != nil {
			rt.NumPartitions = *nt.Partitions
		}
		if nt.ReplicationFactor != nil {
			rt.ReplicationFactor = *nt.ReplicationFactor
		}
	}
	for _, c := range nt.Configs {
		rc := kmsg.NewCreateTopicsRequestTopicConfig()
		rc.Name, rc.Value = c.Name, c.Value
		rt.Configs = append(rt.Configs, rc)
	}
	req.Topics = append(req.Topics, rt)
	if err := a.checkCreateTopics(ctx, req); err != nil {
		return CreatedTopic{}, err
	}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return CreatedTopic{}, fmt.Errorf("creating topic %q: %w", nt.Name, err)
	}
	if len(resp.Topics) != 1 {
		return CreatedTopic{}, fmt.Errorf("creating topic %q: the cluster answered %d topics", nt.Name, len(resp.Topics))
	}
	got := resp.Topics[0]
	if err := kerr.ErrorForCode(got.ErrorCode); err != nil {
		if errors.Is(err, kerr.TopicAlreadyExists) {
			// Kafka's own TopicExistsException text, whatever the broker sent.
			return CreatedTopic{}, WithMessage(err, fmt.Sprintf("Topic '%s' already exists.", nt.Name))
		}
		return CreatedTopic{}, WithMessage(err, strOrEmpty(got.ErrorMessage))
	}
	// A principal without DESCRIBE_CONFIGS gets -1 for both (KIP-525): the
	// reference then echoes what was asked for, else 0.
	ct := CreatedTopic{Name: nt.Name, Partitions: got.NumPartitions, ReplicationFactor: got.ReplicationFactor}
	if ct.Partitions < 0 {
		ct.Partitions = max(rt.NumPartitions, int32(len(rt.ReplicaAssignment)), 0)
	}
	if ct.ReplicationFactor < 0 {
		ct.ReplicationFactor = max(rt.ReplicationFactor, 0)
		if len(rt.ReplicaAssignment) > 0 {
			ct.ReplicationFactor = int16(len(rt.ReplicaAssignment[0].Replicas))
		}
	}
	return ct, nil
}

// checkCreateTopics refuses, as Kafka would, a CreateTopics request that
// breaks one of Kafka's bounds, before any cluster sees it. The broker's
// default partition count is not known here: a topic that takes it counts
// as one partition.
func (a *Admin) checkCreateTopics(ctx context.Context, req *kmsg.CreateTopicsRequest) error {
	if r := createTopicsBound(req, 1); r != nil {
		return r.rest()
	}
	var brokers []int32
	for i := range req.Topics {
		rt := &req.Topics[i]
		for _, c := range rt.Configs {
			if r := configStringsRefusal(c.Name, c.Value); r != nil {
				return r.rest()
			}
		}
		if brokers == nil && (len(rt.ReplicaAssignment) > 0 || rt.ReplicationFactor > 1) {
			info, err := a.Cluster(ctx)
			if err != nil {
				return err
			}
			brokers = make([]int32, 0, len(info.Brokers))
			for _, b := range info.Brokers {
				brokers = append(brokers, b.ID)
			}
		}
		if r := createTopicRefusal(rt, brokers); r != nil {
			return r.rest()
		}
	}
	if r := createTopicsRecords(req, 1); r != nil {
		return r.rest()
	}
	return nil
}

// DeleteTopic deletes a topic.
func (a *Admin) DeleteTopic(ctx context.Context, name string) error {
	r, err := a.adm.DeleteTopic(ctx, name)
	if err != nil {
		return fmt.Errorf("deleting topic %q: %w", name, err)
	}
	if r.Err != nil {
		return WithMessage(r.Err, r.ErrMessage)
	}
	return nil
}

// SetPartitionsCount raises a topic's partition count to total; Kafka
// refuses anything but an increase (InvalidPartitions, 400 40002).
func (a *Admin) SetPartitionsCount(ctx context.Context, name string, total int32) error {
	// Kafka's own check, in its words, made here too: some brokers (kfake)
	// take an unchanged count as a no-op.
	t, err := a.Topic(ctx, name, false)
	if err != nil {
		return err
	}
	cur := int32(len(t.Partitions))
	switch {
	case total == cur:
		return WithMessage(kerr.InvalidPartitions, fmt.Sprintf("Topic already has %d partition(s).", cur))
	case total < cur:
		return WithMessage(kerr.InvalidPartitions, fmt.Sprintf("The topic %s currently has %d partition(s); %d would not be an increase.", name, cur, total))
	}
	if r := increaseBound(int64(total) - int64(cur)); r != nil {
		return r.rest()
	}
	rs, err := a.adm.UpdatePartitions(ctx, int(total), name)
	if err != nil {
		return fmt.Errorf("updating the partitions of topic %q: %w", name, err)
	}
	r, ok := rs[name]
	if !ok {
		return fmt.Errorf("updating the partitions of topic %q: no answer for the topic", name)
	}
	if r.Err != nil {
		return WithMessage(r.Err, r.ErrMessage)
	}
	return a.awaitPartitions(ctx, name, total)
}

// awaitPartitions waits, briefly, until the metadata the brokers serve shows
// the topic with total partitions: the controller has accepted the
// increase, and the caller's next read must see it.
func (a *Admin) awaitPartitions(ctx context.Context, name string, total int32) error {
	deadline := time.Now().Add(2 * time.Second)
	for {
		t, err := a.Topic(ctx, name, false)
		if err != nil || int32(len(t.Partitions)) >= total || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Offsets are a partition's earliest and latest offsets.
type Offsets struct{ Earliest, Latest int64 }

// PartitionOffsets returns the earliest and latest offsets of a partition.
// A partition the topic does not have is the reference's 404 40402
// "Partition not found.".
func (a *Admin) PartitionOffsets(ctx context.Context, topic string, id int32) (Offsets, error) {
	p, err := a.Partition(ctx, topic, id)
	if err != nil {
		return Offsets{}, err
	}
	if p == nil {
		return Offsets{}, ErrPartitionNotFound()
	}
	var o Offsets
	if o.Earliest, err = a.listOffset(ctx, topic, id, -2); err != nil {
		return Offsets{}, err
	}
	if o.Latest, err = a.listOffset(ctx, topic, id, -1); err != nil {
		return Offsets{}, err
	}
	return o, nil
}

// listOffset asks the partition's leader for the offset at timestamp (-2
// earliest, -1 latest); the client routes the request to the leader.
func (a *Admin) listOffset(ctx context.Context, topic string, id int32, timestamp int64) (int64, error) {
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewListOffsetsRequestTopicPartition()
	rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch = id, timestamp, -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	kresp, err := a.cl.Request(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("listing the offsets of %s-%d: %w", topic, id, err)
	}
	resp := kresp.(*kmsg.ListOffsetsResponse)
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if t.Topic != topic || p.Partition != id {
				continue
			}
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return 0, err
			}
			return p.Offset, nil
		}
	}
	return 0, fmt.Errorf("listing the offsets of %s-%d: no answer for the partition", topic, id)
}

// Reassignments lists the ongoing partition reassignments, sorted by topic
// and partition.
func (a *Admin) Reassignments(ctx context.Context) ([]Reassignment, error) {
	// kadm lists only the topics it is given; a request without topics
	// asks for every ongoing reassignment.
	req := kmsg.NewPtrListPartitionReassignmentsRequest()
	req.TimeoutMillis = 15000
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return nil, fmt.Errorf("listing partition reassignments: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, WithMessage(err, strOrEmpty(resp.ErrorMessage))
	}
	var out []Reassignment
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			out = append(out, Reassignment{Topic: t.Topic, Partition: p.Partition, Adding: p.AddingReplicas, Removing: p.RemovingReplicas})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out, nil
}

func strOrEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// OffsetAt returns the offset of a partition at timestamp: -2 the earliest,
// -1 the latest, else the first record at or after that many milliseconds
// since the epoch (the latest when there is none).
func (a *Admin) OffsetAt(ctx context.Context, topic string, id int32, timestamp int64) (int64, error) {
	return a.listOffset(ctx, topic, id, timestamp)
}

// TopicIDs returns the ids of topics (requests of newer protocol versions
// name topics by id).
func (a *Admin) TopicIDs(ctx context.Context, topics ...string) (map[string][16]byte, error) {
	md, err := a.adm.Metadata(ctx, topics...)
	if err != nil {
		return nil, err
	}
	ids := make(map[string][16]byte, len(md.Topics))
	for name, td := range md.Topics {
		if td.Err != nil {
			return nil, td.Err
		}
		ids[name] = td.ID
	}
	return ids, nil
}

// TopicsExist checks that every one of topics exists: the first that does
// not is 404 40403 naming it.
func (a *Admin) TopicsExist(ctx context.Context, topics []string) error {
	md, err := a.adm.Metadata(ctx, topics...)
	if err != nil {
		return err
	}
	for _, t := range topics {
		td, ok := md.Topics[t]
		if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
			return WithMessage(kerr.UnknownTopicOrPartition, fmt.Sprintf("Topic %s does not exist.", t))
		}
		if td.Err != nil {
			return td.Err
		}
	}
	return nil
}
