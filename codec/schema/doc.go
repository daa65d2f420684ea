// Package schema serves the Schema Registry formats of record data: AVRO,
// PROTOBUF and JSONSCHEMA, in Confluent's wire format (magic byte 0, the
// schema id as 4 big-endian bytes, for Protobuf the message indexes, then
// the payload), so that Confluent's own serializers and deserializers read
// what the proxy writes and the other way round.
//
// A Registry talks to the Schema Registry with franz-go's sr client and
// keeps what it learns in bounded LRU caches. It is the codec.Serializer of
// produce requests (v3 and v2) and the Deserializer of v2 consumers.
package schema
