package codec

import "context"

// Deserializer turns the record bytes of a schema format back into JSON for
// v2 consumers of that format; nil stays nil. Without a Schema Registry
// there is none, and those consumers cannot read.
type Deserializer interface {
	Deserialize(ctx context.Context, f Format, b []byte) ([]byte, error)
}

// SubjectNamer names the subject a schema id is registered under for a
// topic's keys or values, when the registry knows one: the reads render it
// beside the schema id. ok is false when it knows none for sure.
type SubjectNamer interface {
	SubjectOf(ctx context.Context, id int, topic string, key bool) (subject string, ok bool)
}
