package kafka

import (
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Broker is one broker of the cluster.
type Broker struct {
	ID   int32
	Host string
	Port int32
	Rack *string
}

// ClusterInfo describes the cluster behind bootstrap.servers.
type ClusterInfo struct {
	ID string
	// Controller is the controller's broker id, or -1 when none is known.
	Controller int32
	Brokers    []Broker
}

// Admin runs administrative calls against the cluster. It is safe for
// concurrent use; every method takes the caller's context.
type Admin struct {
	cl  *kgo.Client
	adm *kadm.Client

	mu sync.Mutex
	id string // the cluster id, once known: it never changes
}

// NewAdmin builds the admin client from cfg's client.* and admin.* keys. It
// does not connect: the first call does.
func NewAdmin(cfg Config) (*Admin, error) {
	opts, err := cfg.Options(RoleAdmin)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the Kafka admin client: %w", err)
	}
	return &Admin{cl: cl, adm: kadm.NewClient(cl)}, nil
}

// Close closes the connections of the admin client.
func (a *Admin) Close() { a.cl.Close() }

// Cluster describes the cluster: its id, controller and brokers.
func (a *Admin) Cluster(ctx context.Context) (ClusterInfo, error) {
	md, err := a.adm.BrokerMetadata(ctx)
	if err != nil {
		return ClusterInfo{}, err
	}
	info := ClusterInfo{ID: md.Cluster, Controller: md.Controller}
	for _, b := range md.Brokers {
		info.Brokers = append(info.Brokers, Broker{ID: b.NodeID, Host: b.Host, Port: b.Port, Rack: b.Rack})
	}
	a.mu.Lock()
	a.id = md.Cluster
	a.mu.Unlock()
	return info, nil
}

// ClusterID returns the cluster id, asking the cluster only the first time.
func (a *Admin) ClusterID(ctx context.Context) (string, error) {
	a.mu.Lock()
	id := a.id
	a.mu.Unlock()
	if id != "" {
		return id, nil
	}
	info, err := a.Cluster(ctx)
	return info.ID, err
}

// Probe asks the cluster for its metadata (no topics) with a request of its
// own, never the client's metadata cache, so that it fails as soon as no
// broker answers: readiness checks use it.
func (a *Admin) Probe(ctx context.Context) (ClusterInfo, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = []kmsg.MetadataRequestTopic{}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return ClusterInfo{}, err
	}
	info := ClusterInfo{Controller: resp.ControllerID}
	if resp.ClusterID != nil {
		info.ID = *resp.ClusterID
	}
	for _, b := range resp.Brokers {
		info.Brokers = append(info.Brokers, Broker{ID: b.NodeID, Host: b.Host, Port: b.Port, Rack: b.Rack})
	}
	return info, nil
}
