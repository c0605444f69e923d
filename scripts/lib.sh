# shellcheck shell=bash disable=SC2034  # its variables are used by the scripts that source it
# Helpers shared by the scripts in this folder. Sourced, never run on its own.

PARLEY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/env.sh
source "$PARLEY_ROOT/scripts/env.sh"

PARLEY_LOG_DIR="$PARLEY_RUN_DIR/logs"
mkdir -p "$PARLEY_LOG_DIR"

say()  { printf '==> %s\n' "$*"; }
warn() { printf '==> WARNING: %s\n' "$*" >&2; }
die()  { printf '==> ERROR: %s\n' "$*" >&2; exit 1; }

# A path relative to the repository root when it is inside it: shorter messages.
rel() { local p="$1"; printf '%s' "${p#"$PARLEY_ROOT"/}"; }

have() { command -v "$1" >/dev/null 2>&1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif have sudo; then
    sudo "$@"
  else
    die "need root for: $* (run as root, or install sudo)"
  fi
}

# apt-get update at most once an hour across the scripts (make test runs two of them).
apt_update_once() {
  local stamp="$PARLEY_RUN_DIR/apt-updated"
  if [[ -f $stamp && -n $(find "$stamp" -mmin -60 2>/dev/null) ]]; then
    return 0
  fi
  say "apt-get update (log: $(rel "$PARLEY_LOG_DIR/apt.log"))"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >>"$PARLEY_LOG_DIR/apt.log" 2>&1; then
    tail -n 20 "$PARLEY_LOG_DIR/apt.log" >&2
    die "apt-get update failed (full log: $(rel "$PARLEY_LOG_DIR/apt.log"))"
  fi
  touch "$stamp"
}

# Installs Debian packages without a question asked (CI has no stdin).
apt_install() {
  have apt-get || die "apt-get not found: install $* with this system's package manager, then run again"
  apt_update_once
  say "installing $* (apt-get; log: $(rel "$PARLEY_LOG_DIR/apt.log"))"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" \
      </dev/null >>"$PARLEY_LOG_DIR/apt.log" 2>&1; then
    tail -n 30 "$PARLEY_LOG_DIR/apt.log" >&2
    die "apt-get install $* failed (full log: $(rel "$PARLEY_LOG_DIR/apt.log"))"
  fi
}

# True when something accepts TCP connections on host:port.
port_open() {
  # shellcheck disable=SC2016  # $1 and $2 are the inner shell's arguments
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# Retries a command once a second until it succeeds or `seconds` have passed.
wait_until() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

is_local_host() {
  case "$1" in
    127.*|localhost|::1|'[::1]') return 0 ;;
    *) return 1 ;;
  esac
}

# Prints "host port" of a URL such as nats://user:pw@host:4222,nats://other:4222 or
# redis://[::1]:6379/0 (the first server of a list), with default_port when none is given.
url_host_port() {
  local url="$1" default_port="$2" hp host port
  hp="${url#*://}"; hp="${hp%%,*}"; hp="${hp%%/*}"; hp="${hp##*@}"
  if [[ $hp == \[*\]* ]]; then
    host="${hp%%]*}"; host="${host#[}"; port="${hp#*]}"; port="${port#:}"
  elif [[ $hp == *:* ]]; then
    host="${hp%:*}"; port="${hp##*:}"
  else
    host="$hp"; port=""
  fi
  printf '%s %s\n' "$host" "${port:-$default_port}"
}

# The runnable (shaded) jar of a module: <module>/target/<module>-all.jar (root pom's shade
# outputFile). <module>.jar, an earlier name, is accepted too; when both exist the newer wins,
# so a jar left over from before a rename is never picked over a fresh build.
module_jar() {
  local m="$1" f best=""
  for f in "$PARLEY_ROOT/$m/target/$m-all.jar" "$PARLEY_ROOT/$m/target/$m.jar"; do
    if [[ -f $f && ( -z $best || $f -nt $best ) ]]; then best="$f"; fi
  done
  [[ -n $best ]] && printf '%s\n' "$best"
}

# The Java processes and the modules whose jars they run.
RUNNABLE_MODULES=(migrations gateway-node persistence-worker presence-node)

# JAVA_OPTS as an array (a space-separated list by convention).
read -r -a JAVA_OPTS_ARRAY <<<"$JAVA_OPTS"

# Environment of every Java process: where the dependencies are.
BASE_ENV=(
  "PARLEY_PG_HOST=$PARLEY_PG_HOST" "PARLEY_PG_PORT=$PARLEY_PG_PORT"
  "PARLEY_PG_DATABASE=$PARLEY_PG_DATABASE" "PARLEY_PG_USER=$PARLEY_PG_USER"
  "PARLEY_PG_PASSWORD=$PARLEY_PG_PASSWORD"
  "PARLEY_NATS_URL=$PARLEY_NATS_URL" "PARLEY_REDIS_URL=$PARLEY_REDIS_URL"
)

