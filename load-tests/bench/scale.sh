#!/usr/bin/env bash
# S1-S4 at scale (PERFORMANCE.md), one round per gateway start, so every round begins with a reconnect storm
# against existing journals on a cold JVM:
#   S1 every device connects at --connect-rate (CONNACK latency, time until all are attached, heap per device),
#   S2 steady telemetry at the design-point rate (DEVICES / INTERVAL msg/s) for 120 s after a 60 s warm-up,
#   S4 command round trips through the API during S2, and
#   S3 an outage wave (10 % of the fleet on battery at once) afterwards.
#
#   load-tests/bench/scale.sh DATA_DIR DEVICES_CSV [DEVICES] [INTERVAL] [ROUNDS] [OUT_DIR]
#
# DATA_DIR is a demo data directory whose database holds the devices of DEVICES_CSV. Needs the open-file limit
# to exceed DEVICES (ulimit -n) for both the gateway and the simulator.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=$(realpath "$1"); devices_csv=$2; devices=${3:-19500}; interval=${4:-6s}; rounds=${5:-3}
out=${6:-$data/scale}
mkdir -p "$out"
jar=gateway/target/upsfleet-gateway.jar
load=load-tests/target/upsfleet-load.jar
gw=
trap '[ -n "$gw" ] && kill $gw 2>/dev/null; wait 2>/dev/null || true' EXIT
for round in $(seq "$rounds"); do
  UPSFLEET_DATA_DIR="$data" UPSFLEET_HTTP_PORT=38080 UPSFLEET_MQTT_PORT=31883 \
    java ${UPSFLEET_JAVA_OPTS:--Xms2g -Xmx4g -XX:+UseZGC} -jar "$jar" demo > "$out/gateway-$round.log" 2>&1 &
  gw=$!
  for _ in $(seq 120); do curl -sf http://127.0.0.1:38080/health/ready > /dev/null && break; sleep 1; done
  java -Xmx3g -jar "$load" run --devices-file "$devices_csv" --devices "$devices" \
    --gateway http://127.0.0.1:38080 --password "$(cat "$data/support-password.txt")" --mqtt 127.0.0.1:31883 \
    --gateway-pid "$gw" --interval "$interval" --qos 1 --connect-rate 2000 --warmup 60s --duration 120s \
    --command-rate 10 --outage-share 0.1 --outage-duration 60s --report "$out/round-$round.json"
  kill "$gw"; wait "$gw" || true; gw=
done
java -jar "$load" report "$out"/round-*.json --out "$out/scale.json" --html "$out/scale.html"
