#!/usr/bin/env bash
# Runs the fault suite (system-tests' FaultSuite, Maven profile `faults`): each fault under a steady
# load of retrying, resuming clients on two gateways, one row each. The table is printed and written
# to system-tests/target/faults/table.md; docs/reliability.md holds the last one and explains it.
# The suite starts its own nats-server (spare ports, its own store under system-tests/target/faults)
# and reaches Postgres and Redis through TCP proxies it cuts: the shared services are never stopped.
# Then, in the same Maven run, StreamLeaderKillSuite (profile `cluster`): the cluster of
# `make cluster` (scripts/cluster.sh, on ports of its own) with the NATS server leading the stream
# killed under load; its row goes to system-tests/target/cluster/leader-kill.md.
#
#   scripts/test-faults.sh [ARGS]           both (make test-faults); ARGS go to mvn
#   scripts/test-faults.sh cluster [ARGS]   only the stream-leader kill (make test-cluster)
#
# Start the services first (make test-faults does: scripts/services.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export_test_settings

main() {
  local profiles=faults,cluster
  local label="make test-faults"
  if [[ ${1:-} == cluster ]]; then profiles=cluster label="make test-cluster"; shift; fi
  local stamp="$PARLEY_RUN_DIR/test-faults-started"
  touch "$stamp"
  local -a extra=()
  read -r -a extra <<<"$PARLEY_MAVEN_ARGS"
  # -DskipTests skips every other module's tests; each profile's own execution runs regardless.
  local -a cmd=(mvn -B -ntp verify "-P$profiles" -pl system-tests -am -DskipTests "${extra[@]}" "$@")
  say "test-faults: ${cmd[*]}"
  local start=$SECONDS rc=0
  (cd "$PARLEY_ROOT" && "${cmd[@]}" 2>&1) | strip_ansi || rc=$?
  local took
  took=$(human_duration $((SECONDS - start)))

  local table suite
  for suite in faults/table.md:faults cluster/leader-kill.md:cluster; do
    [[ ,$profiles, == *,${suite#*:},* ]] || continue
    table="$PARLEY_ROOT/system-tests/target/${suite%:*}"
    echo
    if [[ -f $table && $table -nt $stamp ]]; then
      cat "$table"
    else
      warn "no table was written to $(rel "$table") (see system-tests/target/failsafe-reports-${suite#*:}/)"
    fi
  done
  local report rows=0 failed=0 n
  for report in "$PARLEY_ROOT"/system-tests/target/failsafe-reports-{faults,cluster}/TEST-*.xml; do
    [[ -f $report && $report -nt $stamp ]] || continue
    n=$(grep -o -m1 '<testsuite [^>]*' "$report" | grep -o ' tests="[0-9]*"' | tr -dc '0-9'); rows=$((rows + ${n:-0}))
    n=$(grep -o -m1 '<testsuite [^>]*' "$report" | grep -o ' failures="[0-9]*"' | tr -dc '0-9'); failed=$((failed + ${n:-0}))
    n=$(grep -o -m1 '<testsuite [^>]*' "$report" | grep -o ' errors="[0-9]*"' | tr -dc '0-9'); failed=$((failed + ${n:-0}))
  done
  if ((rc == 0)); then
    say "$label: PASSED in $took ($rows rows, $failed failed)"
  else
    say "$label: FAILED in $took ($rows rows, $failed failed; mvn exit $rc; reports under system-tests/target/failsafe-reports-{faults,cluster})"
  fi
  return "$rc"
}

main "$@"
