package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// runSingle sends one record per v3 produce request from Connections
// clients over HTTP/1.1 keep-alive, each sending its next request when
// its answer came (or when it is due, at a fixed rate).
func runSingle(ctx context.Context, r *modeRun) error {
	cl := httpClient(r.cfg.Connections)
	return perConnection(r.cfg.Connections, func(int) error {
		return singleLoop(ctx, cl, r, 1)
	})
}

// runSingleH2 is runSingle over HTTP/2: cleartext with prior knowledge
// (h2c) for an http URL, negotiated by TLS for https. The Connections
// clients share H2Connections connections, their requests multiplexed.
// Run's preflight has checked that every node speaks HTTP/2.
func runSingleH2(ctx context.Context, r *modeRun) error {
	clients := make([]*http.Client, max(r.cfg.H2Connections, 1))
	for i := range clients {
		clients[i] = h2Client()
	}
	return perConnection(r.cfg.Connections, func(i int) error {
		return singleLoop(ctx, clients[i%len(clients)], r, 2)
	})
}

// h2Client speaks only HTTP/2: h2c with prior knowledge to http URLs.
// One Transport keeps one connection to each node (more only when the
// server's concurrent stream limit is reached).
func h2Client() *http.Client {
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetHTTP2(true)
	tr.Protocols.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: tr}
}

// singleLoop sends one record per request until the budget is spent;
// proto is the HTTP major version every answer must come in.
func singleLoop(ctx context.Context, cl *http.Client, r *modeRun, proto int) error {
	for {
		i, at, ok := r.b.next(ctx, nil)
		if !ok {
			return nil
		}
		req, err := http.NewRequestWithContext(ctx, "POST", r.v3URL("/records"), strings.NewReader(r.w.json(i)))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := cl.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("reading the answer: %w", err)
		case res.ProtoMajor != proto:
			return fmt.Errorf("the proxy answered over %s, not HTTP/%d", res.Proto, proto)
		case res.StatusCode != http.StatusOK:
			r.st.fail(1, res.StatusCode)
		default:
			if code := errorCode(body); code == http.StatusOK {
				r.st.ok(1, r.cfg.RecordSize, time.Since(at))
			} else {
				r.st.fail(1, code)
			}
		}
	}
}

// h2Preface is what an HTTP/2 client with prior knowledge sends first:
// the connection preface and an empty SETTINGS frame.
const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "\x00\x00\x00\x04\x00\x00\x00\x00\x00"

// probeH2C checks that the node at base speaks cleartext HTTP/2 with
// prior knowledge: a server that does answers the preface with a SETTINGS
// frame; an HTTP/1 server answers with an HTTP/1 error or hangs up. An
// https node is left to TLS to negotiate.
func probeH2C(ctx context.Context, base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	if u.Scheme != "http" {
		return nil
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	fail := func(what string) error {
		return fmt.Errorf("%s does not speak cleartext HTTP/2 (h2c with prior knowledge): %s; mode %s needs a proxy that serves h2c",
			base, what, ModeV3SingleH2)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", base, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	if _, err := io.WriteString(conn, h2Preface); err != nil {
		return fail("writing the preface: " + err.Error())
	}
	br := bufio.NewReader(conn)
	head, err := br.Peek(9)
	switch {
	case bytes.HasPrefix(head, []byte("HTTP/")):
		line, _ := br.ReadString('\n')
		return fail(fmt.Sprintf("it answered %q", strings.TrimSpace(line)))
	case err != nil:
		return fail(fmt.Sprintf("no HTTP/2 answer to the preface (%v)", err))
	case head[3] != 0x4: // the frame type: SETTINGS comes first
		return fail(fmt.Sprintf("it answered the preface with frame type %d, not SETTINGS", head[3]))
	}
	return nil
}
