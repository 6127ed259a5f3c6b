set -u
B=http://127.0.0.1:28090
PW=$(cat /tmp/demo12b/support-password.txt)
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d "{\"username\":\"support\",\"password\":\"$PW\"}" $B/api/v1/auth/token | jq -r .token)
ACCOUNT=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts" | jq -r '.items[0].id')
OTHER=$(curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts" | jq -r '.items[1].id')
echo "== the account names its reseller"
curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"email":"renewals@reseller.example"}' "$B/api/v1/accounts/$ACCOUNT/reseller" | jq -c .
sleep 3
MAIL=$(grep -l 'renewals@reseller.example' /tmp/demo12b/mail/*.eml | head -1)
echo "== the invitation e-mail ($MAIL)"; grep -v '^$' "$MAIL" | grep -E '^(To|Subject):|code|http' | head -6
CODE=$(grep -A2 'single-use code:' "$MAIL" | tail -1 | tr -d ' \r')
echo "== the reseller accepts"
curl -s -X POST -H 'Content-Type: application/json' -d "{\"code\":\"$CODE\",\"password\":\"reseller-password-1\"}" "$B/api/v1/reseller/accept" | jq -c '{status,acceptedAt}'
echo "== accepting twice"
curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' -d "{\"code\":\"$CODE\",\"password\":\"reseller-password-1\"}" "$B/api/v1/reseller/accept"
RT=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"renewals@reseller.example","password":"reseller-password-1"}' $B/api/v1/auth/token | jq -r .token)
echo "== the reseller's accounts"; curl -s -H "Authorization: Bearer $RT" "$B/api/v1/reseller/accounts" | jq -c '[.[] | {accountId,status,consentedBy}]'
echo "== MyRenewals as the reseller (first 3 lines)"; curl -s -H "Authorization: Bearer $RT" "$B/api/v1/reseller/accounts/$ACCOUNT/reports/my-renewals.csv" | head -3
SERIAL=$(curl -s -H "Authorization: Bearer $RT" "$B/api/v1/reseller/accounts/$ACCOUNT/reports/my-renewals.csv" | sed -n 2p | cut -d, -f1)
echo "== what the reseller may not reach"
for p in "/api/v1/devices" "/api/v1/devices/$SERIAL" "/api/v1/devices/$SERIAL/telemetry" "/api/v1/devices/$SERIAL/events" "/api/v1/accounts/$ACCOUNT/reports/my-inventory.csv" "/api/v1/reseller/accounts/$ACCOUNT/reports/my-inventory.csv" "/api/v1/reseller/accounts/$OTHER/reports/my-renewals.csv"; do
  echo "GET $p -> $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RT" "$B$p")"; done
echo "POST /api/v1/devices/$SERIAL/commands -> $(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $RT" -H 'Content-Type: application/json' -d '{"type":"SELF_TEST"}' "$B/api/v1/devices/$SERIAL/commands")"
echo "== the account revokes"
curl -s -o /dev/null -w '%{http_code}\n' -X DELETE -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts/$ACCOUNT/reseller"
curl -s -H "Authorization: Bearer $TOKEN" "$B/api/v1/accounts/$ACCOUNT/reseller" | jq -c '{status,revokedBy,revokedAt}'
echo "== the reseller afterwards"
curl -s -H "Authorization: Bearer $RT" "$B/api/v1/reseller/accounts" | jq -c .
echo "GET my-renewals.csv -> $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RT" "$B/api/v1/reseller/accounts/$ACCOUNT/reports/my-renewals.csv")"
