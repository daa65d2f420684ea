package embedded

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	json "github.com/goccy/go-json"
	"github.com/kafka-rest-go/kafka-rest/codec/schema"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// Registry is an in-process development Schema Registry (franz-go's
// srfake): in memory, no compatibility checks, no authentication. It is
// started beside the embedded Kafka cluster so that the schema formats
// work out of the box; never for production.
type Registry struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// StartRegistry serves an in-memory registry on addr (host:port; port 0
// picks a free one).
func StartRegistry(addr string) (*Registry, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("embedded schema registry on %s (set embedded.schema.registry.port to a free port, or schema.registry.url to a registry of your own): %w", addr, err)
	}
	e := &Registry{addr: ln.Addr().String(), done: make(chan struct{}),
		srv: &http.Server{Handler: serializedProtobuf(srfake.NewRegistry().Handler()), ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		defer close(e.done)
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener failed: clients see connection errors
		}
	}()
	return e, nil
}

// serializedProtobuf adds what srfake lacks and Confluent's non-Java
// clients need: ?format=serialized on a Protobuf schema answers it as a
// base64 FileDescriptorProto, as Confluent's registry does.
func serializedProtobuf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Query().Get("format") != "serialized" {
			next.ServeHTTP(w, r)
			return
		}
		status, body := capture(next, r)
		var s struct {
			Type       string               `json:"schemaType"`
			Schema     string               `json:"schema"`
			References []sr.SchemaReference `json:"references"`
		}
		if status == http.StatusOK && json.Unmarshal(body, &s) == nil && s.Type == "PROTOBUF" {
			if b64, ok := serializeProtobuf(r, next, s.Schema, s.References); ok {
				var m map[string]any
				if json.Unmarshal(body, &m) == nil {
					m["schema"] = b64
					body, _ = json.Marshal(m)
				}
			}
		}
		w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// serializeProtobuf compiles a .proto schema, its references read from
// the registry's own handler, into a base64 FileDescriptorProto; ok is
// false when it cannot, and the schema is answered as it is.
func serializeProtobuf(r *http.Request, h http.Handler, text string, refs []sr.SchemaReference) (b64 string, ok bool) {
	files := make(map[string]string)
	for _, ref := range refs {
		req := r.Clone(r.Context())
		req.URL = &url.URL{Path: "/subjects/" + url.PathEscape(ref.Subject) + "/versions/" + strconv.Itoa(ref.Version)}
		status, body := capture(h, req)
		var dep sr.SubjectSchema
		if status != http.StatusOK || json.Unmarshal(body, &dep) != nil {
			return "", false
		}
		files[ref.Name] = dep.Schema.Schema
	}
	b, ok, err := schema.SerializedProtobuf(text, files)
	if !ok || err != nil {
		return "", false
	}
	return base64.StdEncoding.EncodeToString(b), true
}

// capture runs a handler and returns its status and body.
func capture(h http.Handler, r *http.Request) (int, []byte) {
	rec := &recorder{header: make(http.Header), status: http.StatusOK}
	h.ServeHTTP(rec, r)
	return rec.status, rec.body.Bytes()
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

// URL is the registry's base URL.
func (e *Registry) URL() string { return "http://" + e.addr }

// Close stops the registry; what it held is gone.
func (e *Registry) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = e.srv.Shutdown(ctx)
	<-e.done
}
