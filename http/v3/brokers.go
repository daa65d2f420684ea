package v3

import (
	"context"
	"net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// brokers serves the brokers and the replicas each hosts.
type brokers struct{ *base }

func (s *brokers) routes() []rest.Route {
	return []rest.Route{
		{Method: "GET", Path: "/v3/clusters/:cluster_id/brokers", Name: "api.v3.brokers.list", Produces: v3JSON(), Handle: s.listBrokers},
		{Method: "GET", Path: "/v3/clusters/:cluster_id/brokers/:broker_id", Name: "api.v3.brokers.get", Produces: v3JSON(), Handle: s.getBroker},
		{Method: "GET", Path: "/v3/clusters/:cluster_id/brokers/:broker_id/partition-replicas", Name: "api.v3.replicas.search-by-broker", Produces: v3JSON(), Handle: s.searchReplicasByBroker},
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

func (s *brokers) brokerData(c *rest.Call, clusterID string, b kafka.Broker) brokerData {
	id := strconv.Itoa(int(b.ID))
	return brokerData{
		Kind:              "KafkaBroker",
		Metadata:          s.meta(c, clusterID, []string{"brokers", id}, "broker", id),
		ClusterID:         clusterID,
		BrokerID:          b.ID,
		Host:              b.Host,
		Port:              b.Port,
		Rack:              b.Rack,
		Configs:           s.link(c, clusterID, "brokers", id, "configs"),
		PartitionReplicas: s.link(c, clusterID, "brokers", id, "partition-replicas"),
	}
}

// int32Param reads an integer path parameter. The reference's parameter is
// a Java Integer: anything else does not match the path, a bare 404.
func int32Param(c *rest.Call, name string) (int32, error) {
	v, err := strconv.ParseInt(c.Param(name), 10, 32)
	if err != nil {
		return 0, errNotFound()
	}
	return int32(v), nil
}

// clusterAndID reads the integer path parameter name, then checks the
// cluster: the reference matches the path before it looks anything up.
func (s *base) clusterAndID(c *rest.Call, name string) (clusterID string, id int32, err error) {
	if id, err = int32Param(c, name); err != nil {
		return "", 0, err
	}
	if clusterID, err = s.cluster(c); err != nil {
		return "", 0, err
	}
	return clusterID, id, nil
}

func (s *brokers) listBrokers(c *rest.Call) error {
	id, err := s.cluster(c)
	if err != nil {
		return err
	}
	info, err := s.admin.Cluster(c.R.Context())
	if err != nil {
		return err
	}
	data := make([]brokerData, 0, len(info.Brokers))
	for _, b := range info.Brokers { // sorted by id
		data = append(data, s.brokerData(c, id, b))
	}
	return c.JSON(http.StatusOK, newList("KafkaBrokerList", s.url(c, id, "brokers"), data))
}

func (s *brokers) getBroker(c *rest.Call) error {
	id, brokerID, err := s.clusterAndID(c, "broker_id")
	if err != nil {
		return err
	}
	info, err := s.admin.Cluster(c.R.Context())
	if err != nil {
		return err
	}
	for _, b := range info.Brokers {
		if b.ID == brokerID {
			return c.JSON(http.StatusOK, s.brokerData(c, id, b))
		}
	}
	return errNotFound()
}

func (s *brokers) searchReplicasByBroker(c *rest.Call) error {
	id, brokerID, err := s.clusterAndID(c, "broker_id")
	if err != nil {
		return err
	}
	replicas, err := actors.Admin(c.R.Context(), s.admin, func(ctx context.Context, a *kafka.Admin) ([]kafka.Replica, error) {
		return a.BrokerReplicas(ctx, brokerID)
	})
	if err != nil {
		return err
	}
	data := make([]replicaData, 0, len(replicas))
	for _, r := range replicas {
		data = append(data, s.replicaData(c, id, r))
	}
	self := s.url(c, id, "brokers", strconv.Itoa(int(brokerID)), "partition-replicas")
	return c.JSON(http.StatusOK, newList("KafkaReplicaList", self, data))
}
