package http

import (
	"errors"
	nethttp "net/http"
	"sort"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// The consumer group resources: groups, their consumers and assignments,
// and the group's lags. All read-only.

func (s *Server) v3ConsumerGroupRoutes() []route {
	v3JSON := []offer{{mediaJSON, 1}}
	const groups = "/v3/clusters/:cluster_id/consumer-groups"
	const group = groups + "/:consumer_group_id"
	const consumer = group + "/consumers/:consumer_id"
	return []route{
		{method: "GET", path: groups, name: "api.v3.consumer-groups.list", produces: v3JSON, handle: s.listConsumerGroups},
		{method: "GET", path: group, name: "api.v3.consumer-groups.get", produces: v3JSON, handle: s.getConsumerGroup},
		{method: "GET", path: group + "/consumers", name: "api.v3.consumers.list", produces: v3JSON, handle: s.listConsumers},
		{method: "GET", path: consumer, name: "api.v3.consumers.get", produces: v3JSON, handle: s.getConsumer},
		{method: "GET", path: consumer + "/assignments", name: "api.v3.consumer-assignments.list", produces: v3JSON, handle: s.listConsumerAssignments},
		{method: "GET", path: consumer + "/assignments/:topic_name/partitions/:partition_id", name: "api.v3.consumer-assignments.get", produces: v3JSON, handle: s.getConsumerAssignment},
		{method: "GET", path: group + "/lags", name: "api.v3.consumer-lags.list", produces: v3JSON, handle: s.listConsumerLags},
		{method: "GET", path: group + "/lags/:topic_name/partitions/:partition_id", name: "api.v3.consumer-lags.get", produces: v3JSON, handle: s.getConsumerLag},
		{method: "GET", path: group + "/lag-summary", name: "api.v3.consumer-group-lag-summary.get", produces: v3JSON, handle: s.getConsumerGroupLagSummary},
	}
}

type consumerGroupData struct {
	Kind                 string       `json:"kind"`
	Metadata             resourceMeta `json:"metadata"`
	ClusterID            string       `json:"cluster_id"`
	ConsumerGroupID      string       `json:"consumer_group_id"`
	IsSimple             bool         `json:"is_simple"`
	PartitionAssignor    string       `json:"partition_assignor"`
	State                string       `json:"state"`
	Type                 string       `json:"type"`
	IsMixedConsumerGroup bool         `json:"is_mixed_consumer_group"`
	Coordinator          related      `json:"coordinator"`
	Consumers            related      `json:"consumers"`
	LagSummary           related      `json:"lag_summary"`
}

type consumerData struct {
	Kind            string       `json:"kind"`
	Metadata        resourceMeta `json:"metadata"`
	ClusterID       string       `json:"cluster_id"`
	ConsumerGroupID string       `json:"consumer_group_id"`
	ConsumerID      string       `json:"consumer_id"`
	InstanceID      *string      `json:"instance_id"`
	ClientID        string       `json:"client_id"`
	Assignments     related      `json:"assignments"`
}

type consumerAssignmentData struct {
	Kind            string       `json:"kind"`
	Metadata        resourceMeta `json:"metadata"`
	ClusterID       string       `json:"cluster_id"`
	ConsumerGroupID string       `json:"consumer_group_id"`
	ConsumerID      string       `json:"consumer_id"`
	TopicName       string       `json:"topic_name"`
	PartitionID     int32        `json:"partition_id"`
	Partition       related      `json:"partition"`
	Lag             related      `json:"lag"`
}

type consumerLagData struct {
	Kind            string       `json:"kind"`
	Metadata        resourceMeta `json:"metadata"`
	ClusterID       string       `json:"cluster_id"`
	ConsumerGroupID string       `json:"consumer_group_id"`
	TopicName       string       `json:"topic_name"`
	PartitionID     int32        `json:"partition_id"`
	ConsumerID      string       `json:"consumer_id"`
	InstanceID      *string      `json:"instance_id"`
	ClientID        string       `json:"client_id"`
	CurrentOffset   int64        `json:"current_offset"`
	LogEndOffset    int64        `json:"log_end_offset"`
	Lag             int64        `json:"lag"`
}

type consumerGroupLagSummaryData struct {
	Kind              string       `json:"kind"`
	Metadata          resourceMeta `json:"metadata"`
	ClusterID         string       `json:"cluster_id"`
	ConsumerGroupID   string       `json:"consumer_group_id"`
	MaxLag            int64        `json:"max_lag"`
	TotalLag          int64        `json:"total_lag"`
	MaxLagConsumerID  string       `json:"max_lag_consumer_id"`
	MaxLagConsumer    related      `json:"max_lag_consumer"`
	MaxLagClientID    string       `json:"max_lag_client_id"`
	MaxLagInstanceID  *string      `json:"max_lag_instance_id"`
	MaxLagTopicName   string       `json:"max_lag_topic_name"`
	MaxLagPartitionID int32        `json:"max_lag_partition_id"`
	MaxLagPartition   related      `json:"max_lag_partition"`
}

// groupCluster is the cluster check of the consumer group resources, whose
// manager words the 404 its own way.
func (s *Server) groupCluster(c *call) (string, error) {
	id, err := s.cluster(c)
	var ke *apierr.Error
	if errors.As(err, &ke) && ke.Status == nethttp.StatusNotFound {
		return "", apierr.New(apierr.CodeNotFound, "Cluster %s could not be found.", c.param("cluster_id"))
	}
	return id, err
}

// groupPartitionParam reads the partition_id path parameter; one that is
// not a number names no resource, as a JAX-RS int parameter that fails to
// convert.
func groupPartitionParam(c *call) (int32, error) {
	p, err := strconv.ParseInt(c.param("partition_id"), 10, 32)
	if err != nil {
		return 0, errNotFound()
	}
	return int32(p), nil
}

// consumerGroup is the group of the request, with notFound as the answer
// when there is none.
func (s *Server) consumerGroup(c *call, notFound func(group string) error) (string, *kafka.ConsumerGroup, error) {
	id, err := s.groupCluster(c)
	if err != nil {
		return "", nil, err
	}
	g, err := s.sys.ConsumerGroup(c.r.Context(), c.param("consumer_group_id"))
	if err != nil {
		return "", nil, err
	}
	if g == nil {
		return "", nil, notFound(c.param("consumer_group_id"))
	}
	return id, g, nil
}

// groupDoesNotExist is the answer of the consumer and assignment resources
// for a group there is none of.
func groupDoesNotExist(group string) error {
	return apierr.New(apierr.CodeNotFound, "Consumer Group %s does not exist.", group)
}

// groupConsumer is the consumer of the request; nil when its group has
// none of that id.
func (s *Server) groupConsumer(c *call) (string, string, *kafka.GroupConsumer, error) {
	id, g, err := s.consumerGroup(c, groupDoesNotExist)
	if err != nil {
		return "", "", nil, err
	}
	for i := range g.Consumers {
		if g.Consumers[i].ID == c.param("consumer_id") {
			return id, g.ID, &g.Consumers[i], nil
		}
	}
	return id, g.ID, nil, nil
}

func (s *Server) consumerGroupData(c *call, clusterID string, g kafka.ConsumerGroup) consumerGroupData {
	return consumerGroupData{
		Kind:                 "KafkaConsumerGroup",
		Metadata:             s.meta(c, clusterID, []string{"consumer-groups", g.ID}, "consumer-group", g.ID),
		ClusterID:            clusterID,
		ConsumerGroupID:      g.ID,
		IsSimple:             g.Simple,
		PartitionAssignor:    g.PartitionAssignor,
		State:                g.State,
		Type:                 g.Type,
		IsMixedConsumerGroup: g.Mixed,
		Coordinator:          s.v3Link(c, clusterID, "brokers", strconv.Itoa(int(g.Coordinator))),
		Consumers:            s.v3Link(c, clusterID, "consumer-groups", g.ID, "consumers"),
		LagSummary:           s.v3Link(c, clusterID, "consumer-groups", g.ID, "lag-summary"),
	}
}

func (s *Server) listConsumerGroups(c *call) error {
	id, err := s.groupCluster(c)
	if err != nil {
		return err
	}
	groups, err := s.sys.ConsumerGroups(c.r.Context())
	if err != nil {
		return err
	}
	data := make([]consumerGroupData, 0, len(groups))
	for _, g := range groups {
		data = append(data, s.consumerGroupData(c, id, g))
	}
	return c.json(nethttp.StatusOK, newList("KafkaConsumerGroupList", s.v3URL(c, id, "consumer-groups"), data))
}

func (s *Server) getConsumerGroup(c *call) error {
	id, g, err := s.consumerGroup(c, func(string) error { return errNotFound() })
	if err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, s.consumerGroupData(c, id, *g))
}

