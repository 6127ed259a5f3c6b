#!/usr/bin/env bash
# The base of the upsfleet image, made offline: a jlink'd Java runtime in /opt/java, the C library and the
# dynamic loader it needs (copied from this machine, as ldd lists them), /etc/passwd with the non-root user
# `upsfleet` (uid 65532), and writable /tmp and /data. Jib puts the application on top (`./mvnw -Pimage
# package`). Users who can pull images build on `eclipse-temurin:17-jre` instead (see README, "Image").
# Usage: assemble-rootfs.sh OUTPUT_DIR
set -euo pipefail
out=$1
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.security.jgss,java.security.sasl,jdk.crypto.ec,jdk.unsupported,jdk.management,jdk.jfr,jdk.naming.dns
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/data"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$out/opt/java"
# Every shared library the runtime links against, and the loader, at the same paths as here.
{
  for f in "$out/opt/java/bin/java" $(find "$out/opt/java/lib" -name '*.so'); do
    ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/.*ld-linux/ {print $1}'
  done
} | sort -u | while read -r lib; do
  [ -f "$lib" ] || continue
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# The loader is found by its canonical path.
loader=$(readlink -f /lib64/ld-linux-x86-64.so.2)
mkdir -p "$out/lib64" "$out$(dirname "$loader")"
cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/ld-linux-x86-64.so.2"
echo 'root:x:0:0:root:/root:/sbin/nologin' > "$out/etc/passwd"
echo 'upsfleet:x:65532:65532:upsfleet:/data:/sbin/nologin' >> "$out/etc/passwd"
printf 'root:x:0:\nupsfleet:x:65532:\n' > "$out/etc/group"
chmod 1777 "$out/tmp"
chmod 0777 "$out/data"
echo "rootfs in $out: $(du -sh "$out" | cut -f1)"
