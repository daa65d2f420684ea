"""Confluent's own Python serdes against the proxy's records.

Reads a JSON job on stdin: {"bootstrap", "registry", "formats": [{"format",
"read_topic", "count", "write_topic", "schema", "write": [plain values]}]}.
For each format it reads `count` records of read_topic (written by the
proxy) with Confluent's deserializer of the format, keys and values, and
writes each of `write` as key and value to write_topic with Confluent's
serializer (which registers the schema). Prints {"<format>": [{"key",
"value"}, ...]} with what it read, as plain JSON: Avro bytes as ISO-8859-1
strings and timestamps as epoch milliseconds, Protobuf through its JSON
mapping.
"""
import datetime
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def order_class():
    """shop.Order of the test's Protobuf schema, built without protoc."""
    fd = descriptor_pb2.FileDescriptorProto(name="shop_order.proto", package="shop", syntax="proto3")
    m = fd.message_type.add(name="Order")
    F = descriptor_pb2.FieldDescriptorProto
    m.field.add(name="id", number=1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL, json_name="id")
    m.field.add(name="note", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="note")
    m.field.add(name="line", number=3, type=F.TYPE_MESSAGE, type_name=".shop.Order.Line", label=F.LABEL_OPTIONAL, json_name="line")
    line = m.nested_type.add(name="Line")
    line.field.add(name="sku", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, json_name="sku")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Order"))


def plain(v):
    """A decoded value as plain JSON."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode("latin-1")
    if isinstance(v, datetime.datetime):
        return int(v.timestamp() * 1000 + 0.5) if v.microsecond % 1000 == 0 else v.timestamp() * 1000
    if hasattr(v, "DESCRIPTOR"):
        return json_format.MessageToDict(v, always_print_fields_with_no_presence=True)
    return v


def serdes(fmt, schema, sr):
    if fmt == "AVRO":
        def to_avro(v, ctx):
            return {**v, "raw": v["raw"].encode("latin-1")}
        return (AvroDeserializer(sr), AvroSerializer(sr, schema, to_dict=to_avro))
    if fmt == "PROTOBUF":
        cls = order_class()
        return (ProtobufDeserializer(cls, {"use.deprecated.format": False}),
                ProtobufSerializer(cls, sr, {"use.deprecated.format": False}), cls)
    return (JSONDeserializer(None, schema_registry_client=sr), JSONSerializer(schema, sr))


def main():
    job = json.load(sys.stdin)
    sr = SchemaRegistryClient({"url": job["registry"]})
    out = {}
    producer = Producer({"bootstrap.servers": job["bootstrap"]})
    for f in job["formats"]:
        s = serdes(f["format"], f["schema"], sr)
        de, ser = s[0], s[1]
        consumer = Consumer({"bootstrap.servers": job["bootstrap"], "group.id": "interop-" + f["read_topic"],
                             "auto.offset.reset": "earliest", "enable.auto.commit": False})
        consumer.subscribe([f["read_topic"]])
        got = []
        while len(got) < f["count"]:
            msg = consumer.poll(30)
            if msg is None:
                sys.exit("timed out reading %s after %d records" % (f["read_topic"], len(got)))
            if msg.error():
                sys.exit("reading %s: %s" % (f["read_topic"], msg.error()))
            key = de(msg.key(), SerializationContext(msg.topic(), MessageField.KEY))
            value = de(msg.value(), SerializationContext(msg.topic(), MessageField.VALUE))
            got.append({"key": plain(key), "value": plain(value)})
        consumer.close()
        out[f["format"]] = got
        for v in f["write"]:
            if f["format"] == "PROTOBUF":
                v = json_format.ParseDict(v, s[2]())
            producer.produce(f["write_topic"],
                             key=ser(v, SerializationContext(f["write_topic"], MessageField.KEY)),
                             value=ser(v, SerializationContext(f["write_topic"], MessageField.VALUE)))
    if producer.flush(30) != 0:
        sys.exit("records still unsent after 30 s")
    json.dump(out, sys.stdout)


main()
