package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// checkShutdownWithRefusedRecords: the process at props (identity
// pass-through on a SASL listener, shutdown.graceful.ms of grace) has
// topic, which good (user:password) may write. A stream with the wrong
// password is open when SIGTERM comes, and, when stall is given (it makes
// the broker stop answering produce requests), a record of good waits for
// an answer that never comes. Each record of the wrong password is
// answered 40101 at once, before and after the signal, and the process
// exits 0 within the grace period, whatever records its clients hold.
func checkShutdownWithRefusedRecords(t *testing.T, props, topic, good, wrong string, grace time.Duration, stall func()) {
	p := startProcess(t, props)
	addr := p.listening(t)
	cl := &http.Client{Timeout: grace + 20*time.Second} // generous; the delivery timeout is 120 s
	send := func(method, url, auth string, body io.Reader) (*http.Response, error) {
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(auth)))
		return cl.Do(req)
	}
	// The produce path names the cluster; good may ask for its id.
	res, err := send("GET", "http://"+addr+"/v3/clusters", good, nil)
	if err != nil {
		t.Fatal(err)
	}
	var clusters struct {
		Data []struct {
			ClusterID string `json:"cluster_id"`
		} `json:"data"`
	}
	err = json.NewDecoder(res.Body).Decode(&clusters)
	res.Body.Close()
	if err != nil || len(clusters.Data) != 1 {
		t.Fatalf("GET /v3/clusters: %d %v\n%s", res.StatusCode, err, p.log())
	}
	url := "http://" + addr + "/v3/clusters/" + clusters.Data[0].ClusterID + "/topics/" + topic + "/records"
	post := func(auth string, body io.Reader) (*http.Response, error) { return send("POST", url, auth, body) }
	record := func(v string) string { return `{"value":{"type":"STRING","data":"` + v + `"}}` }

	// good's record makes the topic's partitions known.
	res, err = post(good, strings.NewReader(record("warm")))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(string(b), `{"error_code":200,`) {
		t.Fatalf("good's record: %d %s\n%s", res.StatusCode, b, p.log())
	}

	// The wrong password's stream stays open across the signal.
	pr, pw := io.Pipe()
	defer pw.Close()
	started := make(chan *http.Response, 1)
	go func() {
		res, err := post(wrong, pr)
		if err != nil {
			t.Errorf("the wrong password's stream: %v", err)
		}
		started <- res
	}()
	io.WriteString(pw, record("wrong-0")+record("wrong-1"))
	res = <-started
	if res == nil {
		t.FailNow()
	}
	defer res.Body.Close()
	answers := bufio.NewReader(res.Body)
	expectRefused := func(n int) {
		t.Helper()
		for i := range n {
			line, err := answers.ReadString('\n')
			if err != nil || !strings.HasPrefix(line, `{"error_code":40101,"message":"SASL Authentication failed."`) {
				t.Fatalf("answer %d of the wrong password's stream: %q, %v\n%s", i, line, err, p.log())
			}
		}
	}
	expectRefused(2)

	if stall != nil {
		stall()
		go func() {
			if res, err := post(good, strings.NewReader(record("stalled"))); err == nil {
				res.Body.Close() // cut off at the end of the grace period
			}
		}()
		// Until the record is in good's client, waiting for the broker.
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(metrics(t, addr), "kafka_rest_kafka_buffered_produce_records{role=\"producer\"} 1\n") {
			if time.Now().After(deadline) {
				t.Fatalf("the stalled record never reached its client:\n%s", metrics(t, addr))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	io.WriteString(pw, record("wrong-2"))
	expectRefused(1)
	pw.Close()
	if rest, err := io.ReadAll(answers); err != nil || len(rest) != 0 {
		t.Fatalf("after the wrong password's stream ended: %q, %v", rest, err)
	}

	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("kafka-rest exited with %v, want 0\n%s", err, p.log())
		}
	case <-time.After(grace + 20*time.Second):
		t.Fatalf("kafka-rest did not exit after SIGTERM\n%s", p.log())
	}
	// Generous: process teardown on a loaded machine. Waiting on the
	// clients' records took the grace period and 15 s more.
	if took := time.Since(start); took > grace+7*time.Second {
		t.Errorf("exited %v after SIGTERM, with a grace period of %v\n%s", took, grace, p.log())
	}
}

// metrics is the process's /metrics page.
func metrics(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// identityProps are the properties of a proxy that passes HTTP Basic
// credentials through as mechanism to the SASL listener at bootstrap.
func identityProps(bootstrap, mechanism string, grace time.Duration) string {
	return fmt.Sprintf("listeners=http://127.0.0.1:0\nbootstrap.servers=%s\nclient.security.protocol=SASL_PLAINTEXT\n"+
		"kafka.identity.passthrough=%s\nshutdown.graceful.ms=%d\n", bootstrap, mechanism, grace.Milliseconds())
}
