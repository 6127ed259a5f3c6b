#!/usr/bin/env bash
# Issue 10, acceptance 2, tried by hand against a running `./upsfleet demo` (needs curl, python3 and
# Debian's mosquitto-clients): 5 000 operations to one offline device: the excess is refused with 429,
# every accepted one is delivered exactly once after connect, in order, with no SENT that did not
# leave; then an older sample after a newer one changes nothing.
#   UPSFLEET_DATA_DIR=/tmp/demo UPSFLEET_HTTP_PORT=18080 UPSFLEET_MQTT_PORT=11883 ./upsfleet demo &
#   docs/checks/issue-10-by-hand.sh 18080 11883 "$(cat /tmp/demo/support-password.txt)"
set -euo pipefail
http=${1:-8080}; mqtt=${2:-1883}; password=${3:?support password}
api="http://127.0.0.1:$http/api/v1"
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -sf "$api/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\":\"support\",\"password\":\"$password\"}" | json "['token']")
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
account=$(curl -sf "$api/accounts" "${auth[@]}" -d "{\"name\":\"Hand check $(date +%s)\"}" | json "['id']")
serial="HC$(date +%s)"
secret=$(curl -sf "$api/devices" "${auth[@]}" \
  -d "{\"serial\":\"$serial\",\"model\":\"SMT1500C\",\"accountId\":\"$account\"}" | json "['secret']")
echo "device $serial registered (offline)"

: > /tmp/hc-accepted.txt
declare -A codes=()
for i in $(seq 1 5000); do
  out=$(curl -s -o /tmp/hc-body.json -w '%{http_code}' "$api/devices/$serial/commands" "${auth[@]}" \
    -d '{"type":"SELF_TEST","ttlSeconds":3600}')
  codes[$out]=$(( ${codes[$out]:-0} + 1 ))
  [[ $out == 202 ]] && json "['id']" < /tmp/hc-body.json >> /tmp/hc-accepted.txt
  [[ $out == 429 && ${codes[429]} == 1 ]] && echo "first refusal: $(cat /tmp/hc-body.json)"
done
for c in "${!codes[@]}"; do echo "HTTP $c: ${codes[$c]}"; done
echo "statuses before connect: $(curl -sf "$api/devices/$serial/commands?size=200" "${auth[@]}" \
  | json "['items']" | tr -d "'" | grep -o "status: [A-Z_]*" | sort | uniq -c | tr '\n' ' ')"

# The device connects and subscribes; mosquitto_sub acknowledges each QoS 1 publish.
timeout 20 mosquitto_sub -h 127.0.0.1 -p "$mqtt" -i "$serial" -u "$serial" -P "$secret" -q 1 \
  -t "ups/$serial/commands" > /tmp/hc-received.json || true
python3 - "$serial" <<'PY'
import json
accepted = open('/tmp/hc-accepted.txt').read().split()
received = [json.loads(l)['id'] for l in open('/tmp/hc-received.json') if l.strip()]
print(f"accepted {len(accepted)}, received {len(received)}, distinct {len(set(received))}")
print("exactly once, in order:", received == accepted)
PY
curl -sf "$api/devices/$serial/commands?size=200" "${auth[@]}" | python3 -c "
import json,sys,collections; items=json.load(sys.stdin)['items']
print('statuses after connect:', dict(collections.Counter(i['status'] for i in items)))
print('SENT without sentAt:', sum(1 for i in items if i['status']!='PENDING' and not i.get('sentAt')))"

# Ordering: seq 10 (OL, firmware 09.3) then an older seq 5 (OB, firmware 09.1, older ts).
pub() { mosquitto_pub -h 127.0.0.1 -p "$mqtt" -i "$serial" -u "$serial" -P "$secret" -q 1 \
  -t "ups/$serial/telemetry" -m "$1"; }
pub '{"ts":"2026-12-06T10:00:10Z","seq":10,"ups.status":"OL","ups.firmware":"UPS 09.3 / ID=18"}'
pub '{"ts":"2026-12-06T10:00:05Z","seq":5,"ups.status":"OB DISCHRG","ups.firmware":"UPS 09.1 / ID=18"}'
sleep 2
curl -sf "$api/devices/$serial" "${auth[@]}" | python3 -c "
import json,sys; d=json.load(sys.stdin); print('device view after the older sample:', d.get('status'), d.get('firmware'))"
curl -sf "$api/devices/$serial/events?size=100" "${auth[@]}" | python3 -c "
import json,sys; e=json.load(sys.stdin); types=[i['type'] for i in e['items']]
print('ON_BATTERY logged:', 'ON_BATTERY' in types, '| FIRMWARE_UPDATED logged:', 'FIRMWARE_UPDATED' in types)"
