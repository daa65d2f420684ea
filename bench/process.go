package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Process is a kafka-rest the harness started itself, so that it can report
// the proxy's CPU time and memory beside its throughput.
type Process struct {
	cmd  *exec.Cmd
	url  string
	peak atomic.Int64
	stop chan struct{}
	done sync.WaitGroup
}

// StartProxy starts the kafka-rest binary at path on a free port of
// 127.0.0.1, talking to bootstrap, with extra KAFKA_REST_* variables, and
// waits until it listens. Its log goes to logTo.
func StartProxy(ctx context.Context, path string, bootstrap string, extra []string, logTo io.Writer) (*Process, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(),
		"KAFKA_REST_LISTENERS=http://"+addr,
		"KAFKA_REST_BOOTSTRAP_SERVERS="+bootstrap,
		"KAFKA_REST_USE_CUSTOM_REQUEST_LOGGING=false")
	cmd.Env = append(cmd.Env, extra...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: starting %s: %w", path, err)
	}
	p := &Process{cmd: cmd, url: "http://" + addr, stop: make(chan struct{})}
	ready := make(chan struct{})
	listening := regexp.MustCompile(`kafka-rest listening`)
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			if logTo != nil {
				fmt.Fprintln(logTo, sc.Text())
			}
			if listening.MatchString(sc.Text()) {
				once.Do(func() { close(ready) })
			}
		}
	}()
	select {
	case <-ready:
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("bench: %s did not start listening within 30s", path)
	}
	p.done.Add(1)
	go p.sample()
	return p, nil
}

// URL is where the proxy listens.
func (p *Process) URL() string { return p.url }

// sample tracks the peak resident set size every 100 ms: the kernel's own
// high-water mark cannot be reset between modes.
func (p *Process) sample() {
	defer p.done.Done()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if st, err := ReadProcess(p.cmd.Process.Pid); err == nil && st.RSS > p.peak.Load() {
				p.peak.Store(st.RSS)
			}
		}
	}
}

// Stats reads the proxy's CPU time and memory now.
func (p *Process) Stats() (ProcessStats, error) { return ReadProcess(p.cmd.Process.Pid) }

// ResetPeak starts a new peak measurement.
func (p *Process) ResetPeak() {
	if st, err := p.Stats(); err == nil {
		p.peak.Store(st.RSS)
	}
}

// Peak is the highest RSS seen since ResetPeak, in bytes.
func (p *Process) Peak() int64 { return p.peak.Load() }

// Stop stops the proxy gracefully (SIGTERM), and kills it after 30 s.
func (p *Process) Stop() error {
	close(p.stop)
	p.done.Wait()
	p.cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		return fmt.Errorf("bench: the proxy did not stop within 30s of SIGTERM")
	}
}
