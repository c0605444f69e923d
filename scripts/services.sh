#!/usr/bin/env bash
# PostgreSQL, Redis and NATS (with JetStream) for local runs and tests.
#
#   scripts/services.sh [postgres|redis|nats ...]   reuse what answers, else install and start it
#   scripts/services.sh check                       only report; install and start nothing
#
# A service that already answers on its address is reused as it is, wherever it came from
# (systemd, a container, another run of this script): running this twice starts nothing twice.
# One that does not answer is installed from Debian's packages when missing and started
# without systemd (containers and CI have none), but only when its address is on this machine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

read -r PG_HOST PG_PORT <<<"$PARLEY_PG_HOST $PARLEY_PG_PORT"
read -r REDIS_HOST REDIS_PORT < <(url_host_port "$PARLEY_REDIS_URL" 6379)
read -r NATS_HOST NATS_PORT < <(url_host_port "$PARLEY_NATS_URL" 4222)

NATS_BIN=/usr/sbin/nats-server
NATS_STORE=/var/lib/nats-server
NATS_LOG=/var/log/nats-server.log
NATS_PIDFILE=/run/parley-nats-server.pid
REDIS_DIR=/var/lib/redis
REDIS_LOG=/var/log/redis/parley.log
PG_CONF_ROOT=/etc/postgresql
PG_TRUST_MARKER="# parley-dev: trust local TCP logins of the dev cluster"

# --- PostgreSQL ---------------------------------------------------------------------------

