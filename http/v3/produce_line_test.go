package v3

import (
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
)

// TestLineEncoderMatchesJSON holds the hand-written success line to the
// bytes the JSON encoder writes for the same answer.
func TestLineEncoderMatchesJSON(t *testing.T) {
	id := int32(7)
	answers := []*produced{
		{ErrorCode: 200, delivered: &delivered{ClusterID: "lkc-1", TopicName: "t.1_x", PartitionID: 3, Offset: 1 << 40,
			Timestamp: instant(time.UnixMilli(1612552482123)), Value: &producedData{Type: codec.Binary, Size: 1024}}},
		{ErrorCode: 200, delivered: &delivered{ClusterID: `we"ird\cluster`, TopicName: "t", PartitionID: 0, Offset: 0,
			Timestamp: instant(time.Unix(1612552482, 0)), Key: &producedData{Type: codec.String, Size: 0}, Value: &producedData{Type: codec.JSON, Size: -1}}},
		{ErrorCode: 200, delivered: &delivered{ClusterID: "c", TopicName: "t", PartitionID: 1, Offset: 2}},
		{ErrorCode: 200, delivered: &delivered{ClusterID: "c", TopicName: "t", Value: &producedData{Type: codec.Avro, Subject: "t-value", SchemaID: &id, Size: 5}}},
		{ErrorCode: 400, Message: "Bad Request: data=1 is not a base64 string."},
	}
	for _, a := range answers {
		cluster, topic := "c", "t"
		if a.delivered != nil {
			cluster, topic = a.ClusterID, a.TopicName
		}
		e, err := newLineEncoder(cluster, topic)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.encode(a)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := codec.Marshal(a)
		if string(got) != string(want) {
			t.Errorf("line\n%s\nwant\n%s", got, want)
		}
	}
}

// TestSuccessLineMatchesJSON holds the line written straight from Kafka's
// acknowledgement to the bytes of the answer built from it, one encoder
// for all of them: its timestamp text, kept from line to line, changes
// with the millisecond and only then.
func TestSuccessLineMatchesJSON(t *testing.T) {
	e, err := newLineEncoder("lkc-1", "t.1_x")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r          actors.ProduceResult
		key, value *producedData
	}{
		{actors.ProduceResult{Partition: 3, Offset: 1 << 40, Timestamp: time.UnixMilli(1612552482123)}, nil, &producedData{Type: codec.Binary, Size: 1024}},
		{actors.ProduceResult{Partition: 0, Offset: 0, Timestamp: time.Unix(1612552482, 0)}, &producedData{Type: codec.String, Size: 0}, &producedData{Type: codec.JSON, Size: -1}},
		{actors.ProduceResult{Partition: 1, Offset: 2, Timestamp: time.UnixMilli(1).In(time.FixedZone("x", 3600))}, nil, nil},
		{actors.ProduceResult{Partition: 1, Offset: 3, Timestamp: time.UnixMilli(1).Add(999 * time.Microsecond)}, nil, nil},
		{actors.ProduceResult{Partition: 1, Offset: 4, Timestamp: time.UnixMilli(2)}, nil, nil},
		{actors.ProduceResult{Partition: 1, Offset: 5, Timestamp: time.UnixMilli(0)}, nil, nil},
		{actors.ProduceResult{Partition: 1, Offset: 6}, nil, nil},
		{actors.ProduceResult{Partition: 1, Offset: 7, Timestamp: time.UnixMilli(-1)}, nil, nil},
		{actors.ProduceResult{Partition: 1, Offset: 8, Timestamp: time.UnixMilli(1612552482123)}, nil, nil},
	} {
		got := e.success(c.r, c.key, c.value)
		want, _ := codec.Marshal(&produced{ErrorCode: 200, delivered: &delivered{ClusterID: "lkc-1", TopicName: "t.1_x",
			PartitionID: c.r.Partition, Offset: c.r.Offset, Timestamp: instant(c.r.Timestamp), Key: c.key, Value: c.value}})
		if string(got) != string(want) {
			t.Errorf("line\n%s\nwant\n%s", got, want)
		}
	}
}
