package schema

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// Embedded is an in-process development Schema Registry (franz-go's
// srfake): in memory, no compatibility checks, no authentication. It is
// started beside the embedded Kafka cluster so that the schema formats
// work out of the box; never for production.
type Embedded struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// StartEmbedded serves an in-memory registry on addr (host:port; port 0
// picks a free one).
func StartEmbedded(addr string) (*Embedded, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("embedded schema registry on %s (set embedded.schema.registry.port to a free port, or schema.registry.url to a registry of your own): %w", addr, err)
	}
	e := &Embedded{addr: ln.Addr().String(), done: make(chan struct{}),
		srv: &http.Server{Handler: srfake.NewRegistry().Handler(), ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		defer close(e.done)
		if err := e.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener failed: clients see connection errors
		}
	}()
	return e, nil
}

// URL is the registry's base URL.
func (e *Embedded) URL() string { return "http://" + e.addr }

// Close stops the registry; what it held is gone.
func (e *Embedded) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = e.srv.Shutdown(ctx)
	<-e.done
}
