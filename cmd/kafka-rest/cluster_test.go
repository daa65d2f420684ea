package main

import (
	"strings"
	"testing"
	"time"
)

// TestConfigCluster: off by default; on, a node needs an id, its URL for
// the other nodes and a shared Kafka, each missing one named in the error.
func TestConfigCluster(t *testing.T) {
	c, err := loadConfig(writeProps(t, "bootstrap.servers=k:9092\n"), nil)
	if err != nil || c.bool("cluster.enable") {
		t.Fatalf("clustering is on by default (%v)", err)
	}
	_, err = loadConfig(writeProps(t, "cluster.enable=true\ncluster.heartbeat.interval.ms=5000\ncluster.heartbeat.timeout.ms=5000\n"), nil)
	if err == nil {
		t.Fatal("a cluster node without id, URL or Kafka started")
	}
	for _, want := range []string{"cluster.enable=true needs id", "cluster.enable=true needs cluster.node.url",
		"cluster.enable=true needs bootstrap.servers", `invalid value "5000" for cluster.heartbeat.timeout.ms`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	_, err = loadConfig(writeProps(t, "cluster.topic=bad topic\ncluster.node.url=not a url\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "for cluster.topic") || !strings.Contains(err.Error(), "for cluster.node.url") {
		t.Fatalf("bad topic and URL: %v", err)
	}
	c, err = loadConfig(writeProps(t, "bootstrap.servers=k:9092\ncluster.enable=true\nid=kafka-rest-0\ncluster.node.url=http://10.0.0.7:8082\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	nc := c.nodesConfig()
	if nc.ID != "kafka-rest-0" || nc.URL != "http://10.0.0.7:8082" || nc.Topic != "_kafka-rest-nodes" ||
		nc.HeartbeatInterval != time.Second || nc.Timeout != 10*time.Second {
		t.Fatalf("nodes config %+v", nc)
	}
	if cc := c.clusterConfig(nil, nil); cc.MaxConnsPerNode != 64 || cc.OwnerCacheEntries != 10000 || cc.TLS != nil {
		t.Fatalf("cluster config %+v", cc)
	}
}
