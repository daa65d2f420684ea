package v3

import (
	"context"
	"net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// partitions serves partitions, their offsets, replicas and reassignments.
type partitions struct{ *base }

func (s *partitions) routes() []rest.Route {
	p := "/v3/clusters/:cluster_id/topics/:topic_name/partitions"
	return []rest.Route{
		{Method: "GET", Path: p, Name: "api.v3.partitions.list", Produces: v3JSON(), Handle: s.listPartitions},
		{Method: "GET", Path: p + "/:partition_id", Name: "api.v3.partitions.get", Produces: v3JSON(), Handle: s.getPartition},
		{Method: "GET", Path: p + "/:partition_id/offset", Name: "api.v3.partitions.list.offsets", Produces: v3JSON(), Handle: s.partitionOffsets},
		{Method: "GET", Path: p + "/:partition_id/replicas", Name: "api.v3.replicas.list", Produces: v3JSON(), Handle: s.listReplicas},
		{Method: "GET", Path: p + "/:partition_id/replicas/:broker_id", Name: "api.v3.replicas.get", Produces: v3JSON(), Handle: s.getReplica},
		// One route serves the reference's three reassignment endpoints:
		// topics/-/partitions/-, topics/{t}/partitions/- and
		// topics/{t}/partitions/{p}; the handler names the one it serves.
		{Method: "GET", Path: p + "/:partition_id/reassignment", Name: "api.v3.partition-reassignments.get", Produces: v3JSON(), Handle: s.reassignments},
	}
}

type partitionData struct {
	Kind         string       `json:"kind"`
	Metadata     resourceMeta `json:"metadata"`
	ClusterID    string       `json:"cluster_id"`
	TopicName    string       `json:"topic_name"`
	PartitionID  int32        `json:"partition_id"`
	Leader       *related     `json:"leader"`
	Replicas     related      `json:"replicas"`
	Reassignment related      `json:"reassignment"`
}

func (s *partitions) partitionData(c *rest.Call, clusterID string, p kafka.Partition) partitionData {
	pid := strconv.Itoa(int(p.ID))
	d := partitionData{
		Kind:         "KafkaPartition",
		Metadata:     s.meta(c, clusterID, []string{"topics", p.Topic, "partitions", pid}, "topic", p.Topic, "partition", pid),
		ClusterID:    clusterID,
		TopicName:    p.Topic,
		PartitionID:  p.ID,
		Replicas:     s.link(c, clusterID, "topics", p.Topic, "partitions", pid, "replicas"),
		Reassignment: s.link(c, clusterID, "topics", p.Topic, "partitions", pid, "reassignment"),
	}
	// The leader is a link to its replica: none when the leader is not
	// among the replicas (no leader at all, -1).
	for _, r := range p.Replicas {
		if r.Leader {
			l := s.link(c, clusterID, "topics", p.Topic, "partitions", pid, "replicas", strconv.Itoa(int(r.Broker)))
			d.Leader = &l
		}
	}
	return d
}

type replicaData struct {
	Kind        string       `json:"kind"`
	Metadata    resourceMeta `json:"metadata"`
	ClusterID   string       `json:"cluster_id"`
	TopicName   string       `json:"topic_name"`
	PartitionID int32        `json:"partition_id"`
	BrokerID    int32        `json:"broker_id"`
	IsLeader    bool         `json:"is_leader"`
	IsInSync    bool         `json:"is_in_sync"`
	Broker      related      `json:"broker"`
}

func (s *base) replicaData(c *rest.Call, clusterID string, r kafka.Replica) replicaData {
	pid, bid := strconv.Itoa(int(r.Partition)), strconv.Itoa(int(r.Broker))
	return replicaData{
		Kind: "KafkaReplica",
		Metadata: s.meta(c, clusterID, []string{"topics", r.Topic, "partitions", pid, "replicas", bid},
			"topic", r.Topic, "partition", pid, "replica", bid),
		ClusterID:   clusterID,
		TopicName:   r.Topic,
		PartitionID: r.Partition,
		BrokerID:    r.Broker,
		IsLeader:    r.Leader,
		IsInSync:    r.InSync,
		Broker:      s.link(c, clusterID, "brokers", bid),
	}
}

type partitionOffsetsData struct {
	Kind           string       `json:"kind"`
	Metadata       resourceMeta `json:"metadata"`
	ClusterID      string       `json:"cluster_id"`
	TopicName      string       `json:"topic_name"`
	PartitionID    int32        `json:"partition_id"`
	EarliestOffset int64        `json:"earliest_offset"`
	LatestOffset   int64        `json:"latest_offset"`
}

type reassignmentData struct {
	Kind             string       `json:"kind"`
	Metadata         resourceMeta `json:"metadata"`
	ClusterID        string       `json:"cluster_id"`
	TopicName        string       `json:"topic_name"`
	PartitionID      int32        `json:"partition_id"`
	AddingReplicas   []int32      `json:"adding_replicas"`
	RemovingReplicas []int32      `json:"removing_replicas"`
	Replicas         related      `json:"replicas"`
}

// reassignmentData builds a KafkaReassignment whose self URL and resource
// name end in segment: the reference writes "reassignment" for a single
// one and "reassignments" for the members of a list.
func (s *partitions) reassignmentData(c *rest.Call, clusterID string, r kafka.Reassignment, segment string) reassignmentData {
	pid := strconv.Itoa(int(r.Partition))
	m := s.meta(c, clusterID, []string{"topics", r.Topic, "partitions", pid, segment}, "topic", r.Topic, "partition", pid)
	m.ResourceName += "/" + segment // a type without an id
	d := reassignmentData{
		Kind:             "KafkaReassignment",
		Metadata:         m,
		ClusterID:        clusterID,
		TopicName:        r.Topic,
		PartitionID:      r.Partition,
		AddingReplicas:   r.Adding,
		RemovingReplicas: r.Removing,
		Replicas:         s.link(c, clusterID, "topics", r.Topic, "partitions", pid, "replicas"),
	}
	if d.AddingReplicas == nil {
		d.AddingReplicas = []int32{}
	}
	if d.RemovingReplicas == nil {
		d.RemovingReplicas = []int32{}
	}
	return d
}

func (s *partitions) listPartitions(c *rest.Call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	topic := c.Param("topic_name")
	t, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Topic, error) { return a.Topic(ctx, topic, false) })
	if err != nil {
		return err
	}
	data := make([]partitionData, 0, len(t.Partitions))
	for _, p := range t.Partitions {
		data = append(data, s.partitionData(c, id, p))
	}
	return c.JSON(http.StatusOK, newList("KafkaPartitionList", s.url(c, id, "topics", topic, "partitions"), data))
}

