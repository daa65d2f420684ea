package v3

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// topics serves the topics: list, describe, create, delete and grow.
type topics struct{ *base }

func (s *topics) routes() []rest.Route {
	in := []string{rest.MediaJSON}
	t := "/v3/clusters/:cluster_id/topics"
	return []rest.Route{
		{Method: "GET", Path: t, Name: "api.v3.topics.list", Produces: v3JSON(), Handle: s.listTopics},
		{Method: "POST", Path: t, Name: "api.v3.topics.create", Produces: v3JSON(), Consumes: in, Handle: s.createTopic},
		{Method: "GET", Path: t + "/:topic_name", Name: "api.v3.topics.get", Produces: v3JSON(), Handle: s.getTopic},
		// The reference names its partition-count update this way.
		{Method: "PATCH", Path: t + "/:topic_name", Name: "api.v3.topics.partitions", Produces: v3JSON(), Consumes: in, Handle: s.updatePartitionsCount},
		{Method: "DELETE", Path: t + "/:topic_name", Name: "api.v3.topics.delete", Produces: v3JSON(), Handle: s.deleteTopic},
	}
}

type topicData struct {
	Kind                   string       `json:"kind"`
	Metadata               resourceMeta `json:"metadata"`
	ClusterID              string       `json:"cluster_id"`
	TopicName              string       `json:"topic_name"`
	IsInternal             bool         `json:"is_internal"`
	ReplicationFactor      int          `json:"replication_factor"`
	PartitionsCount        int          `json:"partitions_count"`
	Partitions             related      `json:"partitions"`
	Configs                related      `json:"configs"`
	PartitionReassignments related      `json:"partition_reassignments"`
	AuthorizedOperations   []string     `json:"authorized_operations"`
}

func (s *topics) topicData(c *rest.Call, clusterID, name string, internal bool, rf, partitions int, ops []string) topicData {
	if ops == nil {
		ops = []string{} // always written, [] unless asked for
	}
	return topicData{
		Kind:                   "KafkaTopic",
		Metadata:               s.meta(c, clusterID, []string{"topics", name}, "topic", name),
		ClusterID:              clusterID,
		TopicName:              name,
		IsInternal:             internal,
		ReplicationFactor:      rf,
		PartitionsCount:        partitions,
		Partitions:             s.link(c, clusterID, "topics", name, "partitions"),
		Configs:                s.link(c, clusterID, "topics", name, "configs"),
		PartitionReassignments: s.link(c, clusterID, "topics", name, "partitions", "-", "reassignment"),
		AuthorizedOperations:   ops,
	}
}

func (s *topics) describedTopic(c *rest.Call, clusterID string, t kafka.Topic) topicData {
	return s.topicData(c, clusterID, t.Name, t.Internal, t.ReplicationFactor(), len(t.Partitions), t.AuthorizedOperations)
}

// boolQuery reads a Java boolean query parameter: "true" in any case is
// true, anything else false.
func boolQuery(c *rest.Call, name string) bool {
	return strings.EqualFold(c.R.URL.Query().Get(name), "true")
}

func (s *topics) listTopics(c *rest.Call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	// The reference's list spells this parameter in camelCase.
	topics, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.Topic, error) {
		return a.Topics(ctx, boolQuery(c, "includeAuthorizedOperations"))
	})
	if err != nil {
		return err
	}
	data := make([]topicData, 0, len(topics))
	for _, t := range topics { // sorted by name
		data = append(data, s.describedTopic(c, id, t))
	}
	return c.JSON(http.StatusOK, newList("KafkaTopicList", s.url(c, id, "topics"), data))
}

func (s *topics) getTopic(c *rest.Call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	t, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Topic, error) {
		return a.Topic(ctx, c.Param("topic_name"), boolQuery(c, "include_authorized_operations"))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.describedTopic(c, id, t))
}

type createTopicRequest struct {
	TopicName         *string `json:"topic_name"`
	PartitionsCount   *int32  `json:"partitions_count"`
	ReplicationFactor *int16  `json:"replication_factor"`
	// ReplicasAssignments maps partition ids, JSON object keys, to
	// broker ids.
	ReplicasAssignments map[string][]int32 `json:"replicas_assignments"`
	Configs             []struct {
		Name  *string `json:"name"`
		Value *string `json:"value"`
	} `json:"configs"`
	ValidateOnly *bool `json:"validate_only"`
}

