#!/usr/bin/env bash
# A production-like Parley from local processes, no containers: three nats-servers clustered on
# loopback ports (JetStream, the stream replicated on all three), HAProxy in front of three
# gateways (health-checked on /ready, WebSocket-aware), two persistence workers, two presence
# nodes. Postgres and Redis are the usual ones (scripts/services.sh), with a database and Redis
# key prefix of its own.
#
#   scripts/cluster.sh up       start what is not running, wait until it is ready, print where it is
#   scripts/cluster.sh down     drain the gateways through HAProxy, then stop everything by pid
#   scripts/cluster.sh status   each process and its /ready, the stream's leader and replicas
#   scripts/cluster.sh leader   the NATS server leading the stream: "<name> <pid>"
#   scripts/cluster.sh restart NAME  stop one process and start it again (a gateway: drained
#                               through HAProxy first, back in rotation once ready)
#   scripts/cluster.sh kill-leader  kill -9 that server, then wait for the others to elect a new one
#   scripts/cluster.sh load [S] traffic for S seconds (120): loadgen's fanout through HAProxy, then
#                               what it saw: sent, lost, duplicated, out of order, ack latency
#
# Everything lives under PARLEY_CLUSTER_DIR (.run/cluster): <name>.conf, <name>.pid,
# logs/<name>.log, nats-N/ (a server's JetStream store), files/ (uploads, shared by the gateways).
# Settings: PARLEY_CLUSTER_* in scripts/env.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIR="$PARLEY_CLUSTER_DIR"
LOGS="$DIR/logs"
NATS_BIN=/usr/sbin/nats-server
HAPROXY_TEMPLATE="$PARLEY_ROOT/deploy/haproxy/haproxy.cfg"
SOCKET="$DIR/haproxy.sock"
NATS_SERVERS=3
REPLICAS=3
CLUSTER_NAME=parley

HAPROXY_PORT=$PARLEY_CLUSTER_PORT_BASE
STATS_PORT=$((PARLEY_CLUSTER_PORT_BASE + 1))
gateway_port() { echo $((PARLEY_CLUSTER_PORT_BASE + 10 + $1)); }
worker_port() { echo $((PARLEY_CLUSTER_PORT_BASE + 20 + $1)); }
presence_port() { echo $((PARLEY_CLUSTER_PORT_BASE + 30 + $1)); }
nats_port() { echo $((PARLEY_CLUSTER_NATS_PORT_BASE + $1)); }
route_port() { echo $((PARLEY_CLUSTER_NATS_PORT_BASE + 10 + $1)); }
monitor_port() { echo $((PARLEY_CLUSTER_NATS_PORT_BASE + 20 + $1)); }

# Every process by name, in start order (stopped in reverse).
names() {
  local i
  for ((i = 1; i <= NATS_SERVERS; i++)); do echo "nats-$i"; done
  for ((i = 1; i <= PARLEY_CLUSTER_PRESENCE_NODES; i++)); do echo "presence-$i"; done
  for ((i = 1; i <= PARLEY_CLUSTER_WORKERS; i++)); do echo "worker-$i"; done
  for ((i = 1; i <= PARLEY_CLUSTER_GATEWAYS; i++)); do echo "gateway-$i"; done
  echo haproxy
}

gateway_names() { local i; for ((i = 1; i <= PARLEY_CLUSTER_GATEWAYS; i++)); do echo "gateway-$i"; done; }

# The port that says a process is up: HTTP for Parley's nodes, the client port for NATS.
port_of() {
  case "$1" in
    nats-*) nats_port "${1#nats-}" ;;
    gateway-*) gateway_port "${1#gateway-}" ;;
    worker-*) worker_port "${1#worker-}" ;;
    presence-*) presence_port "${1#presence-}" ;;
    haproxy) echo "$HAPROXY_PORT" ;;
  esac
}

nats_urls() {
  local i urls=()
  for ((i = 1; i <= NATS_SERVERS; i++)); do urls+=("nats://127.0.0.1:$(nats_port "$i")"); done
  (IFS=,; echo "${urls[*]}")
}

pid_file() { echo "$DIR/$1.pid"; }
log_file() { echo "$LOGS/$1.log"; }

