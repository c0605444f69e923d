#!/usr/bin/env bash
# The benchmarks (loadgen) against a cluster started for them, results in bench/results/.
#
#   scripts/bench.sh short                  make bench: the short set (under 10 minutes)
#   scripts/bench.sh full                   make bench-full: the long ones (50,000 idle
#                                           connections, a 10,000-member group, an unbounded ramp,
#                                           query over 1,000,000 messages)
#   scripts/bench.sh one SCENARIO [k=v ...] make bench-one SCENARIO=x ARGS="k=v ...": one scenario
#                                           (partitions=N: the cluster runs with
#                                           PARLEY_STREAM_PARTITIONS=N)
#
# Like `make run`: the toolchain and services, the build, the migrations. Then any cluster of
# `make run` is stopped and a bench cluster started with the limits a benchmark needs raised (the
# defaults would refuse its senders: 20 sends/s per user, 200 member adds an hour), the open-file
# limit raised, the scenarios run one by one, and at the end the cluster is left as it was found
# (stopped, or a `make run` cluster started again with its usual settings).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOADGEN_JAR="$PARLEY_ROOT/loadgen/target/loadgen-all.jar"
RESULTS="${PARLEY_BENCH_RESULTS:-$PARLEY_ROOT/bench/results}"
: "${PARLEY_BENCH_LOADGEN_OPTS:=-Xms512m -Xmx4g -XX:+ExitOnOutOfMemoryError}"
: "${PARLEY_BENCH_NODE_OPTS:=-Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError}"

# The limits the bench cluster runs with: each scenario notes them in its result.
BENCH_LIMITS=(
  PARLEY_SEND_RATE_PER_SECOND=1000000 PARLEY_SEND_BURST=1000000
  PARLEY_GROUP_CREATE_LIMIT=1000000/1s PARLEY_MEMBER_ADD_LIMIT=1000000/1s
  PARLEY_READ_LIMIT=1000000/1s PARLEY_TYPING_LIMIT=1000000/1s
  PARLEY_EDIT_LIMIT=1000000/1s PARLEY_REACTION_LIMIT=1000000/1s
  PARLEY_RATE_LIMIT_REDIS_TIMEOUT=2s
)

SHORT=(
  "fanout"
  "ramp start=100 warmup=10 max_steps=5 refine=1"
  "idle connections=5000"
  "biggroup members=2000"
  "persist messages=50000 seconds=10"
  "query"
)
FULL=(
  "idle connections=50000"
  "biggroup members=10000"
  "ramp max_steps=0 refine=2"
  "query messages=1000000"
)

BENCH_START=$SECONDS
WAS_RUNNING=0
FAILED=()  # scenarios that could not run: the summary keeps their older results, the exit status says so

elapsed() { human_duration $((SECONDS - BENCH_START)); }

cluster_running() {
  local f
  for f in "$PARLEY_RUN_DIR"/gateway-*.pid; do
    [[ -f $f ]] && kill -0 "$(<"$f")" 2>/dev/null && return 0
  done
  return 1
}

build() {
  local why=""
  if [[ ! -f $LOADGEN_JAR ]]; then
    why="no loadgen jar yet"
  elif [[ -n $(find "$PARLEY_ROOT/loadgen/src/main" "$PARLEY_ROOT/client/src/main" \
      "$PARLEY_ROOT/loadgen/pom.xml" -newer "$LOADGEN_JAR" -print -quit) ]]; then
    why="loadgen or client changed"
  fi
  if [[ -n $why ]]; then
    say "bench: $why"
    bash "$PARLEY_ROOT/scripts/build.sh"
  else
    bash "$PARLEY_ROOT/scripts/build.sh" --if-stale
  fi
}

start_cluster() {
  if cluster_running; then
    WAS_RUNNING=1
    say "bench: stopping the running cluster (it is started again at the end)"
    bash "$PARLEY_ROOT/scripts/nodes.sh" down
  fi
  say "bench: starting the bench cluster with ${BENCH_LIMITS[*]}"
  env "${BENCH_LIMITS[@]}" JAVA_OPTS="$PARLEY_BENCH_NODE_OPTS" bash "$PARLEY_ROOT/scripts/nodes.sh" up >/dev/null
  trap restore EXIT
}