// errMissingField is the answer to a body without a field the reference's
// entity requires: its constructor fails, a 400.
func errMissingField(name string) error {
	return apierr.New(apierr.CodeBadRequest, "Missing required field: %s.", name)
}

// newTopic checks a create request as the reference does and turns it into
// the topic to create.
func (req createTopicRequest) newTopic() (kafka.NewTopic, error) {
	if req.TopicName == nil {
		return kafka.NewTopic{}, errMissingField("topic_name")
	}
	nt := kafka.NewTopic{
		Name:              *req.TopicName,
		Partitions:        req.PartitionsCount,
		ReplicationFactor: req.ReplicationFactor,
		ValidateOnly:      req.ValidateOnly != nil && *req.ValidateOnly,
	}
	for k, brokers := range req.ReplicasAssignments {
		p, err := strconv.ParseInt(k, 10, 32)
		if err != nil {
			return kafka.NewTopic{}, apierr.New(apierr.CodeBadRequest, "Cannot deserialize replicas_assignments: key '%s' is not a partition id.", k)
		}
		if nt.Assignments == nil {
			nt.Assignments = make(map[int32][]int32, len(req.ReplicasAssignments))
		}
		if _, dup := nt.Assignments[int32(p)]; dup { // "0" and "00", say
			return kafka.NewTopic{}, apierr.New(apierr.CodeKafkaBadRequest, "Found multiple manual partition assignments for partition %d", p)
		}
		nt.Assignments[int32(p)] = brokers
	}
	for _, ce := range req.Configs {
		if ce.Name == nil {
			return kafka.NewTopic{}, errMissingField("configs.name")
		}
		nt.Configs = append(nt.Configs, kafka.TopicConfig{Name: *ce.Name, Value: ce.Value})
	}
	if !kafka.ValidTopicName(nt.Name) {
		return kafka.NewTopic{}, apierr.New(apierr.CodeInvalidPayload, "Payload error. Invalid topic name.")
	}
	return nt, nil
}

func (s *topics) createTopic(c *rest.Call) error {
	var req createTopicRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	nt, err := req.newTopic()
	if err != nil {
		return err
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	created, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.CreatedTopic, error) { return a.CreateTopic(ctx, nt) })
	if err != nil {
		return err
	}
	d := s.topicData(c, id, created.Name, false, int(created.ReplicationFactor), int(created.Partitions), nil)
	c.W.Header().Set("Location", d.Metadata.Self)
	status := http.StatusCreated
	if nt.ValidateOnly {
		status = http.StatusOK // nothing was created
	}
	return c.JSON(status, d)
}

type partitionsCountRequest struct {
	PartitionsCount *int32 `json:"partitions_count"`
}

func (s *topics) updatePartitionsCount(c *rest.Call) error {
	var req partitionsCountRequest
	if err := decodeBody(c, &req); err != nil {
		var ke *apierr.Error
		if errors.As(err, &ke) && ke.Code == apierr.CodeInvalidPayload {
			// The empty body, in this endpoint's own words.
			return apierr.New(ke.Code, "Payload error. Request body is empty. Partitions_count is required.")
		}
		return err
	}
	if req.PartitionsCount == nil {
		return errMissingField("partitions_count")
	}
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	name := c.Param("topic_name")
	if err := s.admin.Run(c.R.Context(), func(ctx context.Context, a *kafka.Admin) error {
		return a.SetPartitionsCount(ctx, name, *req.PartitionsCount)
	}); err != nil {
		return err
	}
	t, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Topic, error) { return a.Topic(ctx, name, false) })
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.describedTopic(c, id, t))
}

func (s *topics) deleteTopic(c *rest.Call) error {
	if _, err := s.cluster(c); err != nil {
		return err
	}
	if err := s.admin.Run(c.R.Context(), func(ctx context.Context, a *kafka.Admin) error { return a.DeleteTopic(ctx, c.Param("topic_name")) }); err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusNoContent)
	return nil
}
