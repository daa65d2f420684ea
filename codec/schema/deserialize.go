package schema

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// Deserialize turns record bytes in Confluent's wire format into JSON, as
// the reference's v2 consumers of format f write them: Avro in Avro's JSON
// encoding, Protobuf in its JSON mapping, JSON Schema as the JSON itself.
// nil stays nil.
func (r *Registry) Deserialize(ctx context.Context, f codec.Format, b []byte) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	if len(b) < 5 || b[0] != 0 {
		return nil, errors.New("unknown magic byte: not Confluent's wire format (0, then a 4-byte schema id)")
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	s, err := r.schemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetching schema %d: %w", id, err)
	}
	if got := formatOf(s.Type); got != f {
		return nil, fmt.Errorf("schema %d is a %s schema, not %s", id, got, f)
	}
	p, err := r.parse(ctx, id, s)
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", id, err)
	}
	out, err := p.decode(b[5:])
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", id, err)
	}
	return out, nil
}
