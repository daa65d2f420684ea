package http

import (
	nethttp "net/http"
	"sort"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// The v2 metadata endpoints: topics, partitions, their offsets, brokers.

func (s *Server) v2MetadataRoutes() []route {
	v2JSON := []offer{{mediaV2JSON, 0.9}}
	return []route{
		{method: "GET", path: "/brokers", name: "api.v2.brokers.list", produces: v2JSON, handle: s.v2Brokers},
		{method: "GET", path: "/topics", name: "api.v2.topics.list", produces: v2JSON, handle: s.v2Topics},
		{method: "GET", path: "/topics/:topic", name: "api.v2.topics.get", produces: v2JSON, handle: s.v2Topic},
		{method: "GET", path: "/topics/:topic/partitions", name: "api.v2.partitions.list", produces: v2JSON, handle: s.v2Partitions},
		{method: "GET", path: "/topics/:topic/partitions/:partition", name: "api.v2.partitions.get", produces: v2JSON, handle: s.v2Partition},
		{method: "GET", path: "/topics/:topic/partitions/:partition/offsets", name: "api.v2.partitions.get-offsets", produces: v2JSON, handle: s.v2PartitionOffsets},
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

func (s *Server) v2Brokers(c *call) error {
	info, err := s.sys.Cluster(c.r.Context())
	if err != nil {
		return err
	}
	ids := make([]int32, 0, len(info.Brokers))
	for _, b := range info.Brokers {
		ids = append(ids, b.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return c.json(nethttp.StatusOK, struct {
		Brokers []int32 `json:"brokers"`
	}{ids})
}

func (s *Server) v2Topics(c *call) error {
	topics, err := s.sys.Topics(c.r.Context(), false)
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
	return c.json(nethttp.StatusOK, names)
}

func (s *Server) v2Topic(c *call) error {
	name := c.param("topic")
	t, err := s.sys.Topic(c.r.Context(), name, false)
	if err != nil {
		return err
	}
	configs, err := s.sys.Configs(c.r.Context(), kafka.TopicConfigResource(name))
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
	return c.json(nethttp.StatusOK, out)
}

func (s *Server) v2Partitions(c *call) error {
	t, err := s.sys.Topic(c.r.Context(), c.param("topic"), false)
	if err != nil {
		return err
	}
	out := []v2PartitionData{}
	for _, p := range t.Partitions {
		out = append(out, v2Partition(p))
	}
	return c.json(nethttp.StatusOK, out)
}

// v2PartitionParam reads the partition of a v2 path: anything but a
// partition the topic has is the reference's 40402.
func v2PartitionParam(c *call) (int32, error) {
	id, err := strconv.ParseInt(c.param("partition"), 10, 32)
	if err != nil || id < 0 {
		return 0, kafka.ErrPartitionNotFound()
	}
	return int32(id), nil
}

func (s *Server) v2Partition(c *call) error {
	id, err := v2PartitionParam(c)
	if err != nil {
		return err
	}
	p, found, err := s.sys.Partition(c.r.Context(), c.param("topic"), id)
	if err != nil {
		return err
	}
	if !found {
		return kafka.ErrPartitionNotFound()
	}
	return c.json(nethttp.StatusOK, v2Partition(p))
}

func (s *Server) v2PartitionOffsets(c *call) error {
	id, err := v2PartitionParam(c)
	if err != nil {
		return err
	}
	topic := c.param("topic")
	if _, found, err := s.sys.Partition(c.r.Context(), topic, id); err != nil {
		return err
	} else if !found {
		return kafka.ErrPartitionNotFound()
	}
	earliest, latest, err := s.sys.PartitionOffsets(c.r.Context(), topic, id)
	if err != nil {
		return err
	}
	return c.json(nethttp.StatusOK, struct {
		Beginning int64 `json:"beginning_offset"`
		End       int64 `json:"end_offset"`
	}{earliest, latest})
}