func (s *Server) consumerData(c *call, clusterID, group string, m kafka.GroupConsumer) consumerData {
	self := []string{"consumer-groups", group, "consumers", m.ID}
	return consumerData{
		Kind:            "KafkaConsumer",
		Metadata:        s.meta(c, clusterID, self, "consumer-group", group, "consumer", m.ID),
		ClusterID:       clusterID,
		ConsumerGroupID: group,
		ConsumerID:      m.ID,
		InstanceID:      m.InstanceID,
		ClientID:        m.ClientID,
		Assignments:     s.v3Link(c, clusterID, append(self, "assignments")...),
	}
}

func (s *Server) listConsumers(c *call) error {
	id, g, err := s.consumerGroup(c, groupDoesNotExist)
	if err != nil {
		return err
	}
	data := make([]consumerData, 0, len(g.Consumers))
	for _, m := range g.Consumers {
		data = append(data, s.consumerData(c, id, g.ID, m))
	}
	sort.Slice(data, func(i, j int) bool { return data[i].ConsumerID < data[j].ConsumerID })
	return c.json(nethttp.StatusOK, newList("KafkaConsumerList", s.v3URL(c, id, "consumer-groups", g.ID, "consumers"), data))
}

func (s *Server) getConsumer(c *call) error {
	id, group, m, err := s.groupConsumer(c)
	if err != nil {
		return err
	}
	if m == nil {
		return errNotFound()
	}
	return c.json(nethttp.StatusOK, s.consumerData(c, id, group, *m))
}

