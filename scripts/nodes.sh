#!/usr/bin/env bash
# The local Parley processes of `make run`: two gateways, a persistence worker, a presence node.
#
#   scripts/nodes.sh up       start those not running, wait for the gateways' /ready, print URLs
#   scripts/nodes.sh down     stop them (TERM, then KILL after PARLEY_STOP_TIMEOUT seconds)
#   scripts/nodes.sh status   which are up, and what their /ready says
#   scripts/nodes.sh logs     follow their logs
#
# Each process has .run/<name>.pid and .run/logs/<name>.log. A pid file whose process is alive
# and is that node (its command line carries -Dparley.node=<name>) means "running: skip"; any
# other pid file is stale and the node is started again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES=(presence worker gateway-1 gateway-2)
GATEWAYS=(gateway-1 gateway-2)

node_module() {
  case "$1" in
    gateway-*) echo gateway-node ;;
    worker) echo persistence-worker ;;
    presence) echo presence-node ;;
  esac
}

node_port() {
  case "$1" in
    gateway-1) echo "$PARLEY_GATEWAY1_PORT" ;;
    gateway-2) echo "$PARLEY_GATEWAY2_PORT" ;;
    worker) echo "$PARLEY_WORKER_PORT" ;;
    presence) echo "$PARLEY_PRESENCE_PORT" ;;
  esac
}

# Each node's HTTP port and node id (the same two variables for every process).
node_id() {
  case "$1" in
    worker) echo worker-1 ;;
    presence) echo presence-1 ;;
    *) echo "$1" ;;
  esac
}

node_env() {
  printf '%s\n' "PARLEY_HTTP_PORT=$(node_port "$1")" "PARLEY_NODE_ID=$(node_id "$1")"
}

pid_file() { echo "$PARLEY_RUN_DIR/$1.pid"; }
log_file() { echo "$PARLEY_LOG_DIR/$1.log"; }

# Prints the pid of the node when it runs; fails when it does not (no or stale pid file).
live_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # The pid may have been reused by an unrelated process since: check it is this node.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Dparley.node=$1 " || return 1
  echo "$pid"
}

# HTTP status of the node's /ready ("000" when nothing answers); the body goes to $2 if given.
ready_code() {
  local out="${2:-/dev/null}"
  curl -s -o "$out" -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(node_port "$1")/ready" 2>/dev/null || true
}

start_node() {
  local name="$1" module port jar pid log
  module=$(node_module "$name"); port=$(node_port "$name"); log=$(log_file "$name")
  if pid=$(live_pid "$name"); then
    say "$name: already running (pid $pid, port $port)"
    return 0
  fi
  if [[ -f $(pid_file "$name") ]]; then
    say "$name: stale pid file (pid $(<"$(pid_file "$name")") is gone), starting it again"
    rm -f "$(pid_file "$name")"
  fi
  if port_open 127.0.0.1 "$port"; then
    die "$name: port $port is taken by a process this script did not start (ss -ltnp 'sport = :$port' shows it); stop it, or choose another port in scripts/env.sh's variables"
  fi
  jar=$(module_jar "$module") || die "$name: no jar under $module/target: run make build"
  local -a env_vars
  mapfile -t env_vars < <(node_env "$name")
  printf '\n==== %s starting %s\n' "$(date -Is)" "$name" >>"$log"
  # setsid: its own session, so a Ctrl-C in this terminal does not reach it; make down stops it.
  setsid env "${BASE_ENV[@]}" \
    "PARLEY_PROFILE=$PARLEY_PROFILE" "PARLEY_JWT_SECRET=$PARLEY_JWT_SECRET" "PARLEY_DEV_TOKENS=$PARLEY_DEV_TOKENS" \
    "${env_vars[@]}" \
    java "${JAVA_OPTS_ARRAY[@]}" "-Dparley.node=$name" -jar "$jar" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
  say "$name: started (pid $!, port $port, log $(rel "$log"))"
}

show_log_tail() {
  local name="$1" body
  body=$(mktemp)
  if [[ $(ready_code "$name" "$body") != 000 ]]; then
    printf -- '--- %s /ready: %s\n' "$name" "$(head -c 600 "$body")" >&2
  fi
  rm -f "$body"
  printf -- '--- last lines of %s (this start)\n' "$(rel "$(log_file "$name")")" >&2
  # Only what this start wrote: the log keeps earlier runs above the last "==== ... starting" line.
  # Logback's own status lines ("12:00:00,123 |-INFO ...") are left out.
  awk '/^==== .* starting /{buf=""} !/^[0-9:,]+ \|-/ {buf = buf $0 "\n"} END {printf "%s", buf}' \
    "$(log_file "$name")" | tail -n 50 >&2
}

