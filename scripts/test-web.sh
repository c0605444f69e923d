#!/usr/bin/env bash
# The web client's tests, run by `make test` after the Maven suite (which builds the jars):
#   1. the client module's unit tests: node --test web/test/
#   2. the browser end-to-end test, web/e2e/: Debian's Chromium driven by playwright-core against
#      a cluster of its own (two gateways, a worker, a presence node) that this script starts on
#      PARLEY_WEB_E2E_PORT_BASE.. with its own database, NATS subjects and Redis keys, and stops.
# Never skipped: whatever is missing (node, npm, chromium, playwright-core) is installed first
# (scripts/browser.sh), and a failure to do so fails the run. Prints
# "web tests: N passed, N failed" and writes the counts to $PARLEY_RUN_DIR/web-tests.counts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COUNTS="$PARLEY_RUN_DIR/web-tests.counts"
E2E_LOG_DIR="$PARLEY_RUN_DIR/web-e2e"

# The e2e cluster's environment: scripts/nodes.sh and migrate.sh with other ports, run directory,
# database, subject prefix and Redis key prefix than `make run`'s.
e2e_env() {
  local base=$PARLEY_WEB_E2E_PORT_BASE
  export PARLEY_GATEWAY1_PORT=$base PARLEY_GATEWAY2_PORT=$((base + 1))
  export PARLEY_WORKER_PORT=$((base + 10)) PARLEY_PRESENCE_PORT=$((base + 11))
  export PARLEY_RUN_DIR="$E2E_LOG_DIR" PARLEY_PG_DATABASE="$PARLEY_WEB_E2E_DATABASE"
  export PARLEY_SUBJECT_PREFIX=webe2e PARLEY_REDIS_KEY_PREFIX=parley-webe2e
  export PARLEY_PROFILE=dev PARLEY_DEV_TOKENS=true
  export PARLEY_WEB_E2E_GATEWAY1="http://127.0.0.1:$base" PARLEY_WEB_E2E_GATEWAY2="http://127.0.0.1:$((base + 1))"
  local nodes="bash $(printf '%q' "$PARLEY_ROOT/scripts/nodes.sh")"
  # gateway 1 is stopped as an operator would (SIGTERM: drain, 1001 closes), then started again
  export PARLEY_WEB_E2E_STOP_GATEWAY1="p=\$(cat $(printf '%q' "$E2E_LOG_DIR/gateway-1.pid")); kill -TERM \$p; while kill -0 \$p 2>/dev/null; do sleep 0.2; done"
  export PARLEY_WEB_E2E_START_GATEWAY1="$nodes up >/dev/null"
  # Under .run/ so a test run leaves the checkout clean; to refresh the README's picture:
  # PARLEY_WEB_E2E_SCREENSHOT=$PWD/docs/images/web-client.png make test
  export PARLEY_WEB_E2E_SCREENSHOT="${PARLEY_WEB_E2E_SCREENSHOT:-$E2E_LOG_DIR/web-client.png}"
}

main() {
  bash "$PARLEY_ROOT/scripts/browser.sh"
  local start=$SECONDS unit_out e2e_out unit_rc=0 e2e_rc=0
  unit_out=$(mktemp)
  e2e_out=$(mktemp)

  say "web: unit tests of the client module (node --test web/test/)"
  (cd "$PARLEY_ROOT/web" && node --test test/) >"$unit_out" 2>&1 || unit_rc=$?
  grep -E '^(not ok|# (tests|pass|fail))' "$unit_out" || true
  ((unit_rc == 0)) || cat "$unit_out" >&2

  say "web: end-to-end in Chromium against a cluster of its own (ports $PARLEY_WEB_E2E_PORT_BASE.., log: $(rel "$E2E_LOG_DIR/logs"))"
  local e2e_start=$SECONDS
  (
    e2e_env
    mkdir -p "$E2E_LOG_DIR"
    # (errexit does not hold inside a subshell on the left of ||: each step says how it fails)
    for m in gateway-node persistence-worker presence-node migrations; do
      module_jar "$m" >/dev/null || die "no jar for $m: the Maven build did not finish (scripts/build.sh builds them)"
    done
    trap 'bash "$PARLEY_ROOT/scripts/nodes.sh" down >/dev/null 2>&1 || true' EXIT
    bash "$PARLEY_ROOT/scripts/migrate.sh" >/dev/null || die "web e2e: migrating $PARLEY_PG_DATABASE failed"
    bash "$PARLEY_ROOT/scripts/nodes.sh" up >/dev/null || die "web e2e: its cluster did not start (ports from $PARLEY_WEB_E2E_PORT_BASE; PARLEY_WEB_E2E_PORT_BASE chooses others)"
    mkdir -p "$PARLEY_ROOT/docs/images" || exit 1
    cd "$PARLEY_ROOT/web" || exit 1
    timeout 300 node --test --test-concurrency=1 e2e/
  ) >"$e2e_out" 2>&1 || e2e_rc=$?
  grep -E '^(not ok|ok |# (tests|pass|fail)|# \\# )' "$e2e_out" || true
  ((e2e_rc == 0)) || { tail -n 80 "$e2e_out" >&2; warn "web e2e failed (cluster logs: $(rel "$E2E_LOG_DIR/logs"))"; }
  say "web: e2e took $(human_duration $((SECONDS - e2e_start)))"

  local up uf ep ef
  read -r up uf < <(node_counts "$unit_out")
  read -r ep ef < <(node_counts "$e2e_out")
  # a run that could not even start its tests is a failure, never a silent zero
  ((unit_rc == 0 || uf > 0)) || uf=1
  ((e2e_rc == 0 || ef > 0)) || ef=1
  rm -f "$unit_out" "$e2e_out"
  echo "$((up + ep)) $((uf + ef))" >"$COUNTS"
  say "web unit tests: $up passed, $uf failed; web e2e: $ep passed, $ef failed ($(human_duration $((SECONDS - start))))"
  echo "web tests: $((up + ep)) passed, $((uf + ef)) failed"
  ((unit_rc == 0 && e2e_rc == 0))
}

main "$@"
