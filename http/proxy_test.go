package http_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// proxy is a running proxy under test and a plain franz-go client on the
// same cluster, to check what the proxy says against Kafka itself.
type proxy struct {
	url   string
	admin *kadm.Client
	sys   *actors.System
	// client sends the requests of do; nil means http.DefaultClient.
	client *nethttp.Client

	mu        sync.Mutex
	clusterID string // see cluster
}

// cluster is the id of the proxy's cluster, asked once, as the caller of
// headers, and kept: the produce paths answer 404 for any other id. With
// identity pass-through the first call must come from a caller Kafka lets
// in; later ones, a refused caller's included, reuse its answer.
func (p *proxy) cluster(t *testing.T, headers ...string) string {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.clusterID == "" {
		p.clusterID = v3Cluster(t, p, headers...)
	}
	return p.clusterID
}

// startProxy starts the proxy over real HTTP on the cluster at bootstrap.
func startProxy(t *testing.T, bootstrap string, edit func(*http.Config)) *proxy {
	t.Helper()
	return startProxyWith(t, bootstrap, edit, nil)
}

// startProxyWith is startProxy with the actor system's configuration too.
func startProxyWith(t *testing.T, bootstrap string, edit func(*http.Config), editActors func(*actors.Config)) *proxy {
	t.Helper()
	return startProxyOn(t, bootstrap, edit, editActors, httptest.NewServer)
}

// startProxyOn is startProxyWith on the server that start makes of the
// proxy's handler (one with TLS, say).
func startProxyOn(t *testing.T, bootstrap string, edit func(*http.Config), editActors func(*actors.Config), start func(nethttp.Handler) *httptest.Server) *proxy {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acfg := actors.DefaultConfig()
	acfg.Kafka = kafka.Config{BootstrapServers: []string{bootstrap}}
	if editActors != nil {
		editActors(&acfg)
	}
	sys, err := actors.New(acfg, log)
	if err != nil {
		t.Fatalf("starting the actor system: %v", err)
	}
	hcfg := http.DefaultConfig()
	if edit != nil {
		edit(&hcfg)
	}
	srv := start(http.New(hcfg, sys, log))
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		t.Fatalf("creating the checking client: %v", err)
	}
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := sys.Shutdown(ctx); err != nil {
			t.Errorf("shutting the actors down: %v", err)
		}
		cl.Close()
	})
	return &proxy{url: srv.URL, admin: kadm.NewClient(cl), sys: sys}
}

func (p *proxy) httpClient() *nethttp.Client {
	if p.client == nil {
		return nethttp.DefaultClient
	}
	return p.client
}

// response is what a client got back.
type response struct {
	status int
	header nethttp.Header
	body   []byte
}

// do sends a request; headers are "Name: value" strings.
func (p *proxy) do(t *testing.T, method, path, body string, headers ...string) response {
	t.Helper()
	req, r, err := p.send(method, path, body, headers...)
	if err != nil {
		t.Fatal(err)
	}
	conform(t, p, req, r)
	return r
}

// send is do for goroutines other than the test's: it returns what went
// wrong, unchecked against the OpenAPI document.
func (p *proxy) send(method, path, body string, headers ...string) (*nethttp.Request, response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := nethttp.NewRequest(method, p.url+path, rd)
	if err != nil {
		return nil, response{}, err
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := p.httpClient().Do(req)
	if err != nil {
		return nil, response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, response{}, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	return req, response{res.StatusCode, res.Header, b}, nil
}

// expect checks the status and Content-Type of a response.
func (r response) expect(t *testing.T, status int, contentType string) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if got := r.header.Get("Content-Type"); got != contentType {
		t.Fatalf("Content-Type %q, want %q", got, contentType)
	}
	return r
}

// json decodes the body into a generic value.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return v
}

// expectError checks an answer in the error model.
func (r response) expectError(t *testing.T, status, code int, message, contentType string) {
	t.Helper()
	r.expect(t, status, contentType)
	var e struct {
		ErrorCode *int    `json:"error_code"`
		Message   *string `json:"message"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.ErrorCode == nil || e.Message == nil {
		t.Fatalf("body is not {error_code, message}: %s", r.body)
	}
	if *e.ErrorCode != code || *e.Message != message {
		t.Fatalf("error %d %q, want %d %q", *e.ErrorCode, *e.Message, code, message)
	}
}
