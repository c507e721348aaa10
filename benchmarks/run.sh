#!/usr/bin/env bash
# Runs the JMH suite and regenerates the report from its JSON result.
#
#   benchmarks/run.sh smoke   # CI: every benchmark once, in-process, short; report into benchmarks/target (< 2 min)
#   benchmarks/run.sh full    # people: the full suite (about 4 hours on 2 cores: 3 forks of the headline pairs and the
#                             # throughput curve, each warmed up until its JIT settles); writes BENCHMARKS.md + .svg
#   benchmarks/run.sh report  # only regenerate BENCHMARKS.md + BENCHMARKS.svg from benchmarks/results/full-run.json
#
# Beside JMH's JSON the benchmarks write a sidecar file (<result>-extra.jsonl: steady-state warm-ups, per-iteration
# operations and CPU time by process group, the pgbench / redis-benchmark ceilings); the report reads both.
# Knobs (environment, inherited by JMH's forks): SKYRIFF_BENCH_SETTLE_MAX_S (bound of the steady-state warm-up, default
# 240), SKYRIFF_BENCH_CEILING_S (seconds per C-tool run, default 10), SKYRIFF_BENCH_CEILING_CLIENTS (default 1,8,32),
# SKYRIFF_BENCH_PGBENCH_SCALE (default 10).
#
# benchmarks/results/conditions.txt, if present, is a sentence on the conditions of the full run (other load, where
# it ran) written by whoever ran it; the report quotes it.
# If benchmarks/results/before.json exists (an earlier result, taken before a change to the layer) with a one-line
# description of the change in benchmarks/results/before.txt, the report adds a before/after table.
#
# Extra arguments go to Maven, e.g. benchmarks/run.sh full -Djmh.benchmarks=PointRead
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-smoke}
shift || true

environment() {  # the machine and what else was running, for the report's "conditions"
  echo "captured: $1 the run, $(date -u '+%Y-%m-%d %H:%M UTC')"
  if [ "$1" = before ] && git rev-parse --short HEAD >/dev/null 2>&1; then
    echo "code: commit $(git rev-parse --short HEAD) plus $(git status --porcelain | wc -l | tr -d ' ') uncommitted file(s)"
  fi
  echo "cpu ($1): $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory ($1): $(free -m | awk '/^Mem:/ {print $2 " MB total, " $7 " MB available"}')"
  echo "kernel ($1): $(uname -sr)"
  echo "load average ($1; 2 cores): $(cut -d' ' -f1-3 /proc/loadavg)"
  local others
  others=$(top -b -n 2 -d 2 | awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 5 {printf "%s %s%% %s; ", $1, $9, $12}' | head -c 400)
  echo "processes over 5 % CPU in a 2 s sample ($1): ${others:-none}"
}

case "$mode" in
  smoke)
    before=$(environment before)
    # every code path once, bounded: a short steady-state warm-up, one short C-tool run
    export SKYRIFF_BENCH_SETTLE_MAX_S=${SKYRIFF_BENCH_SETTLE_MAX_S:-0.1}
    export SKYRIFF_BENCH_CEILING_S=${SKYRIFF_BENCH_CEILING_S:-1}
    export SKYRIFF_BENCH_CEILING_CLIENTS=${SKYRIFF_BENCH_CEILING_CLIENTS:-4}
    export SKYRIFF_BENCH_PGBENCH_SCALE=${SKYRIFF_BENCH_PGBENCH_SCALE:-1}
    export SKYRIFF_BENCH_EXTRA=$PWD/benchmarks/target/jmh-smoke-extra.jsonl
    rm -f "$SKYRIFF_BENCH_EXTRA"
    mvn -B -pl benchmarks -am jmh:benchmark -Psmoke "$@"
    { echo "$before"; environment after; } > benchmarks/target/jmh-smoke.env
    java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report \
      benchmarks/target/jmh-smoke.json benchmarks/target/jmh-smoke.env \
      benchmarks/target/BENCHMARKS-smoke.md benchmarks/target/BENCHMARKS-smoke.svg
    ;;
  full|report)
    before=()
    if [ -f benchmarks/results/before.json ] && [ -f benchmarks/results/before.txt ]; then
      before=(benchmarks/results/before.json "$(head -n1 benchmarks/results/before.txt)")
    fi
    ;;&
  full)
    mkdir -p benchmarks/results
    environment before > benchmarks/results/full-run.env
    export SKYRIFF_BENCH_EXTRA=$PWD/benchmarks/target/jmh-result-extra.jsonl
    rm -f "$SKYRIFF_BENCH_EXTRA"
    mvn -B -pl benchmarks -am jmh:benchmark -Djmh.rff=target/jmh-result.json "$@"
    environment after >> benchmarks/results/full-run.env
    cp benchmarks/target/jmh-result.json benchmarks/results/full-run.json
    cp "$SKYRIFF_BENCH_EXTRA" benchmarks/results/full-run-extra.jsonl
    java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report \
      benchmarks/results/full-run.json benchmarks/results/full-run.env BENCHMARKS.md BENCHMARKS.svg "${before[@]}"
    ;;
  report)
    [ -d benchmarks/target/classes ] || mvn -B -q -pl benchmarks -am compile
    java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report \
      benchmarks/results/full-run.json benchmarks/results/full-run.env BENCHMARKS.md BENCHMARKS.svg "${before[@]}"
    ;;
  *)
    echo "usage: benchmarks/run.sh smoke|full|report [maven args]" >&2
    exit 2
    ;;
esac
