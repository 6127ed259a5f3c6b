#!/usr/bin/env bash
# S5 (PERFORMANCE.md): three gateway nodes form one Pekko cluster on one PostgreSQL; the fleet is spread over
# their MQTT ports; one node (not the one holding the database) is killed with SIGKILL under load; the harness
# reports how long until every device is connected, and so attached to its entity, again.
#
#   load-tests/bench/failover.sh DATA_DIR DEVICES_CSV [DEVICES] [INTERVAL]
#
# DATA_DIR is a demo data directory whose database holds the devices of DEVICES_CSV (from `provision` against
# `upsfleet-gateway.jar demo` with UPSFLEET_DATA_DIR=DATA_DIR). Node 1 runs `demo` on that directory (it owns
# the embedded PostgreSQL), nodes 2 and 3 run `node` against it. Logs go to DATA_DIR/node-*.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(realpath "$1"); devices_csv=$2; devices=${3:-10000}; interval=${4:-3s}
jar=gateway/target/upsfleet-gateway.jar
load=load-tests/target/upsfleet-load.jar
export UPSFLEET_SEED_NODES=pekko://upsfleet@127.0.0.1:25520,pekko://upsfleet@127.0.0.1:25521
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$1/health/ready" > /dev/null && return 0
    sleep 1
  done
  echo "node on HTTP port $1 did not become ready" >&2; return 1
}

# The nodes talk over mutual TLS: one certificate per node from a local authority in $data/cluster-tls.
java -jar "$jar" certificates "$data/cluster-tls" node-1 node-2 node-3 > /dev/null
cluster_tls() {
  echo "UPSFLEET_CLUSTER_TLS_CERT=$data/cluster-tls/node-$1.pem UPSFLEET_CLUSTER_TLS_KEY=$data/cluster-tls/node-$1-key.pem UPSFLEET_CLUSTER_TLS_CA=$data/cluster-tls/ca.pem"
}
env $(cluster_tls 1) UPSFLEET_DATA_DIR="$data" UPSFLEET_HTTP_PORT=38081 UPSFLEET_MQTT_PORT=31884 UPSFLEET_CLUSTER_PORT=25520 \
  java -Xms1g -Xmx2g -XX:+UseZGC -jar "$jar" demo > "$data/node-1.log" 2>&1 &
pids+=($!)
wait_ready 38081
pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
for n in 2 3; do
  env $(cluster_tls $n) UPSFLEET_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/upsfleet" UPSFLEET_DATA_DIR="$data" \
    UPSFLEET_HTTP_PORT=3808$n UPSFLEET_MQTT_PORT=3188$((3 + n)) UPSFLEET_CLUSTER_PORT=2552$((n - 1)) \
    UPSFLEET_TLS_CERT="$data/tls/server.pem" UPSFLEET_TLS_KEY="$data/tls/server-key.pem" \
    UPSFLEET_MQTT_TLS_PORT=0 UPSFLEET_HTTPS_PORT=0 UPSFLEET_MQTT_PLAIN=true \
    java -Xms1g -Xmx2g -XX:+UseZGC -jar "$jar" node > "$data/node-$n.log" 2>&1 &
  pids+=($!)
done
wait_ready 38082
wait_ready 38083
echo "three nodes up (PostgreSQL on port $pg_port); killing node 3 (pid ${pids[2]}) 30 s into the measured window"
java -Xmx2g -jar "$load" run --devices-file "$devices_csv" --devices "$devices" \
  --gateway http://127.0.0.1:38081 --password "$(cat "$data/support-password.txt")" \
  --mqtt-nodes 127.0.0.1:31884,127.0.0.1:31885,127.0.0.1:31886 --kill-pid "${pids[2]}" --kill-after 30s \
  --interval "$interval" --qos 1 --warmup 30s --duration 120s --connect-rate 1000 \
  --report "$data/failover.json" --html "$data/failover.html"
