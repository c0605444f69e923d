# shellcheck shell=bash
# Every setting the scripts use, with its default, in one place. A variable already set in the
# environment wins: `PARLEY_PG_HOST=db.internal make test` just works. Sourced by lib.sh.
#
# The dependency variables below are the ones the Java processes read (contract's
# PostgresSettings, NatsSettings, RedisSettings); any other PARLEY_* variable you export
# (PARLEY_LOG_LEVEL, PARLEY_LOG_FORMAT, ...) reaches the processes unchanged.

# --- dependencies -------------------------------------------------------------------------
: "${PARLEY_PG_HOST:=127.0.0.1}"
: "${PARLEY_PG_PORT:=5432}"
: "${PARLEY_PG_DATABASE:=parley}"
: "${PARLEY_PG_USER:=postgres}"
: "${PARLEY_PG_PASSWORD:=}"            # empty: the local dev cluster trusts 127.0.0.1 (see services.sh)
: "${PARLEY_NATS_URL:=nats://127.0.0.1:4222}"
: "${PARLEY_REDIS_URL:=redis://127.0.0.1:6379}"

# --- the local dev stack of `make run` ----------------------------------------------------
# The gateway defaults to the production profile (no dev secret, no dev tokens): `make run` asks
# for dev explicitly, and prints the secret it uses.
: "${PARLEY_PROFILE:=dev}"
: "${PARLEY_JWT_SECRET:=parley-dev-secret}"
: "${PARLEY_DEV_TOKENS:=true}"
# Each process gets its own port as PARLEY_HTTP_PORT (scripts/nodes.sh). The worker's and the
# presence node's ports were once set here as PARLEY_WORKER_HTTP_PORT / PARLEY_PRESENCE_HTTP_PORT:
# those are still taken when set.
: "${PARLEY_GATEWAY1_PORT:=8080}"
: "${PARLEY_GATEWAY2_PORT:=8081}"
: "${PARLEY_WORKER_PORT:=${PARLEY_WORKER_HTTP_PORT:-8090}}"
: "${PARLEY_PRESENCE_PORT:=${PARLEY_PRESENCE_HTTP_PORT:-8091}}"
: "${JAVA_OPTS:=-Xms64m -Xmx512m -XX:+ExitOnOutOfMemoryError}"

# --- the web client's tests (scripts/test-web.sh) -----------------------------------------
# Their own cluster, beside a `make run` on the default ports: its own ports, database, subjects
# and Redis keys, so it shares nothing with the developer's cluster or the Java tests.
: "${PARLEY_CHROMIUM:=/usr/bin/chromium}"  # the browser playwright-core drives (Debian's package)
: "${PARLEY_WEB_E2E_PORT_BASE:=28480}"     # gateways on BASE and BASE+1, worker BASE+10, presence BASE+11
: "${PARLEY_WEB_E2E_DATABASE:=parley_web_e2e}"

# --- the scripts themselves ---------------------------------------------------------------
: "${PARLEY_RUN_DIR:=$PARLEY_ROOT/.run}"   # pid files, logs/, stamps
: "${PARLEY_READY_TIMEOUT:=90}"            # seconds `make run` waits for the gateways' /ready
: "${PARLEY_SERVICE_TIMEOUT:=60}"          # seconds to wait for Postgres/Redis/NATS to answer
: "${PARLEY_STOP_TIMEOUT:=15}"             # seconds `make down` waits after TERM before KILL
: "${PARLEY_MAVEN_ARGS:=}"                 # extra arguments for every mvn call (e.g. -o)
: "${PARLEY_PG_TRUST_LOCAL:=}"             # 1: make the local cluster trust 127.0.0.1 (see services.sh)

# --- make cluster (scripts/cluster.sh) ----------------------------------------------------
# A production-like topology of local processes, beside a `make run`: three clustered
# nats-servers holding the stream on all three, HAProxy over three gateways, two workers, two
# presence nodes. Its own ports, NATS, database, Redis keys and directory; Postgres and Redis are
# the ones above.
: "${PARLEY_CLUSTER_DIR:=$PARLEY_RUN_DIR/cluster}"      # configs, pid files, logs/, NATS stores, files/
: "${PARLEY_CLUSTER_PORT_BASE:=18000}"       # HAProxy BASE, its stats BASE+1; gateway-N BASE+10+N, worker-N BASE+20+N, presence-N BASE+30+N
: "${PARLEY_CLUSTER_NATS_PORT_BASE:=14220}"  # nats-N: clients BASE+N, routes BASE+10+N, monitoring BASE+20+N
: "${PARLEY_CLUSTER_BIND:=127.0.0.1}"        # where HAProxy listens (0.0.0.0: reachable from other machines)
: "${PARLEY_CLUSTER_GATEWAYS:=3}"
: "${PARLEY_CLUSTER_WORKERS:=2}"
: "${PARLEY_CLUSTER_PRESENCE_NODES:=2}"
: "${PARLEY_CLUSTER_DATABASE:=parley_cluster}"
: "${PARLEY_CLUSTER_REDIS_KEY_PREFIX:=parley_cluster}"
: "${PARLEY_CLUSTER_JAVA_OPTS:=-Xms32m -Xmx256m -XX:+ExitOnOutOfMemoryError}"
: "${PARLEY_CLUSTER_STOP_TIMEOUT:=35}"       # seconds cluster-down waits after TERM before KILL (a gateway drains for up to 25 s)
