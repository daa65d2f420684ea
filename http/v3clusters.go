package http

import (
	nethttp "net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

func (s *Server) v3ClusterRoutes() []route {
	v3JSON := []offer{{mediaJSON, 1}}
	return []route{
		{method: "GET", path: "/v3/clusters", name: "api.v3.clusters.list", produces: v3JSON, handle: s.listClusters},
		{method: "GET", path: "/v3/clusters/:cluster_id", name: "api.v3.clusters.get", produces: v3JSON, handle: s.getCluster},
	}
}

type clusterData struct {
	Kind                   string       `json:"kind"`
	Metadata               resourceMeta `json:"metadata"`
	ClusterID              string       `json:"cluster_id"`
	Controller             *related     `json:"controller"`
	ACLs                   related      `json:"acls"`
	Brokers                related      `json:"brokers"`
	BrokerConfigs          related      `json:"broker_configs"`
	ConsumerGroups         related      `json:"consumer_groups"`
	Topics                 related      `json:"topics"`
	PartitionReassignments related      `json:"partition_reassignments"`
}

func (s *Server) clusterData(c *call, info kafka.ClusterInfo) clusterData {
	link := func(segments ...string) related { return s.v3Link(c, info.ID, segments...) }
	d := clusterData{
		Kind:                   "KafkaCluster",
		Metadata:               s.meta(c, info.ID, nil),
		ClusterID:              info.ID,
		ACLs:                   link("acls"),
		Brokers:                link("brokers"),
		BrokerConfigs:          link("broker-configs"),
		ConsumerGroups:         link("consumer-groups"),
		Topics:                 link("topics"),
		PartitionReassignments: link("topics", "-", "partitions", "-", "reassignment"),
	}
	if info.Controller >= 0 {
		l := link("brokers", strconv.Itoa(int(info.Controller)))
		d.Controller = &l
	}
	return d
}

func (s *Server) listClusters(c *call) error {
	info, err := s.sys.Cluster(c.r.Context())
	if err != nil {
		return err
	}
	list := newList("KafkaClusterList", s.urls.url(c.r, "v3", "clusters"), []clusterData{s.clusterData(c, info)})
	return c.json(nethttp.StatusOK, list)
}

func (s *Server) getCluster(c *call) error {
	info, err := s.sys.Cluster(c.r.Context())
	if err != nil {
		return err
	}
	if info.ID != c.param("cluster_id") {
		return errNotFound() // an entity lookup, as the reference

	}
	return c.json(nethttp.StatusOK, s.clusterData(c, info))
}
