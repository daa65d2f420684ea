package actors

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/kafka-rest-go/kafka-rest/kafka"
)

// ProduceRecord is one record to produce.
type ProduceRecord struct {
	// Partition is the partition asked for, or -1 to let the topic's
	// producer choose: by key hash as Java producers do, else sticky.
	Partition int32
	Key       []byte
	Value     []byte
	Headers   []Header
	// Timestamp is the create time; zero means now.
	Timestamp time.Time
	// Footprint is the memory the record keeps when that is more than its
	// key, value and headers: a buffer they share that is larger than they
	// are (a large streamed record is serialized in the memory it was read
	// into). Credit counts the larger.
	Footprint int64
}

// Header is a record header.
type Header struct {
	Key   string
	Value []byte
}

// kgoHeaders are hs as franz-go takes them.
func kgoHeaders(hs []Header) []kgo.RecordHeader {
	if len(hs) == 0 {
		return nil
	}
	out := make([]kgo.RecordHeader, len(hs))
	for i, h := range hs {
		out[i] = kgo.RecordHeader{Key: h.Key, Value: h.Value}
	}
	return out
}

// headersOf are franz-go's headers as this package's.
func headersOf(hs []kgo.RecordHeader) []Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]Header, len(hs))
	for i, h := range hs {
		out[i] = Header{Key: h.Key, Value: h.Value}
	}
	return out
}

// size is what a record costs in byte credit.
func (r *ProduceRecord) size() int64 {
	return max(r.dataSize(), r.Footprint) + 64 // the record's own overhead in the client
}

// dataSize is the record's key, value and header bytes.
func (r *ProduceRecord) dataSize() int64 {
	n := len(r.Key) + len(r.Value)
	for _, h := range r.Headers {
		n += len(h.Key) + len(h.Value)
	}
	return int64(n)
}

// ProduceResult is what Kafka answered for one record.
type ProduceResult struct {
	Partition int32
	Offset    int64
	Timestamp time.Time
	// Err is set when the record was not stored.
	Err error
}

// produceMsg asks a topic's producer actor to produce records with the
// clients of lease (the caller's); done is called exactly once per record,
// with its index, from any goroutine, and must not block. ctx ends at the
// records' delivery deadline, timeout after they were sent.
type produceMsg struct {
	ctx     context.Context
	timeout time.Duration
	lease   *kafka.Lease
	recs    []*ProduceRecord
	done    func(int, ProduceResult)
}

// metadataLoaded tells a topic's producer what the cluster said about it,
// asked with the clients of the lease of ID who.
type metadataLoaded struct {
	partitions int
	err        error
	who        string
}

// topicProducer is the actor that owns one topic's produce path: it knows
// the topic's partitions, chooses the partition of each record, and hands
// records to the client of their caller without ever waiting on Kafka in
// Receive.
//
// In identity pass-through mode callers differ in what Kafka lets them
// see: the partition count one caller learnt serves all (Kafka still
// checks each record's caller when it is produced), but a metadata error
// answers only the records of the caller who got it.
type topicProducer struct {
	topic string
	// How long a metadata answer is trusted: partitions can be added,
	// and a missing topic can be created.
	fresh, missingFresh time.Duration

	partitions int
	err        error  // the last metadata error, when partitions is 0
	errWho     string // the lease ID that got err
	loadedAt   time.Time
	loading    bool
	pending    []*produceMsg

	keyed        kgo.TopicPartitioner
	sticky       int
	stickyBytes  int
	stickySwitch int // bytes after which unkeyed records move on
}

func newTopicProducer(topic string) *topicProducer {
	return &topicProducer{
		topic: topic,
		fresh: 30 * time.Second, missingFresh: time.Second,
		keyed:        kgo.StickyKeyPartitioner(nil).ForTopic(topic),
		stickySwitch: 64 << 10,
	}
}

func (t *topicProducer) Receive(c actor.Context) {
	switch m := c.Message().(type) {
	case *produceMsg:
		t.produce(c, m)
	case *metadataLoaded:
		t.loaded(c, m)
	case *actor.Stopping, *actor.Restarting:
		// Records waiting for metadata would never be answered.
		for _, p := range t.pending {
			p.answerAll(ProduceResult{Err: apierr.New(apierr.CodeUnavailable, "The producer of topic %s stopped before the record was sent; send it again.", t.topic)})
		}
		t.pending = nil
	}
}

