package codec_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// BenchmarkProduceRecord measures parsing and serializing one streamed
// record of 1 KiB of binary value, the bench's standard record.
func BenchmarkProduceRecord(b *testing.B) {
	raw := []byte(`{"value":{"type":"BINARY","data":"` + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", 1024))) + `"}}`)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		req, err := codec.ParseProduceRequest(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := codec.SerializeSchemaless(req.Value); err != nil {
			b.Fatal(err)
		}
	}
}
