#!/usr/bin/env bash
# Confluent's own Python client (confluent-kafka with its Avro, Protobuf and
# JSON Schema serdes), pinned, in a venv in the jar cache beside the Kafka
# jars. It is the decoder no one here wrote: the integration tier's interop
# test reads the proxy's records with it and writes records for the proxy
# to read. Prints the venv's python; creates the venv the first time (or
# when the pins change).
#
#   KAFKA_CI_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kafka-rest-ci   where the venv lives
set -euo pipefail

# The schemaregistry extra of 2.16.1 asks for a certifi newer than PyPI
# serves here, so its dependencies are listed (and pinned) one by one.
PINS=(
  confluent-kafka==2.16.1
  attrs==26.1.0 cachetools==8.0.1 certifi==2026.10.18 httpx2==2.16.2 httpcore2==2.16.2
  Authlib==1.9.9 joserfc==1.8.0 cryptography==50.0.2 cffi==2.1.1 pycparser==3.12
  anyio==4.16.0 h11==0.16.0 idna==3.20 truststore==0.10.5 typing_extensions==4.16.0
  fastavro==1.13.1
  protobuf==7.36.2 googleapis-common-protos==1.76.0
  jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0 rpds-py==2026.9.1
)

CACHE="${KAFKA_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-rest-ci}"
VENV="$CACHE/venv-confluent-kafka-2.16.1"
want="${PINS[*]}"
if [ ! -f "$VENV/.pins" ] || [ "$(cat "$VENV/.pins")" != "$want" ]; then
  command -v python3 >/dev/null || { echo "python3 is needed for the Confluent interop test (apt-get install python3 python3-venv)" >&2; exit 1; }
  mkdir -p "$CACHE"
  # .pins is written last: a venv without it (an interrupted install) is made again.
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps "${PINS[@]}" >&2
  "$VENV/bin/python" -c 'import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf, confluent_kafka.schema_registry.json_schema' >&2
  echo "$want" > "$VENV/.pins"
fi
echo "$VENV/bin/python"
