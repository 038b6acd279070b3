# Sourced by the benchmark scripts: finds JDK 25+ and the benchmarks jar.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BENCH_JAR="$BENCH_DIR/target/benchmarks.jar"

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'
}

pick_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    local v
    v="$(java_major "$JAVA_HOME")"
    if [[ "${v%%.*}" =~ ^[0-9]+$ && "${v%%.*}" -ge 25 ]]; then
      JAVA="$JAVA_HOME/bin/java"
      return
    fi
  fi
  if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    JAVA="$JAVA_HOME/bin/java"
    return
  fi
  echo "error: JDK 25 or newer is required: set JAVA_HOME (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
  exit 1
}

ensure_jar() {
  if [[ ! -f "$BENCH_JAR" ]]; then
    echo "building $BENCH_JAR ..." >&2
    (cd "$REPO_DIR" && ./mvnw -o -B -q -pl benchmarks package -DskipTests) || {
      echo "error: could not build the benchmarks jar; run: ./mvnw -B -pl benchmarks -am package -DskipTests" >&2
      exit 1
    }
  fi
}

run_main() {
  local main="$1"
  shift
  pick_java
  ensure_jar
  # Run from a private copy: a rebuild of the benchmarks jar during a long run must not pull
  # classes out from under it.
  BENCH_RUN_JAR="$(mktemp --suffix=.jar /tmp/outrigger-bench-XXXXXX)"
  cp "$BENCH_JAR" "$BENCH_RUN_JAR"
  trap 'rm -f "$BENCH_RUN_JAR"' EXIT
  # Word splitting of BENCH_JAVA_OPTS is intended: it is a list of JVM flags.
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} -cp "$BENCH_RUN_JAR" "$main" "$@"
}