# Waits until every named node answers 200 on /ready; fails fast when one of them exits.
wait_ready() {
  local -a pending=("$@")
  local deadline=$((SECONDS + PARLEY_READY_TIMEOUT)) start=$SECONDS name
  printf '==> waiting for /ready on %s (up to %ss) ' "${pending[*]}" "$PARLEY_READY_TIMEOUT"
  while ((${#pending[@]})); do
    local -a still=()
    for name in "${pending[@]}"; do
      if [[ $(ready_code "$name") == 200 ]]; then continue; fi
      if ! live_pid "$name" >/dev/null; then
        printf ' exited\n'
        show_log_tail "$name"
        die "$name exited during start-up (log: $(rel "$(log_file "$name")"))"
      fi
      still+=("$name")
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]})) || break
    if ((SECONDS >= deadline)); then
      printf ' timed out\n'
      for name in "${pending[@]}"; do show_log_tail "$name"; done
      die "not ready after ${PARLEY_READY_TIMEOUT}s: ${pending[*]} (they keep running; make logs, make status, make down)"
    fi
    printf '.'
    sleep 1
  done
  printf ' ok (%ss)\n' $((SECONDS - start))
}

banner() {
  local g1="$PARLEY_GATEWAY1_PORT" g2="$PARLEY_GATEWAY2_PORT"
  cat <<EOF

Parley is running (profile $PARLEY_PROFILE).
  REST        http://localhost:$g1/api/v1      http://localhost:$g2/api/v1
  WebSocket   ws://localhost:$g1/ws            ws://localhost:$g2/ws
  Ops         /health /ready /metrics on :$g1 and :$g2, worker :$PARLEY_WORKER_PORT, presence :$PARLEY_PRESENCE_PORT
  JWT secret  $PARLEY_JWT_SECRET  (HS256; PARLEY_JWT_SECRET)

  Get a dev token:
    curl -s -X POST localhost:$g1/api/v1/auth/dev-token -H 'content-type: application/json' -d '{"user_id":"alice","name":"Alice"}'

  Logs        $(rel "$PARLEY_LOG_DIR")/<name>.log   (make logs follows them all)
  Status      make status
  Stop        make down   (Postgres, Redis and NATS keep running)
EOF
}

up() {
  local name
  for name in "${NODES[@]}"; do start_node "$name"; done
  wait_ready "${GATEWAYS[@]}"
  # The worker and presence node are not waited for (the gateways work without them for a
  # while), but one that died is an error, and one not ready yet is worth a word.
  for name in worker presence; do
    if ! live_pid "$name" >/dev/null; then
      show_log_tail "$name"
      die "$name exited (log: $(rel "$(log_file "$name")"))"
    fi
    local code
    code=$(ready_code "$name")
    [[ $code == 200 ]] || warn "$name: /ready on :$(node_port "$name") answers $code for now (make status; log: $(rel "$(log_file "$name")"))"
  done
  banner
}

down() {
  stop_processes "$PARLEY_STOP_TIMEOUT" "${NODES[@]}"
  say "stopped. Postgres, Redis and NATS are left running (shared with tests; scripts/services.sh check shows them)"
}

status() {
  local name pid code body state
  body=$(mktemp)
  printf '%-10s %-9s %-6s %s\n' NODE PID PORT /READY
  for name in "${NODES[@]}"; do
    if pid=$(live_pid "$name"); then
      code=$(ready_code "$name" "$body")
      state="$code $(head -c 300 "$body")"
      [[ $code == 000 ]] && state="no answer"
    elif [[ -f $(pid_file "$name") ]]; then
      pid="-"; state="not running (stale pid file)"
    else
      pid="-"; state="not running"
    fi
    printf '%-10s %-9s %-6s %s\n' "$name" "$pid" "$(node_port "$name")" "$state"
  done
  rm -f "$body"
  echo
  bash "$PARLEY_ROOT/scripts/services.sh" check || true
}

logs() {
  local name
  local -a files=()
  for name in "${NODES[@]}"; do
    [[ -f $(log_file "$name") ]] && files+=("$(log_file "$name")")
  done
  ((${#files[@]})) || die "no logs yet under $(rel "$PARLEY_LOG_DIR"): make run first"
  exec tail -n 20 -F "${files[@]}"
}

case "${1:-}" in
  up) up ;;
  logs) logs ;;
  down) down ;;
  status) status ;;
  *) die "usage: scripts/nodes.sh up|down|status|logs" ;;
esac
