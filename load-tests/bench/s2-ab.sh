#!/usr/bin/env bash
# S2 A/B (BENCHMARKS.md, "S2 side by side"): the parent of issue 10 (f362f0b, built in /work/wt-base) and main,
# each on its own 10k-device demo data directory with devices.csv beside it (from `provision`), one round each.
# Paths are those of the 2026-12-06 run; adapt them.
set -u
run() { # name datadir gatewayjar loadjar
  local name=$1 data=$2 gw=$3 load=$4
  cd "$(dirname "$data")"
  UPSFLEET_DATA_DIR=$data UPSFLEET_HTTP_PORT=38080 UPSFLEET_MQTT_PORT=31883 UPSFLEET_MQTT_TLS_PORT=38883 UPSFLEET_HTTPS_PORT=38443 \
    java -Xms2g -Xmx4g -XX:+UseZGC -jar "$gw" demo > "$name-gw.log" 2>&1 &
  local pid=$!
  for _ in $(seq 120); do curl -sf http://127.0.0.1:38080/health/ready > /dev/null && break; sleep 1; done
  sleep 20
  java -Xmx2g -jar "$load" run --devices-file devices.csv --mqtt 127.0.0.1:31883 --gateway http://127.0.0.1:38080 \
    --gateway-pid $pid --target gateway --rounds 1 --interval 1s --qos 1 --warmup 60s --duration 120s \
    --connect-rate 2000 --report "$name-s2.json" > "$name-run.log" 2>&1
  kill $pid; wait $pid 2>/dev/null
  sleep 5
  tail -4 "$name-run.log"
}
echo "== base f362f0b"; run base /tmp/b4/data /work/wt-base/gateway/target/upsfleet-gateway.jar /work/main/load-tests/target/upsfleet-load.jar
echo "== main"; run main /tmp/b3/data /work/main/gateway/target/upsfleet-gateway.jar /work/main/load-tests/target/upsfleet-load.jar
