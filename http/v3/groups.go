package v3

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// groups serves consumer groups, their members, assignments and lags.
type groups struct{ *base }

// The consumer group resources: groups, their consumers and assignments,
// and the group's lags. All read-only.

func (s *groups) routes() []rest.Route {
	const groups = "/v3/clusters/:cluster_id/consumer-groups"
	const group = groups + "/:consumer_group_id"
	const consumer = group + "/consumers/:consumer_id"
	return []rest.Route{
		{Method: "GET", Path: groups, Name: "api.v3.consumer-groups.list", Produces: v3JSON(), Handle: s.listConsumerGroups},
		{Method: "GET", Path: group, Name: "api.v3.consumer-groups.get", Produces: v3JSON(), Handle: s.getConsumerGroup},
		{Method: "GET", Path: group + "/consumers", Name: "api.v3.consumers.list", Produces: v3JSON(), Handle: s.listConsumers},
		{Method: "GET", Path: consumer, Name: "api.v3.consumers.get", Produces: v3JSON(), Handle: s.getConsumer},
		{Method: "GET", Path: consumer + "/assignments", Name: "api.v3.consumer-assignments.list", Produces: v3JSON(), Handle: s.listConsumerAssignments},
		{Method: "GET", Path: consumer + "/assignments/:topic_name/partitions/:partition_id", Name: "api.v3.consumer-assignments.get", Produces: v3JSON(), Handle: s.getConsumerAssignment},
		{Method: "GET", Path: group + "/lags", Name: "api.v3.consumer-lags.list", Produces: v3JSON(), Handle: s.listConsumerLags},
		{Method: "GET", Path: group + "/lags/:topic_name/partitions/:partition_id", Name: "api.v3.consumer-lags.get", Produces: v3JSON(), Handle: s.getConsumerLag},
		{Method: "GET", Path: group + "/lag-summary", Name: "api.v3.consumer-group-lag-summary.get", Produces: v3JSON(), Handle: s.getConsumerGroupLagSummary},
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
func (s *groups) groupCluster(c *rest.Call) (string, error) {
	id, err := s.cluster(c)
	var ke *apierr.Error
	if errors.As(err, &ke) && ke.Status == http.StatusNotFound {
		return "", apierr.New(apierr.CodeNotFound, "Cluster %s could not be found.", c.Param("cluster_id"))
	}
	return id, err
}

// groupPartitionParam reads the partition_id path parameter; one that is
// not a number names no resource, as a JAX-RS int parameter that fails to
// convert.
func groupPartitionParam(c *rest.Call) (int32, error) {
	p, err := strconv.ParseInt(c.Param("partition_id"), 10, 32)
	if err != nil {
		return 0, errNotFound()
	}
	return int32(p), nil
}

// consumerGroup is the group of the request, with notFound as the answer
// when there is none.
func (s *groups) consumerGroup(c *rest.Call, notFound func(group string) error) (string, *kafka.ConsumerGroup, error) {
	id, err := s.groupCluster(c)
	if err != nil {
		return "", nil, err
	}
	g, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (*kafka.ConsumerGroup, error) {
		return a.ConsumerGroup(ctx, c.Param("consumer_group_id"))
	})
	if err != nil {
		return "", nil, err
	}
	if g == nil {
		return "", nil, notFound(c.Param("consumer_group_id"))
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
func (s *groups) groupConsumer(c *rest.Call) (string, string, *kafka.GroupConsumer, error) {
	id, g, err := s.consumerGroup(c, groupDoesNotExist)
	if err != nil {
		return "", "", nil, err
	}
	for i := range g.Consumers {
		if g.Consumers[i].ID == c.Param("consumer_id") {
			return id, g.ID, &g.Consumers[i], nil
		}
	}
	return id, g.ID, nil, nil
}

func (s *groups) consumerGroupData(c *rest.Call, clusterID string, g kafka.ConsumerGroup) consumerGroupData {
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
		Coordinator:          s.link(c, clusterID, "brokers", strconv.Itoa(int(g.Coordinator))),
		Consumers:            s.link(c, clusterID, "consumer-groups", g.ID, "consumers"),
		LagSummary:           s.link(c, clusterID, "consumer-groups", g.ID, "lag-summary"),
	}
}

func (s *groups) listConsumerGroups(c *rest.Call) error {
	id, err := s.groupCluster(c)
	if err != nil {
		return err
	}
	groups, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConsumerGroup, error) { return a.ConsumerGroups(ctx) })
	if err != nil {
		return err
	}
	data := make([]consumerGroupData, 0, len(groups))
	for _, g := range groups {
		data = append(data, s.consumerGroupData(c, id, g))
	}
	return c.JSON(http.StatusOK, newList("KafkaConsumerGroupList", s.url(c, id, "consumer-groups"), data))
}

