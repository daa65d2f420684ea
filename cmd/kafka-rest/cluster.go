package main

import (
	"fmt"

	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// checkCluster refuses a cluster node that the others could not tell
// apart or reach: cluster.enable needs id, cluster.node.url and a shared
// Kafka, and a heartbeat shorter than its timeout.
func (c *config) checkCluster() []error {
	if !c.bool("cluster.enable") {
		return nil
	}
	var errs []error
	if c.str("id") == "" {
		errs = append(errs, fmt.Errorf("cluster.enable=true needs id: a name unique to this node (in Kubernetes, the pod name)"))
	}
	if c.str("cluster.node.url") == "" {
		errs = append(errs, fmt.Errorf("cluster.enable=true needs cluster.node.url: the URL the other nodes reach this one at, such as http://10.0.0.7:8082"))
	}
	if c.embedded() {
		errs = append(errs, fmt.Errorf("cluster.enable=true needs bootstrap.servers: the nodes find each other through a Kafka cluster they share, which the embedded development cluster is not"))
	}
	if c.int64("cluster.heartbeat.timeout.ms") <= c.int64("cluster.heartbeat.interval.ms") {
		errs = append(errs, kafka.InvalidValue("cluster.heartbeat.timeout.ms", c.str("cluster.heartbeat.timeout.ms"),
			fmt.Sprintf("longer than cluster.heartbeat.interval.ms (%s)", c.str("cluster.heartbeat.interval.ms"))))
	}
	return errs
}

// nodesConfig is this node's part in the cluster.
func (c *config) nodesConfig() kafka.NodesConfig {
	return kafka.NodesConfig{ID: c.str("id"), URL: c.str("cluster.node.url"), Topic: c.str("cluster.topic"),
		HeartbeatInterval: c.ms("cluster.heartbeat.interval.ms"), Timeout: c.ms("cluster.heartbeat.timeout.ms")}
}

// clusterConfig is how the HTTP layer forwards calls to the other nodes:
// over https with the listeners' stores when tlsFiles is set.
func (c *config) clusterConfig(nodes *kafka.Nodes, tlsFiles *guard.TLS) *rest.ClusterConfig {
	cc := &rest.ClusterConfig{Nodes: nodes, MaxConnsPerNode: c.int("cluster.forward.connections.max"),
		OwnerCacheEntries: c.int("cluster.owner.cache.entries")}
	if tlsFiles != nil {
		cc.TLS = tlsFiles.PeerConfig()
	}
	return cc
}
