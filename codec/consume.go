package codec

import "context"

// Deserializer turns the record bytes of a schema format back into JSON for
// v2 consumers of that format; nil stays nil. Without a Schema Registry
// there is none, and those consumers cannot read.
type Deserializer interface {
	Deserialize(ctx context.Context, f Format, b []byte) ([]byte, error)
}