func (s *Server) consumerAssignmentData(c *call, clusterID, group, consumer string, a kafka.ConsumerAssignment) consumerAssignmentData {
	p := strconv.Itoa(int(a.Partition))
	return consumerAssignmentData{
		Kind: "KafkaConsumerAssignment",
		Metadata: s.meta(c, clusterID, []string{"consumer-groups", group, "consumers", consumer, "assignments", a.Topic, "partitions", p},
			"consumer-group", group, "consumer", consumer, "assignment", a.Topic, "partition", p),
		ClusterID:       clusterID,
		ConsumerGroupID: group,
		ConsumerID:      consumer,
		TopicName:       a.Topic,
		PartitionID:     a.Partition,
		Partition:       s.v3Link(c, clusterID, "topics", a.Topic, "partitions", p),
		Lag:             s.v3Link(c, clusterID, "consumer-groups", group, "lags", a.Topic, "partitions", p),
	}
}

// assignedConsumer is the consumer of the request, for the assignment
// resources: an unknown one is 404 "Consumer X does not exist.".
func (s *Server) assignedConsumer(c *call) (string, string, *kafka.GroupConsumer, error) {
	id, group, m, err := s.groupConsumer(c)
	if err == nil && m == nil {
		err = apierr.New(apierr.CodeNotFound, "Consumer %s does not exist.", c.param("consumer_id"))
	}
	return id, group, m, err
}

func (s *Server) listConsumerAssignments(c *call) error {
	id, group, m, err := s.assignedConsumer(c)
	if err != nil {
		return err
	}
	data := make([]consumerAssignmentData, 0, len(m.Assignments))
	for _, a := range m.Assignments { // sorted by topic and partition
		data = append(data, s.consumerAssignmentData(c, id, group, m.ID, a))
	}
	self := s.v3URL(c, id, "consumer-groups", group, "consumers", m.ID, "assignments")
	return c.json(nethttp.StatusOK, newList("KafkaConsumerAssignmentList", self, data))
}

