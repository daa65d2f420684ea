package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Producer is the proxy's one producer client, shared by every topic: a
// franz-go client batches per partition by itself, and one client per topic
// would multiply connections and metadata requests.
//
// Records reach it with their partition already chosen (the per-topic
// producer actor partitions), so it uses the manual partitioner.
type Producer struct {
	cl *kgo.Client
}

// ProducerDefaults are the options the proxy's producer starts from;
// producer.* and client.* keys override them.
//
//   - No linger: a proxy answers each record when it is acknowledged, and
//     records waiting for a linger timer make every answer wait. Records
//     still batch, since many are in flight at once.
//   - Auto topic creation is requested as Java producers request it; the
//     broker's auto.create.topics.enable decides.
func ProducerDefaults() []kgo.Opt {
	return []kgo.Opt{
		kgo.ProducerLinger(0),
		kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(kgo.ManualPartitioner()),
	}
}

// No delivery timeout is set by default: franz-go measures it from the
// record's timestamp, which clients may set to any time in the past. A
// record waits as long as its request does instead.

// NewProducer builds the shared producer from cfg, after the defaults and
// before extra (the proxy's own bounds, which must hold whatever the keys
// say).
func NewProducer(cfg Config, extra ...kgo.Opt) (*Producer, error) {
	opts, err := cfg.Options(RoleProducer)
	if err != nil {
		return nil, err
	}
	all := append(ProducerDefaults(), opts...)
	all = append(all, extra...)
	all = append(all, kgo.RecordPartitioner(kgo.ManualPartitioner())) // the actor partitions
	cl, err := kgo.NewClient(all...)
	if err != nil {
		return nil, fmt.Errorf("creating the Kafka producer: %w", err)
	}
	return &Producer{cl: cl}, nil
}

// Produce hands r to the client without blocking; fn is called once r is
// acknowledged or has failed, on the client's callback goroutine, and must
// not block.
func (p *Producer) Produce(ctx context.Context, r *kgo.Record, fn func(*kgo.Record, error)) {
	p.cl.TryProduce(ctx, r, fn)
}

// Flush waits until every record handed over is acknowledged or failed.
func (p *Producer) Flush(ctx context.Context) error { return p.cl.Flush(ctx) }

// Close flushes nothing: call Flush first.
func (p *Producer) Close() { p.cl.Close() }

// ErrTopicNotFound answers a produce to a topic Kafka does not have.
func ErrTopicNotFound(topic string) *Error {
	return &Error{Status: 404, Code: CodeUnknownTopicOrPartition,
		Message: "This server does not host this topic-partition.",
		Err:     fmt.Errorf("topic %q not found: %w", topic, kerr.UnknownTopicOrPartition)}
}

// Partitions returns how many partitions topic has, asking the cluster.
// When the broker auto-creates topics, asking creates it, as a Java
// producer's metadata request does.
func (p *Producer) Partitions(ctx context.Context, topic string) (int, error) {
	for {
		req := kmsg.NewPtrMetadataRequest()
		t := kmsg.NewMetadataRequestTopic()
		t.Topic = kmsg.StringPtr(topic)
		req.Topics = append(req.Topics, t)
		req.AllowAutoTopicCreation = true
		resp, err := req.RequestWith(ctx, p.cl)
		if err != nil {
			return 0, err
		}
		if len(resp.Topics) != 1 {
			return 0, fmt.Errorf("metadata for %q: the broker answered %d topics", topic, len(resp.Topics))
		}
		rt := resp.Topics[0]
		switch err := kerr.ErrorForCode(rt.ErrorCode); err {
		case nil:
			if len(rt.Partitions) > 0 {
				return len(rt.Partitions), nil
			}
		case kerr.UnknownTopicOrPartition:
			return 0, ErrTopicNotFound(topic)
		case kerr.LeaderNotAvailable: // being auto-created: ask again
		default:
			return 0, err
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
