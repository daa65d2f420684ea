#!/usr/bin/env bash
# .ci/kafka.sh - run a throw-away single-node Apache Kafka 4.x broker (KRaft, combined
# broker+controller) for the integration tests, from jars resolved out of Maven Central.
# No Apache mirror, no Docker: needs only java (17+) and mvn (for the first fetch).
#
#   .ci/kafka.sh fetch    resolve the broker's runtime classpath into the jar cache
#   .ci/kafka.sh start    fetch + stop an earlier broker of this run dir + wipe the run dir +
#                         write config + format storage + launch + wait until ready
#   .ci/kafka.sh stop     SIGTERM the broker of this run dir (SIGKILL after 30 s)
#   .ci/kafka.sh kill     SIGKILL the broker of this run dir at once, keeping its data
#                         (the broker-fault tests: a crash, not a clean shutdown)
#   .ci/kafka.sh restart  start the broker of this run dir again on its existing data
#   .ci/kafka.sh status   exit 0 (and print its pid) if the broker of this run dir is alive
#   .ci/kafka.sh env      print `export` lines for the tests:  eval "$(.ci/kafka.sh env)"
#
# Listeners (bound and advertised on 127.0.0.1 only; not 9092, which the proxy's embedded
# dev cluster uses):
#   PLAINTEXT      127.0.0.1:19092  principal User:ANONYMOUS = super user (admin port)
#   CONTROLLER     127.0.0.1:19093  KRaft controller
#   SASL_PLAINTEXT 127.0.0.1:19094  PLAIN + SCRAM-SHA-256/512 users admin/admin-secret
#                                   (super user), alice/alice-secret, bob/bob-secret
# StandardAuthorizer with allow.everyone.if.no.acl.found=false: alice and bob are denied
# everything until ACLs grant it. auto.create.topics.enable=false, delete.topic.enable=true.
#
# Env knobs (all optional):
#   KAFKA_VERSION=4.3.1              kafka_2.13 version (4.3.1 and 4.4.0 verified)
#   KAFKA_CI_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kafka-rest-ci   jar cache (lib-$KAFKA_VERSION)
#   KAFKA_CI_RUN=$PWD/.ci/.kafka-run  config, data, logs, pid; wiped on every start
#   KAFKA_CI_PORT=19092  KAFKA_CI_CONTROLLER_PORT=19093  KAFKA_CI_SASL_PORT=19094
#   KAFKA_START_TIMEOUT=120          seconds until the broker must be ready
#   KAFKA_CI_CLUSTER_ID              any Kafka Uuid (22 chars base64url)
#   KAFKA_HEAP_OPTS / KAFKA_JVM_PERFORMANCE_OPTS   as in Kafka's bin/kafka-run-class.sh
# (The port knobs are KAFKA_CI_-prefixed on purpose: Kubernetes injects KAFKA_PORT=tcp://...
# into pods next to a service named "kafka".)
set -euo pipefail
shopt -s nullglob

# 4.3.1 (default) and 4.4.0 both resolve from Maven Central here and pass the same checks.
KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
CACHE="${KAFKA_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-rest-ci}"
LIB="$CACHE/lib-$KAFKA_VERSION"
RUN="${KAFKA_CI_RUN:-$PWD/.ci/.kafka-run}"
PORT="${KAFKA_CI_PORT:-19092}"
CPORT="${KAFKA_CI_CONTROLLER_PORT:-19093}"
SPORT="${KAFKA_CI_SASL_PORT:-19094}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
# Any valid 22-char base64url Kafka Uuid works; this one is the official image's default.
CLUSTER_ID="${KAFKA_CI_CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# JIT/GC choice, measured with 4.3.1 on the 2-core box (5 alternating starts each, time from
# `start` to ready incl. the storage format, medians): Kafka's default G1 flags 4.3 s and 4.8 s
# broker CPU; G1 + C1-only JIT (-XX:TieredStopAtLevel=1) 3.4 s and 2.8 s CPU; SerialGC + C1
# 3.4 s and 2.8 s CPU. C1-only is the win (a test broker never lives long enough to profit
# from C2); G1 vs Serial made no difference, so G1 stays. For throughput benchmarks drop
# TieredStopAtLevel via KAFKA_JVM_PERFORMANCE_OPTS.
JVM_OPTS="${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
RUN_MARKER=".kafka-ci-run"            # only a dir holding this file is ever wiped

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

