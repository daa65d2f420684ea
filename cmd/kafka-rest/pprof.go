package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves Go's profiles (CPU, heap, allocations, goroutines,
// blocking, mutexes, execution traces) on their own listener, never on the
// public one: debug.pprof.listener turns it on. It returns the server and
// the address it listens on.
func startPprof(addr string, log *slog.Logger) (*nethttp.Server, net.Addr, error) {
	mux := nethttp.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listening on debug.pprof.listener %s (set it to a free host:port): %w", addr, err)
	}
	srv := &nethttp.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, nethttp.ErrServerClosed) {
			log.Warn("the pprof listener stopped", "error", err)
		}
	}()
	log.Warn("pprof debug listener on; do not expose it", "listener", "http://"+ln.Addr().String()+"/debug/pprof/")
	return srv, ln.Addr(), nil
}
