package http

import (
	nethttp "net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/kafka"
)

func (s *Server) v3BrokerRoutes() []route {
	v3JSON := []offer{{mediaJSON, 1}}
	return []route{
		{method: "GET", path: "/v3/clusters/:cluster_id/brokers", name: "api.v3.brokers.list", produces: v3JSON, handle: s.listBrokers},
		{method: "GET", path: "/v3/clusters/:cluster_id/brokers/:broker_id", name: "api.v3.brokers.get", produces: v3JSON, handle: s.getBroker},
		{method: "GET", path: "/v3/clusters/:cluster_id/brokers/:broker_id/partition-replicas", name: "api.v3.replicas.search-by-broker", produces: v3JSON, handle: s.searchReplicasByBroker},
	}
}

type brokerData struct {
	Kind              string       `json:"kind"`
	Metadata          resourceMeta `json:"metadata"`
	ClusterID         string       `json:"cluster_id"`
	BrokerID          int32        `json:"broker_id"`
	Host              string       `json:"host"`
	Port              int32        `json:"port"`
	Rack              *string      `json:"rack"`
	Configs           related      `json:"configs"`
	PartitionReplicas related      `json:"partition_replicas"`
}

func (s *Server) brokerData(c *call, clusterID string, b kafka.Broker) brokerData {
	id := strconv.Itoa(int(b.ID))
	return brokerData{
		Kind:              "KafkaBroker",
		Metadata:          s.meta(c, clusterID, []string{"brokers", id}, "broker", id),
		ClusterID:         clusterID,
		BrokerID:          b.ID,
		Host:              b.Host,
		Port:              b.Port,
		Rack:              b.Rack,
		Configs:           s.v3Link(c, clusterID, "brokers", id, "configs"),
		PartitionReplicas: s.v3Link(c, clusterID, "brokers", id, "partition-replicas"),
	}
}

// int32Param reads an integer path parameter. The reference's parameter is
// a Java Integer: anything else does not match the path, a bare 404.
func int32Param(c *call, name string) (int32, error) {
	v, err := strconv.ParseInt(c.param(name), 10, 32)
	if err != nil {
		return 0, errNotFound()
	}
	return int32(v), nil
}

// clusterAndID reads the integer path parameter name, then checks the
// cluster: the reference matches the path before it looks anything up.
func (s *Server) clusterAndID(c *call, name string) (clusterID string, id int32, err error) {
	if id, err = int32Param(c, name); err != nil {
		return "", 0, err
	}
	if clusterID, err = s.cluster(c); err != nil {
		return "", 0, err
	}
	return clusterID, id, nil
}

func (s *Server) listBrokers(c *call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	info, err := s.sys.Cluster(c.r.Context())
	if err != nil {
		return err
	}
	data := make([]brokerData, 0, len(info.Brokers))
	for _, b := range info.Brokers { // sorted by id
		data = append(data, s.brokerData(c, id, b))
	}
	return c.json(nethttp.StatusOK, newList("KafkaBrokerList", s.v3URL(c, id, "brokers"), data))
}

func (s *Server) getBroker(c *call) error {
	id, brokerID, err := s.clusterAndID(c, "broker_id")
	if err != nil {
		return err
	}
	info, err := s.sys.Cluster(c.r.Context())
	if err != nil {
		return err
	}
	for _, b := range info.Brokers {
		if b.ID == brokerID {
			return c.json(nethttp.StatusOK, s.brokerData(c, id, b))
		}
	}
	return errNotFound()
}

func (s *Server) searchReplicasByBroker(c *call) error {
	id, brokerID, err := s.clusterAndID(c, "broker_id")
	if err != nil {
		return err
	}
	replicas, err := s.sys.BrokerReplicas(c.r.Context(), brokerID)
	if err != nil {
		return err
	}
	data := make([]replicaData, 0, len(replicas))
	for _, r := range replicas {
		data = append(data, s.replicaData(c, id, r))
	}
	self := s.v3URL(c, id, "brokers", strconv.Itoa(int(brokerID)), "partition-replicas")
	return c.json(nethttp.StatusOK, newList("KafkaReplicaList", self, data))
}
