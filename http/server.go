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
	"github.com/kafka-rest-go/kafka-rest/kafka"
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

	// ProduceRecordMaxBytes bounds one record of a streaming produce
	// body; a larger one ends the stream. 0 means the default bound.
	ProduceRecordMaxBytes int
	// ProduceBatchMaxEntries bounds the entries of records:batch.
	ProduceBatchMaxEntries int
	// StreamMaxDuration and StreamGrace bound a streaming produce
	// connection's life.
	StreamMaxDuration, StreamGrace time.Duration
	// StreamWindow bounds the records of one stream read but not yet
	// answered; with the produce credits it bounds a stream's memory.
	StreamWindow int
	// StreamWriteTimeout ends a stream whose client stops reading its
	// answers: no write may wait longer.
	StreamWriteTimeout time.Duration
	// BatchCreditWait bounds how long a batch waits for produce credit
	// before its entries are answered 429.
	BatchCreditWait time.Duration
	// ReadBudgetBytes bounds the memory all streams hold between them for
	// records being read, before they take produce credit; a record that
	// cannot get its share within ReadBudgetWait is answered 413.
	ReadBudgetBytes int64
	ReadBudgetWait  time.Duration
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
	Guard GuardConfig
}

// DefaultConfig returns the reference's defaults.
func DefaultConfig() Config {
	return Config{V2: true, V3: true, RequestLog: true, PreferredMediaTypes: []string{mediaJSON, mediaV2JSON}, DefaultMediaType: mediaJSON,
		ProduceRecordMaxBytes: 0, ProduceBatchMaxEntries: 10,
		StreamMaxDuration: 24 * time.Hour, StreamGrace: 500 * time.Millisecond,
		StreamWindow: 4096, StreamWriteTimeout: 60 * time.Second, BatchCreditWait: 10 * time.Second,
		ReadBudgetBytes: 64 << 20, ReadBudgetWait: 30 * time.Second}
}

// Server is the proxy's HTTP API: an http.Handler.
type Server struct {
	cfg        Config
	serializer codec.Serializer
	sys        *actors.System
	log        *slog.Logger
	urls       urlBuilder
	router     *httprouter.Router
	guards     guards
	readBudget *actors.ReadBudget
}

// New builds the HTTP API on top of the actor system.
func New(cfg Config, sys *actors.System, log *slog.Logger) *Server {
	s := &Server{
		cfg:        cfg,
		serializer: cfg.Serializer,
		sys:        sys,
		log:        log,
		urls:       urlBuilder{advertised: cfg.AdvertisedListeners, listeners: cfg.Listeners, hostName: cfg.HostName},
		guards:     newGuards(cfg.Guard),
	}
	if s.serializer == nil {
		s.serializer = codec.Schemaless{}
	}
	s.readBudget = actors.NewReadBudget(cfg.ReadBudgetBytes, int64(s.recordMaxBytes()), cfg.ReadBudgetWait)
	s.registerReadBudgetGauges()
	r := httprouter.New()
	// Jersey treats /v3/clusters/ as /v3/clusters: ServeHTTP trims the
	// slash, so the router never needs to redirect.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleOPTIONS = false
	r.NotFound = s.guardPlain("not_found", s.plain("not_found", func(c *call) error {
		if err := s.configTypeNotFound(c.r.URL.Path); err != nil {
			return err
		}
		return kafka.Errorf(nethttp.StatusNotFound, nethttp.StatusNotFound, "HTTP 404 Not Found")
	}))
	r.MethodNotAllowed = s.guardPlain("method_not_allowed", s.plain("method_not_allowed", func(c *call) error {
		return kafka.Errorf(nethttp.StatusMethodNotAllowed, nethttp.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed")
	}))
	r.PanicHandler = s.recovered
	s.router = r
	for _, rt := range s.routes() {
		r.Handle(rt.method, routerPath(rt.path), s.guard(rt, s.wrap(rt)))
	}
	s.opsRoutes(r)
	return s
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
	s.front(w, r, s.router)
}

// routes lists every route of the enabled API families.
func (s *Server) routes() []route {
	var rs []route
	if s.cfg.V2 {
		rs = append(rs, s.openAPIRoute("/v2/openapi.yaml", "api.v2.openapi.get"))
		rs = append(rs, s.v2RootRoutes()...)
		rs = append(rs, s.v2MetadataRoutes()...)
		rs = append(rs, s.v2ProduceRoutes()...)
		rs = append(rs, s.v2ConsumerRoutes()...)
	}
	if s.cfg.V3 {
		rs = append(rs, s.openAPIRoute("/v3/openapi.yaml", "api.v3.openapi.get"))
		rs = append(rs, s.v3ClusterRoutes()...)
		rs = append(rs, s.v3ProduceRoutes()...)
		rs = append(rs, s.v3BrokerRoutes()...)
		rs = append(rs, s.v3TopicRoutes()...)
		rs = append(rs, s.v3PartitionRoutes()...)
		rs = append(rs, s.v3ConfigRoutes()...)
		rs = append(rs, s.v3ConsumerGroupRoutes()...)
		rs = append(rs, s.v3ACLRoutes()...)
	}
	return rs
}

// recovered answers a request whose handler panicked: a bug, logged with
// its value, and a 500 for the client, never a dropped connection.
func (s *Server) recovered(w nethttp.ResponseWriter, r *nethttp.Request, v any) {
	s.log.Error("handler panicked", "method", r.Method, "path", r.URL.Path, "panic", v)
	c := &call{w: &recorder{ResponseWriter: w}, r: r, media: mediaJSON, start: time.Now()}
	s.writeError(c, kafka.Errorf(nethttp.StatusInternalServerError, nethttp.StatusInternalServerError, "Internal Server Error"))
}
