#!/usr/bin/env bash
# Runs the JMH suite in parts and regenerates the report from the parts present.
#
#   benchmarks/run.sh parts             # list the parts: what each measures, its settings and estimated duration
#   benchmarks/run.sh part <name>       # run one part -> benchmarks/results/parts/<name>.json, <name>-extra.jsonl,
#                                       #   <name>.env (commit, start/end, estimate, settings, conditions); then report
#   benchmarks/run.sh full              # people: every part in sequence, then the report (the one command)
#   benchmarks/run.sh resume            # the parts that are missing, or whose layer code differs from HEAD's; report
#   benchmarks/run.sh report            # only regenerate BENCHMARKS.md + BENCHMARKS.svg from the parts present
#   benchmarks/run.sh smoke             # CI: every benchmark once, in-process, short; report into benchmarks/target
#
# Parts (durations for a quiet 2-core machine; `parts` prints the estimate of each, and `part` prints it again before
# it starts, as forks x (JVM + topology start + data load, settle bound, warm-up, measurement, data resets)):
#   headline  mixed workload RAW vs LAYER at 8 and 32 threads, and the single-statement pairs RAW vs LAYER (point
#             read, insert into user+month, 3-month range vs the raw UNION ALL); 3 forks each      (about 43 min)
#   curve     mixed workload RAW vs LAYER at 1, 2 and 4 threads, 3 forks                           (about 39 min)
#   wallet    wallet move: layer transaction vs raw transaction vs raw one statement, 1 and 8 threads, 3 forks
#   cache     cache hit / near hit / miss, and does the cache pay (reads/s at 32 threads), 3 forks
#   variants  mixed workload through the other service builds (single-shard path off, profile cache on), 1 fork
#   routing   planning cost (SkyriffData.route) on 2x12, 16x36 and 64x36 shards x months, 3 forks
#   ceiling   pgbench -S -M prepared and redis-benchmark on the suite's own servers, 1 fork
#   startup   rules text to a ready data source on 2x12 and 64x36, 1 fork
#
# The report merges every part present in benchmarks/results/parts and states for each its commit and time and whether
# it is stale: its commit differs from the newest part's in the layer code (data-core, sharding-config, schema, and the
# reference service in examples/src/main), so an old figure is never mistaken for a current one.
#
# Beside JMH's JSON the benchmarks write a sidecar file (<result>-extra.jsonl: steady-state warm-ups and whether the
# JIT settled within its bound, per-iteration operations and CPU time by process group, the pgbench / redis-benchmark
# ceilings); the report reads both.
# SKYRIFF_BENCH_DRY_RUN=1 benchmarks/run.sh part <name> prints the part's JMH commands and runs nothing.
# Knobs (environment, inherited by JMH's forks): SKYRIFF_BENCH_SETTLE_MAX_S (bound of the steady-state warm-up; each
# part sets its own, this overrides them all), SKYRIFF_BENCH_CEILING_S (seconds per C-tool run, default 10),
# SKYRIFF_BENCH_CEILING_CLIENTS (default 1,8,32), SKYRIFF_BENCH_PGBENCH_SCALE (default 10), SKYRIFF_BENCH_RESULTS
# (results directory, default benchmarks/results), SKYRIFF_BENCH_FORK_OVERHEAD_S (the estimate's per-fork start-up).
#
# benchmarks/results/conditions.txt, if present, is a sentence on the conditions of the run (other load, where it
# ran) written by whoever ran it; the report quotes it.
# If benchmarks/results/before.json exists (an earlier result, taken before a change to the layer) with a one-line
# description of the change in benchmarks/results/before.txt, the report adds a before/after table.
#
# Extra arguments of `part`/`full`/`resume` go to JMH after the part's own options, e.g. `-v EXTRA`; extra arguments of
# `smoke` go to Maven, e.g. benchmarks/run.sh smoke -Djmh.benchmarks=PointRead
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
mode=${1:-smoke}
shift || true

