//go:build browser

package http_test

import (
	"context"
	"fmt"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/http"
	"github.com/kafka-rest-go/kafka-rest/http/guard"
)

// eventSourcePage is a page of another origin than the proxy's whose
// EventSource reads a group stream and shows each record in a list; once
// it shows want of them it sends the list's HTML back to the test server,
// which is how the test reads the page.
const eventSourcePage = `<!doctype html>
<html><head><meta charset="utf-8"><title>group stream</title></head>
<body>
<ul id="records"></ul>
<script>
const want = %d;
const list = document.getElementById("records");
const source = new EventSource(%q);
source.onmessage = (e) => {
  const r = JSON.parse(e.data);
  const li = document.createElement("li");
  li.dataset.id = e.lastEventId;
  li.textContent = r.topic_name + "/" + r.partition_id + "/" + r.offset + "=" + r.value.data;
  list.appendChild(li);
  if (list.children.length === want) {
    source.close();
    fetch("/dom", {method: "POST", body: list.outerHTML});
  }
};
source.onerror = () => { fetch("/dom", {method: "POST", body: "error: " + source.readyState}); };
</script>
</body></html>`

// TestBrowserEventSource: headless Chromium opens a page whose EventSource
// reads a group stream from the proxy (another origin, allowed by the
// proxy's CORS configuration) and shows the records, including one
// produced after the page opened; the test reads them back from the page.
func TestBrowserEventSource(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "chromium"
	}
	if _, err := exec.LookPath(chromium); err != nil {
		t.Fatalf("headless Chromium is needed (make test-browser installs Debian's chromium): %v", err)
	}
	bootstrap := target(t)
	doms := make(chan string, 4)
	var pageURL string
	page := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, pageURL)
		case "/dom":
			b, _ := io.ReadAll(r.Body)
			doms <- string(b)
		default:
			nethttp.NotFound(w, r)
		}
	}))
	defer page.Close()
	p := startProxy(t, bootstrap, func(c *http.Config) {
		c.Guard.CORS = guard.CORSConfig{AllowOrigin: []string{page.URL}, AllowMethods: []string{"GET"}}
	})
	topic := uniqueName(t, "browser")
	createTopic(t, p, topic, 1)
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("hello")}, &kgo.Record{Topic: topic, Value: []byte("from <kafka> & co")})
	stream := p.url + "/v3/clusters/" + p.cluster(t) + "/consumer-groups/" + uniqueName(t, "browser") + "/records?topics=" + topic + "&value_type=STRING"
	pageURL = fmt.Sprintf(eventSourcePage, 3, stream)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir="+t.TempDir(), page.URL+"/")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	// The third record is produced once the page's stream is a member of
	// its group: it must arrive through the open EventSource.
	eventually(t, "the page's stream open", func() error {
		if n := p.sys.Streams().Live(); n != 1 {
			return fmt.Errorf("%d streams", n)
		}
		return nil
	})
	produceDirect(t, bootstrap, &kgo.Record{Topic: topic, Value: []byte("after the page opened")})
	var dom string
	select {
	case dom = <-doms:
	case <-ctx.Done():
		t.Fatalf("the page sent nothing back; chromium said:\n%s", out.String())
	}
	want := `<ul id="records">` +
		`<li data-id="` + topic + `/0/0">` + topic + `/0/0=hello</li>` +
		`<li data-id="` + topic + `/0/1">` + topic + `/0/1=from &lt;kafka&gt; &amp; co</li>` +
		`<li data-id="` + topic + `/0/2">` + topic + `/0/2=after the page opened</li></ul>`
	if dom != want {
		t.Fatalf("the page shows\n%s\nwant\n%s", dom, want)
	}
}
