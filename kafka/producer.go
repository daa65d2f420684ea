package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Producer is the proxy's one producer client, shared by every topic: a
// franz-go client batches per partition by itself, and one client per topic
// would multiply connections and metadata requests.
//
// Records reach it with their partition already chosen (the per-topic
// producer actor partitions), so it uses the manual partitioner.
type Producer struct {
	cl              *kgo.Client
	deliveryTimeout time.Duration
}

// DefaultDeliveryTimeout is how long a record may wait for Kafka's answer
// unless producer.delivery.timeout.ms says otherwise: the Java producer's
// default delivery.timeout.ms, which the reference inherits.
const DefaultDeliveryTimeout = 120 * time.Second

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

// NewProducer builds the shared producer from cfg, after the defaults and
// before extra (the proxy's own bounds, which must hold whatever the keys
// say).
//
// Every record is bounded by the delivery timeout, counted from when it is
// handed over (see DeliveryTimeout). Idempotent writes stay on, so that
// the client's own retries never duplicate a record; but a record whose
// produce request was sent and never answered (the broker died meanwhile)
// may still fail at its deadline, as the Java producer's delivery timeout
// fails it: otherwise an outage would hold it, its request and its credit
// for as long as the outage lasts. Such a record's error line does not
// prove that it is not in Kafka.
func NewProducer(cfg Config, extra ...kgo.Opt) (*Producer, error) {
	return newProducer(cfg, nil, extra...)
}

// newProducer is NewProducer with a caller's credentials (nil: the
// proxy's own).
func newProducer(cfg Config, creds *Credentials, extra ...kgo.Opt) (*Producer, error) {
	b, err := cfg.build(RoleProducer, creds)
	if err != nil {
		return nil, err
	}
	all := append(ProducerDefaults(), b.opts...)
	all = append(all, extra...)
	all = append(all,
		kgo.RecordPartitioner(kgo.ManualPartitioner()), // the actor partitions
		kgo.AllowIdempotentProduceCancellation())
	cl, err := kgo.NewClient(all...)
	if err != nil {
		return nil, fmt.Errorf("creating the Kafka producer: %w", err)
	}
	p := &Producer{cl: cl, deliveryTimeout: b.deliveryTimeout}
	if p.deliveryTimeout == 0 {
		p.deliveryTimeout = DefaultDeliveryTimeout
	}
	return p, nil
}

// DeliveryTimeout is how long a record may wait for Kafka's answer from
// when it is handed over (producer.delivery.timeout.ms, else
// DefaultDeliveryTimeout). The caller bounds each record's context with it:
// franz-go's own RecordDeliveryTimeout counts from the record's timestamp,
// which a client may set to any time in the past.
func (p *Producer) DeliveryTimeout() time.Duration { return p.deliveryTimeout }

// Produce hands r to the client without blocking; fn is called once r is
// acknowledged or has failed, on the client's callback goroutine, and must
// not block. When ctx ends first, r fails with ctx's error, and so do the
// records after it in its partition.
func (p *Producer) Produce(ctx context.Context, r *kgo.Record, fn func(*kgo.Record, error)) {
	p.cl.TryProduce(ctx, r, fn)
}

// Flush waits until every record handed over is acknowledged or failed.
func (p *Producer) Flush(ctx context.Context) error { return p.cl.Flush(ctx) }

// Close flushes nothing: call Flush first.
func (p *Producer) Close() { p.cl.Close() }

// ErrDeliveryTimeout answers a record Kafka did not acknowledge within the
// delivery timeout, as the reference answers the Java producer's expiry
// ("Expiring 1 record(s) for t-0: 120000 ms has passed since batch
// creation"): a retriable Kafka error, 500 50003.
func ErrDeliveryTimeout(topic string, timeout time.Duration, cause error) *apierr.Error {
	return apierr.Wrap(cause, apierr.CodeKafkaRetriable,
		"Expiring the record for topic %s: %d ms has passed since it was sent without an answer from Kafka (producer.delivery.timeout.ms); it may or may not have been written.",
		topic, timeout.Milliseconds())
}

// ErrTopicNotFound answers a produce to a topic Kafka does not have.
func ErrTopicNotFound(topic string) *apierr.Error {
	return apierr.Wrap(fmt.Errorf("topic %q not found: %w", topic, kerr.UnknownTopicOrPartition),
		apierr.CodeUnknownTopicOrPartition, "This server does not host this topic-partition.")
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
