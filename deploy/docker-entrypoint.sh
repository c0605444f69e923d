#!/bin/sh
# Entry point of every Parley image: runs the image's process, /app/parley.jar, with the
# arguments given (`replay …` makes the worker's image run the dead-letter replay; the others take none).
# exec: java becomes PID 1 and gets the SIGTERM of `docker stop` or of the kubelet, so each
# process shuts down cleanly (a gateway drains first: deploy/README.md).
set -eu

# shellcheck disable=SC2086  # JAVA_OPTS is a space-separated list of options
exec java ${JAVA_OPTS:-} -jar /app/parley.jar "$@"
