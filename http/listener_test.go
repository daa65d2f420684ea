package http_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
	"github.com/kafka-rest-go/kafka-rest/internal/testpki"
)

// startListening starts the proxy as main does: a net/http server bounded
// by max.request.header.size, on the proxy's Listener (TLS with tlsCfg).
func startListening(t *testing.T, maxHeader int, tlsCfg *tls.Config) *proxy {
	t.Helper()
	return startProxyOn(t, target(t), func(c *http.Config) { c.Guard.MaxHeaderBytes = maxHeader }, nil, func(h nethttp.Handler) *httptest.Server {
		api := h.(*http.Server)
		srv := httptest.NewUnstartedServer(h)
		srv.Listener = api.Listener(srv.Listener, tlsCfg)
		srv.Config.MaxHeaderBytes = maxHeader
		srv.Config.ConnContext = api.ConnContext
		srv.Start()
		return srv
	})
}

// sendHeader sends a request whose one header holds size bytes, from a
// buffer it reuses, while reading the answer: the whole answer, or nil
// when the connection ended without one.
func sendHeader(t *testing.T, conn net.Conn, size int) *nethttp.Response {
	t.Helper()
	go func() {
		// Write errors are expected: the server stops reading.
		if _, err := io.WriteString(conn, "GET /v3/clusters HTTP/1.1\r\nHost: proxy\r\nX-Big: "); err != nil {
			return
		}
		chunk := []byte(strings.Repeat("a", 64<<10))
		for left := size; left > 0; left -= len(chunk) {
			if _, err := conn.Write(chunk[:min(left, len(chunk))]); err != nil {
				return
			}
		}
		_, _ = io.WriteString(conn, "\r\n\r\n")
	}()
	if err := conn.SetReadDeadline(time.Now().Add(2 * time.Minute)); err != nil {
		t.Fatal(err)
	}
	res, err := nethttp.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("reading the body of a %d: %v", res.StatusCode, err)
	}
	res.Body = io.NopCloser(strings.NewReader(string(b)))
	return res
}

// expectHeaderTooLarge checks an answer to an oversized header: the error
// model's 431 in JSON, never Go's plain text.
func expectHeaderTooLarge(t *testing.T, res *nethttp.Response, limit string) {
	t.Helper()
	if res == nil {
		t.Fatal("the connection ended without an answer")
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 431 || res.Header.Get("Content-Type") != "application/json" ||
		string(b) != `{"error_code":431,"message":"Request header fields are larger than `+limit+` bytes."}` {
		t.Fatalf("answer %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	if !res.Close {
		t.Fatal("the connection is kept open after a 431")
	}
}

// TestHeaderTooLargeIsJSON: a header block over max.request.header.size is
// the error model's 431 whatever its size: under Go's own limit the proxy
// answers it, over it Go's plain-text answer is rewritten; the server reads
// no more of it than Go's limit, a 64 MiB header included.
func TestHeaderTooLargeIsJSON(t *testing.T) {
	p := startListening(t, 8192, nil)
	addr := strings.TrimPrefix(p.url, "http://")
	for _, size := range []int{9 << 10, 1 << 20, 64 << 20} {
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		res := sendHeader(t, conn, size)
		conn.Close()
		expectHeaderTooLarge(t, res, "8192")
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 32<<20 {
			t.Errorf("a %d-byte header made the process allocate %d MiB", size, grown>>20)
		}
	}
	// The proxy goes on answering.
	p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
}

// TestListenerTLS: on an https listener the proxy runs TLS itself; requests
// still carry the connection's TLS state (links are https), and an
// oversized header is the JSON 431 inside the TLS stream too.
func TestListenerTLS(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	ks := filepath.Join(t.TempDir(), "keystore.pem")
	ca.Server(t, "proxy").WriteKeyStore(t, ks, "PEM")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	files, err := guard.NewTLS(ctx, guard.TLSConfig{KeystoreLocation: ks, KeystoreType: "PEM"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	p := startListening(t, 4096, files.Config())
	addr := strings.TrimPrefix(p.url, "http://")
	p.url = "https://" + addr
	p.client = httpsClient(ca.Pool())
	r := p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
	if !strings.Contains(string(r.body), `"self":"https://`) {
		t.Fatalf("links are not https: %s", r.body)
	}
	// Plain HTTP to the https listener is told so.
	res, err := nethttp.Get("http://" + addr + "/v3/clusters")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/json" ||
		string(b) != `{"error_code":400,"message":"Client sent an HTTP request to an HTTPS server."}` {
		t.Fatalf("plain HTTP to https: %d %q %s", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: ca.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	expectHeaderTooLarge(t, sendHeader(t, conn, 1<<20), "4096")
}
