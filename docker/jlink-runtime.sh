#!/usr/bin/env bash
# Builds Outrigger's runtime image layout: a jlink'd Java runtime holding only the modules the jars
# need (jdeps), the jars, the JVM options and an AOT cache from a training run (JDK 25, JEP 514/515).
# docker/Dockerfile.proxy runs exactly this script; run it locally to get the same tree:
#
#   docker/jlink-runtime.sh OUT_DIR [TRAINING_ADMIN_PORT TRAINING_LISTENER_PORT]
#
# Needs: JAVA_HOME (a JDK 25 with jmods or a linkable runtime), proxy-core/target/outrigger.jar and
# proxy-core/target/lib/ (./mvnw -pl proxy-core -am package). OUT_DIR gets:
#   java/            the runtime           outrigger.jar, lib/   the proxy
#   jvm.options      the JVM defaults (an @argfile)   outrigger.aot  the AOT cache
# Run it as:  OUT_DIR/java/bin/java @OUT_DIR/jvm.options -XX:AOTCache=OUT_DIR/outrigger.aot -jar OUT_DIR/outrigger.jar -c ...
# The cache is only valid with the same jar paths, so build it where the runtime will live.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${1:?usage: jlink-runtime.sh OUT_DIR [TRAINING_ADMIN_PORT TRAINING_LISTENER_PORT]}"
admin_port="${2:-15000}"
listener_port="${3:-15999}"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
# OUTRIGGER_JAR / OUTRIGGER_LIB: another build of the same jar and its runtime dependencies (tests).
jar="${OUTRIGGER_JAR:-$root/proxy-core/target/outrigger.jar}"
lib="${OUTRIGGER_LIB:-$root/proxy-core/target/lib}"
# Found by reflection or service loading, which jdeps cannot see: Netty's Unsafe access and the
# JMX-backed JVM metrics (micrometer), DNS resolution via JNDI fallback.
extra_modules="jdk.unsupported,java.management,jdk.management,jdk.naming.dns"

[[ -f "$jar" && -d "$lib" ]] || { echo "jlink-runtime: $jar or $lib missing: run ./mvnw -pl proxy-core -am package" >&2; exit 1; }
[[ -x "$jdk/bin/jlink" ]] || { echo "jlink-runtime: no jlink in $jdk (set JAVA_HOME to a JDK 25)" >&2; exit 1; }
[[ ! -e "$out/java" ]] || { echo "jlink-runtime: $out/java exists; use an empty directory" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"

modules="$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps "$jar" "$lib"/*.jar 2>/dev/null)"
modules="$(printf '%s\n' "${modules//,/$'\n'}" "${extra_modules//,/$'\n'}" | sort -u | paste -sd, -)"
echo "jlink-runtime: modules $modules" >&2
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$out/java"

cp "$jar" "$out/outrigger.jar"
cp -r "$lib" "$out/lib"
cp "$here/jvm.options" "$out/jvm.options"

# Training run: start, wait for LIVE, relay a few connections, then POST /quitquitquit so the JVM
# exits normally and writes the cache. Plain bash /dev/tcp: the build stage needs no curl.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -e "s/@ADMIN_PORT@/$admin_port/g" -e "s/@LISTENER_PORT@/$listener_port/g" "$here/aot-training.yaml" > "$work/training.yaml"

http() { # http METHOD PORT PATH -> prints the status line, or nothing
  local line=""
  if { exec 3<>"/dev/tcp/127.0.0.1/$2"; } 2>/dev/null; then
    printf '%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$3" >&3
    IFS= read -r -t 5 line <&3 || true
    exec 3<&- 3>&-
  fi
  printf '%s' "${line%$'\r'}"
}

"$out/java/bin/java" "@$out/jvm.options" -XX:AOTCacheOutput="$out/outrigger.aot" \
  -jar "$out/outrigger.jar" -c "$work/training.yaml" --log-level warning > "$work/training.log" 2>&1 &
pid=$!
ready=""
for _ in $(seq 1 600); do
  if [[ "$(http GET "$admin_port" /ready)" == *" 200 "* ]]; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$ready" ]]; then
  kill "$pid" 2>/dev/null || true
  echo "jlink-runtime: the training run never became ready:" >&2
  cat "$work/training.log" >&2
  exit 1
fi
for path in /ready /stats /stats/prometheus /clusters /server_info /config_dump; do
  http GET "$listener_port" "$path" > /dev/null   # through tcp_proxy
done
http POST "$admin_port" /quitquitquit > /dev/null
wait "$pid" || { echo "jlink-runtime: the training run did not exit cleanly:" >&2; cat "$work/training.log" >&2; exit 1; }
[[ -s "$out/outrigger.aot" ]] || { echo "jlink-runtime: no AOT cache written:" >&2; cat "$work/training.log" >&2; exit 1; }
echo "jlink-runtime: $(du -sh "$out/java" | cut -f1) runtime, $(du -sh "$out/outrigger.aot" | cut -f1) AOT cache in $out" >&2
