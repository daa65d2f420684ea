package http_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
)

const rateLimited = "Request rate limit exceeded: The rate limit of requests per second has been exceeded."

func TestRateLimitCosts(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.RateLimit = guard.RateLimitConfig{Enabled: true, PermitsPerSec: 1, PerClusterPermitsPerSec: 1000, DefaultCost: 1,
			Costs: map[string]int{"api.v3.clusters.list": 2, "api.v3.brokers.*": 0}}
	})
	id := clusterID(t, p)
	// The list costs two permits: a whole second's budget at once, the
	// bucket's depth; the next list finds it empty.
	p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
	p.do(t, "GET", "/v3/clusters", "").expectError(t, 429, 429, rateLimited, "application/json")
	p.do(t, "GET", "/v3/clusters/"+id, "").expectError(t, 429, 429, rateLimited, "application/json")
	// Cost 0 is never limited.
	for range 5 {
		p.do(t, "GET", "/v3/clusters/"+id+"/brokers", "").expect(t, 200, "application/json")
	}
	// Streaming produce is left to its own limiter, as in the reference.
	topic := produceTopic(t, p, 1)
	ls := lines(t, p.do(t, "POST", "/v3/clusters/"+id+"/topics/"+topic+"/records", `{"value":{"type":"STRING","data":"x"}}`, "Content-Type: application/json").expect(t, 200, "application/json").body)
	if len(ls) != 1 || fmt.Sprint(ls[0]["error_code"]) != "200" {
		t.Fatalf("streaming produce under the generic limit: %v", ls)
	}
	readBack(t, bootstrap, topic, 1)
}

func TestRateLimitPerClusterAndTimeout(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.RateLimit = guard.RateLimitConfig{Enabled: true, PermitsPerSec: 1000, PerClusterPermitsPerSec: 1, DefaultCost: 1}
	})
	id := clusterID(t, p)
	p.do(t, "GET", "/v3/clusters/"+id, "").expect(t, 200, "application/json")
	p.do(t, "GET", "/v3/clusters/"+id+"/brokers", "").expectError(t, 429, 429, rateLimited, "application/json")
	// Another cluster id has its own budget; the whole proxy's is not spent.
	p.do(t, "GET", "/v3/clusters/not-"+id, "").expectError(t, 404, 404, "HTTP 404 Not Found", "application/json")
	p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")

	// With a timeout the request waits for its permit instead.
	p = startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.RateLimit = guard.RateLimitConfig{Enabled: true, PermitsPerSec: 1000, PerClusterPermitsPerSec: 2, DefaultCost: 1, Timeout: 5 * time.Second}
	})
	for range 5 {
		p.do(t, "GET", "/v3/clusters/"+id, "").expect(t, 200, "application/json")
	}
}

func TestClientLimit(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.ClientLimit = guard.ClientLimitConfig{Enabled: true, PerSec: 1000, PerClientPerSec: 1, MaxClients: 10}
	})
	p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
	p.do(t, "GET", "/v3/clusters", "").expectError(t, 429, 429, "Too many requests from 127.0.0.1: more than 1 a second; slow down and retry later.", "application/json")

	p = startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.ClientLimit = guard.ClientLimitConfig{Enabled: true, PerSec: 1000, PerClientPerSec: 1, MaxClients: 10,
			Exempt: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	})
	for range 5 {
		p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json")
	}
}

