#!/usr/bin/env bash
# S2 A/B in three alternating rounds (BENCHMARKS.md, "S2 side by side, three rounds"): A = the parent of issue 10
# (f362f0b, built in a worktree), B = main; each on its own 10k-device demo data directory with devices.csv beside
# it (from `provision`), the gateway restarted before every run (cold entities), the same harness for both.
# Usage: s2-ab3.sh A_DATA_DIR A_GATEWAY_JAR B_DATA_DIR B_GATEWAY_JAR LOAD_JAR OUT_DIR
set -u
A_DATA=$1 A_JAR=$2 B_DATA=$3 B_JAR=$4 LOAD=$5 OUT=$6
mkdir -p "$OUT"
run() { # name datadir gatewayjar
  local name=$1 data=$2 gw=$3
  UPSFLEET_DATA_DIR=$data UPSFLEET_HTTP_PORT=38080 UPSFLEET_MQTT_PORT=31883 UPSFLEET_MQTT_TLS_PORT=38883 \
    UPSFLEET_HTTPS_PORT=38443 UPSFLEET_NUT_PORT=0 \
    java -Xms2g -Xmx4g -XX:+UseZGC -jar "$gw" demo > "$OUT/$name-gw.log" 2>&1 &
  local pid=$!
  for _ in $(seq 120); do curl -sf http://127.0.0.1:38080/health/ready > /dev/null && break; sleep 1; done
  sleep 20
  java -Xmx2g -jar "$LOAD" run --devices-file "$(dirname "$data")/devices.csv" --mqtt 127.0.0.1:31883 \
    --gateway http://127.0.0.1:38080 --password "$(cat "$data/support-password.txt")" \
    --gateway-pid $pid --target gateway --rounds 1 --interval 1s --qos 1 --warmup 60s --duration 120s \
    --connect-rate 2000 --report "$OUT/$name-s2.json" > "$OUT/$name-run.log" 2>&1
  kill $pid; wait $pid 2>/dev/null
  sleep 5
  echo "== $name"; tail -4 "$OUT/$name-run.log"
}
for round in 1 2 3; do
  run "A-round$round" "$A_DATA" "$A_JAR"
  run "B-round$round" "$B_DATA" "$B_JAR"
done
