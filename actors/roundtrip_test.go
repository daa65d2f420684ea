package actors

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kafka-rest-go/kafka-rest/kafka"
	"github.com/kafka-rest-go/kafka-rest/kafka/embedded"
)

// What every request reads is served without a round trip to an actor: the
// v3 cluster check reads the cluster id the pool already learnt, even while
// every admin worker is busy, and a v2 read learns its instance's format
// from the registry while the instance itself is busy.
func TestKnownAnswersNeedNoRoundTrip(t *testing.T) {
	cfg := embedded.DefaultConfig()
	cfg.Port = 0
	e, err := embedded.Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := newSystem(t, e.Addr(), func(c *Config) { c.AdminPoolSize = 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.Admin().ClusterID(ctx); err != nil {
		t.Fatal(err)
	}

	// Hold the one admin worker and the instance's actor.
	release := make(chan struct{})
	defer close(release)
	busy := make(chan struct{}, 2)
	go Admin(ctx, s.Admin(), func(context.Context, *kafka.Admin) (int, error) { busy <- struct{}{}; <-release; return 0, nil })
	if err := s.Consumers().Create(ctx, ConsumerOptions{Group: "g", Name: "i", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	go consumerDo(ctx, s.Consumers(), "g", "i", func(context.Context, *consumerInstance) (int, error) {
		busy <- struct{}{}
		<-release
		return 0, nil
	})
	<-busy
	<-busy

	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	if id, err := s.Admin().ClusterID(short); err != nil || id != e.ClusterID() {
		t.Fatalf("cluster id with every admin worker busy: %q %v, want %q at once", id, err, e.ClusterID())
	}
	if f, err := s.Consumers().Format(short, "g", "i"); err != nil || f != "json" {
		t.Fatalf("format of a busy instance: %q %v, want json at once", f, err)
	}
}

// gate is a supervisor that spawns only once its gate opens: a spawn that
// takes as long as the test likes.
type gate struct{ open chan struct{} }

func (g gate) Receive(c actor.Context) {
	if m, ok := c.Message().(*spawnChild); ok {
		<-g.open
		pid, err := c.SpawnNamed(m.props, m.name)
		m.reply <- spawned{pid, err}
	}
}

// within runs check beside the test, so that a registry that waits fails
// the test rather than hanging it.
func within(t *testing.T, what string, check func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- check() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("%s waited for the spawn", what)
	}
}

// The topic producers' registry never holds its lock across a spawn: while
// one topic's producer starts, records of a live topic are produced, and
// concurrent first records of the starting topic share its one producer.
func TestProducersDoNotWaitForASpawn(t *testing.T) {
	s := produceSystem(t, nil, "live", "starting")
	ps := s.Producers().NewStream()
	if r := produceOne(t, ps, "live", &ProduceRecord{Partition: 0, Value: []byte("a")}); r.Err != nil {
		t.Fatal(r.Err)
	}
	g := gate{open: make(chan struct{})}
	slow, err := s.sys.Root.SpawnNamed(actor.PropsFromProducer(func() actor.Actor { return g }), "slow-supervisor")
	if err != nil {
		t.Fatal(err)
	}
	p := s.Producers()
	p.spawner = spawner{s.sys.Root, slow}
	answers := make(chan ProduceResult, 2)
	for range 2 {
		go func() {
			answers <- produceOne(t, ps, "starting", &ProduceRecord{Partition: 1, Value: []byte("b")})
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for live := 0; live != 2 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		within(t, "counting the producers", func() error { live = p.Live(); return nil })
	}
	within(t, "a live topic while another starts", func() error {
		return produceOne(t, ps, "live", &ProduceRecord{Partition: 0, Value: []byte("c")}).Err
	})
	close(g.open)
	for range 2 {
		if r := <-answers; r.Err != nil || r.Partition != 1 {
			t.Fatalf("a record of the topic that started: %+v", r)
		}
	}
	if n := p.Live(); n != 2 {
		t.Fatalf("%d topic producers, want 2: the starting topic's records shared one", n)
	}
}

// A registry never holds its lock across a spawn: while one instance is
// starting, the others serve, and the starting one's name is taken.
func TestConsumersDoNotWaitForASpawn(t *testing.T) {
	s := newSystem(t, "127.0.0.1:1", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Consumers().Create(ctx, ConsumerOptions{Group: "g", Name: "running", Format: "binary"}); err != nil {
		t.Fatal(err)
	}
	g := gate{open: make(chan struct{})}
	slow, err := s.sys.Root.SpawnNamed(actor.PropsFromProducer(func() actor.Actor { return g }), "slow-supervisor")
	if err != nil {
		t.Fatal(err)
	}
	cs := s.Consumers()
	cs.spawner = spawner{s.sys.Root, slow}
	started := make(chan error, 1)
	go func() { started <- cs.Create(ctx, ConsumerOptions{Group: "g", Name: "starting", Format: "binary"}) }()
	deadline := time.Now().Add(5 * time.Second)
	for live := 0; live != 2 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		within(t, "counting the instances", func() error { live = cs.Live(); return nil })
	}

	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	within(t, "another instance while one starts", func() error { _, err := cs.Subscription(short, "g", "running"); return err })
	if err := cs.Create(short, ConsumerOptions{Group: "g", Name: "starting", Format: "binary"}); err == nil {
		t.Fatal("the starting instance's name was given twice")
	}
	close(g.open)
	if err := <-started; err != nil {
		t.Fatalf("the slow spawn: %v", err)
	}
	if f, err := cs.Format(ctx, "g", "starting"); err != nil || f != "binary" {
		t.Fatalf("the instance once started: %q %v", f, err)
	}
}
