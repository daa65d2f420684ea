package actors

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// newSystem starts an actor system on the cluster at bootstrap; edit, if
// not nil, changes the defaults first.
func newSystem(t *testing.T, bootstrap string, edit func(*Config)) *System {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Kafka = kafka.Config{BootstrapServers: []string{bootstrap}}
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

func TestClusterThroughTheAdminPool(t *testing.T) {
	cfg := embedded.DefaultConfig()
	cfg.Port = 0
	e, err := embedded.Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := newSystem(t, e.Addr(), func(c *Config) { c.AdminPoolSize = 2 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := s.Admin().Cluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.ID != e.ClusterID() || len(info.Brokers) != 1 || info.Controller != info.Brokers[0].ID {
		t.Fatalf("cluster %+v, want id %s with its one broker as controller", info, e.ClusterID())
	}
	id, err := s.Admin().ClusterID(ctx)
	if err != nil || id != e.ClusterID() {
		t.Fatalf("ClusterID %q %v", id, err)
	}
}

// TestSlowAdminCallBlocksNoOther: while one worker is stuck in a slow call,
// the other serves; with every worker busy, a call waits only as long as its
// context allows.
func TestSlowAdminCallBlocksNoOther(t *testing.T) {
	s := newSystem(t, "127.0.0.1:1", func(c *Config) { c.AdminPoolSize = 2 })
	release := make(chan struct{})
	slowDone := make(chan error, 1)
	go func() {
		_, err := Admin(context.Background(), s.Admin(), func(ctx context.Context, _ *kafka.Admin) (int, error) {
			<-release
			return 1, nil
		})
		slowDone <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 20 {
		v, err := Admin(ctx, s.Admin(), func(context.Context, *kafka.Admin) (int, error) { return i, nil })
		if err != nil || v != i {
			t.Fatalf("call %d beside a slow one: %v %v", i, v, err)
		}
	}

	// Occupy the second worker too: a third call now waits for its context.
	go Admin(context.Background(), s.Admin(), func(ctx context.Context, _ *kafka.Admin) (int, error) {
		<-release
		return 2, nil
	})
	time.Sleep(50 * time.Millisecond)
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if _, err := Admin(short, s.Admin(), func(context.Context, *kafka.Admin) (int, error) { return 3, nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with every worker busy: %v, want the context's deadline", err)
	}
	close(release)
	if err := <-slowDone; err != nil {
		t.Fatal(err)
	}
	if v, err := Admin(ctx, s.Admin(), func(context.Context, *kafka.Admin) (int, error) { return 4, nil }); err != nil || v != 4 {
		t.Fatalf("after the slow calls: %v %v", v, err)
	}
}

// TestAdminPanicAnswersAndRecovers: a panicking call answers 500 at once,
// and the restarted worker serves the next call.
func TestAdminPanicAnswersAndRecovers(t *testing.T) {
	s := newSystem(t, "127.0.0.1:1", func(c *Config) { c.AdminPoolSize = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := Admin(ctx, s.Admin(), func(context.Context, *kafka.Admin) (int, error) { panic("boom") })
	var re *apierr.Error
	if !errors.As(err, &re) || re.Status != http.StatusInternalServerError || re.Message != "Internal Server Error" {
		t.Fatalf("panic answered %v, want a 500 Internal Server Error", err)
	}
	for i := range 3 {
		if v, err := Admin(ctx, s.Admin(), func(context.Context, *kafka.Admin) (int, error) { return i, nil }); err != nil || v != i {
			t.Fatalf("after the panic: %v %v", v, err)
		}
	}
}

// echo answers its messages; "panic" makes it panic.
type echo struct{}

func (echo) Receive(c actor.Context) {
	if m, ok := c.Message().(*echoMsg); ok {
		if m.text == "panic" {
			panic("injected fault")
		}
		m.reply <- m.text
	}
}

type echoMsg struct {
	text  string
	reply chan string
}

func ask(s *System, pid *actor.PID, text string) (string, bool) {
	m := &echoMsg{text, make(chan string, 1)}
	s.sys.Root.Send(pid, m)
	select {
	case r := <-m.reply:
		return r, true
	case <-time.After(time.Second):
		return "", false
	}
}

// TestConsumerSubtreeStopsAFailedChild: a child of the consumer supervisor
// that panics is stopped, not restarted, and its siblings keep serving.
func TestConsumerSubtreeStopsAFailedChild(t *testing.T) {
	s := newSystem(t, "127.0.0.1:1", func(c *Config) { c.AdminPoolSize = 1 })
	props := actor.PropsFromProducer(func() actor.Actor { return echo{} })
	sp := s.consumers.spawner
	a, err := sp.spawn(props, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := sp.spawn(props, "b")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.spawn(props, "a"); err == nil {
		t.Fatal("a second child named a was spawned")
	}
	if r, ok := ask(s, a, "hello"); !ok || r != "hello" {
		t.Fatalf("a answered %q %v", r, ok)
	}
	s.sys.Root.Send(a, &echoMsg{"panic", make(chan string, 1)})
	if _, ok := ask(s, a, "still there?"); ok {
		t.Fatal("a answered after failing: it was restarted, not stopped")
	}
	if r, ok := ask(s, b, "hello"); !ok || r != "hello" {
		t.Fatalf("b, the sibling, answered %q %v", r, ok)
	}
}

// TestConsumerInstanceFaultIsIsolated: a fault inside one v2 consumer
// instance answers its call with 500 at once and closes that instance only:
// calls queued behind the fault are answered 404, never left hanging, the
// others keep serving, and the failed one's name is free again.
func TestConsumerInstanceFaultIsIsolated(t *testing.T) {
	s := newSystem(t, "127.0.0.1:1", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"healthy", "faulty", "other"} {
		if err := s.Consumers().Create(ctx, ConsumerOptions{Group: "g", Name: name, Format: "binary", AutoCommit: true}); err != nil {
			t.Fatal(err)
		}
	}
	// The faulty call waits until calls are queued behind it, then fails.
	release := make(chan struct{})
	faulted := make(chan error, 1)
	go func() {
		_, err := consumerDo(ctx, s.Consumers(), "g", "faulty", func(context.Context, *consumerInstance) (int, error) {
			<-release
			panic("injected fault")
		})
		faulted <- err
	}()
	time.Sleep(20 * time.Millisecond)
	queued := make(chan error, 5)
	for range 5 {
		go func() { _, err := s.Consumers().Subscription(ctx, "g", "faulty"); queued <- err }()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)

	var re *apierr.Error
	if err := <-faulted; !errors.As(err, &re) || re.Status != http.StatusInternalServerError {
		t.Fatalf("the faulty call answered %v, want 500", err)
	}
	for range 5 {
		select {
		case err := <-queued:
			if !errors.As(err, &re) || re.Code != apierr.CodeConsumerInstanceNotFound {
				t.Fatalf("a call queued behind the fault answered %v, want 404 40403", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("a call queued behind the fault was never answered")
		}
	}
	for _, name := range []string{"healthy", "other"} {
		if f, err := s.Consumers().Format(ctx, "g", name); err != nil || f != "binary" {
			t.Fatalf("%s after the fault: %q %v", name, f, err)
		}
	}
	if _, err := s.Consumers().Format(ctx, "g", "faulty"); !errors.As(err, &re) || re.Code != apierr.CodeConsumerInstanceNotFound {
		t.Fatalf("the failed instance answered %v, want 404 40403", err)
	}
	if err := s.Consumers().Create(ctx, ConsumerOptions{Group: "g", Name: "faulty", Format: "binary"}); err != nil {
		t.Fatalf("the failed instance's name is not free again: %v", err)
	}
}
