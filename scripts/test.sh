#!/usr/bin/env bash
# Runs every test: `mvn -B verify` runs the *UnitTests (surefire) and the *IntegrationTests
# (failsafe, against the real Postgres, NATS and Redis) of every module; then the web client's
# tests (scripts/test-web.sh: the client module's unit tests under node, and the browser
# end-to-end test in Chromium); then the deployment files' static checks (scripts/check-deploy.sh:
# compose, Kubernetes manifests, Dockerfile); then sums up what this run counted. Start the
# services first (make test does: scripts/services.sh).
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
  # the web tests, even when Maven failed (without the jars it packages, their e2e fails loudly)
  local web_rc=0 wp=0 wf=0
  rm -f "$PARLEY_RUN_DIR/web-tests.counts"
  bash "$PARLEY_ROOT/scripts/test-web.sh" || web_rc=$?
  read -r wp wf < <(read_counts "$PARLEY_RUN_DIR/web-tests.counts" "$web_rc")
  # the deployment files' checks need no build: they run whatever happened above
  local deploy_rc=0 dp=0 df=0
  rm -f "$PARLEY_RUN_DIR/deploy-checks.counts"
  bash "$PARLEY_ROOT/scripts/check-deploy.sh" || deploy_rc=$?
  read -r dp df < <(read_counts "$PARLEY_RUN_DIR/deploy-checks.counts" "$deploy_rc")
  local took
  took=$(human_duration $((SECONDS - start)))

  local ut uf ue us it if_ ie is
  echo
  read -r ut uf ue us < <(sum_reports "$stamp" surefire-reports)
  read -r it if_ ie is < <(sum_reports "$stamp" failsafe-reports)
  say "unit tests (surefire):        $ut run, $uf failures, $ue errors, $us skipped"
  say "integration tests (failsafe): $it run, $if_ failures, $ie errors, $is skipped"
  say "web client tests (node):      $((wp + wf)) run, $wf failures"
  say "deploy checks (node):         $((dp + df)) run, $df failures"
  local total=$((ut + it + wp + wf + dp + df)) failed=$((uf + ue + if_ + ie + wf + df)) skipped=$((us + is))
  if ((rc == 0 && web_rc != 0)); then
    rc=$web_rc
    say "make test: FAILED in $took (web client tests: scripts/test-web.sh)"
  elif ((rc == 0 && deploy_rc != 0)); then
    rc=$deploy_rc
    say "make test: FAILED in $took (deploy checks: scripts/check-deploy.sh)"
  elif ((rc == 0)); then
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
