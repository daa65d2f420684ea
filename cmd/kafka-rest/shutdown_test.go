package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be the kafka-rest program, so that tests
// can signal a real process without building another binary.
func TestMain(m *testing.M) {
	if props := os.Getenv("KRTEST_RUN_MAIN"); props != "" {
		os.Args = []string{"kafka-rest", props}
		main()
		return
	}
	os.Exit(m.Run())
}

// process is kafka-rest running as a child process.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	addr chan string
	done chan error
}

func startProcess(t *testing.T, props string) *process {
	t.Helper()
	if !strings.Contains(props, "embedded.schema.registry.port") {
		props += "\nembedded.schema.registry.port=0\n" // never the shared default 8081
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KRTEST_RUN_MAIN="+writeProps(t, props))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, addr: make(chan string, 1), done: make(chan error, 1)}
	listening := regexp.MustCompile(`kafka-rest listening" listener=https?://(\S+)`)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				p.addr <- m[1]
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return p
}

// listening waits for the process's listener and returns its address.
func (p *process) listening(t *testing.T) string {
	t.Helper()
	select {
	case addr := <-p.addr:
		return addr
	case err := <-p.done:
		t.Fatalf("kafka-rest exited before listening: %v\n%s", err, p.log())
	case <-time.After(30 * time.Second):
		t.Fatalf("kafka-rest did not start listening\n%s", p.log())
	}
	return ""
}

func (p *process) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// TestShutdownFinishesInFlightRequests sends SIGTERM while two requests are
// in flight: the one that completes within shutdown.graceful.ms is answered,
// the one that never completes is cut off at the bound, and the process
// exits 0.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	const grace = 2 * time.Second
	p := startProcess(t, "listeners=http://127.0.0.1:0\nembedded.kafka.port=0\nshutdown.graceful.ms=2000\n")
	addr := p.listening(t)

	res, err := http.Get("http://" + addr + "/v3/clusters")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /v3/clusters before shutdown: %v %v", res, err)
	}
	res.Body.Close()

	// Two requests whose bodies are only half sent.
	head := "POST / HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/vnd.kafka.v2+json\r\nContent-Length: 9\r\n\r\n{\"a\":"
	finishing := dial(t, addr, head)
	stuck := dial(t, addr, head)
	time.Sleep(200 * time.Millisecond) // both requests reach their handler

	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted after SIGTERM")
	}

	if _, err := io.WriteString(finishing, `"b"}`); err != nil {
		t.Fatalf("finishing the in-flight request: %v", err)
	}
	finishing.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(finishing), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v\n%s", err, p.log())
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "{}" {
		t.Fatalf("in-flight request: %d %s", resp.StatusCode, body)
	}

	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("kafka-rest exited with %v, want 0\n%s", err, p.log())
		}
	case <-time.After(grace + 15*time.Second):
		t.Fatalf("kafka-rest did not exit after SIGTERM\n%s", p.log())
	}
	if took := time.Since(start); took < grace {
		t.Errorf("exited after %v, before the stuck request's grace period of %v", took, grace)
	}
	stuck.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := stuck.Read(make([]byte, 1)); err == nil || n > 0 {
		t.Errorf("the stuck request's connection is still open (read %d, %v)", n, err)
	}
	for _, want := range []string{"shutting down", "cut off"} {
		if !strings.Contains(p.log(), want) {
			t.Errorf("log has no %q:\n%s", want, p.log())
		}
	}
}

func dial(t *testing.T, addr, send string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, send); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestStartFailsWhenPortsAreTaken: a taken embedded Kafka port or HTTP
// port stops start-up with a message that says what to change.
func TestStartFailsWhenPortsAreTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for props, want := range map[string]string{
		"listeners=http://127.0.0.1:0\nembedded.kafka.port=" + itoa(port):      "set embedded.kafka.port to a free port",
		"listeners=http://127.0.0.1:" + itoa(port) + "\nembedded.kafka.port=0": "set listeners to a free address",
	} {
		p := startProcess(t, props)
		select {
		case err := <-p.done:
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Errorf("exit %v, want 1", err)
			}
			if !strings.Contains(p.log(), want) {
				t.Errorf("log does not say %q:\n%s", want, p.log())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("kafka-rest did not stop\n%s", p.log())
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
