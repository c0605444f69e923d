#!/usr/bin/env bash
# Applies the Flyway migrations with the migrations module's jar, which first creates the
# database when it is missing (build the jar first: scripts/build.sh). Safe to run again:
# only what is new is applied.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MIGRATE_LOG="$PARLEY_LOG_DIR/migrate.log"

main() {
  local jar
  jar=$(module_jar migrations) || die "no migrations jar under migrations/target: run make build first"
  say "migrate: java -jar $(rel "$jar") on postgres://$PARLEY_PG_USER@$PARLEY_PG_HOST:$PARLEY_PG_PORT/$PARLEY_PG_DATABASE"
  printf '\n==== %s migrate\n' "$(date -Is)" >>"$MIGRATE_LOG"
  local from
  from=$(wc -l <"$MIGRATE_LOG")
  if ! env "${BASE_ENV[@]}" java "${JAVA_OPTS_ARRAY[@]}" -jar "$jar" "$@" >>"$MIGRATE_LOG" 2>&1 </dev/null; then
    tail -n +"$((from + 1))" "$MIGRATE_LOG" | grep -v '|-' | tail -n 30 >&2   # '|-': logback's own status lines
    die "migrations failed (log: $(rel "$MIGRATE_LOG"))"
  fi
  # The migrator ends with one line saying where the schema stands.
  say "migrate: $(tail -n 1 "$MIGRATE_LOG")"
}

main "$@"