// answerAll answers every record of m with r.
func (m *produceMsg) answerAll(r ProduceResult) {
	for i := range m.recs {
		m.done(i, r)
	}
}

// loaded takes in a metadata answer and serves the records waiting for it.
func (t *topicProducer) loaded(c actor.Context, m *metadataLoaded) {
	t.loading = false
	if m.err != nil && t.partitions > 0 && (kafka.IsAuthorization(m.err) || kafka.IsAuthentication(m.err)) {
		// One caller may not see the topic, or no longer log in; what
		// others saw still holds.
		t.loadedAt = time.Now()
		return
	}
	t.partitions, t.err, t.errWho, t.loadedAt = m.partitions, m.err, m.who, time.Now()
	if t.partitions > 0 {
		t.sticky = rand.IntN(t.partitions)
	}
	pending := t.pending
	t.pending = nil
	for _, p := range pending {
		t.produce(c, p)
	}
}

func (t *topicProducer) produce(c actor.Context, m *produceMsg) {
	age := time.Since(t.loadedAt)
	if t.partitions == 0 {
		if t.err == nil || age >= t.missingFresh || t.errWho != m.lease.ID() {
			t.pending = append(t.pending, m) // answered when the metadata is
			t.load(c, m.lease)
			return
		}
		m.answerAll(ProduceResult{Err: t.err}) // missing a moment ago: answer at once
		return
	}
	if age >= t.fresh {
		t.load(c, m.lease) // refresh in the background; what is known serves meanwhile
	}
	// franz-go's records of the message in one allocation, not one each:
	// they are answered together, most often by the same produce request.
	krs := make([]kgo.Record, len(m.recs))
	for i, in := range m.recs {
		t.produceOne(m, i, in, &krs[i])
	}
}

// produceOne chooses the partition of one record and hands it to the
// client as rec.
func (t *topicProducer) produceOne(m *produceMsg, i int, in *ProduceRecord, rec *kgo.Record) {
	*rec = kgo.Record{Topic: t.topic, Key: in.Key, Value: in.Value, Headers: kgoHeaders(in.Headers), Timestamp: in.Timestamp}
	switch p := in.Partition; {
	case p >= int32(t.partitions):
		m.done(i, ProduceResult{Err: kafka.ErrPartitionNotFound()})
		return
	case p >= 0:
		rec.Partition = p
	case rec.Key != nil:
		rec.Partition = int32(t.keyed.Partition(rec, t.partitions))
	default:
		// Unkeyed records stick to a partition for a while, so that they
		// batch, then move on, as Java's uniform sticky partitioner does.
		if t.stickyBytes >= t.stickySwitch {
			t.sticky = (t.sticky + 1) % t.partitions
			t.stickyBytes = 0
		}
		rec.Partition = int32(t.sticky)
		t.stickyBytes += len(rec.Value)
	}
	m.lease.Producer.Produce(m.ctx, rec, func(r *kgo.Record, err error) {
		if err != nil {
			// A context error is this record's deadline or lost login, or
			// those of a record before it in its partition, which fail
			// the records behind it too.
			m.done(i, ProduceResult{Partition: r.Partition, Offset: -1, Err: deliveryFailure(m.ctx, t.topic, m.timeout, err)})
			return
		}
		m.done(i, ProduceResult{Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp})
	})
}

// load asks the cluster about the topic with the clients of lease, off
// the actor's goroutine; the answer comes back as a message. The load
// holds its own lease: the records that asked may be answered first.
func (t *topicProducer) load(c actor.Context, lease *kafka.Lease) {
	if t.loading {
		return
	}
	t.loading = true
	self, root := c.Self(), c.ActorSystem().Root
	own := lease.Retain()
	go func() {
		defer own.Release()
		// Records wait for this answer; none may wait longer than its
		// delivery timeout (once they reach the client, an expired one
		// fails at once).
		ctx, cancel := context.WithTimeout(context.Background(), min(30*time.Second, own.Producer.DeliveryTimeout()))
		defer cancel()
		n, err := own.Producer.Partitions(ctx, t.topic)
		who := own.ID()
		root.Send(self, &metadataLoaded{partitions: n, err: err, who: who})
	}()
}
