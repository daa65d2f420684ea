package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// Positions of a Fetch that are not offsets, as Kafka's ListOffsets names
// them.
const (
	OffsetEarliest int64 = -2
	OffsetLatest   int64 = -1
)

// Fetch asks for one partition's records from a position, without a
// consumer group: a stateless read.
type Fetch struct {
	Topic     string
	Partition int32
	// Offset is the first offset to read, OffsetEarliest or OffsetLatest;
	// ignored when Timestamp is set.
	Offset int64
	// Timestamp, when not zero, starts at the first record at or after it
	// (the end of the log when there is none).
	Timestamp time.Time
	// MaxBytes bounds the record bytes Kafka returns (Kafka still returns
	// a first batch larger than this whole, so that a read always makes
	// progress). MaxWait is how long Kafka waits for a first record at
	// the end of the log.
	MaxBytes int32
	MaxWait  time.Duration
}

// Fetched is the answer of a Fetch.
type Fetched struct {
	// Start is the offset the read started at, the position resolved.
	Start int64
	// Records are the records read, in offset order.
	Records []*kgo.Record
	// Next is the offset after the last record or control batch Kafka
	// returned: where a read that continues starts (Start when nothing
	// came).
	Next int64
	// LogStart and HighWatermark bound the partition's readable records.
	LogStart, HighWatermark int64
}

// Fetch reads a partition from a position: one metadata request for its
// leader and topic id, a ListOffsets when the position is not an offset,
// then one Fetch request to the leader, with no fetch session. An unknown
// topic is 404 40403, an unknown partition 404 40402, an offset out of the
// partition's range 400 40002 naming the range.
func (a *Admin) Fetch(ctx context.Context, f Fetch) (Fetched, error) {
	md, err := a.adm.Metadata(ctx, f.Topic)
	if err != nil {
		return Fetched{}, err
	}
	td, ok := md.Topics[f.Topic]
	if !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition) {
		return Fetched{}, WithMessage(kerr.UnknownTopicOrPartition, fmt.Sprintf("This server does not host topic-partition %d for topic %s", f.Partition, f.Topic))
	}
	if td.Err != nil {
		return Fetched{}, td.Err
	}
	pd, ok := td.Partitions[f.Partition]
	if !ok {
		return Fetched{}, apierr.New(apierr.CodePartitionNotFound, "Partition %d of topic %s not found.", f.Partition, f.Topic)
	}
	if pd.Err != nil && !errors.Is(pd.Err, kerr.ReplicaNotAvailable) {
		return Fetched{}, pd.Err
	}
	start := f.Offset
	switch {
	case !f.Timestamp.IsZero():
		if start, err = a.listOffset(ctx, f.Topic, f.Partition, f.Timestamp.UnixMilli()); err == nil && start < 0 {
			start, err = a.listOffset(ctx, f.Topic, f.Partition, OffsetLatest)
		}
	case start < 0:
		start, err = a.listOffset(ctx, f.Topic, f.Partition, start)
	}
	if err != nil {
		return Fetched{}, err
	}
	rp, err := a.fetch(ctx, pd.Leader, td.ID, f, start)
	if err != nil {
		return Fetched{}, err
	}
	out := Fetched{Start: start, Next: start, LogStart: rp.LogStartOffset, HighWatermark: rp.HighWatermark}
	switch perr := kerr.ErrorForCode(rp.ErrorCode); {
	case errors.Is(perr, kerr.OffsetOutOfRange):
		return Fetched{}, a.outOfRange(ctx, f, start)
	case perr != nil:
		return Fetched{}, perr
	}
	fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Offset: start, Topic: f.Topic, Partition: f.Partition},
		&rp, kgo.DefaultDecompressor(), nil)
	if fp.Err != nil {
		return Fetched{}, fp.Err
	}
	out.Records = fp.Records
	out.Next = max(out.Next, next)
	return out, nil
}

// fetch sends one Fetch request for f's partition from start to leader.
// Newer versions name the topic by id, older ones by name: the client
// picks the version, so both are given.
func (a *Admin) fetch(ctx context.Context, leader int32, topicID [16]byte, f Fetch, start int64) (kmsg.FetchResponseTopicPartition, error) {
	req := kmsg.NewPtrFetchRequest()
	req.ReplicaID = -1
	req.MaxWaitMillis = int32(f.MaxWait / time.Millisecond)
	req.MinBytes = 1
	req.MaxBytes = f.MaxBytes
	req.SessionEpoch = -1 // a full fetch outside any fetch session
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic, rt.TopicID = f.Topic, topicID
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = f.Partition, start, f.MaxBytes
	rp.CurrentLeaderEpoch, rp.LastFetchedEpoch, rp.LogStartOffset = -1, -1, -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	if leader < 0 {
		return kmsg.FetchResponseTopicPartition{}, kerr.LeaderNotAvailable
	}
	deadline := time.Now().Add(f.MaxWait)
	for {
		req.MaxWaitMillis = int32(max(min(time.Until(deadline), fetchSlice), 0) / time.Millisecond)
		resp, err := req.RequestWith(ctx, a.cl.Broker(int(leader)))
		if err != nil {
			return kmsg.FetchResponseTopicPartition{}, err
		}
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			return kmsg.FetchResponseTopicPartition{}, err
		}
		p, ok := fetchedPartition(resp, f.Partition)
		if !ok {
			return p, fmt.Errorf("the fetch answer of %s-%d holds no such partition", f.Topic, f.Partition)
		}
		if p.ErrorCode != 0 || len(p.RecordBatches) > 0 || !time.Now().Before(deadline) {
			return p, nil
		}
	}
}

// fetchSlice bounds the wait of one Fetch request. A broker answers the
// requests of a connection one at a time, and the reads of every
// partition on a broker share the client's connection to it: one read
// waiting its whole timeout at the end of an idle log held every other
// read behind it for as long. A read that may wait longer asks again.
const fetchSlice = 200 * time.Millisecond

// fetchedPartition is partition's answer in resp.
func fetchedPartition(resp *kmsg.FetchResponse, partition int32) (kmsg.FetchResponseTopicPartition, bool) {
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if p.Partition == partition {
				return p, true
			}
		}
	}
	return kmsg.FetchResponseTopicPartition{}, false
}

// outOfRange is the answer to an offset the partition does not have,
// naming the offsets it has.
func (a *Admin) outOfRange(ctx context.Context, f Fetch, start int64) error {
	first, err := a.listOffset(ctx, f.Topic, f.Partition, OffsetEarliest)
	if err != nil {
		return err
	}
	end, err := a.listOffset(ctx, f.Topic, f.Partition, OffsetLatest)
	if err != nil {
		return err
	}
	return apierr.New(apierr.CodeKafkaBadRequest,
		"Offset %d is out of range for partition %d of topic %s: its records run from offset %d to the end of the log at %d.",
		start, f.Partition, f.Topic, first, end)
}
