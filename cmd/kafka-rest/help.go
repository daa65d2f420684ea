package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

func usage(w io.Writer) {
	fmt.Fprint(w, `kafka-rest: a Kafka REST proxy compatible with Confluent's (v2 and v3 APIs).

Usage:
  kafka-rest [path/to/kafka-rest.properties]
  kafka-rest --help
  kafka-rest --version            the version, commit and Go version
  kafka-rest --sample-properties  a kafka-rest.properties of every key,
                                  commented out at its default

The file is in Java properties format. Every key can also be set in the
environment as KAFKA_REST_<KEY>: upper case, '.' as '_', '_' as '__' and '-'
as '___' (KAFKA_REST_BOOTSTRAP_SERVERS=host:9092). The environment wins over
the file. An unknown key is a warning; an invalid value stops start-up.

Without bootstrap.servers, kafka-rest starts an embedded development Kafka
cluster on 127.0.0.1:9092 (embedded.kafka.*) that native Kafka clients can
use too. Never use it in production.

Kafka clients take pass-through keys, as in Confluent's proxy:
  client.*    every client (admin, producer, consumer)
  producer.*  the producer; wins over client.*
  consumer.*  v2 consumer instances; wins over client.*
  admin.*     the admin client; wins over client.*
Supported after the prefix: security.protocol (PLAINTEXT, SSL, SASL_PLAINTEXT,
SASL_SSL); sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with
sasl.jaas.config (PlainLoginModule or ScramLoginModule, username and password);
ssl.truststore.location / ssl.truststore.certificates, ssl.keystore.location /
ssl.keystore.certificate.chain + ssl.keystore.key, with ssl.*.type (JKS, PKCS12
or PEM) and ssl.truststore.password, ssl.keystore.password, ssl.key.password;
ssl.endpoint.identification.algorithm; client.id, request.timeout.ms,
connections.max.idle.ms, socket.connection.setup.timeout.ms,
metadata.max.age.ms, retry.backoff.ms; producer: acks, enable.idempotence,
linger.ms, batch.size, max.request.size, buffer.memory, delivery.timeout.ms,
retries, max.in.flight.requests.per.connection, compression.type; consumer:
fetch.max.wait.ms, fetch.max.bytes, max.partition.fetch.bytes, fetch.min.bytes,
isolation.level, client.rack, session.timeout.ms, heartbeat.interval.ms,
max.poll.interval.ms, auto.commit.interval.ms, partition.assignment.strategy;
admin: default.api.timeout.ms. Other pass-through keys are ignored with a
warning.

Keys:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range settings() {
		if s.legacy {
			continue
		}
		def := s.def
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.key, def, s.doc)
	}
	tw.Flush()
	var legacy []string
	for _, s := range settings() {
		if s.legacy {
			legacy = append(legacy, s.key)
		}
	}
	fmt.Fprintf(w, "\nAccepted with no effect, as in Confluent's proxy: %s.\n", strings.Join(legacy, ", "))
}
