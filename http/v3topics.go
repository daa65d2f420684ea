package http

import (
	"errors"
	nethttp "net/http"
	"strconv"
	"strings"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

func (s *Server) v3TopicRoutes() []route {
	v3JSON := []offer{{mediaJSON, 1}}
	in := []string{mediaJSON}
	t := "/v3/clusters/:cluster_id/topics"
	return []route{
		{method: "GET", path: t, name: "api.v3.topics.list", produces: v3JSON, handle: s.listTopics},
		{method: "POST", path: t, name: "api.v3.topics.create", produces: v3JSON, consumes: in, handle: s.createTopic},
		{method: "GET", path: t + "/:topic_name", name: "api.v3.topics.get", produces: v3JSON, handle: s.getTopic},
		// The reference names its partition-count update this way.
		{method: "PATCH", path: t + "/:topic_name", name: "api.v3.topics.partitions", produces: v3JSON, consumes: in, handle: s.updatePartitionsCount},
		{method: "DELETE", path: t + "/:topic_name", name: "api.v3.topics.delete", produces: v3JSON, handle: s.deleteTopic},
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

func (s *Server) topicData(c *call, clusterID, name string, internal bool, rf, partitions int, ops []string) topicData {
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
		Partitions:             s.v3Link(c, clusterID, "topics", name, "partitions"),
		Configs:                s.v3Link(c, clusterID, "topics", name, "configs"),
		PartitionReassignments: s.v3Link(c, clusterID, "topics", name, "partitions", "-", "reassignment"),
		AuthorizedOperations:   ops,
	}
}

func (s *Server) describedTopic(c *call, clusterID string, t kafka.Topic) topicData {
	return s.topicData(c, clusterID, t.Name, t.Internal, t.ReplicationFactor(), len(t.Partitions), t.AuthorizedOperations)
}

// boolQuery reads a Java boolean query parameter: "true" in any case is
// true, anything else false.
func boolQuery(c *call, name string) bool {
	return strings.EqualFold(c.r.URL.Query().Get(name), "true")
}

func (s *Server) listTopics(c *call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	// The reference's list spells this parameter in camelCase.
	topics, err := s.sys.Topics(c.r.Context(), boolQuery(c, "includeAuthorizedOperations"))
	if err != nil {
		return err
	}
	data := make([]topicData, 0, len(topics))
	for _, t := range topics { // sorted by name
		data = append(data, s.describedTopic(c, id, t))
	}
	return c.json(nethttp.StatusOK, newList("KafkaTopicList", s.v3URL(c, id, "topics"), data))
}

func (s *Server) getTopic(c *call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	t, err := s.sys.Topic(c.r.Context(), c.param("topic_name"), boolQuery(c, "include_authorized_operations"))
	if err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, s.describedTopic(c, id, t))
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
	return kafka.Errorf(nethttp.StatusBadRequest, nethttp.StatusBadRequest, "Missing required field: %s.", name)
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
			return kafka.NewTopic{}, kafka.Errorf(nethttp.StatusBadRequest, nethttp.StatusBadRequest,
				"Cannot deserialize replicas_assignments: key '%s' is not a partition id.", k)
		}
		if nt.Assignments == nil {
			nt.Assignments = make(map[int32][]int32, len(req.ReplicasAssignments))
		}
		if _, dup := nt.Assignments[int32(p)]; dup { // "0" and "00", say
			return kafka.NewTopic{}, kafka.Errorf(nethttp.StatusBadRequest, kafka.CodeKafkaBadRequest,
				"Found multiple manual partition assignments for partition %d", p)
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
		return kafka.NewTopic{}, kafka.Errorf(nethttp.StatusUnprocessableEntity, kafka.CodeInvalidPayload, "Payload error. Invalid topic name.")
	}
	return nt, nil
}

func (s *Server) createTopic(c *call) error {
	var req createTopicRequest
	if err := c.decodeV3(&req); err != nil {
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
	created, err := s.sys.CreateTopic(c.r.Context(), nt)
	if err != nil {
		return err
	}
	d := s.topicData(c, id, created.Name, false, int(created.ReplicationFactor), int(created.Partitions), nil)
	c.w.Header().Set("Location", d.Metadata.Self)
	status := nethttp.StatusCreated
	if nt.ValidateOnly {
		status = nethttp.StatusOK // nothing was created
	}
	return c.json(status, d)
}

type partitionsCountRequest struct {
	PartitionsCount *int32 `json:"partitions_count"`
}

func (s *Server) updatePartitionsCount(c *call) error {
	var req partitionsCountRequest
	if err := c.decodeV3(&req); err != nil {
		var ke *kafka.Error
		if errors.As(err, &ke) && ke.Code == kafka.CodeInvalidPayload {
			// The empty body, in this endpoint's own words.
			return kafka.Errorf(ke.Status, ke.Code, "Payload error. Request body is empty. Partitions_count is required.")
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
	name := c.param("topic_name")
	if err := s.sys.SetPartitionsCount(c.r.Context(), name, *req.PartitionsCount); err != nil {
		return err
	}
	t, err := s.sys.Topic(c.r.Context(), name, false)
	if err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, s.describedTopic(c, id, t))
}

func (s *Server) deleteTopic(c *call) error {
	if _, err := s.cluster(c); err != nil {
		return err
	}
	if err := s.sys.DeleteTopic(c.r.Context(), c.param("topic_name")); err != nil {
		return err
	}
	c.w.WriteHeader(nethttp.StatusNoContent)
	return nil
}
