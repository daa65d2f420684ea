package http_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	json "github.com/goccy/go-json"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
)

// h2Proxy is a proxy served as main serves it (its Listener, ConnContext
// and Protocols), TLS with an h2-offering configuration when tls, with
// http2.enabled set to enabled; conns counts the connections it accepted.
type h2Proxy struct {
	*proxy
	bootstrap string
	roots     *x509.CertPool
	conns     *atomic.Int64
}

func startH2(t *testing.T, useTLS, enabled bool) h2Proxy {
	t.Helper()
	var tlsCfg *tls.Config
	var roots *x509.CertPool
	if useTLS {
		ca := testpki.NewCA(t, "test CA")
		ks := filepath.Join(t.TempDir(), "keystore.pem")
		ca.Server(t, "proxy").WriteKeyStore(t, ks, "PEM")
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		files, err := guard.NewTLS(ctx, guard.TLSConfig{KeystoreLocation: ks, KeystoreType: "PEM", HTTP2: enabled}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		tlsCfg, roots = files.Config(), ca.Pool()
	}
	conns := new(atomic.Int64)
	bootstrap := target(t)
	p := startProxyOn(t, bootstrap, func(c *http.Config) { c.HTTP2 = enabled }, nil, func(h nethttp.Handler) *httptest.Server {
		api := h.(*http.Server)
		srv := httptest.NewUnstartedServer(h)
		srv.Listener = api.Listener(srv.Listener, tlsCfg)
		srv.Config.ConnContext = api.ConnContext
		srv.Config.Protocols = api.Protocols()
		srv.Config.ConnState = func(_ net.Conn, s nethttp.ConnState) {
			if s == nethttp.StateNew {
				conns.Add(1)
			}
		}
		srv.Start()
		return srv
	})
	if useTLS {
		p.url = "https://" + strings.TrimPrefix(p.url, "http://")
		p.client = &nethttp.Client{Transport: &nethttp.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	}
	return h2Proxy{p, bootstrap, roots, conns}
}

// h2Client speaks only HTTP/2 to the proxy: with prior knowledge over
// plain TCP, through ALPN over TLS.
func (p h2Proxy) h2Client() *nethttp.Client {
	protos := new(nethttp.Protocols)
	tr := &nethttp.Transport{Protocols: protos}
	if p.roots != nil {
		protos.SetHTTP2(true)
		tr.TLSClientConfig = &tls.Config{RootCAs: p.roots}
	} else {
		protos.SetUnencryptedHTTP2(true)
	}
	return &nethttp.Client{Transport: tr}
}

// TestHTTP2ManySingleRecordProduces: with http2.enabled (the default),
// h2c with prior knowledge on a plain listener and h2 through ALPN on a
// TLS one carry many concurrent single-record produces over one
// connection, each answered over HTTP/2 with its line; Kafka holds each
// record once. A streaming produce stays full duplex over HTTP/2.
func TestHTTP2ManySingleRecordProduces(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		name := map[bool]string{false: "h2c", true: "h2 over TLS"}[useTLS]
		t.Run(name, func(t *testing.T) {
			p := startH2(t, useTLS, true)
			topic := produceTopic(t, p.proxy, 3)
			cluster := v3Cluster(t, p.proxy)
			path := p.url + "/v3/clusters/" + cluster + "/topics/" + topic + "/records"
			client := p.h2Client()
			// The connection first: a burst of requests before it is up
			// would each dial its own.
			res, err := client.Get(p.url + "/v3/clusters")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			// Over TLS the request knows it (its links are https).
			if self := `"self":"` + p.url; res.ProtoMajor != 2 || !strings.Contains(string(b), self) {
				t.Fatalf("over %s: %s, want links starting %s", res.Proto, b, self)
			}
			before := p.conns.Load()
			const n = 200
			var wg sync.WaitGroup
			errs := make(chan error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := fmt.Sprintf(`{"value":{"type":"STRING","data":"r%d"}}`, i)
					res, err := client.Post(path, "application/json", strings.NewReader(body))
					if err != nil {
						errs <- err
						return
					}
					defer res.Body.Close()
					b, err := io.ReadAll(res.Body)
					var line struct {
						ErrorCode int `json:"error_code"`
					}
					switch {
					case err != nil:
						errs <- err
					case res.ProtoMajor != 2:
						errs <- fmt.Errorf("record %d answered over %s", i, res.Proto)
					case res.StatusCode != 200 || json.Unmarshal(b, &line) != nil || line.ErrorCode != 200 || !strings.HasSuffix(string(b), "}\r\n"):
						errs <- fmt.Errorf("record %d: %d %q", i, res.StatusCode, b)
					case res.Header.Get("Content-Type") != "application/json":
						errs <- fmt.Errorf("record %d: Content-Type %q", i, res.Header.Get("Content-Type"))
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if got := p.conns.Load() - before; got != 0 {
				t.Fatalf("%d concurrent requests took %d more connections, want none", n, got)
			}

			// A stream: each answer line arrives before the next record is sent.
			pr, pw := io.Pipe()
			req, err := nethttp.NewRequest("POST", path, pr)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			go fmt.Fprint(pw, `{"value":{"type":"STRING","data":"s0"}}`)
			res, err = client.Do(req.WithContext(ctx))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.ProtoMajor != 2 || res.StatusCode != 200 {
				t.Fatalf("stream answered %d over %s", res.StatusCode, res.Proto)
			}
			lr := bufio.NewReader(res.Body)
			for i := range 3 {
				l, err := lr.ReadString('\n')
				if err != nil || !strings.Contains(l, `"error_code":200`) {
					t.Fatalf("stream line %d: %q %v", i, l, err)
				}
				if i < 2 {
					go fmt.Fprintf(pw, `{"value":{"type":"STRING","data":"s%d"}}`, i+1)
				}
			}
			pw.Close()
			if rest, err := io.ReadAll(lr); err != nil || len(rest) != 0 {
				t.Fatalf("after the stream: %q %v", rest, err)
			}

			recs := readBack(t, p.bootstrap, topic, n+3)
			seen := map[string]int{}
			for _, r := range recs {
				seen[string(r.Value)]++
			}
			for i := range n {
				if v := fmt.Sprintf(`r%d`, i); seen[v] != 1 {
					t.Fatalf("Kafka holds %q %d times", v, seen[v])
				}
			}
			for i := range 3 {
				if v := fmt.Sprintf(`s%d`, i); seen[v] != 1 {
					t.Fatalf("Kafka holds %q %d times", v, seen[v])
				}
			}
		})
	}
}

// TestHTTP2Disabled: http2.enabled=false serves HTTP/1.1 only: a client
// with prior knowledge gets no HTTP/2 answer, and TLS negotiates
// http/1.1.
func TestHTTP2Disabled(t *testing.T) {
	p := startH2(t, false, false)
	if res, err := p.h2Client().Get(p.url + "/v3/clusters"); err == nil {
		res.Body.Close()
		t.Fatalf("h2c answered %s while turned off", res.Proto)
	}
	p = startH2(t, true, false)
	protos := new(nethttp.Protocols)
	protos.SetHTTP1(true)
	protos.SetHTTP2(true)
	client := &nethttp.Client{Transport: &nethttp.Transport{Protocols: protos, TLSClientConfig: &tls.Config{RootCAs: p.roots}}}
	res, err := client.Get(p.url + "/v3/clusters")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.ProtoMajor != 1 || res.StatusCode != 200 {
		t.Fatalf("answered %d over %s while HTTP/2 is off", res.StatusCode, res.Proto)
	}
}

// TestHTTP2Curl: curl --http2-prior-knowledge, where curl is installed.
func TestHTTP2Curl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl on this machine")
	}
	p := startH2(t, false, true)
	topic := produceTopic(t, p.proxy, 1)
	path := p.url + "/v3/clusters/" + v3Cluster(t, p.proxy) + "/topics/" + topic + "/records"
	out, err := exec.Command(curl, "-sS", "--http2-prior-knowledge", "-H", "Content-Type: application/json",
		"--data-binary", `{"value":{"type":"STRING","data":"via curl"}}`, "-w", `\n%{http_version} %{response_code}`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("curl: %v: %s", err, out)
	}
	body, status, _ := strings.Cut(string(out), "\r\n\n")
	if status != "2 200" || !strings.Contains(body, `"error_code":200`) || !strings.Contains(body, `"offset":0`) {
		t.Fatalf("curl got %q", out)
	}
	if recs := readBack(t, p.bootstrap, topic, 1); string(recs[0].Value) != "via curl" {
		t.Fatalf("Kafka holds %q", recs[0].Value)
	}
}