# The tests read PARLEY_TEST_* (test-support's TestSettings); by default they follow the
# PARLEY_* addresses that scripts/services.sh checked, so both always point at the same servers.
export_test_settings() {
  export PARLEY_TEST_PG_HOST="${PARLEY_TEST_PG_HOST:-$PARLEY_PG_HOST}"
  export PARLEY_TEST_PG_PORT="${PARLEY_TEST_PG_PORT:-$PARLEY_PG_PORT}"
  export PARLEY_TEST_PG_USER="${PARLEY_TEST_PG_USER:-$PARLEY_PG_USER}"
  export PARLEY_TEST_PG_PASSWORD="${PARLEY_TEST_PG_PASSWORD:-$PARLEY_PG_PASSWORD}"
  export PARLEY_TEST_NATS_URL="${PARLEY_TEST_NATS_URL:-$PARLEY_NATS_URL}"
  export PARLEY_TEST_REDIS_URL="${PARLEY_TEST_REDIS_URL:-$PARLEY_REDIS_URL}"
}

# Stops the named processes: TERM to each one running, then waits up to `seconds` for them to
# exit (await_exit) and KILLs what still runs. The sourcing script defines `live_pid NAME` (prints
# the pid when NAME runs, fails otherwise) and `pid_file NAME`; a pid file left by a process not
# running is removed. Says "NAME: stopping (pid N)" of each one stopped and, unless --quiet comes
# first, "NAME: not running" of the others.
stop_processes() {
  local quiet=""
  if [[ ${1:-} == --quiet ]]; then quiet=1; shift; fi
  local seconds="$1"; shift
  local name pid
  local -a stopping=()
  for name in "$@"; do
    if pid=$(live_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      stopping+=("$name:$pid:$(pid_file "$name")")
      say "$name: stopping (pid $pid)"
    elif [[ -f $(pid_file "$name") ]]; then
      rm -f "$(pid_file "$name")"
      [[ -n $quiet ]] || say "$name: not running (stale pid file removed)"
    else
      [[ -n $quiet ]] || say "$name: not running"
    fi
  done
  await_exit "$seconds" "${stopping[@]+"${stopping[@]}"}"
}

# Waits for processes asked to stop, each given as "name:pid:pid-file", removing each pid file once
# its process is gone; what still runs after `seconds` gets KILL.
await_exit() {
  local seconds="$1"; shift
  local -a pending=("$@") alive
  local deadline=$((SECONDS + seconds)) entry name pid file
  while ((${#pending[@]})); do
    alive=()
    for entry in "${pending[@]}"; do
      IFS=: read -r name pid file <<<"$entry"
      if kill -0 "$pid" 2>/dev/null; then alive+=("$entry"); else rm -f "$file"; fi
    done
    pending=("${alive[@]+"${alive[@]}"}")
    ((${#pending[@]})) || return 0
    if ((SECONDS >= deadline)); then
      for entry in "${pending[@]}"; do
        IFS=: read -r name pid file <<<"$entry"
        warn "$name: still running after ${seconds}s, sending KILL (pid $pid)"
        kill -KILL "$pid" 2>/dev/null || true
        rm -f "$file"
      done
      return 0
    fi
    sleep 0.5
  done
}

# Formats seconds as 1m05s.
human_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Removes terminal colour codes (Debian's Maven prints some even with -B).
strip_ansi() { sed -u 's/\x1b\[[0-9;]*m//g'; }

# npm ci in $1 when its node_modules is missing or older than its package-lock.json ($2 names it
# in messages); the log goes to npm.log.
npm_ci_if_stale() {
  local dir="$1" what="$2" stamp="$1/node_modules/.parley-installed"
  if [[ -f $stamp && ! $dir/package-lock.json -nt $stamp ]]; then
    return 0
  fi
  say "$what: npm ci (log: $(rel "$PARLEY_LOG_DIR/npm.log"))"
  if ! (cd "$dir" && npm ci --no-audit --no-fund) >>"$PARLEY_LOG_DIR/npm.log" 2>&1; then
    tail -n 30 "$PARLEY_LOG_DIR/npm.log" >&2
    die "npm ci in $(rel "$dir") failed (full log: $(rel "$PARLEY_LOG_DIR/npm.log"))"
  fi
  touch "$stamp"
}

# "pass fail" from node's test runner output in file $1 (its closing "# pass N" / "# fail N").
node_counts() {
  local pass fail
  pass=$(grep -E '^# pass [0-9]+' "$1" | tail -n1 | tr -dc '0-9')
  fail=$(grep -E '^# fail [0-9]+' "$1" | tail -n1 | tr -dc '0-9')
  echo "${pass:-0} ${fail:-0}"
}

# "pass fail" a test script wrote to the counts file $1; "0 1" when it wrote none but failed
# (exit status $2): a run that could not even start is a failure, never a silent zero.
read_counts() {
  if [[ -f $1 ]]; then
    cat "$1"
  elif (($2 != 0)); then
    echo "0 1"
  else
    echo "0 0"
  fi
}
