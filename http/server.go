package http

import (
	"log/slog"
	nethttp "net/http"
	"net/url"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
	v2 "github.com/kafka-rest-go/kafka-rest/http/v2"
	v3 "github.com/kafka-rest-go/kafka-rest/http/v3"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Config configures the HTTP API.
type Config struct {
	// Listeners are the URLs the proxy listens on; with HostName they
	// give the authority of absolute URLs when no advertised listener
	// has the request's scheme.
	Listeners []*url.URL
	// AdvertisedListeners are the URLs clients reach the proxy at.
	AdvertisedListeners []*url.URL
	// HostName is the deprecated host.name key.
	HostName string
	// ID is this proxy's id, part of generated consumer instance names.
	ID string
	// V2 and V3 turn the API families on.
	V2, V3 bool
	// Debug adds the cause of an error to its message.
	Debug bool
	// RequestLog writes a line per request at INFO.
	RequestLog bool
	// Produce bounds v3 produce; its BatchCreditWait bounds v2 produce's
	// wait for credit too.
	Produce v3.ProduceConfig
	// GroupStream bounds how v3 group streams write.
	GroupStream v3.GroupStreamConfig
	// Serializer makes record bytes of produced keys and values; nil
	// means codec.Schemaless (no Schema Registry).
	Serializer codec.Serializer
	// Deserializer reads records of the schema formats for v2 consumers;
	// nil means none (no Schema Registry).
	Deserializer codec.Deserializer
	// ResourceNameAuthority is the authority of crn:// resource names.
	ResourceNameAuthority string
	// PreferredMediaTypes are the types an error outside any route (415)
	// may be written in, the client's Accept choosing; DefaultMediaType
	// when it accepts none of them.
	PreferredMediaTypes []string
	DefaultMediaType    string
	// Guard is authentication, access lists, limits, CORS and response
	// headers.
	Guard guard.Config
	// Cluster makes this proxy a node of a cluster: v2 consumer calls
	// reaching it for an instance another node holds are forwarded there.
	// nil: a single proxy.
	Cluster *rest.ClusterConfig
	// HTTP2 serves HTTP/2 beside HTTP/1.1: with prior knowledge (h2c) on
	// plain listeners, and on TLS ones when the TLS configuration offers
	// h2 (guard.TLSConfig.HTTP2).
	HTTP2 bool
}

// DefaultConfig returns the reference's defaults.
func DefaultConfig() Config {
	return Config{V2: true, V3: true, RequestLog: true, HTTP2: true,
		PreferredMediaTypes: []string{rest.MediaJSON, rest.MediaV2JSON}, DefaultMediaType: rest.MediaJSON,
		Produce: v3.ProduceConfig{ProduceBatchMaxEntries: 10,
			StreamMaxDuration: 24 * time.Hour, StreamGrace: 500 * time.Millisecond,
			StreamWindow: 4096, StreamWriteTimeout: 60 * time.Second, BatchCreditWait: 10 * time.Second,
			ReadBudgetBytes: 64 << 20, ReadBudgetWait: 30 * time.Second},
		GroupStream: v3.GroupStreamConfig{Heartbeat: 15 * time.Second, WriteTimeout: 60 * time.Second}}
}

// Server is the proxy's HTTP API: an http.Handler. Serve it through its
// Listener and ConnContext, so that every answer, even to a request Go's
// server refuses by itself, is in the error model.
type Server struct {
	handler nethttp.Handler
	guards  *guard.Guards
	log     *slog.Logger
	http2   bool
}

// Protocols are what a net/http server of this handler speaks: HTTP/1.1,
// and with Config.HTTP2 HTTP/2 too. The proxy's Listener runs TLS itself,
// so net/http sees every connection unencrypted: HTTP/2 after an h2 ALPN
// is, to it, HTTP/2 with prior knowledge, as h2c is.
func (s *Server) Protocols() *nethttp.Protocols {
	p := new(nethttp.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(s.http2)
	return p
}

// New builds the HTTP API on top of the actor system: the routes of the
// enabled families, each behind the guards and served through the rest
// plumbing, and the operations endpoints beside them.
func New(cfg Config, sys *actors.System, log *slog.Logger) *Server {
	serializer := cfg.Serializer
	if serializer == nil {
		serializer = codec.Schemaless{}
	}
	api := &rest.API{Log: log, Metrics: sys.Metrics(), RequestLog: cfg.RequestLog, Debug: cfg.Debug,
		PreferredMediaTypes: cfg.PreferredMediaTypes, DefaultMediaType: cfg.DefaultMediaType,
		Body: cfg.Guard.Body(), Identify: guard.Identify(sys.Identity())}
	guards := guard.New(cfg.Guard, api)
	urls := rest.URLs{Advertised: cfg.AdvertisedListeners, Listeners: cfg.Listeners, HostName: cfg.HostName}

	var cluster *rest.Cluster
	if cfg.Cluster != nil {
		cluster = rest.NewCluster(*cfg.Cluster, sys.Metrics(), log)
	}
	var routes []rest.Route
	if cfg.V2 {
		routes = append(routes, openAPIRoute("/v2/openapi.yaml", "api.v2.openapi.get"))
		routes = append(routes, v2.Routes(v2.Deps{Admin: sys.Admin(), Producers: sys.Producers(), Consumers: sys.Consumers(),
			Serializer: serializer, Deserializer: cfg.Deserializer, CreditWait: cfg.Produce.BatchCreditWait,
			URLs: urls, ID: cfg.ID, Metrics: sys.Metrics(), Cluster: cluster})...)
	}
	if cfg.V3 {
		routes = append(routes, openAPIRoute("/v3/openapi.yaml", "api.v3.openapi.get"))
		routes = append(routes, v3.Routes(v3.Deps{Admin: sys.Admin(), Producers: sys.Producers(), Serializer: serializer,
			Readers: sys.Readers(), Deserializer: cfg.Deserializer, Streams: sys.Streams(), GroupStream: cfg.GroupStream,
			Produce: cfg.Produce, URLs: urls, ResourceNameAuthority: cfg.ResourceNameAuthority,
			Metrics: sys.Metrics(), Log: log})...)
	}

	r := httprouter.New()
	// Jersey treats /v3/clusters/ as /v3/clusters: ServeHTTP trims the
	// slash, so the router never needs to redirect.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleOPTIONS = false
	r.NotFound = guards.Authenticate("not_found", "", api.Plain("not_found", func(c *rest.Call) error {
		if cfg.V3 {
			if err := v3.ConfigTypeNotFound(c.R.URL.Path); err != nil {
				return err
			}
		}
		return apierr.New(apierr.CodeNotFound, "HTTP 404 Not Found")
	}))
	r.MethodNotAllowed = guards.Authenticate("method_not_allowed", "", api.Plain("method_not_allowed", func(*rest.Call) error {
		return apierr.New(apierr.CodeMethodNotAllowed, "HTTP 405 Method Not Allowed")
	}))
	r.PanicHandler = api.Recovered
	for _, rt := range routes {
		r.Handler(rt.Method, routerPath(rt.Path), guards.Route(rt, api.Handler(rt)))
	}
	ops := &ops{ready: sys.Ready, metrics: sys.Metrics(), debug: cfg.Debug}
	ops.routes(r)
	return &Server{handler: guards.Front(r), guards: guards, log: log, http2: cfg.HTTP2}
}

// ServeHTTP routes the request.
func (s *Server) ServeHTTP(w nethttp.ResponseWriter, r *nethttp.Request) {
	withTLS(r)
	p := r.URL.Path
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		p = strings.TrimRight(p, "/")
		if p == "" {
			p = "/"
		}
	}
	if p = routerPath(p); p != r.URL.Path {
		r.URL.Path, r.URL.RawPath = p, ""
	}
	s.handler.ServeHTTP(w, r)
}

// routerPath makes a path of the reference routable by httprouter, which
// reads ':' as the start of a parameter anywhere in a segment: the action
// segments of v3 ("configs:alter", "acls:batch", "records:batch") get a '~'
// instead, in routes and in requests alike. Segments that are names (a
// consumer group may be called "app:v1") are left alone.
func routerPath(p string) string {
	if !strings.Contains(p, ":alter") && !strings.Contains(p, ":batch") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		switch seg {
		case "configs:alter", "broker-configs:alter", "acls:batch", "records:batch":
			segs[i] = strings.Replace(seg, ":", "~", 1)
		}
	}
	return strings.Join(segs, "/")
}