# A string only this process of this cluster has on its command line: a pid file whose process
# lacks it is stale (the pid was reused), whatever it points at.
marker() {
  case "$1" in
    nats-*) echo "$DIR/$1.conf" ;;
    haproxy) echo "$DIR/haproxy.cfg" ;;
    *) echo "-Dparley.cluster.node=$DIR/$1 " ;;
  esac
}

live_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(marker "$1")" || return 1
  echo "$pid"
}

# --- what the cluster needs installed --------------------------------------------------------

ensure_tools() {
  [[ -x $NATS_BIN ]] || apt_install nats-server
  have haproxy || apt_install haproxy
  have socat || apt_install socat     # talks to HAProxy's runtime API (a unix socket)
  have curl || apt_install curl
}

# --- configuration files -------------------------------------------------------------------

write_nats_conf() {
  local i="$1" routes=() j
  for ((j = 1; j <= NATS_SERVERS; j++)); do routes+=("nats-route://127.0.0.1:$(route_port "$j")"); done
  mkdir -p "$DIR/nats-$i"
  cat >"$DIR/nats-$i.conf" <<EOF
# written by scripts/cluster.sh: one of $NATS_SERVERS servers of cluster "$CLUSTER_NAME"
server_name: nats-$i
listen: 127.0.0.1:$(nats_port "$i")
http: 127.0.0.1:$(monitor_port "$i")
jetstream {
  store_dir: "$DIR/nats-$i"
}
cluster {
  name: $CLUSTER_NAME
  listen: 127.0.0.1:$(route_port "$i")
  routes: [ $(IFS=,; echo "${routes[*]}") ]
}
EOF
}

write_haproxy_conf() {
  local servers="" name
  for name in $(gateway_names); do
    servers+="    server $name 127.0.0.1:$(gateway_port "${name#gateway-}") check"$'\n'
  done
  local out="$DIR/haproxy.cfg"
  awk -v servers="${servers%$'\n'}" -v socket="$SOCKET" -v bind="$PARLEY_CLUSTER_BIND" \
      -v http="$HAPROXY_PORT" -v stats="$STATS_PORT" '
    /^@SERVERS@$/ { print servers; next }
    { gsub(/@STATS_SOCKET@/, socket); gsub(/@BIND@/, bind); gsub(/@HTTP_PORT@/, http);
      gsub(/@STATS_PORT@/, stats); print }
  ' "$HAPROXY_TEMPLATE" >"$out"
  haproxy -c -q -f "$out" || die "haproxy: $(rel "$out") is not valid (haproxy -c -f $(rel "$out") says why)"
}

# --- starting ------------------------------------------------------------------------------

java_env() {
  local name="$1"
  printf '%s\n' "${BASE_ENV[@]}" \
    "PARLEY_PG_DATABASE=$PARLEY_CLUSTER_DATABASE" \
    "PARLEY_NATS_URL=$(nats_urls)" "PARLEY_STREAM_REPLICAS=$REPLICAS" \
    "PARLEY_REDIS_KEY_PREFIX=$PARLEY_CLUSTER_REDIS_KEY_PREFIX" \
    "PARLEY_PROFILE=$PARLEY_PROFILE" "PARLEY_JWT_SECRET=$PARLEY_JWT_SECRET" "PARLEY_DEV_TOKENS=$PARLEY_DEV_TOKENS" \
    "PARLEY_FILES_DIR=$DIR/files" \
    "PARLEY_NODE_ID=cluster-$name" "PARLEY_HTTP_PORT=$(port_of "$name")"
}

module_of() {
  case "$1" in
    gateway-*) echo gateway-node ;;
    worker-*) echo persistence-worker ;;
    presence-*) echo presence-node ;;
  esac
}

