package schema

import (
	"context"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// BenchmarkSerializeAvro is the cost of one Avro value with a raw schema
// once the registry's answers are cached: what the bench's
// v3-stream-avro mode pays per record.
func BenchmarkSerializeAvro(b *testing.B) {
	reg := srfake.New()
	defer reg.Close()
	cfg := DefaultConfig()
	cfg.URLs = []string{reg.URL()}
	r, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	raw := []byte(`{"value":{"type":"AVRO","schema":"{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"payload\",\"type\":\"string\"}]}","data":{"payload":"` + strings.Repeat("x", 1024) + `"}}}`)
	b.ReportAllocs()
	for b.Loop() {
		req, err := codec.ParseProduceRequest(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Serialize(context.Background(), "t", false, req.Value); err != nil {
			b.Fatal(err)
		}
	}
}
