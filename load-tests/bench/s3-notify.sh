#!/usr/bin/env bash
# S3 with notifications on (issue 11's benchmark; BENCHMARKS.md, "How each row was obtained"): the fleet at the
# design-point rate (one sample per device every 6 s), then 10 % of it loses mains at once for 60 s. The harness
# puts the devices in SITES sites of their accounts first (once per database: later runs find them placed),
# runs a signed-webhook receiver on loopback and creates, per account, a WEBHOOK destination to it and a policy
# for ON_BATTERY / POWER_RESTORED on all devices (deleted again at the end). It reports, per device of the wave,
# the time from its on-battery sample to the first message that covers it (p50 / p99 / max, never covered),
# messages per site and the most incident messages of one site within a minute, duplicates and bad signatures.
# Mains is quiet apart from the wave (--quiet-mains): the simulator's realistic brownouts, ~10 a second at
# 19 500 devices, would keep every site's incident open and the wave would only update them.
#
#   load-tests/bench/s3-notify.sh DATA_DIR DEVICES_CSV [DEVICES] [SITES] [ROUNDS] [OUT_DIR]
#
# DATA_DIR is a demo data directory whose database holds the devices of DEVICES_CSV (from `provision`). One
# gateway start per round. The gateway runs with UPSFLEET_NOTIFY_ALLOW_LOOPBACK=true (unsafe outside tests and
# the demo: the receiver is http on 127.0.0.1) and a raised API rate limit for the harness's one-off placement
# of devices in sites (one PATCH per device; 50/s per user by default). Ports: HTTP_PORT, MQTT_PORT,
# RECEIVER_PORT (default 38080, 31883, 38099); WARMUP and DURATION (default 60s each) set the steady window
# before the wave.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(realpath "$1"); devices_csv=$2; devices=${3:-19500}; sites=${4:-100}; rounds=${5:-1}
out=${6:-$data/s3-notify}
http_port=${HTTP_PORT:-38080}; mqtt_port=${MQTT_PORT:-31883}; receiver_port=${RECEIVER_PORT:-38099}
mkdir -p "$out"
jar=gateway/target/upsfleet-gateway.jar
load=load-tests/target/upsfleet-load.jar
gw=
trap '[ -n "$gw" ] && kill $gw 2>/dev/null; wait 2>/dev/null || true' EXIT
for round in $(seq "$rounds"); do
  UPSFLEET_DATA_DIR="$data" UPSFLEET_HTTP_PORT=$http_port UPSFLEET_MQTT_PORT=$mqtt_port \
    UPSFLEET_MQTT_TLS_PORT=${MQTT_TLS_PORT:-38883} UPSFLEET_HTTPS_PORT=${HTTPS_PORT:-38443} \
    UPSFLEET_NOTIFY_ALLOW_LOOPBACK=true \
    java ${UPSFLEET_JAVA_OPTS:--Xms2g -Xmx4g -XX:+UseZGC} \
    -Dupsfleet.gateway.http.requests-per-second=2000 -Dupsfleet.gateway.http.burst=2000 \
    -jar "$jar" demo > "$out/gateway-$round.log" 2>&1 &
  gw=$!
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$http_port/health/ready" > /dev/null && break; sleep 1; done
  java -Xmx3g -jar "$load" run --devices-file "$devices_csv" --devices "$devices" \
    --gateway "http://127.0.0.1:$http_port" --password "$(cat "$data/support-password.txt")" \
    --mqtt "127.0.0.1:$mqtt_port" --gateway-pid "$gw" --interval 6s --qos 1 --connect-rate 2000 \
    --warmup "${WARMUP:-60s}" --duration "${DURATION:-60s}" --quiet-mains \
    --outage-share 0.1 --outage-duration 60s --notify --sites "$sites" --notify-port "$receiver_port" \
    --report "$out/round-$round.json"
  kill "$gw"; wait "$gw" || true; gw=
done
if [ "$rounds" -gt 1 ]; then
  java -jar "$load" report "$out"/round-*.json --out "$out/s3-notify.json"
fi
