package http

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	nethttp "net/http"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/http/rest"
)

// goHeaderTooLarge is what Go's HTTP/1 server writes by itself, before any
// handler runs, when a request line and headers pass its MaxHeaderBytes:
// plain text, which no client of the error model can read.
const goHeaderTooLarge = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large"

// Listener wraps the listener of an http listener (tlsConfig nil) or an
// https one, for a net/http server of this handler, so that an oversized
// header block gets the error model's 431 whatever its size. Headers up to
// the server's MaxHeaderBytes (plus Go's 4 KiB of slack) reach the
// handler, whose own bound answers them; beyond, Go answers by itself in
// plain text on the connection, which this rewrites into the same JSON.
// Go's limit still bounds what a connection may make the server hold.
//
// For https the listener runs TLS itself, since Go's answer would
// otherwise be written inside the TLS stream, out of reach: the server
// must then take ConnContext, through which the handler learns the TLS
// state of each request.
func (s *Server) Listener(ln net.Listener, tlsConfig *tls.Config) net.Listener {
	return &listener{Listener: ln, s: s, tls: tlsConfig}
}

type listener struct {
	net.Listener
	s   *Server
	tls *tls.Config
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	gc := &guardedConn{Conn: c, s: l.s}
	if l.tls != nil {
		gc.tls = tls.Server(c, l.tls)
		gc.Conn = gc.tls
	}
	return gc, nil
}

// guardedConn is one connection of a Listener.
type guardedConn struct {
	net.Conn
	s   *Server
	tls *tls.Conn // nil on http listeners
}

func (c *guardedConn) Write(p []byte) (int, error) {
	if string(p) != goHeaderTooLarge {
		return c.Conn.Write(p)
	}
	c.s.log.Debug("request header too large", "remote", c.RemoteAddr().String())
	if _, err := c.Conn.Write(c.s.headerTooLargeResponse()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read tells a client that speaks plain HTTP to an https listener what it
// did, as Go's server does when it runs TLS itself, in the error model.
func (c *guardedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	var rhe tls.RecordHeaderError
	if c.tls != nil && errors.As(err, &rhe) && rhe.Conn != nil && looksLikeHTTP(rhe.RecordHeader) {
		body := `{"error_code":400,"message":"Client sent an HTTP request to an HTTPS server."}`
		_, _ = io.WriteString(rhe.Conn, "HTTP/1.0 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: "+
			strconv.Itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body)
		rhe.Conn.Close()
	}
	return n, err
}

// looksLikeHTTP reports whether the first bytes of a connection, read as a
// TLS record header, are an HTTP request's.
func looksLikeHTTP(hdr [5]byte) bool {
	switch string(hdr[:]) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "PATCH", "DELET":
		return true
	}
	return false
}

// CloseWrite lets Go's server half-close the connection after its 431, so
// that the client reads the answer before the connection ends.
func (c *guardedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

type tlsConnKey struct{}

// ConnContext is the net/http server's ConnContext for connections of a
// Listener: it keeps the TLS connection, whose state requests then carry.
func (s *Server) ConnContext(ctx context.Context, c net.Conn) context.Context {
	if gc, ok := c.(*guardedConn); ok && gc.tls != nil {
		ctx = context.WithValue(ctx, tlsConnKey{}, gc.tls)
	}
	return ctx
}

// withTLS gives r the TLS state of its connection when a Listener ran TLS
// in place of net/http.
func withTLS(r *nethttp.Request) {
	if r.TLS != nil {
		return
	}
	if tc, ok := r.Context().Value(tlsConnKey{}).(*tls.Conn); ok {
		st := tc.ConnectionState()
		r.TLS = &st
	}
}

// headerTooLargeResponse is the whole HTTP/1.1 response to a header block
// too large for net/http to read: the header guard's answer to it, with
// the configured response headers, closing the connection.
func (s *Server) headerTooLargeResponse() []byte {
	e := s.guards.ErrHeaderTooLarge()
	body, err := codec.Marshal(rest.ErrorBody{ErrorCode: e.Code, Message: e.Message})
	if err != nil {
		body = []byte(`{"error_code":431,"message":"Request header fields are too large."}`)
	}
	h := nethttp.Header{}
	s.guards.ApplyHeaders(h)
	h.Set("Content-Type", rest.MediaJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 431 Request Header Fields Too Large\r\n")
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}
