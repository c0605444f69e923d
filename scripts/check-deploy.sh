#!/usr/bin/env bash
# Static checks of the deployment files, for machines without a Docker engine (make test runs
# this after the Maven suite; `make check-deploy` runs it alone). deploy/check/ holds the checks
# (node --test): docker-compose.yml against the Compose specification's JSON schema, the Kubernetes
# overlays rendered by Kustomize (kubectl kustomize) and every object against the Kubernetes API
# schema, the Dockerfile's lint and build context, the NATS chart's values, Prometheus's targets,
# HAProxy's configuration (haproxy -c), and fixtures proving each check rejects a broken file.
# Installs what is missing from Debian's packages (node, npm, haproxy) and deploy/check's npm
# packages (pinned by its package-lock.json). kubectl, which carries Kustomize, comes with the
# machine: it is in no registry we reach, so without it the Kubernetes checks fail and say so.
# Prints "deploy checks: N passed, N failed" and writes the counts to
# $PARLEY_RUN_DIR/deploy-checks.counts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHECK_DIR="$PARLEY_ROOT/deploy/check"
COUNTS="$PARLEY_RUN_DIR/deploy-checks.counts"

main() {
  local -a missing=()
  have node || missing+=(nodejs)
  have npm || missing+=(npm)
  have haproxy || missing+=(haproxy)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi
  have kubectl || warn "kubectl not found: the Kubernetes overlays cannot be rendered, their checks will fail"

  npm_ci_if_stale "$CHECK_DIR" "deploy checks"

  say "deploy checks: node --test deploy/check/test/*.test.mjs (node $(node -v), $(kubectl version --client 2>/dev/null | grep -i kustomize || echo 'no kubectl'))"
  local out rc=0 pass fail
  out=$(mktemp)
  (cd "$CHECK_DIR" && node --test test/*.test.mjs) >"$out" 2>&1 || rc=$?
  grep -E '^(not ok|# (tests|pass|fail))' "$out" || true
  ((rc == 0)) || cat "$out" >&2
  read -r pass fail < <(node_counts "$out")
  # a run that could not even start its tests is a failure, never a silent zero
  ((rc == 0 || fail > 0)) || fail=1
  rm -f "$out"
  echo "$pass $fail" >"$COUNTS"
  echo "deploy checks: $pass passed, $fail failed"
  return "$rc"
}

main "$@"
