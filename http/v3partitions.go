package http

import (
	nethttp "net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

func (s *Server) v3PartitionRoutes() []route {
	v3JSON := []offer{{mediaJSON, 1}}
	p := "/v3/clusters/:cluster_id/topics/:topic_name/partitions"
	return []route{
		{method: "GET", path: p, name: "api.v3.partitions.list", produces: v3JSON, handle: s.listPartitions},
		{method: "GET", path: p + "/:partition_id", name: "api.v3.partitions.get", produces: v3JSON, handle: s.getPartition},
		{method: "GET", path: p + "/:partition_id/offset", name: "api.v3.partitions.list.offsets", produces: v3JSON, handle: s.partitionOffsets},
		{method: "GET", path: p + "/:partition_id/replicas", name: "api.v3.replicas.list", produces: v3JSON, handle: s.listReplicas},
		{method: "GET", path: p + "/:partition_id/replicas/:broker_id", name: "api.v3.replicas.get", produces: v3JSON, handle: s.getReplica},
		// One route serves the reference's three reassignment endpoints:
		// topics/-/partitions/-, topics/{t}/partitions/- and
		// topics/{t}/partitions/{p}; the handler names the one it serves.
		{method: "GET", path: p + "/:partition_id/reassignment", name: "api.v3.partition-reassignments.get", produces: v3JSON, handle: s.reassignments},
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

func (s *Server) partitionData(c *call, clusterID string, p kafka.Partition) partitionData {
	pid := strconv.Itoa(int(p.ID))
	d := partitionData{
		Kind:         "KafkaPartition",
		Metadata:     s.meta(c, clusterID, []string{"topics", p.Topic, "partitions", pid}, "topic", p.Topic, "partition", pid),
		ClusterID:    clusterID,
		TopicName:    p.Topic,
		PartitionID:  p.ID,
		Replicas:     s.v3Link(c, clusterID, "topics", p.Topic, "partitions", pid, "replicas"),
		Reassignment: s.v3Link(c, clusterID, "topics", p.Topic, "partitions", pid, "reassignment"),
	}
	// The leader is a link to its replica: none when the leader is not
	// among the replicas (no leader at all, -1).
	for _, r := range p.Replicas {
		if r.Leader {
			l := s.v3Link(c, clusterID, "topics", p.Topic, "partitions", pid, "replicas", strconv.Itoa(int(r.Broker)))
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

func (s *Server) replicaData(c *call, clusterID string, r kafka.Replica) replicaData {
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
		Broker:      s.v3Link(c, clusterID, "brokers", bid),
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
func (s *Server) reassignmentData(c *call, clusterID string, r kafka.Reassignment, segment string) reassignmentData {
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
		Replicas:         s.v3Link(c, clusterID, "topics", r.Topic, "partitions", pid, "replicas"),
	}
	if d.AddingReplicas == nil {
		d.AddingReplicas = []int32{}
	}
	if d.RemovingReplicas == nil {
		d.RemovingReplicas = []int32{}
	}
	return d
}

func (s *Server) listPartitions(c *call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	topic := c.param("topic_name")
	t, err := s.sys.Topic(c.r.Context(), topic, false)
	if err != nil {
		return err
	}
	data := make([]partitionData, 0, len(t.Partitions))
	for _, p := range t.Partitions {
		data = append(data, s.partitionData(c, id, p))
	}
	return c.json(nethttp.StatusOK, newList("KafkaPartitionList", s.v3URL(c, id, "topics", topic, "partitions"), data))
}

// partition finds the request's partition (its id is pid): a missing
// topic is Kafka's 40403, a missing partition found=false.
func (s *Server) partition(c *call) (clusterID string, pid int32, p kafka.Partition, found bool, err error) {
	if clusterID, pid, err = s.clusterAndID(c, "partition_id"); err != nil {
		return "", 0, kafka.Partition{}, false, err
	}
	p, found, err = s.sys.Partition(c.r.Context(), c.param("topic_name"), pid)
	return clusterID, pid, p, found, err
}

func (s *Server) getPartition(c *call) error {
	id, _, p, found, err := s.partition(c)
	if err != nil {
		return err
	}
	if !found {
		return errNotFound()
	}
	return c.json(nethttp.StatusOK, s.partitionData(c, id, p))
}

// offsetTypeAll is the only offset_type the reference knows; it compares
// it case-sensitively.
const offsetTypeAll = "earliest_and_latest"

func (s *Server) partitionOffsets(c *call) error {
	pid, err := int32Param(c, "partition_id")
	if err != nil {
		return err
	}
	if v, ok := c.r.URL.Query()["offset_type"]; ok && (len(v) == 0 || v[0] != offsetTypeAll) {
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
	topic := c.param("topic_name")
	earliest, latest, err := s.sys.PartitionOffsets(c.r.Context(), topic, pid)
	if err != nil {
		return err
	}
	ps := strconv.Itoa(int(pid))
	return c.json(nethttp.StatusOK, partitionOffsetsData{
		Kind: "KafkaPartitionWithOffsets",
		Metadata: s.meta(c, id, []string{"topics", topic, "partitions", ps, "offset"},
			"topic", topic, "partition", ps, "offset_type", offsetTypeAll),
		ClusterID:      id,
		TopicName:      topic,
		PartitionID:    pid,
		EarliestOffset: earliest,
		LatestOffset:   latest,
	})
}

// replicas lists the request's partition's replicas; a missing partition
// is the reference's 404 naming it.
func (s *Server) replicas(c *call) (string, int32, []kafka.Replica, error) {
	id, pid, p, found, err := s.partition(c)
	if err != nil {
		return "", 0, nil, err
	}
	if !found {
		return "", 0, nil, apierr.New(apierr.CodeNotFound, "Partition %d of topic %s could not be found on cluster %s.", pid, c.param("topic_name"), id)
	}
	return id, pid, p.Replicas, nil
}

func (s *Server) listReplicas(c *call) error {
	id, pid, replicas, err := s.replicas(c)
	if err != nil {
		return err
	}
	data := make([]replicaData, 0, len(replicas))
	for _, r := range replicas {
		data = append(data, s.replicaData(c, id, r))
	}
	self := s.v3URL(c, id, "topics", c.param("topic_name"), "partitions", strconv.Itoa(int(pid)), "replicas")
	return c.json(nethttp.StatusOK, newList("KafkaReplicaList", self, data))
}

func (s *Server) getReplica(c *call) error {
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
			return c.json(nethttp.StatusOK, s.replicaData(c, id, r))
		}
	}
	return errNotFound()
}

// reassignments serves topics/-/partitions/-/reassignment (every ongoing
// reassignment), topics/{t}/partitions/-/reassignment (a topic's; none for
// an unknown topic) and topics/{t}/partitions/{p}/reassignment (one, 404
// when none is ongoing).
func (s *Server) reassignments(c *call) error {
	topic, partition := c.param("topic_name"), c.param("partition_id")
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
	all, err := s.sys.Reassignments(c.r.Context())
	if err != nil {
		return err
	}
	if partition != "-" {
		for _, r := range all {
			if r.Topic == topic && r.Partition == pid {
				return c.json(nethttp.StatusOK, s.reassignmentData(c, id, r, "reassignment"))
			}
		}
		return errNotFound()
	}
	c.name = "api.v3.partition-reassignments.search-by-topic"
	if topic == "-" {
		c.name = "api.v3.partition-reassignments.list"
	}
	data := []reassignmentData{}
	for _, r := range all { // sorted by topic and partition
		if topic == "-" || r.Topic == topic {
			data = append(data, s.reassignmentData(c, id, r, "reassignments"))
		}
	}
	// The reference's list URLs say "reassignments", its links "reassignment".
	self := s.v3URL(c, id, "topics", topic, "partitions", "-", "reassignments")
	return c.json(nethttp.StatusOK, newList("KafkaReassignmentList", self, data))
}
