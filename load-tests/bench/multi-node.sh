#!/usr/bin/env bash
# Beyond one process's 20 000 descriptors (issue 15): NODES gateway nodes form one Pekko cluster on one
# PostgreSQL, on this machine, and NODES harness processes (one simulator per node, each under its own open-file
# limit) connect PER_NODE devices each to their node's MQTT port. Each harness warms up, then all measure the
# same window together (run --barrier), and `report --nodes` prints the total connected, the message rate and the
# PUBACK latency per node and for the whole fleet.
#
#   load-tests/bench/multi-node.sh DATA_DIR DEVICES_CSV OUT_DIR [NODES] [PER_NODE] [INTERVAL] [CONNECT_RATE]
#
# DATA_DIR is a demo data directory whose database holds at least NODES × PER_NODE devices of DEVICES_CSV (from
# `provision`). Defaults: 5 nodes × 19 500 devices, one QoS 1 sample per 60 s each, 100 CONNECT/s per simulator.
# Node 1 runs `demo` on DATA_DIR (it owns the embedded PostgreSQL), the others run `node` against it; nodes talk
# over mutual TLS. Heaps: UPSFLEET_NODE_OPTS (default -Xms1g -Xmx1500m, ZGC), UPSFLEET_SIM_OPTS (-Xmx1500m); the
# failure detector's acceptable heartbeat pause: UPSFLEET_HEARTBEAT_PAUSE (20s; see below).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(realpath "$1"); devices_csv=$2; out=$(mkdir -p "$3" && realpath "$3")
nodes=${4:-5}; per_node=${5:-19500}; interval=${6:-60s}; connect_rate=${7:-100}
jar=gateway/target/upsfleet-gateway.jar
load=load-tests/target/upsfleet-load.jar
node_opts=${UPSFLEET_NODE_OPTS:--Xms1g -Xmx1500m -XX:+UseZGC}
# Several JVMs on two cores delay each other's cluster heartbeats by seconds while the fleet connects: with Pekko's
# default 3-s pause the failure detector marked nodes unreachable and the split-brain resolver downed them.
heartbeat_pause=${UPSFLEET_HEARTBEAT_PAUSE:-20s}
node_opts="$node_opts -Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=$heartbeat_pause"
sim_opts=${UPSFLEET_SIM_OPTS:--Xmx1500m}
export UPSFLEET_SEED_NODES=pekko://upsfleet@127.0.0.1:25520,pekko://upsfleet@127.0.0.1:25521
need=$((nodes * per_node))
have=$(($(wc -l < "$devices_csv") - 1))
[ "$have" -ge "$need" ] || { echo "$devices_csv has $have devices, $nodes × $per_node = $need needed" >&2; exit 2; }
pids=(); sims=()
cleanup() { for p in "${sims[@]}" "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 180); do
    curl -sf "http://127.0.0.1:$1/health/ready" > /dev/null && return 0
    sleep 1
  done
  echo "node on HTTP port $1 did not become ready" >&2; return 1
}

names=(); for n in $(seq "$nodes"); do names+=("node-$n"); done
java -jar "$jar" certificates "$data/cluster-tls" "${names[@]}" > /dev/null
cluster_tls() {
  echo "UPSFLEET_CLUSTER_TLS_CERT=$data/cluster-tls/node-$1.pem UPSFLEET_CLUSTER_TLS_KEY=$data/cluster-tls/node-$1-key.pem UPSFLEET_CLUSTER_TLS_CA=$data/cluster-tls/ca.pem"
}
http_port() { echo $((28080 + $1)); } # below the ephemeral ports the simulators use
mqtt_port() { echo $((31883 + $1)); }
env $(cluster_tls 1) UPSFLEET_DATA_DIR="$data" UPSFLEET_HTTP_PORT="$(http_port 1)" UPSFLEET_MQTT_PORT="$(mqtt_port 1)" \
  UPSFLEET_CLUSTER_PORT=25520 UPSFLEET_NUT_PORT=0 \
  java $node_opts -jar "$jar" demo > "$out/node-1.log" 2>&1 &
pids+=($!)
wait_ready "$(http_port 1)"
pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
for n in $(seq 2 "$nodes"); do
  env $(cluster_tls "$n") UPSFLEET_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/upsfleet" UPSFLEET_DATA_DIR="$data" \
    UPSFLEET_HTTP_PORT="$(http_port "$n")" UPSFLEET_MQTT_PORT="$(mqtt_port "$n")" UPSFLEET_CLUSTER_PORT=$((25519 + n)) \
    UPSFLEET_TLS_CERT="$data/tls/server.pem" UPSFLEET_TLS_KEY="$data/tls/server-key.pem" \
    UPSFLEET_MQTT_TLS_PORT=0 UPSFLEET_HTTPS_PORT=0 UPSFLEET_NUT_PORT=0 UPSFLEET_MQTT_PLAIN=true \
    java $node_opts -jar "$jar" node > "$out/node-$n.log" 2>&1 &
  pids+=($!)
done
for n in $(seq 2 "$nodes"); do wait_ready "$(http_port "$n")"; done
echo "$nodes nodes up (PostgreSQL on port $pg_port): ${pids[*]}"

# One slice of the devices per node, each to its own simulator process.
rm -rf "$out/barrier"; mkdir -p "$out/barrier"
for n in $(seq "$nodes"); do
  { head -1 "$devices_csv"; tail -n +2 "$devices_csv" | sed -n "$(((n - 1) * per_node + 1)),$((n * per_node))p"; } \
    > "$out/devices-$n.csv"
  java $sim_opts -jar "$load" run --devices-file "$out/devices-$n.csv" \
    --gateway "http://127.0.0.1:$(http_port 1)" --password "$(cat "$data/support-password.txt")" \
    --mqtt "127.0.0.1:$(mqtt_port "$n")" --gateway-pid "${pids[$((n - 1))]}" \
    --interval "$interval" --qos 1 --connect-rate "$connect_rate" --connect-deadline 1500s \
    --warmup 60s --duration 120s --barrier "$out/barrier" --report "$out/node-$n.json" > "$out/sim-$n.log" 2>&1 &
  sims+=($!)
done
# Every simulator is connected and warmed up: measure together.
while [ "$(find "$out/barrier" -name 'ready-*' | wc -l)" -lt "$nodes" ]; do
  for s in "${sims[@]}"; do kill -0 "$s" 2>/dev/null || { echo "a simulator ended early: see $out/sim-*.log" >&2; exit 1; }; done
  sleep 5
done
touch "$out/barrier/go"
echo "all $nodes simulators ready at $(date -u +%H:%M:%S); measuring"
for s in "${sims[@]}"; do wait "$s"; done
sims=()
reports=(); for n in $(seq "$nodes"); do reports+=("$out/node-$n.json"); done
java -jar "$load" report --nodes "${reports[@]}" | tee "$out/multi-node.md"