func (s *groups) getConsumerGroup(c *rest.Call) error {
	id, g, err := s.consumerGroup(c, func(string) error { return errNotFound() })
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.consumerGroupData(c, id, *g))
}

func (s *groups) consumerData(c *rest.Call, clusterID, group string, m kafka.GroupConsumer) consumerData {
	self := []string{"consumer-groups", group, "consumers", m.ID}
	return consumerData{
		Kind:            "KafkaConsumer",
		Metadata:        s.meta(c, clusterID, self, "consumer-group", group, "consumer", m.ID),
		ClusterID:       clusterID,
		ConsumerGroupID: group,
		ConsumerID:      m.ID,
		InstanceID:      m.InstanceID,
		ClientID:        m.ClientID,
		Assignments:     s.link(c, clusterID, append(self, "assignments")...),
	}
}

func (s *groups) listConsumers(c *rest.Call) error {
	id, g, err := s.consumerGroup(c, groupDoesNotExist)
	if err != nil {
		return err
	}
	data := make([]consumerData, 0, len(g.Consumers))
	for _, m := range g.Consumers {
		data = append(data, s.consumerData(c, id, g.ID, m))
	}
	sort.Slice(data, func(i, j int) bool { return data[i].ConsumerID < data[j].ConsumerID })
	return c.JSON(http.StatusOK, newList("KafkaConsumerList", s.url(c, id, "consumer-groups", g.ID, "consumers"), data))
}

func (s *groups) getConsumer(c *rest.Call) error {
	id, group, m, err := s.groupConsumer(c)
	if err != nil {
		return err
	}
	if m == nil {
		return errNotFound()
	}
	return c.JSON(http.StatusOK, s.consumerData(c, id, group, *m))
}

func (s *groups) consumerAssignmentData(c *rest.Call, clusterID, group, consumer string, a kafka.ConsumerAssignment) consumerAssignmentData {
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
		Partition:       s.link(c, clusterID, "topics", a.Topic, "partitions", p),
		Lag:             s.link(c, clusterID, "consumer-groups", group, "lags", a.Topic, "partitions", p),
	}
}

// assignedConsumer is the consumer of the request, for the assignment
// resources: an unknown one is 404 "Consumer X does not exist.".
func (s *groups) assignedConsumer(c *rest.Call) (string, string, *kafka.GroupConsumer, error) {
	id, group, m, err := s.groupConsumer(c)
	if err == nil && m == nil {
		err = apierr.New(apierr.CodeNotFound, "Consumer %s does not exist.", c.Param("consumer_id"))
	}
	return id, group, m, err
}

func (s *groups) listConsumerAssignments(c *rest.Call) error {
	id, group, m, err := s.assignedConsumer(c)
	if err != nil {
		return err
	}
	data := make([]consumerAssignmentData, 0, len(m.Assignments))
	for _, a := range m.Assignments { // sorted by topic and partition
		data = append(data, s.consumerAssignmentData(c, id, group, m.ID, a))
	}
	self := s.url(c, id, "consumer-groups", group, "consumers", m.ID, "assignments")
	return c.JSON(http.StatusOK, newList("KafkaConsumerAssignmentList", self, data))
}