results=${SKYRIFF_BENCH_RESULTS:-benchmarks/results}
parts_dir=$results/parts
all_parts=(headline curve wallet cache variants routing ceiling startup)
# The layer's code: a part whose commit differs from the newest part's here is stale (the report's Parts.LAYER_CODE,
# the same list; `resume` uses it to skip parts that are current with HEAD).
layer_code=(data-core sharding-config schema examples/src/main)

# Per-fork start-up outside any iteration (an estimate for the budget, not a measured figure): the JMH fork's JVM, the
# local topology (initdb + start of 2 primaries, pg_basebackup + start of 2 streaming replicas, Redis), the schema with
# its month tables and the replicas catching up, the layer's start (ShardingSphere), the seeded rows (Fixture): about
# 35 s on this 2-core machine, from reading the code and one run with smoke settings (the Fixture prints its split:
# "[fixture] topology .. s, schema + layer .. s, seed .. s"). The wide layouts (routing, startup) seed nothing.
# A part records its forks' real start-up in its .env ("fork start-up: N s mean over M forks"): the newest such record
# replaces the 35 s (plus 3 s for the JVM and JMH), so the estimates follow the machine.
recorded_startup=$(ls -t "${SKYRIFF_BENCH_RESULTS:-benchmarks/results}"/parts/*.env 2>/dev/null | head -n 20 \
  | xargs -r grep -h '^fork start-up: ' 2>/dev/null | head -n1 | awk '{print $3 + 3}' || true)
fork_overhead=${SKYRIFF_BENCH_FORK_OVERHEAD_S:-${recorded_startup:-35}}
wide_overhead=${SKYRIFF_BENCH_WIDE_OVERHEAD_S:-30}
# A data reset before each iteration of the data-changing benchmarks (delete, truncate, vacuum, replicas catch up).
reset_s=2

# One step = one JMH invocation. Fields (|-separated):
#   label | benchmark regex | trials (benchmark x parameter combinations after -p) | forks | per-fork start-up s |
#   settle bound s | warm-up iterations | warm-up s | measured iterations | measured s | resets per iteration (0/1) |
#   more JMH options
steps_of() {
  case "$1" in
    headline)
      # 12 + 18 forks. The mixed workload's JIT: on the quiet 2-core machine (headline @ 9ae0643) RAW forks settled after
      # 41-59 s (25-54 s of compile time), LAYER forks compiled 60-68 s and had not settled at a 60 s bound, with measured
      # iterations still rising (+10..17 %): hence 150 s, which a settled fork ends early. The report says per fork
      # whether it settled and holds a verdict not conclusive when such a run's measured iterations are not flat either
      echo "mixed#MixedWorkloadBenchmark\.threads0(08|32)\$#4#3#$fork_overhead#150#1#5#5#4#1#-p service=RAW,LAYER"
      echo "pairs#(PointRead|Insert|RangeRead)Benchmark\.#6#3#$fork_overhead#10#1#2#5#2#0#-p access=RAW,LAYER" ;;
    curve)
      echo "curve#MixedWorkloadBenchmark\.threads00[124]\$#6#3#$fork_overhead#150#1#5#5#4#1#-p service=RAW,LAYER" ;;
    wallet)
      echo "wallet#WalletBenchmark\.#6#3#$fork_overhead#20#1#2#5#2#1#" ;;
    cache)
      echo "cache#Cache(Miss|Throughput)?Benchmark\.#9#3#$fork_overhead#15#1#2#5#2#0#-p source=PG_RAW,PG_LAYER,CACHE_REDIS,CACHE_BATCH16,CACHE_NEAR" ;;
    variants)
      echo "variants#MixedVariantsBenchmark\.#4#1#$fork_overhead#150#1#5#5#4#1#" ;;
    routing)
      echo "routing#RoutingBenchmark\.#9#3#$wide_overhead#15#1#1#5#1#0#" ;;
    ceiling)
      # single shot: the "measured s" is the tools' own run time (3 client counts x SKYRIFF_BENCH_CEILING_S + init)
      echo "ceiling#CeilingBenchmark\.#2#1#$fork_overhead#0#0#0#1#40#0#" ;;
    startup)
      # single shot: the "warm-up s" / "measured s" are one start each
      echo "startup#StartupBenchmark\.#2#1#$wide_overhead#0#2#3#5#3#0#" ;;
    *) return 1 ;;
  esac
}

is_part() {
  local p
  for p in "${all_parts[@]}"; do [ "$p" = "$1" ] && return 0; done
  return 1
}

# "seconds" of one step: trials x forks x (start-up + settle + warm-up + measurement + resets)
step_seconds() {
  local label regex trials forks overhead settle wi w i r resets extra
  IFS='#' read -r label regex trials forks overhead settle wi w i r resets extra <<<"$1"
  [ -n "${SKYRIFF_BENCH_SETTLE_MAX_S:-}" ] && settle=$SKYRIFF_BENCH_SETTLE_MAX_S
  awk -v t="$trials" -v f="$forks" -v o="$overhead" -v s="$settle" -v wi="$wi" -v w="$w" -v i="$i" -v r="$r" \
      -v rs="$resets" -v rc="$reset_s" 'BEGIN { printf "%d", t * f * (o + s + wi * (w + rs * rc) + i * (r + rs * rc)) }'
}

step_text() {
  local label regex trials forks overhead settle wi w i r resets extra
  IFS='#' read -r label regex trials forks overhead settle wi w i r resets extra <<<"$1"
  [ -n "${SKYRIFF_BENCH_SETTLE_MAX_S:-}" ] && settle=$SKYRIFF_BENCH_SETTLE_MAX_S
  echo "$label: $trials trials x $forks forks x (${overhead} s start-up + ${settle} s settle bound + $wi x ${w} s warm-up + $i x ${r} s measured$( [ "$resets" = 1 ] && echo " + ${reset_s} s reset per iteration")) = $(( $(step_seconds "$1") / 60 )) min"
}

part_seconds() {
  local total=0 s
  while IFS= read -r s; do total=$(( total + $(step_seconds "$s") )); done < <(steps_of "$1")
  echo "$total"
}

part_estimate() {  # "37 min (mixed: ...; pairs: ...)"
  local s texts=()
  while IFS= read -r s; do texts+=("$(step_text "$s")"); done < <(steps_of "$1")
  local IFS=';'
  echo "$(( $(part_seconds "$1") / 60 )) min ($(printf '%s' "${texts[*]}" | sed 's/;/; /g'))"
}

environment() {  # the machine and what else was running, for the report's "conditions"
  echo "captured: $1 the run, $(date -u '+%Y-%m-%d %H:%M UTC')"
  if [ "$1" = before ] && git rev-parse --short HEAD >/dev/null 2>&1; then
    echo "code: commit $(git rev-parse --short HEAD) plus $(git status --porcelain | wc -l | tr -d ' ') uncommitted file(s)"
  fi
  echo "cpu ($1): $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory ($1): $(free -m | awk '/^Mem:/ {print $2 " MB total, " $7 " MB available"}')"
  echo "kernel ($1): $(uname -sr)"
  echo "load average ($1; $(nproc) cores): $(cut -d' ' -f1-3 /proc/loadavg)"
  local others
  others=$(top -b -n 2 -d 2 | awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 + 0 > 5 {printf "%s %s%% %s; ", $1, $9, $12}' | head -c 400)
  echo "processes over 5 % CPU in a 2 s sample ($1): ${others:-none}"
}

# The benchmarks' class path (test classes with the JMH-generated code, main classes, every test dependency).
build() {
  echo "[run.sh] building the benchmarks (mvn -pl benchmarks -am test-compile) ..."
  mvn -B -q -pl benchmarks -am test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh-classpath.txt \
    -Dmdep.includeScope=test
  classpath="$root/benchmarks/target/test-classes:$root/benchmarks/target/classes:$(cat benchmarks/target/jmh-classpath.txt)"
}

report_classes() {
  [ -d benchmarks/target/classes/com/skyriff/data/benchmarks/report ] || mvn -B -q -pl benchmarks -am compile
}

# Runs one part: its steps one after the other into a temporary result, moved into place when every step succeeded.
run_part() {
  local name=$1
  shift
  local estimate settings=() s
  estimate=$(part_estimate "$name")
  echo "[run.sh] part $name: estimated $estimate"
  mkdir -p "$parts_dir"
  local tmp="$root/benchmarks/target/part-$name"
  rm -f "$tmp".*.json "$tmp-extra.jsonl" "$tmp.env"
  export SKYRIFF_BENCH_EXTRA="$tmp-extra.jsonl"
  local started started_epoch n=0
  started=$(date -u '+%Y-%m-%d %H:%M UTC')
  started_epoch=$(date +%s)
  local before
  before=$(environment before)
  local dirty
  dirty=$(git status --porcelain -- "${layer_code[@]}" 2>/dev/null | wc -l | tr -d ' ')
  while IFS= read -r s; do
    local label regex trials forks overhead settle wi w i r resets extra
    IFS='#' read -r label regex trials forks overhead settle wi w i r resets extra <<<"$s"
    [ -n "${SKYRIFF_BENCH_SETTLE_MAX_S:-}" ] && settle=$SKYRIFF_BENCH_SETTLE_MAX_S
    local opts=(-f "$forks" -wi "$wi" -i "$i" -foe true -rf json)
    if [ "$label" != ceiling ] && [ "$label" != startup ]; then  # single shot: no iteration time
      opts+=(-w "${w}s" -r "${r}s")
    fi
    # shellcheck disable=SC2206
    [ -n "$extra" ] && opts+=($extra)
    settings+=("$label: ${opts[*]}, settle bound ${settle} s")
    n=$((n + 1))
    if [ -n "${SKYRIFF_BENCH_DRY_RUN:-}" ]; then
      echo "[run.sh] dry run, part $name, step $label: (cd benchmarks && SKYRIFF_BENCH_SETTLE_MAX_S=$settle java -cp ..." \
        "org.openjdk.jmh.Main '$regex' ${opts[*]} -rff $tmp.$n.json $*)"
      continue
    fi
    echo "[run.sh] part $name, step $(step_text "$s"); starting $(date -u '+%H:%M UTC')"
    (cd benchmarks && SKYRIFF_BENCH_SETTLE_MAX_S=$settle java -cp "$classpath" org.openjdk.jmh.Main "$regex" \
      "${opts[@]}" -rff "$tmp.$n.json" "$@" </dev/null) | tee "$tmp.$n.log"  # stdin: the steps being read
    local ran
    ran=$(grep -c '"benchmark" *:' "$tmp.$n.json" || true)
    if [ "$ran" != "$trials" ]; then
      echo "[run.sh] note: step $label ran $ran trials, its estimate assumed $trials (update steps_of in run.sh)" >&2
    fi
  done < <(steps_of "$name")
  [ -z "${SKYRIFF_BENCH_DRY_RUN:-}" ] || return 0
  local took=$(( ($(date +%s) - started_epoch) / 60 ))
  local jsons=()
  for ((k = 1; k <= n; k++)); do jsons+=("$tmp.$k.json"); done
  java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report --concat "$tmp.json" "${jsons[@]}"
  # each fork's Fixture prints "[fixture] topology T s, schema + layer L s, seed S s"
  local startup
  startup=$(cat "$tmp".*.log | awk '/^\[fixture\] topology/ {gsub(",", ""); n++; t += $3 + $8 + $11}
    END { if (n) printf "%.0f s mean over %d forks (topology + schema + layer + seed; the JVM adds a few s)", t / n, n }')
  {
    echo "part: $name"
    echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "started: $started"
    echo "finished: $(date -u '+%Y-%m-%d %H:%M UTC') (took $took min)"
    echo "estimated: $estimate"
    echo "settings: $(printf '%s; ' "${settings[@]}" | sed 's/; $//')"
    echo "layer code: $dirty uncommitted file(s) in ${layer_code[*]} when it ran"
    [ -z "$startup" ] || echo "fork start-up: $startup"
    echo "$before"
    environment after
  } > "$tmp.env"
  mv "$tmp.json" "$parts_dir/$name.json"
  if [ -f "$tmp-extra.jsonl" ]; then mv "$tmp-extra.jsonl" "$parts_dir/$name-extra.jsonl"; else rm -f "$parts_dir/$name-extra.jsonl"; fi
  mv "$tmp.env" "$parts_dir/$name.env"
  rm -f "${jsons[@]}" "$tmp".*.log
  echo "[run.sh] part $name done in $took min (estimated $(( $(part_seconds "$name") / 60 )) min): $parts_dir/$name.json"
}

env_value() {  # env_value <file> <key>
  sed -n "s/^$2: //p" "$1" | head -n1
}

layer_same() {  # layer_same <commit a> <commit b>: 0 same layer code, 1 differs, 2 unknown
  git cat-file -e "$1^{commit}" 2>/dev/null && git cat-file -e "$2^{commit}" 2>/dev/null || return 2
  git diff --quiet "$1" "$2" -- "${layer_code[@]}" && return 0 || return 1
}

report() {
  report_classes
  local before=()
  if [ -f "$results/before.json" ] && [ -f "$results/before.txt" ]; then
    before=("$results/before.json" "$(head -n1 "$results/before.txt")")
  fi
  if compgen -G "$parts_dir/*.json" >/dev/null; then
    # staleness: the report asks git whether each part's layer code differs from the newest part's
    java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report --parts "$parts_dir" "$root" \
      "${REPORT_MD:-BENCHMARKS.md}" "${REPORT_SVG:-BENCHMARKS.svg}" "${before[@]}"
  elif [ -f "$results/full-run.json" ]; then
    # no part yet: the single result of an earlier full run
    java -cp benchmarks/target/classes com.skyriff.data.benchmarks.report.Report \
      "$results/full-run.json" "$results/full-run.env" "${REPORT_MD:-BENCHMARKS.md}" "${REPORT_SVG:-BENCHMARKS.svg}" \
      "${before[@]}"
  else
    echo "[run.sh] no results in $parts_dir (run benchmarks/run.sh part <name>)" >&2
    exit 1
  fi
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
  parts)
    total=0
    for p in "${all_parts[@]}"; do
      echo "$p: $(part_estimate "$p")"
      total=$(( total + $(part_seconds "$p") ))
    done
    echo "full: every part in sequence, about $(( total / 60 )) min (plus the build)"
    ;;
  part)
    name=${1:-}
    if ! is_part "$name"; then
      echo "usage: benchmarks/run.sh part <name> [JMH options]; name is one of: ${all_parts[*]}; was '${name}'" >&2
      exit 2
    fi
    shift
    if [ -n "${SKYRIFF_BENCH_DRY_RUN:-}" ]; then
      run_part "$name" "$@"
      exit 0
    fi
    build
    run_part "$name" "$@"
    report
    ;;
  full|resume)
    build
    total=0
    for p in "${all_parts[@]}"; do total=$(( total + $(part_seconds "$p") )); done
    echo "[run.sh] $mode: parts ${all_parts[*]}; every part estimated at about $(( total / 60 )) min in all"
    for p in "${all_parts[@]}"; do
      if [ "$mode" = resume ] && [ -f "$parts_dir/$p.json" ] && [ -f "$parts_dir/$p.env" ]; then
        c=$(env_value "$parts_dir/$p.env" commit)
        rc=0
        layer_same "$c" HEAD || rc=$?
        if [ $rc = 0 ] && [ -z "$(git status --porcelain -- "${layer_code[@]}")" ]; then
          echo "[run.sh] resume: part $p is current (commit ${c:0:7}, same layer code as HEAD): skipped"
          continue
        fi
      fi
      run_part "$p" "$@"
    done
    report
    ;;
  report)
    report
    ;;
  *)
    echo "usage: benchmarks/run.sh parts|part <name>|full|resume|report|smoke [args]; parts: ${all_parts[*]}" >&2
    exit 2
    ;;
esac
