package actors

import (
	"context"
	"fmt"
	"time"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// readinessTTL is how long a readiness answer is reused: probes from
// several load balancers then cost one metadata request a second at most.
// readinessTimeout bounds one check, whatever its caller's deadline, so
// that a caller in a hurry cannot make the answer others share a failure.
const (
	readinessTTL     = time.Second
	readinessTimeout = 2 * time.Second
)

// readiness remembers the last check; sem lets one caller at a time read
// or run it, and guards the rest.
type readiness struct {
	sem     chan struct{}
	checked time.Time
	err     error
}

// Ready reports whether the proxy can serve: Kafka answers a metadata
// request with a cluster id and at least one broker. The error says why
// not. Concurrent callers share one check; ctx bounds the wait.
func (s *System) Ready(ctx context.Context) error {
	r := &s.readiness
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("no readiness answer in time: %w", ctx.Err())
	}
	defer func() { <-r.sem }()
	if time.Since(r.checked) < readinessTTL {
		return r.err
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readinessTimeout)
	defer cancel()
	err := s.checkKafka(cctx)
	was := r.err
	r.checked, r.err = time.Now(), err
	// Only changes are logged: probes come every few seconds.
	switch {
	case err != nil && was == nil:
		s.log.Warn("not ready: /readyz answers 503", "error", err)
	case err == nil && was != nil:
		s.log.Info("ready again: Kafka answers")
	}
	return err
}

func (s *System) checkKafka(ctx context.Context) error {
	info, err := s.clients.Shared().Admin.Probe(ctx)
	switch {
	case err != nil:
		return apierr.Wrap(err, apierr.CodeUnavailable, "Kafka did not answer a metadata request.")
	case info.ID == "" || len(info.Brokers) == 0:
		return apierr.New(apierr.CodeUnavailable, "Kafka's metadata is not loaded yet: it names no cluster id or no broker.")
	}
	return nil
}