// partition finds the request's partition (its id is pid): a missing
// topic is Kafka's 40403, a missing partition nil.
func (s *partitions) partition(c *rest.Call) (clusterID string, pid int32, p *kafka.Partition, err error) {
	if clusterID, pid, err = s.clusterAndID(c, "partition_id"); err != nil {
		return "", 0, nil, err
	}
	p, err = actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (*kafka.Partition, error) {
		return a.Partition(ctx, c.Param("topic_name"), pid)
	})
	return clusterID, pid, p, err
}

func (s *partitions) getPartition(c *rest.Call) error {
	id, _, p, err := s.partition(c)
	if err != nil {
		return err
	}
	if p == nil {
		return errNotFound()
	}
	return c.JSON(http.StatusOK, s.partitionData(c, id, *p))
}

// offsetTypeAll is the only offset_type the reference knows; it compares
// it case-sensitively.
const offsetTypeAll = "earliest_and_latest"

func (s *partitions) partitionOffsets(c *rest.Call) error {
	pid, err := int32Param(c, "partition_id")
	if err != nil {
		return err
	}
	if v, ok := c.R.URL.Query()["offset_type"]; ok && (len(v) == 0 || v[0] != offsetTypeAll) {
		given := ""
		if len(v) > 0 {
			given = v[0]
		}
		return apierr.New(apierr.CodeBadRequest, "Bad Request: offset_type:%s is invalid", given)
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	topic := c.Param("topic_name")
	offsets, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Offsets, error) {
		return a.PartitionOffsets(ctx, topic, pid)
	})
	if err != nil {
		return err
	}
	ps := strconv.Itoa(int(pid))
	return c.JSON(http.StatusOK, partitionOffsetsData{
		Kind: "KafkaPartitionWithOffsets",
		Metadata: s.meta(c, id, []string{"topics", topic, "partitions", ps, "offset"},
			"topic", topic, "partition", ps, "offset_type", offsetTypeAll),
		ClusterID:      id,
		TopicName:      topic,
		PartitionID:    pid,
		EarliestOffset: offsets.Earliest,
		LatestOffset:   offsets.Latest,
	})
}

