#!/usr/bin/env bash
# Builds the runnable jars (mvn -DskipTests package).
#
#   scripts/build.sh              always build
#   scripts/build.sh --if-stale   build only when a jar is missing or a pom.xml or a file under
#                                 src/main is newer than the oldest jar (what `make run` uses)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUILD_LOG="$PARLEY_LOG_DIR/build.log"

# Prints why a build is needed; prints nothing when the jars are up to date.
staleness() {
  local m jar oldest=""
  for m in "${RUNNABLE_MODULES[@]}"; do
    jar=$(module_jar "$m") || { echo "no jar for $m yet"; return; }
    if [[ -z $oldest || $jar -ot $oldest ]]; then oldest="$jar"; fi
  done
  local newer
  newer=$(find "$PARLEY_ROOT" \( -name .git -o -name target -o -name node_modules -o -path "$PARLEY_RUN_DIR" \) -prune \
    -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$oldest" -print -quit)
  [[ -z $newer ]] || echo "$(rel "$newer") changed since the last build"
}

main() {
  if [[ ${1:-} == --if-stale ]]; then
    local why
    why=$(staleness)
    if [[ -z $why ]]; then
      say "build: jars are up to date"
      return 0
    fi
    say "build: $why"
  fi
  local -a extra=()
  read -r -a extra <<<"$PARLEY_MAVEN_ARGS"
  say "build: mvn -q -B -DskipTests package${extra[*]:+ ${extra[*]}} (about a minute; log: $(rel "$BUILD_LOG"))"
  local start=$SECONDS
  if ! (cd "$PARLEY_ROOT" && mvn -q -B -DskipTests "${extra[@]}" package) >"$BUILD_LOG" 2>&1; then
    strip_ansi <"$BUILD_LOG" | grep -v '^[[:space:]]*$' | tail -n 80 >&2
    die "build failed (full log: $(rel "$BUILD_LOG"))"
  fi
  local m jar
  for m in "${RUNNABLE_MODULES[@]}"; do
    jar=$(module_jar "$m") || die "build: $m produced no runnable jar under $m/target (expected $m-all.jar)"
    say "build: $(rel "$jar") ($(du -h "$jar" | cut -f1))"
  done
  say "build: done in $(human_duration $((SECONDS - start)))"
}

main "$@"
