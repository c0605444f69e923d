#!/bin/sh
# Entry point of the Parley image: the first argument picks the process, the rest go to it.
# exec: java becomes PID 1 and gets the SIGTERM of `docker stop` (each process shuts down cleanly).
set -eu

case "${1:-}" in
  migrate) module=migrations ;;
  gateway) module=gateway-node ;;
  worker) module=persistence-worker ;;
  presence) module=presence-node ;;
  *) echo "usage: parley migrate|gateway|worker|presence [args...]" >&2; exit 64 ;;
esac
shift

# shellcheck disable=SC2086  # JAVA_OPTS is a space-separated list of options
exec java ${JAVA_OPTS:-} -jar "/app/$module.jar" "$@"
