set -u
B=http://127.0.0.1:28080
PW=$(cat /tmp/demo12/support-password.txt)
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d "{\"username\":\"support\",\"password\":\"$PW\"}" $B/api/v1/auth/token | jq -r .token)
ACCOUNT=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts" | jq -r '.items[0].id')
echo "account: $ACCOUNT"
for r in my-inventory my-renewals; do for f in csv xlsx; do
  curl -s -D $r.$f.headers -o $r.$f -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts/$ACCOUNT/reports/$r.$f"
  echo "$r.$f: $(head -1 $r.$f.headers | tr -d '\r') $(grep -i '^content-type' $r.$f.headers | tr -d '\r') $(wc -c < $r.$f) bytes"
done; done
echo "--- my-inventory.csv (first 4 lines)"; head -4 my-inventory.csv
echo "--- my-renewals.csv (first 3 lines)"; head -3 my-renewals.csv
SERIAL=$(sed -n 2p my-inventory.csv | cut -d, -f1)
echo "--- the API's view of $SERIAL"
curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/devices/$SERIAL" | jq -c '{serial,model,health,status,firmware,firmwareAvailable,load:.telemetry.values["ups.load"],charge:.telemetry.values["battery.charge"],plan:.plan.plan}'
curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/devices/$SERIAL/plan" | jq -c '{coveredUntil,warrantyEnds,batteryWarrantyEnds}'
echo "--- filters: plan=ADVANCED"; curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts/$ACCOUNT/reports/my-renewals.csv?plan=ADVANCED" | cut -d, -f1,4,5
echo "--- another account's report as a customer of this one"
OTHER=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts" | jq -r '.items[1].id')
curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"username":"byhand-viewer","password":"a-long-password-123","role":"ACCOUNT_VIEWER"}' "$B/api/v1/accounts/$ACCOUNT/users"
CT=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"byhand-viewer","password":"a-long-password-123"}' $B/api/v1/auth/token | jq -r .token)
echo "own account: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CT" "$B/api/v1/accounts/$ACCOUNT/reports/my-inventory.csv")  other account: $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CT" "$B/api/v1/accounts/$OTHER/reports/my-inventory.csv")"
