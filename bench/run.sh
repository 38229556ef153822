#!/usr/bin/env bash
# ORMDB side-by-side benchmarks. See bench/README.md.
#
#   bench/run.sh quick [--jfr] [options]   about 5 minutes on 2 cores
#   bench/run.sh full  [--jfr] [options]   about 30 minutes
#   bench/run.sh jmh   [JMH options]       the JMH micro-benchmarks (ORMDB vs raw MVStore)
#
# Options for quick/full: --jfr (record the ORMDB children with Flight Recorder), --only=point,graph3,
# --reps=N, --warmup-ms=N, --measure-ms=N, --seed=N, --note="text for the report header",
# --baseline=bench/results/<earlier>.json (compare ORMDB's read medians with an earlier report).
# BENCH_SKIP_BUILD=1 skips the Maven build.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
mode="${1:-quick}"

case "$mode" in
  quick|full|smoke|jmh) ;;
  *) echo "usage: bench/run.sh quick|full|jmh [options]" >&2; exit 2 ;;
esac

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "building the bench module and what it needs (mvn package -pl bench -am) ..." >&2
  build=(mvn -B -q -DskipTests -Dspotless.check.skip=true -f "$root/pom.xml" package -pl bench -am)
  # Offline first; fall back to the network when an artifact is not in the local repository yet.
  "${build[@]}" -o >/dev/null 2>&1 || "${build[@]}"
fi

target="$here/target"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ "$mode" == jmh ]]; then
  shift || true
  exec "$java_bin" -cp "$target/classes:$(cat "$target/classpath-ormdb.txt")" \
    org.openjdk.jmh.Main 'io\.ormdb\.bench\.jmh\..*' "$@"
fi

exec "$java_bin" -Xmx512m -Dbench.home="$here" \
  -cp "$target/classes:$(cat "$target/classpath-base.txt")" \
  io.ormdb.bench.BenchMain "$@"