func (s *Server) getConsumerAssignment(c *call) error {
	partition, err := groupPartitionParam(c)
	if err != nil {
		return err
	}
	id, group, m, err := s.assignedConsumer(c)
	if err != nil {
		return err
	}
	for _, a := range m.Assignments {
		if a.Topic == c.param("topic_name") && a.Partition == partition {
			return c.json(nethttp.StatusOK, s.consumerAssignmentData(c, id, group, m.ID, a))
		}
	}
	return errNotFound()
}

// consumerLags are the lags of the request's group.
func (s *Server) consumerLags(c *call) (string, []kafka.ConsumerLag, error) {
	id, err := s.groupCluster(c)
	if err != nil {
		return "", nil, err
	}
	lags, err := s.sys.ConsumerLags(c.r.Context(), c.param("consumer_group_id"))
	return id, lags, err
}

func (s *Server) consumerLagData(c *call, clusterID, group string, l kafka.ConsumerLag) consumerLagData {
	p := strconv.Itoa(int(l.Partition))
	return consumerLagData{
		Kind: "KafkaConsumerLag",
		Metadata: s.meta(c, clusterID, []string{"consumer-groups", group, "lags", l.Topic, "partitions", p},
			"consumer-group", group, "lag", l.Topic, "partition", p),
		ClusterID:       clusterID,
		ConsumerGroupID: group,
		TopicName:       l.Topic,
		PartitionID:     l.Partition,
		ConsumerID:      l.ConsumerID,
		InstanceID:      l.InstanceID,
		ClientID:        l.ClientID,
		CurrentOffset:   l.CurrentOffset,
		LogEndOffset:    l.LogEndOffset,
		Lag:             l.Lag,
	}
}

func (s *Server) listConsumerLags(c *call) error {
	id, lags, err := s.consumerLags(c)
	if err != nil {
		return err
	}
	if len(lags) == 0 {
		return apierr.New(apierr.CodeNotFound, "Consumer lags not found.")
	}
	group := c.param("consumer_group_id")
	data := make([]consumerLagData, 0, len(lags))
	for _, l := range lags {
		data = append(data, s.consumerLagData(c, id, group, l))
	}
	// Greatest lag first; lags come sorted by topic and partition, which
	// the stable sort keeps among equal lags.
	sort.SliceStable(data, func(i, j int) bool { return data[i].Lag > data[j].Lag })
	return c.json(nethttp.StatusOK, newList("KafkaConsumerLagList", s.v3URL(c, id, "consumer-groups", group, "lags"), data))
}

func (s *Server) getConsumerLag(c *call) error {
	partition, err := groupPartitionParam(c)
	if err != nil {
		return err
	}
	id, lags, err := s.consumerLags(c)
	if err != nil {
		return err
	}
	for _, l := range lags {
		if l.Topic == c.param("topic_name") && l.Partition == partition {
			return c.json(nethttp.StatusOK, s.consumerLagData(c, id, c.param("consumer_group_id"), l))
		}
	}
	return errNotFound()
}

func (s *Server) getConsumerGroupLagSummary(c *call) error {
	id, lags, err := s.consumerLags(c)
	if err != nil {
		return err
	}
	sum, ok := kafka.SummarizeLags(lags)
	if !ok {
		return apierr.New(apierr.CodeNotFound, "Consumer lags not found.")
	}
	group := c.param("consumer_group_id")
	top := sum.MaxLag
	p := strconv.Itoa(int(top.Partition))
	meta := s.meta(c, id, []string{"consumer-groups", group, "lag-summary"}, "consumer-group", group)
	meta.ResourceName += "/lag-summary" // a CRN part without a value
	return c.json(nethttp.StatusOK, consumerGroupLagSummaryData{
		Kind:              "KafkaConsumerGroupLagSummary",
		Metadata:          meta,
		ClusterID:         id,
		ConsumerGroupID:   group,
		MaxLag:            sum.Max,
		TotalLag:          sum.Total,
		MaxLagConsumerID:  top.ConsumerID,
		MaxLagConsumer:    s.v3Link(c, id, "consumer-groups", group, "consumers", top.ConsumerID),
		MaxLagClientID:    top.ClientID,
		MaxLagInstanceID:  top.InstanceID,
		MaxLagTopicName:   top.Topic,
		MaxLagPartitionID: top.Partition,
		MaxLagPartition:   s.v3Link(c, id, "topics", top.Topic, "partitions", p),
	})
}
