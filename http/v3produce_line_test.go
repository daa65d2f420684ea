package http

import (
	"testing"
	"time"

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