pg_server_installed() { have pg_ctlcluster && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

# Newest cluster version configured here (Debian keeps one folder per version).
pg_local_version() { find "$PG_CONF_ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n1; }

pg_answers() {
  if have pg_isready; then pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2; else port_open "$PG_HOST" "$PG_PORT"; fi
}

pg_login() {
  PGPASSWORD="$PARLEY_PG_PASSWORD" PGCONNECT_TIMEOUT=5 \
    psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PARLEY_PG_USER" -d postgres -tAc 'select 1' 2>&1
}

pg_start_local() {
  local ver
  ver=$(pg_local_version)
  [[ -n $ver ]] || die "postgres: the server is installed but /etc/postgresql has no cluster; create one with: pg_createcluster <version> main"
  if [[ ! -d $PG_CONF_ROOT/$ver/main ]]; then
    say "postgres: creating cluster $ver/main"
    as_root pg_createcluster "$ver" main
  fi
  say "postgres: starting cluster $ver/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true   # judged by the port below
}

# The dev cluster trusts TCP logins of user postgres from this machine, so that tests and
# nodes need no password (Debian's default asks for one). Only on a cluster this script
# installed, or when PARLEY_PG_TRUST_LOCAL=1; for any other server set PARLEY_PG_PASSWORD.
pg_trust_local() {
  local ver hba tmp
  ver=$(pg_local_version)
  hba="$PG_CONF_ROOT/$ver/main/pg_hba.conf"
  [[ -f $hba ]] || die "postgres: $hba not found"
  if grep -qF "$PG_TRUST_MARKER" "$hba"; then return 0; fi
  say "postgres: trusting 127.0.0.1 and ::1 logins of user postgres in $hba (local dev cluster)"
  tmp=$(mktemp)
  # pg_hba.conf is read top-down and the first matching line wins: put ours first.
  awk -v marker="$PG_TRUST_MARKER" '
    !done && !/^[[:space:]]*(#|$)/ {
      print marker
      print "host    all    postgres    127.0.0.1/32    trust"
      print "host    all    postgres    ::1/128         trust"
      print ""
      done = 1
    }
    { print }
    END { if (!done) { print marker; print "host    all    postgres    127.0.0.1/32    trust"; print "host    all    postgres    ::1/128         trust" } }
  ' "$hba" >"$tmp"
  as_root cp "$tmp" "$hba"     # cp onto the existing file keeps its owner and mode
  rm -f "$tmp"
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
}

ensure_postgres() {
  local installed_now=""
  if pg_answers; then
    say "postgres: already running on $PG_HOST:$PG_PORT"
  else
    is_local_host "$PG_HOST" || die "postgres: nothing answers on $PG_HOST:$PG_PORT; start it there, or point PARLEY_PG_HOST/PARLEY_PG_PORT at a running server"
    if ! pg_server_installed; then
      apt_install postgresql postgresql-client
      installed_now=1
    fi
    # A package install may have started it already (systemd, init scripts).
    pg_answers || pg_start_local
    if ! wait_until "$PARLEY_SERVICE_TIMEOUT" pg_answers; then
      have pg_lsclusters && pg_lsclusters >&2
      die "postgres: no answer on $PG_HOST:$PG_PORT after ${PARLEY_SERVICE_TIMEOUT}s; see /var/log/postgresql/ (is the cluster on another port? pg_lsclusters shows it)"
    fi
    say "postgres: started on $PG_HOST:$PG_PORT"
  fi
  have psql || apt_install postgresql-client
  if [[ -n $installed_now || $PARLEY_PG_TRUST_LOCAL == 1 ]] && is_local_host "$PG_HOST" && pg_server_installed; then
    pg_trust_local
  fi
  local out
  if ! out=$(pg_login); then
    die "postgres: cannot log in as '$PARLEY_PG_USER' on $PG_HOST:$PG_PORT: ${out}
    Set PARLEY_PG_USER/PARLEY_PG_PASSWORD, or for a local dev cluster let this script trust
    127.0.0.1 logins of user postgres: PARLEY_PG_TRUST_LOCAL=1 scripts/services.sh postgres"
  fi
  say "postgres: login as '$PARLEY_PG_USER' ok"
}

# --- Redis --------------------------------------------------------------------------------

# True when a Redis answers PING (a password-protected one answers NOAUTH: still Redis).
redis_answers() {
  local reply
  # shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
  reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 && IFS= read -r line <&3 && printf "%s" "$line"' \
    _ "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null) || return 1
  [[ $reply == +PONG* || $reply == -NOAUTH* ]]
}

redis_start_local() {
  say "redis: starting redis-server on $REDIS_HOST:$REDIS_PORT (nothing kept on disk)"
  as_root mkdir -p "$REDIS_DIR" "$(dirname "$REDIS_LOG")"
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir "$REDIS_DIR" --logfile "$REDIS_LOG"
}

ensure_redis() {
  if redis_answers; then
    say "redis: already running on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  port_open "$REDIS_HOST" "$REDIS_PORT" && die "redis: $REDIS_HOST:$REDIS_PORT accepts connections but does not answer PING like Redis; free the port or set PARLEY_REDIS_URL"
  is_local_host "$REDIS_HOST" || die "redis: nothing answers on $REDIS_HOST:$REDIS_PORT; start it there, or point PARLEY_REDIS_URL at a running server"
  have redis-server || apt_install redis-server
  redis_answers || redis_start_local
  wait_until "$PARLEY_SERVICE_TIMEOUT" redis_answers \
    || die "redis: no answer on $REDIS_HOST:$REDIS_PORT after ${PARLEY_SERVICE_TIMEOUT}s; see $REDIS_LOG"
  say "redis: started on $REDIS_HOST:$REDIS_PORT"
}

# --- NATS ---------------------------------------------------------------------------------

# The INFO line a NATS server sends first on every connection; empty when none answers.
nats_info() {
  # shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r line <&3 && printf "%s" "$line"' \
    _ "$NATS_HOST" "$NATS_PORT" 2>/dev/null || true
}

nats_port_closed() { ! port_open "$NATS_HOST" "$NATS_PORT"; }

nats_answers() { [[ $(nats_info) == INFO* ]]; }

# JetStream shows in INFO as "jetstream":true (absent when the server runs without -js).
nats_has_jetstream() { [[ $(nats_info) == *'"jetstream":true'* ]]; }

nats_start_local() {
  say "nats: starting nats-server with JetStream on $NATS_HOST:$NATS_PORT (store $NATS_STORE, log $NATS_LOG)"
  as_root mkdir -p "$NATS_STORE"
  # The pid file makes --oknodo look for this server only, not any nats-server running here.
  as_root start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$NATS_PIDFILE" \
    --exec "$NATS_BIN" -- -a "$NATS_HOST" -p "$NATS_PORT" -js -sd "$NATS_STORE" -l "$NATS_LOG"
}

nats_without_jetstream() {
  die "nats: the server on $NATS_HOST:$NATS_PORT runs without JetStream, which Parley needs. Either
    - stop it and run this script again, which starts one with JetStream
      (the packaged service: systemctl disable --now nats-server), or
    - enable JetStream where it is configured: run nats-server with -js -sd $NATS_STORE, or add
      'jetstream { store_dir: \"$NATS_STORE\" }' to its config file (e.g. /etc/nats-server.conf) and restart it"
}

ensure_nats() {
  local installed_now=""
  if nats_answers; then
    nats_has_jetstream || nats_without_jetstream
    say "nats: already running on $NATS_HOST:$NATS_PORT (JetStream on)"
    return 0
  fi
  port_open "$NATS_HOST" "$NATS_PORT" && die "nats: $NATS_HOST:$NATS_PORT accepts connections but does not speak NATS; free the port or set PARLEY_NATS_URL"
  is_local_host "$NATS_HOST" || die "nats: nothing answers on $NATS_HOST:$NATS_PORT; start it there (with JetStream), or point PARLEY_NATS_URL at a running server"
  if [[ ! -x $NATS_BIN ]]; then
    apt_install nats-server
    installed_now=1
  fi
  # Debian's package starts its own service under systemd, without JetStream. Just installed by
  # us, it is ours to replace by one with JetStream; one that was there before is left to its owner.
  if [[ -n $installed_now && -d /run/systemd/system ]] && have systemctl \
      && wait_until 5 nats_answers && ! nats_has_jetstream; then
    say "nats: the package's service runs without JetStream; disabling it (this script runs NATS)"
    as_root systemctl disable --now nats-server
    wait_until "$PARLEY_SERVICE_TIMEOUT" nats_port_closed || die "nats: the package's service did not stop"
  fi
  nats_answers || nats_start_local
  wait_until "$PARLEY_SERVICE_TIMEOUT" nats_answers \
    || die "nats: no answer on $NATS_HOST:$NATS_PORT after ${PARLEY_SERVICE_TIMEOUT}s; see $NATS_LOG"
  nats_has_jetstream || nats_without_jetstream
  say "nats: started on $NATS_HOST:$NATS_PORT (JetStream on)"
}

# --- report only --------------------------------------------------------------------------

check_all() {
  local bad=0
  if pg_answers; then say "postgres: up on $PG_HOST:$PG_PORT"; else say "postgres: DOWN on $PG_HOST:$PG_PORT"; bad=1; fi
  if redis_answers; then say "redis: up on $REDIS_HOST:$REDIS_PORT"; else say "redis: DOWN on $REDIS_HOST:$REDIS_PORT"; bad=1; fi
  if nats_has_jetstream; then say "nats: up on $NATS_HOST:$NATS_PORT (JetStream on)"
  elif nats_answers; then say "nats: up on $NATS_HOST:$NATS_PORT but WITHOUT JetStream"; bad=1
  else say "nats: DOWN on $NATS_HOST:$NATS_PORT"; bad=1; fi
  return "$bad"
}

main() {
  if [[ ${1:-} == check ]]; then check_all; return; fi
  local -a which=("$@")
  ((${#which[@]})) || which=(postgres redis nats)
  local s
  for s in "${which[@]}"; do
    case "$s" in
      postgres|redis|nats) "ensure_$s" ;;
      *) die "unknown service '$s' (postgres, redis, nats, or check)" ;;
    esac
  done
}

# Sourcing the file (for a dry run of its functions) defines them without running anything.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