func (s *groups) getConsumerAssignment(c *rest.Call) error {
	partition, err := groupPartitionParam(c)
	if err != nil {
		return err
	}
	id, group, m, err := s.assignedConsumer(c)
	if err != nil {
		return err
	}
	for _, a := range m.Assignments {
		if a.Topic == c.Param("topic_name") && a.Partition == partition {
			return c.JSON(http.StatusOK, s.consumerAssignmentData(c, id, group, m.ID, a))
		}
	}
	return errNotFound()
}

// consumerLags are the lags of the request's group.
func (s *groups) consumerLags(c *rest.Call) (string, []kafka.ConsumerLag, error) {
	id, err := s.groupCluster(c)
	if err != nil {
		return "", nil, err
	}
	lags, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConsumerLag, error) {
		return a.ConsumerLags(ctx, c.Param("consumer_group_id"))
	})
	return id, lags, err
}

func (s *groups) consumerLagData(c *rest.Call, clusterID, group string, l kafka.ConsumerLag) consumerLagData {
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

func (s *groups) listConsumerLags(c *rest.Call) error {
	id, lags, err := s.consumerLags(c)
	if err != nil {
		return err
	}
	if len(lags) == 0 {
		return apierr.New(apierr.CodeNotFound, "Consumer lags not found.")
	}
	group := c.Param("consumer_group_id")
	data := make([]consumerLagData, 0, len(lags))
	for _, l := range lags {
		data = append(data, s.consumerLagData(c, id, group, l))
	}
	// Greatest lag first; lags come sorted by topic and partition, which
	// the stable sort keeps among equal lags.
	sort.SliceStable(data, func(i, j int) bool { return data[i].Lag > data[j].Lag })
	return c.JSON(http.StatusOK, newList("KafkaConsumerLagList", s.url(c, id, "consumer-groups", group, "lags"), data))
}

func (s *groups) getConsumerLag(c *rest.Call) error {
	partition, err := groupPartitionParam(c)
	if err != nil {
		return err
	}
	id, lags, err := s.consumerLags(c)
	if err != nil {
		return err
	}
	for _, l := range lags {
		if l.Topic == c.Param("topic_name") && l.Partition == partition {
			return c.JSON(http.StatusOK, s.consumerLagData(c, id, c.Param("consumer_group_id"), l))
		}
	}
	return errNotFound()
}

func (s *groups) getConsumerGroupLagSummary(c *rest.Call) error {
	id, lags, err := s.consumerLags(c)
	if err != nil {
		return err
	}
	sum, ok := kafka.SummarizeLags(lags)
	if !ok {
		return apierr.New(apierr.CodeNotFound, "Consumer lags not found.")
	}
	group := c.Param("consumer_group_id")
	top := sum.MaxLag
	p := strconv.Itoa(int(top.Partition))
	meta := s.meta(c, id, []string{"consumer-groups", group, "lag-summary"}, "consumer-group", group)
	meta.ResourceName += "/lag-summary" // a CRN part without a value
	return c.JSON(http.StatusOK, consumerGroupLagSummaryData{
		Kind:              "KafkaConsumerGroupLagSummary",
		Metadata:          meta,
		ClusterID:         id,
		ConsumerGroupID:   group,
		MaxLag:            sum.Max,
		TotalLag:          sum.Total,
		MaxLagConsumerID:  top.ConsumerID,
		MaxLagConsumer:    s.link(c, id, "consumer-groups", group, "consumers", top.ConsumerID),
		MaxLagClientID:    top.ClientID,
		MaxLagInstanceID:  top.InstanceID,
		MaxLagTopicName:   top.Topic,
		MaxLagPartitionID: top.Partition,
		MaxLagPartition:   s.link(c, id, "topics", top.Topic, "partitions", p),
	})
}
