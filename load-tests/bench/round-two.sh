#!/usr/bin/env bash
# Issue 15's target rows (BENCHMARKS.md, "Round two"), each in 3 rounds on a quiet machine (calibrate and ladder once):
#
#   load-tests/bench/round-two.sh idle-commands DATA_DIR DEVICES_CSV OUT_DIR
#       command round trip on an idle gateway: 200 devices × 1 / 30 s, 5 commands/s for 60 s, 3 rounds on one
#       freshly started gateway.
#   load-tests/bench/round-two.sh quiet-fleet DATA_DIR DEVICES_CSV DEVICES OUT_DIR
#       per round a freshly started gateway (cold JVM, journals exist): the reconnect storm of DEVICES at
#       2 000 CONNECT/s (time until all are attached, CONNACK p99), heap per connected device, the gateway's
#       CPU over 60 s with the fleet connected and quiet (a sample on connect, then 1 / 10 min; mains quiet),
#       then 50 % of the fleet loses mains at once (events persisted and projected per second, end to end).
#   load-tests/bench/round-two.sh cpu-ratio DATA_DIR DEVICES_CSV OUT_DIR
#       S2 with Mosquitto in the same run: 10 000 devices × 1 msg/s, QoS 1, 30-s warm-up, 60 s measured,
#       gateway and Mosquitto alternating, 3 rounds each.
#   load-tests/bench/round-two.sh first-connect DATA_DIR OUT_DIR
#       per round a freshly started gateway, 5 000 devices provisioned through the API, then their first
#       connect at 2 000 CONNECT/s offered; Mosquitto the same 5 000 in the same run.
#   load-tests/bench/round-two.sh design-load DATA_DIR DEVICES_CSV OUT_DIR
#       the command round trip at the design load: 19 500 devices × 1 / 6 s (the rate of 100 000 × 1 / 30 s),
#       QoS 1, 10 commands/s, 30-s warm-up, 60 s measured, 3 rounds on one gateway (round 1 after its cold
#       reconnect storm).
#   load-tests/bench/round-two.sh failover DATA_DIR DEVICES_CSV OUT_DIR
#       failover.sh three times (3 nodes, 10 000 devices × 1 / 3 s, node 3 killed with SIGKILL).
#   load-tests/bench/round-two.sh calibrate DATA_DIR OUT_DIR
#       S0, the machine's ceilings: loopback round trip and one-way rate, the insert ceiling of the demo's
#       embedded PostgreSQL (single rows vs batches of 400; the gateway runs, idle, only to keep it up), a
#       Jackson parse of one telemetry payload, and the simulator's and Mosquitto's CPU per message with
#       2 000 devices × 1 msg/s, QoS 1 (10-s warm-up, 20 s measured); prints the report's table.
#   load-tests/bench/round-two.sh ladder DATA_DIR DEVICES_CSV OUT_DIR [DEVICES]
#       S2's ladder to the knee: DEVICES (default 2 000) offer 1 000, 2 000, 3 000, 4 000, 6 000, 8 000,
#       10 000, 12 000 then 16 000 msg/s, QoS 1 (the interval shrinks; the same connections at every step),
#       gateway and Mosquitto alternating at each step, 20-s warm-up and 40 s measured per step, until PUBACK
#       p99 passes 20 ms or less than 95 % of the offered rate is sent or acknowledged; prints the steps and
#       each target's knee. UPSFLEET_LADDER_TARGET (both, gateway, mosquitto), UPSFLEET_LADDER_RATES (comma-separated,
#       rising) and UPSFLEET_LADDER_WARMUP (20s) change the targets, the steps and the warm-up per step.
#
#   load-tests/bench/round-two.sh soak DATA_DIR DEVICES_CSV OUT_DIR DEVICES RATE [MINUTES]
#       S6: DEVICES at RATE msg/s in all (QoS 1; ~70 % of the gateway's knee from `ladder`) for MINUTES (60) after a
#       60-s warm-up, on one gateway; every 30 s its open descriptors, resident memory and heap after the latest
#       ZGC cycle (gateway-samples.txt, from a GC log); then PUBACK latency per 5-minute slice (report --slices).
#
# DATA_DIR is a demo data directory whose database holds the devices of DEVICES_CSV (from `provision`).
# Gateways run with the HTTP rate limit raised to 2 000 requests/s (the command probe polls every 5 ms; the
# default 50/s per user would answer 429). Each scenario ends with `report`, which combines its rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=gateway/target/upsfleet-gateway.jar
load=load-tests/target/upsfleet-load.jar
java_opts=${UPSFLEET_JAVA_OPTS:--Xms2g -Xmx4g -XX:+UseZGC}
limits="-Dupsfleet.gateway.http.requests-per-second=2000 -Dupsfleet.gateway.http.burst=2000"
gw=
trap '[ -n "$gw" ] && kill $gw 2>/dev/null; wait 2>/dev/null || true' EXIT