func TestBodyLimits(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.MaxBodyBytes = 128
		c.Guard.BodyTimeout = 300 * time.Millisecond
	})
	topic := produceTopic(t, p, 1)
	big := `{"records":[{"value":"` + strings.Repeat("QUFB", 64) + `"}]}`
	p.do(t, "POST", "/topics/"+topic, big, "Content-Type: application/vnd.kafka.binary.v2+json").
		expectError(t, 413, 413, "Request body is larger than 128 bytes.", "application/vnd.kafka.v2+json")
	p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"QUFB"}]}`, "Content-Type: application/vnd.kafka.binary.v2+json").
		expect(t, 200, "application/vnd.kafka.v2+json")
	// Only the small record landed.
	offsets, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := offsets.Lookup(topic, 0); o.Offset != 1 {
		t.Fatalf("end offset %d, want 1: the refused body reached Kafka", o.Offset)
	}

	// A body that stops coming is cut off with 408.
	addr := strings.TrimPrefix(p.url, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /topics/%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/vnd.kafka.binary.v2+json\r\nContent-Length: 40\r\n\r\n{\"records\":", topic, addr)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := nethttp.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("a stalled body got no answer: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 408 || !strings.Contains(string(b), `"error_code":408`) {
		t.Fatalf("a stalled body: %d %s", res.StatusCode, b)
	}

	// Streaming produce is bound by neither: its body is larger than the
	// limit and arrives over longer than the timeout.
	id := clusterID(t, p)
	pr, pw := io.Pipe()
	go func() {
		for i := range 3 {
			fmt.Fprintf(pw, `{"value":{"type":"STRING","data":"%d-%s"}}`, i, strings.Repeat("x", 100))
			time.Sleep(250 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := nethttp.NewRequest("POST", p.url+"/v3/clusters/"+id+"/topics/"+topic+"/records", pr)
	req.Header.Set("Content-Type", "application/json")
	sres, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := io.ReadAll(sres.Body)
	sres.Body.Close()
	sl := lines(t, sb)
	if sres.StatusCode != 200 || len(sl) != 3 || fmt.Sprint(sl[2]["error_code"]) != "200" {
		t.Fatalf("slow streaming produce: %d %s", sres.StatusCode, sb)
	}
	if recs := readBack(t, bootstrap, topic, 4); string(recs[3].Value) != "2-"+strings.Repeat("x", 100) {
		t.Fatalf("last record %q", recs[3].Value)
	}
}

func TestCORS(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.CORS = guard.CORSConfig{AllowOrigin: []string{"https://app.example.com", "https://*.tools.example.com"}, AllowMethods: []string{"GET", "POST", "DELETE"}}
	})
	preflight := func(origin, method, headers string) *nethttp.Response {
		req, _ := nethttp.NewRequest("OPTIONS", p.url+"/v3/clusters", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		res, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := preflight("https://app.example.com", "DELETE", "Content-Type")
	if res.StatusCode != 204 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		res.Header.Get("Access-Control-Allow-Methods") != "GET,POST,DELETE" ||
		res.Header.Get("Access-Control-Allow-Headers") != "X-Requested-With,Content-Type,Accept,Origin" ||
		res.Header.Get("Access-Control-Max-Age") != "1800" || res.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
	}
	if res := preflight("https://ci.tools.example.com", "GET", ""); res.Header.Get("Access-Control-Allow-Origin") != "https://ci.tools.example.com" {
		t.Fatalf("wildcard origin: %v", res.Header)
	}
	for _, bad := range [][3]string{{"https://evil.example.com", "GET", ""}, {"https://app.example.com", "PUT", ""}, {"https://app.example.com", "GET", "X-Secret"}} {
		if res := preflight(bad[0], bad[1], bad[2]); res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("preflight %v allowed: %v", bad, res.Header)
		}
	}
	r := p.do(t, "GET", "/v3/clusters", "", "Origin: https://app.example.com").expect(t, 200, "application/json")
	if r.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || r.header.Get("Vary") != "Origin" {
		t.Fatalf("simple request: %v", r.header)
	}
	if r := p.do(t, "GET", "/v3/clusters", "", "Origin: https://evil.example.com"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("another origin: %v", r.header)
	}
}

func TestResponseHeaders(t *testing.T) {
	bootstrap := target(t)
	ds, err := guard.ParseHeaderDirectives(`add X-XSS-Protection: 1; mode=block, set X-Frame-Options: DENY,"add Cache-Control: no-cache, no-store", setDate Expires: 3600000`)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, bootstrap, func(c *http.Config) { c.Guard.ResponseHeaders = ds })
	for _, r := range []response{
		p.do(t, "GET", "/v3/clusters", "").expect(t, 200, "application/json"),
		p.do(t, "GET", "/v3/nowhere", "").expect(t, 404, "application/json"),
	} {
		if r.header.Get("X-XSS-Protection") != "1; mode=block" || r.header.Get("X-Frame-Options") != "DENY" || r.header.Get("Cache-Control") != "no-cache, no-store" {
			t.Fatalf("headers %v", r.header)
		}
		exp, err := nethttp.ParseTime(r.header.Get("Expires"))
		if err != nil || exp.Before(time.Now().Add(50*time.Minute)) {
			t.Fatalf("Expires %q: %v", r.header.Get("Expires"), err)
		}
	}
	for _, bad := range []string{"put X: 1", "set X", "setDate Expires: soon"} {
		if _, err := guard.ParseHeaderDirectives(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