# Starts one process in its own session (a Ctrl-C in this terminal does not reach it).
spawn() {
  local name="$1" log port pid
  log=$(log_file "$name"); port=$(port_of "$name")
  if pid=$(live_pid "$name"); then
    say "$name: already running (pid $pid, port $port)"
    return 0
  fi
  rm -f "$(pid_file "$name")"
  if port_open 127.0.0.1 "$port"; then
    die "$name: port $port is taken by a process this script did not start (ss -ltnp 'sport = :$port'); stop it, or move the cluster with PARLEY_CLUSTER_PORT_BASE / PARLEY_CLUSTER_NATS_PORT_BASE"
  fi
  printf '\n==== %s starting %s\n' "$(date -Is)" "$name" >>"$log"
  case "$name" in
    nats-*)
      write_nats_conf "${name#nats-}"
      setsid "$NATS_BIN" -c "$DIR/$name.conf" >>"$log" 2>&1 </dev/null &
      ;;
    haproxy)
      write_haproxy_conf
      # -db: in the foreground, so its pid is ours to stop and its log goes to the file
      setsid haproxy -db -f "$DIR/haproxy.cfg" >>"$log" 2>&1 </dev/null &
      ;;
    *)
      local jar env_vars opts
      jar=$(module_jar "$(module_of "$name")") || die "$name: no jar under $(module_of "$name")/target: run make build"
      mapfile -t env_vars < <(java_env "$name")
      read -r -a opts <<<"$PARLEY_CLUSTER_JAVA_OPTS"
      setsid env "${env_vars[@]}" java "${opts[@]}" "-Dparley.cluster.node=$DIR/$name" -jar "$jar" \
        >>"$log" 2>&1 </dev/null &
      ;;
  esac
  echo $! >"$(pid_file "$name")"
  say "$name: started (pid $!, port $port, log $(rel "$log"))"
}

# HTTP status of a URL, "000" when nothing answers; the body goes to $2 if given.
http_code() {
  curl -s -o "${2:-/dev/null}" -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
}

ready_url() {
  case "$1" in
    nats-*) echo "http://127.0.0.1:$(monitor_port "${1#nats-}")/healthz" ;;
    haproxy) echo "http://127.0.0.1:$STATS_PORT/" ;;
    *) echo "http://127.0.0.1:$(port_of "$1")/ready" ;;
  esac
}

# Waits until each named process answers 200; fails at once when one of them exits.
wait_ready() {
  local deadline=$((SECONDS + PARLEY_READY_TIMEOUT)) name
  local -a pending=("$@")
  printf '==> waiting for %s (up to %ss) ' "${pending[*]}" "$PARLEY_READY_TIMEOUT"
  while ((${#pending[@]})); do
    local -a still=()
    for name in "${pending[@]}"; do
      [[ $(http_code "$(ready_url "$name")") == 200 ]] && continue
      if ! live_pid "$name" >/dev/null; then
        printf ' %s exited\n' "$name"
        tail -n 30 "$(log_file "$name")" >&2
        die "$name exited during start-up (log: $(rel "$(log_file "$name")"))"
      fi
      still+=("$name")
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]})) || break
    if ((SECONDS >= deadline)); then
      printf ' timed out\n'
      for name in "${pending[@]}"; do tail -n 20 "$(log_file "$name")" >&2; done
      die "not ready after ${PARLEY_READY_TIMEOUT}s: ${pending[*]} (they keep running; make cluster-status, make cluster-down)"
    fi
    printf '.'
    sleep 1
  done
  printf ' ok\n'
}

# The stream as NATS monitoring reports it (JSON), from the leader's own view where it answers:
# a follower's view of the replicas can lag. Fails when no server reports the stream.
stream_json() {
  local i body detail fallback=""
  for ((i = 1; i <= NATS_SERVERS; i++)); do
    body=$(curl -s --max-time 2 "http://127.0.0.1:$(monitor_port "$i")/jsz?streams=true&config=true" 2>/dev/null) || continue
    detail=$(jq -c '.account_details[0].stream_detail[0] // empty | select(.cluster)' 2>/dev/null <<<"$body") || continue
    [[ -n $detail ]] || continue
    if [[ $(jq -r '.cluster.leader // empty' <<<"$detail") == "nats-$i" ]]; then
      echo "$detail"
      return 0
    fi
    fallback=${fallback:-$detail}
  done
  [[ -n $fallback ]] && echo "$fallback"
}

