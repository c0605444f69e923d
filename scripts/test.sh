#!/usr/bin/env bash
# Runs every test: `mvn -B verify` runs the *UnitTests (surefire) and the *IntegrationTests
# (failsafe, against the real Postgres, NATS and Redis) of every module, then sums up the
# reports this run wrote. Start the services first (make test does: scripts/services.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export_test_settings

# One attribute of the <testsuite> element of a surefire/failsafe XML report.
attr() { grep -o -m1 "<testsuite [^>]*" "$2" | grep -o " $1=\"[0-9]*\"" | head -n1 | tr -dc '0-9'; }

# Sums the reports written since $1 (a stamp file) under <module>/target/<dir>; prints
# "tests failures errors skipped" and lists the failed test classes on stderr.
sum_reports() {
  local stamp="$1" dir="$2" f t=0 fl=0 er=0 sk=0 n
  while IFS= read -r f; do
    n=$(attr tests "$f"); t=$((t + ${n:-0}))
    n=$(attr failures "$f"); fl=$((fl + ${n:-0}))
    n=$(attr errors "$f"); er=$((er + ${n:-0}))
    n=$(attr skipped "$f"); sk=$((sk + ${n:-0}))
    if [[ $(attr failures "$f") != 0 || $(attr errors "$f") != 0 ]]; then
      printf '    failed: %s\n' "$(rel "$f")" >&2
    fi
  done < <(find "$PARLEY_ROOT" -path "*/target/$dir/TEST-*.xml" -newer "$stamp" 2>/dev/null | sort)
  echo "$t $fl $er $sk"
}

main() {
  local stamp="$PARLEY_RUN_DIR/test-started"
  touch "$stamp"
  local -a extra=()
  read -r -a extra <<<"$PARLEY_MAVEN_ARGS"
  # -fae: a failing module does not hide the results of the modules that do not depend on it.
  local -a cmd=(mvn -B -ntp -fae verify "${extra[@]}" "$@")
  say "test: ${cmd[*]}"
  local start=$SECONDS rc=0
  # strip_ansi: Debian's Maven prints colour resets even in batch mode; keep CI logs clean.
  (cd "$PARLEY_ROOT" && "${cmd[@]}" 2>&1) | strip_ansi || rc=$?
  local took
  took=$(human_duration $((SECONDS - start)))

  local ut uf ue us it if_ ie is
  echo
  read -r ut uf ue us < <(sum_reports "$stamp" surefire-reports)
  read -r it if_ ie is < <(sum_reports "$stamp" failsafe-reports)
  say "unit tests (surefire):        $ut run, $uf failures, $ue errors, $us skipped"
  say "integration tests (failsafe): $it run, $if_ failures, $ie errors, $is skipped"
  local total=$((ut + it)) failed=$((uf + ue + if_ + ie)) skipped=$((us + is))
  if ((rc == 0)); then
    say "make test: PASSED in $took"
  else
    say "make test: FAILED in $took (mvn exit $rc; reports under <module>/target/{surefire,failsafe}-reports)"
  fi
  if ((total > 0)); then
    echo "tests: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
  fi
  return "$rc"
}

main "$@"