// replicas lists the request's partition's replicas; a missing partition
// is the reference's 404 naming it.
func (s *partitions) replicas(c *rest.Call) (string, int32, []kafka.Replica, error) {
	id, pid, p, err := s.partition(c)
	if err != nil {
		return "", 0, nil, err
	}
	if p == nil {
		return "", 0, nil, apierr.New(apierr.CodeNotFound, "Partition %d of topic %s could not be found on cluster %s.", pid, c.Param("topic_name"), id)
	}
	return id, pid, p.Replicas, nil
}

func (s *partitions) listReplicas(c *rest.Call) error {
	id, pid, replicas, err := s.replicas(c)
	if err != nil {
		return err
	}
	data := make([]replicaData, 0, len(replicas))
	for _, r := range replicas {
		data = append(data, s.replicaData(c, id, r))
	}
	self := s.url(c, id, "topics", c.Param("topic_name"), "partitions", strconv.Itoa(int(pid)), "replicas")
	return c.JSON(http.StatusOK, newList("KafkaReplicaList", self, data))
}

func (s *partitions) getReplica(c *rest.Call) error {
	brokerID, err := int32Param(c, "broker_id")
	if err != nil {
		return err
	}
	id, _, replicas, err := s.replicas(c)
	if err != nil {
		return err
	}
	for _, r := range replicas {
		if r.Broker == brokerID {
			return c.JSON(http.StatusOK, s.replicaData(c, id, r))
		}
	}
	return errNotFound()
}

// reassignments serves topics/-/partitions/-/reassignment (every ongoing
// reassignment), topics/{t}/partitions/-/reassignment (a topic's; none for
// an unknown topic) and topics/{t}/partitions/{p}/reassignment (one, 404
// when none is ongoing).
func (s *partitions) reassignments(c *rest.Call) error {
	topic, partition := c.Param("topic_name"), c.Param("partition_id")
	var pid int32
	if partition != "-" {
		var err error
		if pid, err = int32Param(c, "partition_id"); err != nil {
			return err
		}
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	all, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.Reassignment, error) { return a.Reassignments(ctx) })
	if err != nil {
		return err
	}
	if partition != "-" {
		for _, r := range all {
			if r.Topic == topic && r.Partition == pid {
				return c.JSON(http.StatusOK, s.reassignmentData(c, id, r, "reassignment"))
			}
		}
		return errNotFound()
	}
	c.Name = "api.v3.partition-reassignments.search-by-topic"
	if topic == "-" {
		c.Name = "api.v3.partition-reassignments.list"
	}
	data := []reassignmentData{}
	for _, r := range all { // sorted by topic and partition
		if topic == "-" || r.Topic == topic {
			data = append(data, s.reassignmentData(c, id, r, "reassignments"))
		}
	}
	// The reference's list URLs say "reassignments", its links "reassignment".
	self := s.url(c, id, "topics", topic, "partitions", "-", "reassignments")
	return c.JSON(http.StatusOK, newList("KafkaReassignmentList", self, data))
}