# "<leader name> <pid>" of the stream's leader; fails while there is none (an election).
leader() {
  local json name pid
  json=$(stream_json) || return 1
  name=$(jq -r '.cluster.leader // empty' <<<"$json")
  [[ -n $name ]] || return 1
  pid=$(live_pid "$name") || pid="-"
  echo "$name $pid"
}

# A rolling restart's step. A gateway leaves HAProxy's rotation first (state drain: no new
# connection, the open ones go on), then drains itself on TERM: /ready 503, its sockets closed with
# 1001 once answered, their clients reconnecting through HAProxy to the other gateways.
restart() {
  local name="$1"
  names | grep -qxF -- "$name" || die "restart: name one of: $(names | tr '\n' ' ')"
  local balanced=""
  if [[ $name == gateway-* ]] && live_pid haproxy >/dev/null; then
    balanced=1
    haproxy_cmd "set server gateways/$name state drain" >/dev/null
    say "haproxy: $name set to drain"
  fi
  stop "$name"
  spawn "$name"
  wait_ready "$name"
  if [[ -n $balanced ]]; then
    haproxy_cmd "set server gateways/$name state ready" >/dev/null
    say "haproxy: $name back in rotation (after two passing health checks)"
  fi
}

# The fault of the cluster's test, by hand: SIGKILL to the server leading the stream, then how
# long until another leads it. Start the killed one again with `make cluster` (it catches up).
kill_leader() {
  local name pid
  read -r name pid < <(leader) || die "no stream leader now (an election is under way, or the cluster is down)"
  [[ $pid != - ]] || die "$name leads the stream but is not a server this script started"
  kill -KILL "$pid"
  say "$name (pid $pid) killed with SIGKILL; waiting for another server to lead the stream"
  local start=$EPOCHREALTIME now
  until now=$(leader 2>/dev/null) && [[ ${now%% *} != "$name" ]]; do
    (( ${EPOCHREALTIME%.*} - ${start%.*} < 60 )) || die "no new leader after 60 s (make cluster-status)"
    sleep 0.1
  done
  say "${now%% *} leads the stream, $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s after the kill; make cluster starts $name again"
}

up() {
  [[ $PARLEY_CLUSTER_DATABASE != "$PARLEY_PG_DATABASE" ]] \
    || die "PARLEY_CLUSTER_DATABASE is $PARLEY_PG_DATABASE, the database of make run: the cluster needs one of its own"
  mkdir -p "$DIR" "$LOGS" "$DIR/files"
  ensure_tools
  # The database holds what the stream held, under the stream's sequence numbers: without the
  # NATS stores (a first start, or .run removed) it starts afresh with the new stream.
  if ! compgen -G "$DIR/nats-*/jetstream" >/dev/null; then
    reset_database
  fi
  PARLEY_PG_DATABASE="$PARLEY_CLUSTER_DATABASE" bash "$PARLEY_ROOT/scripts/migrate.sh"
  local name i
  local -a nats=()
  for ((i = 1; i <= NATS_SERVERS; i++)); do nats+=("nats-$i"); done
  for name in "${nats[@]}"; do spawn "$name"; done
  wait_ready "${nats[@]}"
  local -a nodes=()
  mapfile -t nodes < <(names | grep -v -e '^nats-' -e '^haproxy$')
  for name in "${nodes[@]}"; do spawn "$name"; done
  wait_ready "${nodes[@]}"
  spawn haproxy
  wait_ready haproxy
  # HAProxy marks a gateway up after two health checks (rise 2): wait for all of them.
  wait_until 10 all_gateways_up || warn "HAProxy does not see every gateway up yet (make cluster-status)"
  banner
}

reset_database() {
  have psql || apt_install postgresql-client
  say "cluster: new NATS stores, so a new database $PARLEY_CLUSTER_DATABASE (an earlier one is dropped)"
  local out
  out=$(PGPASSWORD="$PARLEY_PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -v ON_ERROR_STOP=1 \
    -h "$PARLEY_PG_HOST" -p "$PARLEY_PG_PORT" -U "$PARLEY_PG_USER" -d postgres \
    -c "DROP DATABASE IF EXISTS \"$PARLEY_CLUSTER_DATABASE\" WITH (FORCE)" 2>&1) \
    || die "cluster: cannot drop database $PARLEY_CLUSTER_DATABASE: $out"
}

