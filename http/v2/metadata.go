package v2

import (
	"context"
	"net/http"
	"sort"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// metadata serves v2 metadata: brokers, topics, partitions and their offsets.
type metadata struct {
	admin *actors.AdminPool
}

// The v2 metadata endpoints: topics, partitions, their offsets, brokers.

func (s *metadata) routes() []rest.Route {
	return []rest.Route{
		{Method: "GET", Path: "/brokers", Name: "api.v2.brokers.list", Produces: v2JSON(), Handle: s.v2Brokers},
		{Method: "GET", Path: "/topics", Name: "api.v2.topics.list", Produces: v2JSON(), Handle: s.v2Topics},
		{Method: "GET", Path: "/topics/:topic", Name: "api.v2.topics.get", Produces: v2JSON(), Handle: s.v2Topic},
		{Method: "GET", Path: "/topics/:topic/partitions", Name: "api.v2.partitions.list", Produces: v2JSON(), Handle: s.v2Partitions},
		{Method: "GET", Path: "/topics/:topic/partitions/:partition", Name: "api.v2.partitions.get", Produces: v2JSON(), Handle: s.v2Partition},
		{Method: "GET", Path: "/topics/:topic/partitions/:partition/offsets", Name: "api.v2.partitions.get-offsets", Produces: v2JSON(), Handle: s.v2PartitionOffsets},
	}
}

type v2Replica struct {
	Broker int32 `json:"broker"`
	Leader bool  `json:"leader"`
	InSync bool  `json:"in_sync"`
}

type v2PartitionData struct {
	Partition int32       `json:"partition"`
	Leader    int32       `json:"leader"`
	Replicas  []v2Replica `json:"replicas"`
}

func v2Partition(p kafka.Partition) v2PartitionData {
	d := v2PartitionData{Partition: p.ID, Leader: p.Leader, Replicas: []v2Replica{}}
	for _, r := range p.Replicas {
		d.Replicas = append(d.Replicas, v2Replica{Broker: r.Broker, Leader: r.Leader, InSync: r.InSync})
	}
	return d
}

func (s *metadata) v2Brokers(c *rest.Call) error {
	info, err := s.admin.Cluster(c.R.Context())
	if err != nil {
		return err
	}
	ids := make([]int32, 0, len(info.Brokers))
	for _, b := range info.Brokers {
		ids = append(ids, b.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return c.JSON(http.StatusOK, struct {
		Brokers []int32 `json:"brokers"`
	}{ids})
}

func (s *metadata) v2Topics(c *rest.Call) error {
	topics, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.Topic, error) { return a.Topics(ctx, false) })
	if err != nil {
		return err
	}
	names := []string{}
	for _, t := range topics {
		if !t.Internal {
			names = append(names, t.Name)
		}
	}
	sort.Strings(names)
	return c.JSON(http.StatusOK, names)
}

func (s *metadata) v2Topic(c *rest.Call) error {
	name := c.Param("topic")
	t, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Topic, error) { return a.Topic(ctx, name, false) })
	if err != nil {
		return err
	}
	configs, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.ConfigEntry, error) {
		return a.Configs(ctx, kafka.TopicConfigResource(name))
	})
	if err != nil {
		return err
	}
	out := struct {
		Name       string             `json:"name"`
		Configs    map[string]*string `json:"configs"`
		Partitions []v2PartitionData  `json:"partitions"`
	}{Name: t.Name, Configs: make(map[string]*string, len(configs)), Partitions: []v2PartitionData{}}
	for _, e := range configs {
		out.Configs[e.Name] = e.Value
	}
	for _, p := range t.Partitions {
		out.Partitions = append(out.Partitions, v2Partition(p))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *metadata) v2Partitions(c *rest.Call) error {
	t, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Topic, error) {
		return a.Topic(ctx, c.Param("topic"), false)
	})
	if err != nil {
		return err
	}
	out := []v2PartitionData{}
	for _, p := range t.Partitions {
		out = append(out, v2Partition(p))
	}
	return c.JSON(http.StatusOK, out)
}

// v2PartitionParam reads the partition of a v2 path: anything but a
// partition the topic has is the reference's 40402.
func v2PartitionParam(c *rest.Call) (int32, error) {
	id, err := strconv.ParseInt(c.Param("partition"), 10, 32)
	if err != nil || id < 0 {
		return 0, kafka.ErrPartitionNotFound()
	}
	return int32(id), nil
}

func (s *metadata) v2Partition(c *rest.Call) error {
	id, err := v2PartitionParam(c)
	if err != nil {
		return err
	}
	p, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (*kafka.Partition, error) {
		return a.Partition(ctx, c.Param("topic"), id)
	})
	if err != nil {
		return err
	}
	if p == nil {
		return kafka.ErrPartitionNotFound()
	}
	return c.JSON(http.StatusOK, v2Partition(*p))
}

func (s *metadata) v2PartitionOffsets(c *rest.Call) error {
	id, err := v2PartitionParam(c)
	if err != nil {
		return err
	}
	topic := c.Param("topic")
	// A partition the topic does not have is 40402, as the reference.
	o, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) (kafka.Offsets, error) {
		return a.PartitionOffsets(ctx, topic, id)
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Beginning int64 `json:"beginning_offset"`
		End       int64 `json:"end_offset"`
	}{o.Earliest, o.Latest})
}
