#!/usr/bin/env bash
# Stops the local processes (their jars are about to go), then removes the build output and
# the run folder (pid files, logs). Postgres, Redis and NATS are left as they are.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$PARLEY_ROOT/scripts/nodes.sh" down
# the cluster's pid files, and its NATS stores, are under the directory removed below
bash "$PARLEY_ROOT/scripts/cluster.sh" down
if have mvn; then
  say "clean: mvn -q -B clean"
  (cd "$PARLEY_ROOT" && mvn -q -B clean 2>&1) | strip_ansi
else
  say "clean: removing */target (mvn not installed)"
  rm -rf "$PARLEY_ROOT"/*/target
fi
rm -rf "$PARLEY_RUN_DIR"
say "clean: build output and $(rel "$PARLEY_RUN_DIR")/ removed"