restore() {
  say "bench: stopping the bench cluster"
  bash "$PARLEY_ROOT/scripts/nodes.sh" down >/dev/null || true
  if ((WAS_RUNNING)); then
    say "bench: starting the cluster that was running before (make run's settings)"
    bash "$PARLEY_ROOT/scripts/nodes.sh" up >/dev/null || warn "could not start it again: make run"
  fi
}

raise_file_limit() {
  local hard
  hard=$(ulimit -Hn)
  ulimit -n "$hard" 2>/dev/null || true
  say "bench: open files limit $(ulimit -n) (the hard limit; idle needs connections + a few hundred)"
}

analyze() {
  PGPASSWORD="$PARLEY_PG_PASSWORD" psql -X -q -h "$PARLEY_PG_HOST" -p "$PARLEY_PG_PORT" \
    -U "$PARLEY_PG_USER" -d "$PARLEY_PG_DATABASE" -c 'ANALYZE' >/dev/null 2>&1 ||
    warn "ANALYZE failed (the planner keeps its older statistics)"
}

known_scenarios() {
  java -jar "$LOADGEN_JAR" --help 2>/dev/null | awk 'NR > 1 { print $1 }'
}

# Runs each "scenario k=v ..." line; an unknown scenario is reported and skipped.
run_all() {
  local -a lines=("$@")
  local known line name i=0 start rc
  known=$(known_scenarios)
  mkdir -p "$RESULTS"
  for line in "${lines[@]}"; do
    i=$((i + 1))
    name=${line%% *}
    if ! grep -qx "$name" <<<"$known"; then
      say "[$i/${#lines[@]}] $name: skipped, this load generator has no such scenario (elapsed $(elapsed))"
      continue
    fi
    say "[$i/${#lines[@]}] $line (elapsed $(elapsed))"
    start=$SECONDS
    rc=0
    # shellcheck disable=SC2086  # the line's words are the scenario and its k=v arguments
    java $PARLEY_BENCH_LOADGEN_OPTS "-Dparley.root=$PARLEY_ROOT" -jar "$LOADGEN_JAR" $line --out "$RESULTS" || rc=$?
    if ((rc == 0)); then
      say "[$i/${#lines[@]}] $name done in $(human_duration $((SECONDS - start))) (elapsed $(elapsed))"
    else
      warn "[$i/${#lines[@]}] $name failed (exit $rc) after $(human_duration $((SECONDS - start)))"
      FAILED+=("$name")
    fi
    analyze
  done
}

summary() {
  java -cp "$LOADGEN_JAR" dev.parley.loadgen.summary.SummaryMain "$RESULTS" ||
    warn "the summary could not be written"
}

main() {
  local mode="${1:-short}"
  shift || true
  bash "$PARLEY_ROOT/scripts/toolchain.sh"
  bash "$PARLEY_ROOT/scripts/services.sh"
  build
  bash "$PARLEY_ROOT/scripts/migrate.sh"
  raise_file_limit
  # a scenario's partitions=N starts the cluster with that many stream partitions (one's default:
  # PARLEY_STREAM_PARTITIONS as exported, else 1); the processes get it from the environment
  local arg
  for arg in "$@"; do
    if [[ $arg == partitions=* ]]; then
      export PARLEY_STREAM_PARTITIONS="${arg#partitions=}"
    fi
  done
  start_cluster
  analyze
  export PARLEY_BENCH_GATEWAYS="${PARLEY_BENCH_GATEWAYS:-http://127.0.0.1:$PARLEY_GATEWAY1_PORT,http://127.0.0.1:$PARLEY_GATEWAY2_PORT}"
  export PARLEY_BENCH_WORKER="${PARLEY_BENCH_WORKER:-http://127.0.0.1:$PARLEY_WORKER_PORT}"
  export PARLEY_BENCH_LIMITS="raised for the benchmark by scripts/bench.sh: ${BENCH_LIMITS[*]}"
  export PARLEY_JWT_SECRET
  case "$mode" in
    short) run_all "${SHORT[@]}" ;;
    full) run_all "${FULL[@]}" ;;
    one)
      [[ $# -ge 1 ]] || die "usage: scripts/bench.sh one SCENARIO [key=value ...]"
      run_all "$*"
      ;;
    *) die "usage: scripts/bench.sh short|full|one SCENARIO [key=value ...]" ;;
  esac
  summary
  say "bench: done in $(elapsed); results in $(rel "$RESULTS")"
  if ((${#FAILED[@]})); then
    die "bench: ${#FAILED[@]} scenario(s) could not run: ${FAILED[*]} (their output above says why)"
  fi
}

main "$@"