TMP_LIB=""
cleanup() { if [ -n "$TMP_LIB" ]; then rm -rf "$TMP_LIB"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH${2:+ ($2)}"; }

# mvn -B -q still prints colour resets on stdout: keep its output, show it only on failure.
mvn_q() {
  mvn -B -q "$@" > "$TMP_LIB/mvn.log" 2>&1 && return 0
  cat "$TMP_LIB/mvn.log" >&2
  return 1
}

# --- fetch -----------------------------------------------------------------------------
# Resolve into a temp dir next to the cache, verify, then rename: an interrupted fetch never
# leaves a half-filled lib-$KAFKA_VERSION behind, and two versions' jars are never mixed.
fetch() {
  if [ -f "$LIB/.complete" ]; then return 0; fi
  need mvn "needed once to fill $LIB"
  need java
  mkdir -p "$CACHE"
  # Temp dirs of fetches that were SIGKILLed (others clean up after themselves).
  find "$CACHE" -maxdepth 1 -name '.lib-*.tmp.*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
  if [ -e "$LIB" ]; then rm -rf "$LIB"; fi   # not ours / incomplete (older layout)
  TMP_LIB="$(mktemp -d "$CACHE/.lib-$KAFKA_VERSION.tmp.XXXXXX")"
  local t0=$SECONDS jars=() a cores slf
  mkdir "$TMP_LIB/lib"
  cat > "$TMP_LIB/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.ci</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
  </dependencies>
</project>
EOF
  log "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION (runtime scope) from Maven into $LIB"
  mvn_q -f "$TMP_LIB/pom.xml" "$DEP_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$TMP_LIB/lib" \
    || die "mvn could not resolve kafka_2.13:$KAFKA_VERSION (try another KAFKA_VERSION)"
  # The POMs bring log4j-api + log4j-core (runtime deps of kafka-server) but NOT the SLF4J
  # binding (the tarball adds it from a 'releaseOnly' configuration). Kafka 4.x logs through
  # slf4j-api 1.7.x, so the binding must be the SLF4J-1.x one, log4j-slf4j-impl (NOT
  # log4j-slf4j2-impl: SLF4J 1.7 ignores it and the broker logs nothing), at log4j-core's version.
  cores=("$TMP_LIB"/lib/log4j-core-*.jar)
  [ ${#cores[@]} -eq 1 ] || die "expected exactly one log4j-core jar, got ${#cores[@]}"
  a="$(basename "${cores[0]}" .jar)"
  mvn_q -f "$TMP_LIB/pom.xml" "$DEP_PLUGIN:copy" \
      -Dartifact="org.apache.logging.log4j:log4j-slf4j-impl:${a#log4j-core-}" \
      -DoutputDirectory="$TMP_LIB/lib" \
    || die "mvn could not fetch log4j-slf4j-impl:${a#log4j-core-}"
  slf=("$TMP_LIB"/lib/slf4j-api-1.7.*.jar)
  [ ${#slf[@]} -eq 1 ] || die "expected slf4j-api 1.7.x (log4j-slf4j-impl binds SLF4J 1.x only)"
  for a in kafka_2.13 kafka-clients kafka-server kafka-server-common kafka-metadata kafka-raft \
           kafka-storage kafka-group-coordinator kafka-transaction-coordinator \
           kafka-share-coordinator scala-library log4j-api log4j-core log4j-slf4j-impl; do
    jars=("$TMP_LIB/lib/$a"-[0-9]*.jar)
    [ ${#jars[@]} -eq 1 ] || die "expected exactly one $a jar, got ${#jars[@]}"
  done
  jars=("$TMP_LIB/lib/kafka_2.13-$KAFKA_VERSION.jar")
  [ -f "${jars[0]}" ] || die "kafka_2.13-$KAFKA_VERSION.jar missing after resolution"
  # Sanity check: the resolved classpath must at least run the storage tool.
  java -cp "$TMP_LIB/lib/*" kafka.tools.StorageTool random-uuid >/dev/null 2>&1 \
    || die "resolved classpath cannot run kafka.tools.StorageTool"
  touch "$TMP_LIB/lib/.complete"
  if ! mv -T "$TMP_LIB/lib" "$LIB" 2>/dev/null; then
    # A concurrent fetch won the race: keep its (complete) copy.
    [ -f "$LIB/.complete" ] || die "could not move the resolved jars to $LIB"
  fi
  rm -rf "$TMP_LIB"; TMP_LIB=""
  jars=("$LIB"/*.jar)
  log "fetched ${#jars[@]} jars, $(du -sh "$LIB" | cut -f1), in $((SECONDS - t0))s"
}

# --- run dir ---------------------------------------------------------------------------
write_files() {
  mkdir -p "$RUN/data" "$RUN/logs" "$RUN/tmp"
  touch "$RUN/$RUN_MARKER"
  cat > "$RUN/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
logger.req.name = kafka.request.logger
logger.req.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
# ACL denials are logged here at INFO (allows at DEBUG)
logger.authz.name = kafka.authorizer.logger
logger.authz.level = INFO
EOF
  cat > "$RUN/tools-log4j2.properties" <<'EOF'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  cat > "$RUN/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT,SASL_PLAINTEXT://127.0.0.1:$SPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,SASL_PLAINTEXT://127.0.0.1:$SPORT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
log.dirs=$RUN/data
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_admin="admin-secret" user_alice="alice-secret" user_bob="bob-secret";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# OAUTHBEARER with Kafka's unsecured JWS validator (its default server callback, for
# development only): an unsigned token's "sub" claim is the principal, User:<sub>. The
# login claim is only what the broker itself would present; nothing here logs in with it.
listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# The broker->controller channel (CONTROLLER listener, PLAINTEXT) authenticates as
# User:ANONYMOUS and needs CLUSTER_ACTION: it must be a super user, or the broker never
# registers. Consequence: the PLAINTEXT client port is an all-powerful admin port; test ACL
# enforcement with alice/bob on the SASL port.
super.users=User:ANONYMOUS;User:admin
allow.everyone.if.no.acl.found=false
EOF
}

# Pid of the broker started from this run dir, if it is still alive (and really is that
# broker: a recycled pid of another process is ignored).
running_pid() {
  local pid
  [ -f "$RUN/kafka.pid" ] || return 1
  pid="$(cat "$RUN/kafka.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    # Not grep -q: it may exit before tr is done, and pipefail would count
    # tr's SIGPIPE as a failure.
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -F "$RUN/server.properties" >/dev/null || return 1
  fi
  echo "$pid"
}

stop() {
  local pid i
  pid="$(running_pid)" || { rm -f "$RUN/kafka.pid"; return 0; }
  log "stopping broker pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$RUN/kafka.pid"; log "stopped"; return 0; }
    sleep 0.5
  done
  log "broker did not stop within 30s; SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -0 "$pid" 2>/dev/null && die "pid $pid survived SIGKILL"
  rm -f "$RUN/kafka.pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wipe_run() {
  case "$RUN" in
    "" | / | "$HOME" | "$HOME/") die "refusing to use KAFKA_CI_RUN=$RUN" ;;
  esac
  if [ -d "$RUN" ] && [ -n "$(ls -A "$RUN")" ] && [ ! -f "$RUN/$RUN_MARKER" ]; then
    die "$RUN is not empty and was not created by this script; refusing to wipe it"
  fi
  rm -rf "$RUN"
}

start() {
  need java
  fetch
  stop                                # a broker left over from an earlier start
  wipe_run                            # fresh cluster every time: no cluster.id mismatch
  local p
  for p in "$PORT" "$CPORT" "$SPORT"; do
    port_open "$p" && die "127.0.0.1:$p is already in use (another broker? set KAFKA_CI_*PORT)"
  done
  write_files
  local cp="$LIB/*"                   # quoted: java expands the wildcard, not the shell
  local scram=() u m t0=$SECONDS
  for u in admin:admin-secret alice:alice-secret bob:bob-secret; do
    for m in SCRAM-SHA-256 SCRAM-SHA-512; do
      scram+=(--add-scram "$m=[name=${u%%:*},password=${u#*:}]")
    done
  done
  log "formatting $RUN/data (Kafka $KAFKA_VERSION, cluster id $CLUSTER_ID)"
  # shellcheck disable=SC2086  # JVM_OPTS is intentionally word-split
  java -Xmx256m $JVM_OPTS -Djava.io.tmpdir="$RUN/tmp" \
       -Dlog4j2.configurationFile="$RUN/tools-log4j2.properties" -cp "$cp" \
       kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$RUN/server.properties" \
       "${scram[@]}" > "$RUN/logs/format.out" 2>&1 < /dev/null \
    || { cat "$RUN/logs/format.out" >&2; die "storage format failed"; }
  launch "$t0"
}

# Run kafka.Kafka on the formatted run dir and wait until it serves clients.
launch() {
  local cp="$LIB/*" t0="$1"
  log "starting kafka.Kafka (log: $RUN/logs/server.out)"
  # shellcheck disable=SC2086  # HEAP_OPTS / JVM_OPTS are intentionally word-split
  nohup java $HEAP_OPTS $JVM_OPTS -Djava.io.tmpdir="$RUN/tmp" \
       -Dlog4j2.configurationFile="$RUN/log4j2.properties" -Dkafka.logs.dir="$RUN/logs" \
       -cp "$cp" kafka.Kafka "$RUN/server.properties" \
       >> "$RUN/logs/server.out" 2>&1 < /dev/null &
  echo $! > "$RUN/kafka.pid"
  local deadline=$((SECONDS + START_TIMEOUT))
  # The client listeners open only after the broker caught up with metadata, is unfenced
  # and the authorizer loaded; "Kafka Server started" is logged after that.
  local seen
  seen="$(grep -c "Kafka Server started" "$RUN/logs/server.out" 2>/dev/null || true)"
  until port_open "$PORT" && port_open "$SPORT" \
        && [ "$(grep -c "Kafka Server started" "$RUN/logs/server.out" 2>/dev/null)" -gt "${seen:-0}" ]; do
    # Alive is enough here: until nohup has exec'd java, the pid's command
    # line is still this script's, which running_pid would not recognise.
    if ! kill -0 "$(cat "$RUN/kafka.pid")" 2>/dev/null; then
      log "broker exited during startup; last lines of $RUN/logs/server.out:"
      tail -n 80 "$RUN/logs/server.out" >&2
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "broker not ready after ${START_TIMEOUT}s; last lines of $RUN/logs/server.out:"
      tail -n 80 "$RUN/logs/server.out" >&2
      stop
      exit 1
    fi
    sleep 0.25
  done
  log "ready in $((SECONDS - t0))s (pid $(cat "$RUN/kafka.pid")): bootstrap 127.0.0.1:$PORT, SASL 127.0.0.1:$SPORT"
}

kill_broker() {
  local pid i
  pid="$(running_pid)" || die "no broker of $RUN is running"
  log "killing broker pid $pid (SIGKILL, data kept)"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 40; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$RUN/kafka.pid"; return 0; }
    sleep 0.25
  done
  die "pid $pid survived SIGKILL"
}

restart() {
  need java
  [ -f "$RUN/$RUN_MARKER" ] && [ -f "$RUN/server.properties" ] || die "no run dir at $RUN: use start"
  running_pid >/dev/null && die "the broker of $RUN is still running"
  launch "$SECONDS"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "kafka running, pid $pid, bootstrap 127.0.0.1:$PORT, SASL 127.0.0.1:$SPORT"
  else
    echo "kafka not running"
    return 1
  fi
}

print_env() {
  echo "export TEST_KAFKA_BOOTSTRAP=127.0.0.1:$PORT"
  echo "export TEST_KAFKA_SASL_BOOTSTRAP=127.0.0.1:$SPORT"
  # What the broker-fault tests run to kill and restart this very broker.
  echo "export TEST_KAFKA_CTL=$(cd "$(dirname "$0")" && pwd)/kafka.sh"
  echo "export KAFKA_CI_RUN=$RUN KAFKA_CI_PORT=$PORT KAFKA_CI_CONTROLLER_PORT=$CPORT KAFKA_CI_SASL_PORT=$SPORT"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill_broker ;;
  restart) restart ;;
  env) print_env ;;
  *) echo "usage: $0 fetch|start|stop|kill|restart|status|env" >&2; exit 2 ;;
esac