# True when HAProxy's runtime API reports every gateway UP.
all_gateways_up() {
  local up
  up=$(haproxy_cmd "show stat" | awk -F, '$1 == "gateways" && $2 ~ /^gateway-/ && $18 == "UP"' | wc -l)
  ((up == PARLEY_CLUSTER_GATEWAYS))
}

haproxy_cmd() { echo "$1" | socat -t 2 stdio "unix-connect:$SOCKET" 2>/dev/null; }

banner() {
  local g1 lead
  g1=$(gateway_port 1)
  lead=$(leader 2>/dev/null) || lead="(electing)"
  cat <<EOF

Parley cluster is running (profile $PARLEY_PROFILE, stream replicated x$REPLICAS).
  Clients     http://localhost:$HAPROXY_PORT/api/v1   ws://localhost:$HAPROXY_PORT/ws   (HAProxy over $(gateway_names | tr '\n' ' '))
  Web client  http://localhost:$HAPROXY_PORT/
  HAProxy     http://localhost:$STATS_PORT/  (traffic per gateway; Prometheus text at /metrics)
  Metrics     http://localhost:$g1/metrics … :$(gateway_port "$PARLEY_CLUSTER_GATEWAYS") gateways, :$(worker_port 1)… workers, :$(presence_port 1)… presence
  NATS        $(nats_urls)
              monitoring http://localhost:$(monitor_port 1)/jsz?streams=true (and :$(monitor_port 2), :$(monitor_port 3))
  Stream      leader: $lead   (make cluster-status)

  A dev token:
    curl -s -X POST localhost:$HAPROXY_PORT/api/v1/auth/dev-token -H 'content-type: application/json' -d '{"user_id":"alice","name":"Alice"}'
  Traffic for 2 minutes (40 clients through HAProxy), and what it saw (lost, duplicated, ...):
    make cluster-load            # or: make cluster-load DURATION=600
  Watch sends being acknowledged, per gateway (one line a second):
    while sleep 1; do for p in $(for i in $(seq 1 "$PARLEY_CLUSTER_GATEWAYS"); do printf '%s ' "$(gateway_port "$i")"; done); do curl -s localhost:\$p/metrics | grep '^parley_send_latency_seconds_count'; done; done
  Meanwhile, kill -9 the NATS server leading the stream; the other two elect a new leader:
    make cluster-kill-leader     # then: make cluster-status; make cluster (starts it again)

  Restart one process (a gateway leaves HAProxy's rotation first, then drains):
    make cluster-restart NAME=gateway-2

  Logs        $(rel "$LOGS")/<name>.log
  Stop        make cluster-down
EOF
}

# Stops the named processes: TERM, then KILL after PARLEY_CLUSTER_STOP_TIMEOUT seconds.
stop() {
  stop_processes --quiet "$PARLEY_CLUSTER_STOP_TIMEOUT" "$@"
}

down() {
  local name i running=""
  for name in $(names); do
    if live_pid "$name" >/dev/null; then running=1; else rm -f "$(pid_file "$name")"; fi
  done
  if [[ -z $running ]]; then
    say "cluster: not running"
    return 0
  fi
  # Drain first: HAProxy sends no new connection to a gateway in state drain, while the ones
  # open go on; each gateway then drains itself on TERM (/ready 503, closes with 1001).
  if live_pid haproxy >/dev/null; then
    for name in $(gateway_names); do
      haproxy_cmd "set server gateways/$name state drain" >/dev/null || true
    done
    say "haproxy: gateways set to drain"
  fi
  local -a all=() reversed=()
  mapfile -t all < <(names)
  for ((i = ${#all[@]} - 1; i >= 0; i--)); do reversed+=("${all[i]}"); done
  # gateways first (they drain), then what they use; HAProxy until the gateways are gone
  stop $(gateway_names)
  stop $(printf '%s\n' "${reversed[@]}" | grep -v -e '^gateway-' -e '^nats-')
  stop $(printf '%s\n' "${reversed[@]}" | grep '^nats-')
  say "cluster stopped (its NATS stores stay in $(rel "$DIR"); Postgres database $PARLEY_CLUSTER_DATABASE stays)"
}

status() {
  local name pid code state body
  body=$(mktemp)
  printf '%-11s %-8s %-6s %s\n' NAME PID PORT READY
  for name in $(names); do
    if pid=$(live_pid "$name"); then
      code=$(http_code "$(ready_url "$name")" "$body")
      case "$name" in
        haproxy) state="$code" ;;
        *) state="$code $(head -c 200 "$body" | tr -d '\n')" ;;
      esac
    else
      pid="-"; state="not running"
    fi
    printf '%-11s %-8s %-6s %s\n' "$name" "$pid" "$(port_of "$name")" "$state"
  done
  rm -f "$body"
  echo
  if live_pid haproxy >/dev/null; then
    echo "HAProxy (show stat): server, status, sessions now, sessions total"
    haproxy_cmd "show stat" | awk -F, '$1 == "gateways" && $2 ~ /^gateway-/ { printf "  %-10s %-6s %5s %8s\n", $2, $18, $5, $8 }'
    echo
  fi
  local json
  if json=$(stream_json); then
    jq -r '"stream \(.name) (replicas \(.config.num_replicas // "?")): \(.state.messages) messages, last seq \(.state.last_seq)",
      "  leader   \(.cluster.leader // "none (an election is under way)")",
      (.cluster.replicas // [] | .[] | "  replica  \(.name)  current=\(.current)  lag=\(.lag // 0)")' <<<"$json"
  else
    echo "stream: no NATS server reports it (not created yet, or NATS is down)"
  fi
}

# Traffic an operator can watch, and a verdict: loadgen's fanout scenario (40 clients in groups
# of 4, 20 msg/s, every client resending under one client_msg_id until acked) through HAProxy.
load() {
  local seconds="${1:-120}" jar
  [[ $seconds =~ ^[0-9]+$ ]] || die "load: seconds must be a number, not '$seconds'"
  jar=$(module_jar loadgen) || die "load: no loadgen jar under loadgen/target: run make build"
  live_pid haproxy >/dev/null || die "load: the cluster is not running (make cluster)"
  say "load: 40 clients in 10 groups through http://localhost:$HAPROXY_PORT, 20 msg/s for ${seconds}s"
  say "load: meanwhile, in another terminal: make cluster-kill-leader"
  local out="$DIR/loadgen" opts
  mkdir -p "$out"
  read -r -a opts <<<"$PARLEY_CLUSTER_JAVA_OPTS"
  PARLEY_BENCH_GATEWAYS="http://127.0.0.1:$HAPROXY_PORT" PARLEY_JWT_SECRET="$PARLEY_JWT_SECRET" \
    java "${opts[@]}" "-Dparley.root=$PARLEY_ROOT" -jar "$jar" fanout groups=10 members=4 rate=20 \
    "seconds=$seconds" warmup=5s floor=false profile=0 --out "$out"
  local result
  result=$(ls -t "$out"/*-fanout.json 2>/dev/null | head -n1)
  [[ -n $result ]] || die "load: loadgen wrote no result under $(rel "$out")"
  jq -r '.figures | "load: \(.sent) sent, \(.lost) lost, \(.duplicated) duplicated, \(.out_of_order) out of order, \(.send_failures) failed, \(.unacked) unacked; ack p50 \(.ack_p50_ms) ms, p99 \(.ack_p99_ms) ms, max \(.ack_max_ms) ms"' "$result"
  jq -e '.figures | .lost == 0 and .duplicated == 0 and .out_of_order == 0 and .send_failures == 0 and .unacked == 0' "$result" >/dev/null \
    || die "load: messages were lost, doubled, reordered or not acknowledged (details: $(rel "$result"))"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  leader) leader || die "no stream leader now (an election is under way, or the cluster is down)" ;;
  restart) restart "${2:-}" ;;
  kill-leader) kill_leader ;;
  load) load "${2:-120}" ;;
  *) die "usage: scripts/cluster.sh up|down|status|leader|restart NAME|kill-leader|load [seconds]" ;;
esac
