#!/usr/bin/env bash
# Starts the image tarball as a container runtime would, without one (no Docker here): its layers unpacked
# in order into a root file system, its entrypoint and command run there (chroot, in new mount and PID
# namespaces with /proc mounted; as the image's user 65532 when run as root, else in a user namespace), as a
# production node with certificates made for the check and a database that does not answer yet. Passes when
# /health/alive answers 200 from the unpacked file system, which proves the runtime, its C library, the
# application layers and the entrypoint. Usage: deploy/image/check.sh [gateway/target/upsfleet-image.tar]
set -euo pipefail
tar=${1:-gateway/target/upsfleet-image.tar}
jar=gateway/target/upsfleet-gateway.jar
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/image" "$work/root"
tar xf "$tar" -C "$work/image" --warning=no-unknown-keyword
for layer in $(grep -o '[0-9a-f]\{64\}\.tar\.gz' "$work/image/manifest.json"); do
  tar xzf "$work/image/$layer" -C "$work/root" --warning=no-unknown-keyword
done
config=$(cat "$work/image/config.json")
list() { echo "$config" | sed -n "s/.*\"$1\":\[\([^]]*\)\].*/\1/p" | tr -d '"' | tr ',' ' '; }
entrypoint=$(list Entrypoint)
cmd=$(list Cmd)
user=$(echo "$config" | sed -n 's/.*"User":"\([^"]*\)".*/\1/p')
echo "image: entrypoint [$entrypoint] command [$cmd] user [$user]"
[ "$user" = "65532:65532" ] || { echo "FAIL: the image does not run as the non-root user 65532" >&2; exit 1; }
# A production node needs its certificates (made here, readable by the image's user).
java -jar "$jar" certificates "$work/root/data/certs" node-1 > /dev/null
chmod -R a+rX "$work/root/data/certs"
port=$(( 20000 + RANDOM % 20000 ))
env_vars=(UPSFLEET_DATA_DIR=/data UPSFLEET_HTTP_PORT=$port UPSFLEET_HTTP_HOST=127.0.0.1
  UPSFLEET_MQTT_TLS_PORT=0 UPSFLEET_HTTPS_PORT=0 UPSFLEET_CLUSTER_PORT=0
  UPSFLEET_DB_URL=jdbc:postgresql://127.0.0.1:1/none
  UPSFLEET_TLS_CERT=/data/certs/server.pem UPSFLEET_TLS_KEY=/data/certs/server-key.pem
  UPSFLEET_CLUSTER_TLS_CERT=/data/certs/node-1.pem UPSFLEET_CLUSTER_TLS_KEY=/data/certs/node-1-key.pem
  UPSFLEET_CLUSTER_TLS_CA=/data/certs/ca.pem)
mkdir -p "$work/root/proc"
if [ "$(id -u)" = 0 ]; then
  as=(chroot --userspec="$user" "$work/root")
  ns=(unshare --kill-child --mount --pid --fork --mount-proc="$work/root/proc")
else
  as=(chroot "$work/root")
  ns=(unshare --kill-child --user --map-root-user --mount --pid --fork --mount-proc="$work/root/proc")
fi
# shellcheck disable=SC2086
# A runtime gives the container /dev (the JVM seeds SecureRandom from /dev/urandom): bind it, as it would.
mkdir -p "$work/root/dev"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env_vars[@]}" "${ns[@]}" /bin/sh -c \
  'mount --rbind /dev "$0/dev" && exec "$@"' "$work/root" "${as[@]}" $entrypoint $cmd \
  > "$work/node.log" 2>&1 &
pid=$!
for _ in $(seq 90); do
  status=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" &&
    printf 'GET /health/alive HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 &&
    head -1 <&3 | tr -d '\r') 2>/dev/null || true)
  if [ -n "$status" ]; then
    if [ "$(echo "$status" | cut -d' ' -f2)" = 200 ]; then
      echo "PASS: the node in the image answered /health/alive: $status"
      exit 0
    fi
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "FAIL: no /health/alive 200 from the image's node; its output:" >&2
tail -40 "$work/node.log" >&2
exit 1
