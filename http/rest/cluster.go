package rest

import (
	"context"
	"crypto/tls"
	"fmt"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/internal/telemetry"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// HopHeader marks a call another node forwarded, naming that node: a node
// answers such a call itself and never forwards it again, so that no call
// loops between nodes. It grants nothing: a client that sets it only
// keeps its call on the node it reached.
const HopHeader = "Kafka-Rest-Forwarded-By"

// ClusterConfig is this node's part in a cluster of proxies.
type ClusterConfig struct {
	// Nodes is the view of the cluster, kept from Kafka.
	Nodes *kafka.Nodes
	// TLS is the client side of https between nodes; nil means the
	// system's defaults.
	TLS *tls.Config
	// MaxConnsPerNode bounds the connections to each other node.
	MaxConnsPerNode int
	// OwnerCacheEntries bounds the instances named by their clients whose
	// node is remembered.
	OwnerCacheEntries int
}

// Cluster finds the node holding a v2 consumer instance and forwards calls
// to it. An instance lives in the memory of the node that created it; a
// call that reaches another node goes to that one, request and answer
// streamed, headers, status and credentials as they are.
type Cluster struct {
	nodes     *kafka.Nodes
	transport *http.Transport
	owners    *lru.Cache[ownerKey, string]
	metrics   *telemetry.Metrics
	errorLog  *stdlog.Logger
}

type ownerKey struct{ group, name string }

// NewCluster builds the forwarding side of cfg.
func NewCluster(cfg ClusterConfig, metrics *telemetry.Metrics, log *slog.Logger) *Cluster {
	owners, _ := lru.New[ownerKey, string](max(cfg.OwnerCacheEntries, 1))
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSClientConfig:       cfg.TLS,
		TLSHandshakeTimeout:   5 * time.Second,
		MaxConnsPerHost:       cfg.MaxConnsPerNode,
		MaxIdleConnsPerHost:   cfg.MaxConnsPerNode,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		// A records read waits as long as its client asked: no header
		// timeout here, the inbound request's context bounds the call.
	}
	c := &Cluster{nodes: cfg.Nodes, transport: tr, owners: owners, metrics: metrics,
		// The reverse proxy logs a forwarded answer cut short (its node
		// died halfway); that belongs with the proxy's other logs.
		errorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	metrics.Gauge("kafka_rest_cluster_nodes", func() float64 { return float64(len(cfg.Nodes.Live())) })
	metrics.Gauge("kafka_rest_cluster_owner_cache_entries", func() float64 { return float64(c.owners.Len()) })
	return c
}

// Close closes the idle connections to the other nodes.
func (c *Cluster) Close() { c.transport.CloseIdleConnections() }

// Self is this node's id.
func (c *Cluster) Self() string { return c.nodes.Self().ID }

// Forwarded reports whether another node forwarded r.
func Forwarded(r *http.Request) bool { return r.Header.Get(HopHeader) != "" }

// errNodeLost is a call for an instance of a node that is gone: the
// instance went with it.
func errNodeLost() error {
	return apierr.New(apierr.CodeConsumerInstanceNotFound, "Consumer instance not found.")
}

// Owner is the node holding the instance group/name, for a call that did
// not find it on this node; this node when no other holds it (the call
// then answers as a single node would). namedBy is the node whose id the
// instance's generated name holds, "" for a name its client chose: such a
// node is the owner, and a node gone means the instance is (404 40403).
// A name its client chose is asked of every other live node, with the
// caller's credentials, and its node remembered.
func (c *Cluster) Owner(ctx context.Context, r *http.Request, group, name, namedBy string) (kafka.Node, error) {
	self := c.nodes.Self()
	if namedBy != "" {
		if namedBy == self.ID {
			return self, nil
		}
		if n, ok := c.nodes.Lookup(namedBy); ok {
			return n, nil
		}
		return kafka.Node{}, errNodeLost()
	}
	key := ownerKey{group, name}
	if id, ok := c.owners.Get(key); ok {
		if n, ok := c.nodes.Lookup(id); ok && id != self.ID {
			return n, nil
		}
		c.owners.Remove(key)
	}
	n, found := c.search(ctx, r, group, name)
	c.metrics.OwnerAsked(found)
	if !found {
		return self, nil
	}
	c.owners.Add(key, n.ID)
	return n, nil
}

// Forget drops what this node remembers of an instance's node: it was
// deleted, or its node no longer has it.
func (c *Cluster) Forget(group, name string) { c.owners.Remove(ownerKey{group, name}) }

// search asks every other live node at once whether it holds the
// instance, with a HEAD of it carrying the caller's credentials: the
// first that says yes is its node.
func (c *Cluster) search(ctx context.Context, r *http.Request, group, name string) (kafka.Node, bool) {
	self := c.Self()
	var peers []kafka.Node
	for _, n := range c.nodes.Live() {
		if n.ID != self {
			peers = append(peers, n)
		}
	}
	if len(peers) == 0 {
		return kafka.Node{}, false
	}
	ctx, cancel := context.WithTimeout(ctx, c.nodes.Timeout())
	defer cancel()
	found := make(chan kafka.Node, len(peers))
	for _, n := range peers {
		go func() {
			if c.holds(ctx, r, n, group, name) {
				found <- n
			} else {
				found <- kafka.Node{}
			}
		}()
	}
	for range peers {
		if n := <-found; n.ID != "" {
			return n, true
		}
	}
	return kafka.Node{}, false
}

// holds asks node n whether it holds the instance.
func (c *Cluster) holds(ctx context.Context, in *http.Request, n kafka.Node, group, name string) bool {
	u := n.URL + "/consumers/" + url.PathEscape(group) + "/instances/" + url.PathEscape(name)
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, u, nil)
	if err != nil {
		return false
	}
	for _, h := range []string{"Authorization", "Cookie"} {
		if v := in.Header.Values(h); len(v) > 0 {
			req.Header[h] = v
		}
	}
	req.Header.Set(HopHeader, c.Self())
	res, err := c.transport.RoundTrip(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusNoContent
}

// errUnreachable is a call whose instance's node could not be reached:
// it may be gone (its instances then answer 404 once its heartbeats are
// missed for the timeout) or overloaded.
func errUnreachable(n kafka.Node, err error) error {
	return apierr.New(apierr.CodeUnavailable, "Service Unavailable: the proxy node %s holding this consumer instance cannot be reached: %v", n.ID, err)
}

// Forward sends the call to node n and writes its answer as n wrote it:
// status, headers and body streamed both ways, the client's credentials
// and Host kept (absolute URLs name the node the client called, or the
// advertised listener). Headers the guards of this node already set give
// way to the other node's, which set them too.
func (c *Cluster) Forward(call *Call, n kafka.Node) error {
	target, err := url.Parse(n.URL)
	if err != nil {
		return fmt.Errorf("the URL of node %s: %w", n.ID, err)
	}
	var (
		failed   error
		answered bool
	)
	rp := &httputil.ReverseProxy{
		Transport:     c.transport,
		FlushInterval: -1,
		ErrorLog:      c.errorLog,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
			pr.Out.Header.Set(HopHeader, c.Self())
		},
		ModifyResponse: func(res *http.Response) error {
			// Counted as the other node's answer starts, before the
			// client has any of it: a client that reads the metrics
			// after its answer sees its call counted.
			answered = true
			c.metrics.Forwarded(true)
			h := call.W.Header()
			for k := range res.Header {
				h.Del(k)
			}
			return nil
		},
		ErrorHandler: func(_ http.ResponseWriter, _ *http.Request, err error) { failed = err },
	}
	rp.ServeHTTP(call.W, call.R)
	if !answered {
		c.metrics.Forwarded(false)
	}
	switch {
	case failed == nil:
		return nil
	case call.R.Context().Err() != nil:
		return call.R.Context().Err() // the client left: nothing to answer
	}
	return errUnreachable(n, failed)
}
