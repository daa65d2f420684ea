package v2

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
)

// TestAppendBinaryRecordIsTheEncoders: the in-place encoder of binary
// records writes exactly what the general JSON encoder writes for the same
// record, whatever its key, value and headers (nil, empty, any bytes, names
// that need escaping).
func TestAppendBinaryRecordIsTheEncoders(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := func() []byte {
		switch rng.IntN(4) {
		case 0:
			return nil
		case 1:
			return []byte{}
		}
		b := make([]byte, rng.IntN(300))
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	b64 := func(b []byte) any {
		if b == nil {
			return nil
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	names := []string{"h", "", `quote " and \ back`, "<html>&", "ünïcode ✓", "\x01\n\t"}
	for i := range 2000 {
		r := actors.ConsumedRecord{Topic: "topic.name_1-x", Partition: int32(rng.IntN(1000)), Offset: rng.Int64N(1 << 50),
			Key: data(), Value: data(), Timestamp: time.UnixMilli(rng.Int64N(1 << 42))}
		for range rng.IntN(3) {
			r.Headers = append(r.Headers, actors.Header{Key: names[rng.IntN(len(names))], Value: data()})
		}
		want, err := codec.Marshal(consumedRecord(r, b64(r.Key), b64(r.Value)))
		if err != nil {
			t.Fatal(err)
		}
		topic, _ := codec.Marshal(r.Topic)
		got, err := appendBinaryRecord([]byte("prefix"), r, topic)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[len("prefix"):], want) {
			t.Fatalf("record %d:\n got %s\nwant %s", i, got[len("prefix"):], want)
		}
	}
}
