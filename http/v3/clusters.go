package v3

import (
	"net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// clusters serves the cluster itself: /v3/clusters and /v3/clusters/{cluster_id}.
type clusters struct{ *base }

func (s *clusters) routes() []rest.Route {
	return []rest.Route{
		{Method: "GET", Path: "/v3/clusters", Name: "api.v3.clusters.list", Produces: v3JSON(), Handle: s.listClusters},
		{Method: "GET", Path: "/v3/clusters/:cluster_id", Name: "api.v3.clusters.get", Produces: v3JSON(), Handle: s.getCluster},
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

func (s *clusters) clusterData(c *rest.Call, info kafka.ClusterInfo) clusterData {
	link := func(segments ...string) related { return s.link(c, info.ID, segments...) }
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

func (s *clusters) listClusters(c *rest.Call) error {
	info, err := s.admin.Cluster(c.R.Context())
	if err != nil {
		return err
	}
	list := newList("KafkaClusterList", s.urls.URL(c.R, "v3", "clusters"), []clusterData{s.clusterData(c, info)})
	return c.JSON(http.StatusOK, list)
}

func (s *clusters) getCluster(c *rest.Call) error {
	info, err := s.admin.Cluster(c.R.Context())
	if err != nil {
		return err
	}
	if info.ID != c.Param("cluster_id") {
		return errNotFound() // an entity lookup, as the reference

	}
	return c.JSON(http.StatusOK, s.clusterData(c, info))
}