start_gateway() { # DATA_DIR LOG
  UPSFLEET_DATA_DIR="$1" UPSFLEET_HTTP_PORT=38080 UPSFLEET_MQTT_PORT=31883 UPSFLEET_MQTT_TLS_PORT=38883 \
    UPSFLEET_HTTPS_PORT=38443 UPSFLEET_NUT_PORT=0 \
    java $java_opts $limits -jar "$jar" demo > "$2" 2>&1 &
  gw=$!
  for _ in $(seq 180); do curl -sf http://127.0.0.1:38080/health/ready > /dev/null && return 0; sleep 1; done
  echo "gateway did not become ready, see $2" >&2; return 1
}

stop_gateway() {
  kill "$gw"; wait "$gw" 2>/dev/null || true; gw=
  sleep 3
}

harness() { # DATA_DIR, then run's arguments
  local data=$1; shift
  java -Xmx3g -jar "$load" run --gateway http://127.0.0.1:38080 --password "$(cat "$data/support-password.txt")" \
    --mqtt 127.0.0.1:31883 --gateway-pid "$gw" "$@"
}

scenario=$1; shift
case "$scenario" in
  idle-commands)
    data=$(realpath "$1"); csv=$2; out=$3; mkdir -p "$out"
    start_gateway "$data" "$out/gateway.log"
    harness "$data" --devices-file "$csv" --devices 200 --target gateway --rounds 3 --interval 30s --qos 1 \
      --warmup 20s --duration 60s --command-rate 5 --report "$out/idle-commands.json"
    stop_gateway
    ;;
  quiet-fleet)
    data=$(realpath "$1"); csv=$2; devices=$3; out=$4; mkdir -p "$out"
    for round in 1 2 3; do
      start_gateway "$data" "$out/gateway-$round.log"
      harness "$data" --devices-file "$csv" --devices "$devices" --target gateway --rounds 1 --interval 600s \
        --qos 1 --connect-rate 2000 --connect-deadline 240s --warmup 30s --duration 60s --quiet-mains --sample-on-connect \
        --outage-share 0.5 --outage-duration 30s --report "$out/round-$round.json"
      stop_gateway
    done
    java -jar "$load" report "$out"/round-*.json --out "$out/quiet-fleet.json"
    ;;
  cpu-ratio)
    data=$(realpath "$1"); csv=$2; out=$3; mkdir -p "$out"
    start_gateway "$data" "$out/gateway.log"
    harness "$data" --devices-file "$csv" --devices 10000 --target both --rounds 3 --interval 1s --qos 1 \
      --connect-rate 2000 --warmup 30s --duration 60s --report "$out/cpu-ratio.json"
    stop_gateway
    ;;
  first-connect)
    data=$(realpath "$1"); out=$2; mkdir -p "$out"
    run_id=$(date +%H%M | tr '0-9' 'A-J')
    for round in 1 2 3; do
      start_gateway "$data" "$out/gateway-$round.log"
      java -jar "$load" provision --gateway http://127.0.0.1:38080 \
        --password "$(cat "$data/support-password.txt")" --devices 5000 --accounts 5 \
        --prefix "${run_id:$((round - 1)):1}$round" --out "$out/devices-$round.csv"
      harness "$data" --devices-file "$out/devices-$round.csv" --target both --rounds 1 --interval 30s --qos 1 \
        --connect-rate 2000 --connect-deadline 120s --warmup 5s --duration 10s --report "$out/round-$round.json"
      stop_gateway
    done
    java -jar "$load" report "$out"/round-*.json --out "$out/first-connect.json"
    ;;
  design-load)
    data=$(realpath "$1"); csv=$2; out=$3; mkdir -p "$out"
    start_gateway "$data" "$out/gateway.log"
    harness "$data" --devices-file "$csv" --devices 19500 --target gateway --rounds 3 --interval 6s --qos 1 \
      --connect-rate 2000 --connect-deadline 240s --warmup 30s --duration 60s --command-rate 10 \
      --report "$out/design-load.json"
    stop_gateway
    ;;
  failover)
    data=$(realpath "$1"); csv=$2; out=$3; mkdir -p "$out"
    for round in 1 2 3; do
      load-tests/bench/failover.sh "$data" "$csv" 10000 3s
      mv "$data/failover.json" "$out/round-$round.json"
      sleep 5
    done
    java -jar "$load" report "$out"/round-*.json --out "$out/failover.json"
    ;;
  calibrate)
    data=$(realpath "$1"); out=$2; mkdir -p "$out"
    start_gateway "$data" "$out/gateway.log"
    pg_port=$(sed -n 4p "$data/postgres/postmaster.pid")
    java -Xmx3g -jar "$load" calibrate --jdbc-url "jdbc:postgresql://127.0.0.1:$pg_port/upsfleet" \
      --jdbc-user upsfleet --jdbc-password upsfleet --devices 2000 --warmup 10s --duration 20s \
      --report "$out/calibration.json"
    stop_gateway
    java -jar "$load" report --markdown "$out/calibration.json"
    ;;
  ladder)
    data=$(realpath "$1"); csv=$2; out=$3; devices=${4:-2000}; mkdir -p "$out"
    start_gateway "$data" "$out/gateway.log"
    java -Xmx3g -jar "$load" ladder --gateway http://127.0.0.1:38080 --mqtt 127.0.0.1:31883 --gateway-pid "$gw" \
      --devices-file "$csv" --devices "$devices" --target "${UPSFLEET_LADDER_TARGET:-both}" --qos 1 \
      --rates "${UPSFLEET_LADDER_RATES:-1000,2000,3000,4000,6000,8000,10000,12000,16000}" --p99-limit 20ms \
      --warmup "${UPSFLEET_LADDER_WARMUP:-20s}" --duration 40s \
      --report "$out/ladder.json"
    stop_gateway
    java -jar "$load" report --markdown "$out/ladder.json"
    ;;
  soak)
    data=$(realpath "$1"); csv=$2; out=$3; devices=$4; rate=$5; minutes=${6:-60}; mkdir -p "$out"
    interval_ms=$((devices * 1000 / rate))
    java_opts="$java_opts -Xlog:gc:file=$out/gc.log:uptime"
    start_gateway "$data" "$out/gateway.log"
    # Every 30 s: open descriptors, resident memory and the heap after the latest completed ZGC cycle.
    (
      while kill -0 "$gw" 2> /dev/null; do
        after=$(grep -o 'Garbage Collection ([A-Za-z ]*) [0-9]*M([0-9]*%)->[0-9]*M' "$out/gc.log" 2> /dev/null \
          | tail -1 | sed 's/.*->//')
        echo "$(date -u +%H:%M:%S) fds=$(ls /proc/"$gw"/fd | wc -l) rss_kb=$(awk '/VmRSS/ {print $2}' /proc/"$gw"/status)" \
          "heap_after_gc=${after:-none}"
        sleep 30
      done
    ) > "$out/gateway-samples.txt" 2>&1 &
    harness "$data" --devices-file "$csv" --devices "$devices" --target gateway --rounds 1 \
      --interval "${interval_ms}ms" --qos 1 --connect-rate 2000 --warmup 60s --duration "${minutes}m" \
      --report "$out/soak.json"
    stop_gateway
    java -jar "$load" report --slices 5m "$out/soak.json" | tee "$out/soak-slices.md"
    ;;
  *)
    echo "unknown scenario $scenario" >&2; exit 2
    ;;
esac
