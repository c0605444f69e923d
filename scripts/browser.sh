#!/usr/bin/env bash
# Makes sure what the web client's tests need is here, installing whatever is missing: Node.js and
# npm and Debian's Chromium (with a color emoji font, so reactions render) from the distribution's
# packages, and web/'s npm packages (playwright-core, pinned by web/package-lock.json) with
# `npm ci`. playwright-core drives /usr/bin/chromium: nothing downloads a browser of its own.
# Installs nothing when all is present.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WEB_DIR="$PARLEY_ROOT/web"

node_major() {
  have node || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

main() {
  local -a missing=()
  have node || missing+=(nodejs)
  have npm || missing+=(npm)
  [[ -x $PARLEY_CHROMIUM ]] || missing+=(chromium)
  [[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || missing+=(fonts-noto-color-emoji)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi
  [[ -x $PARLEY_CHROMIUM ]] || die "no Chromium at $PARLEY_CHROMIUM after installing chromium (PARLEY_CHROMIUM names another)"
  (( $(node_major) >= 18 )) || die "node $(node -v 2>/dev/null) is too old for the web client's tests (18 or newer; 20 recommended)"

  npm_ci_if_stale "$WEB_DIR" web
  say "node: $(node -v), npm: $(npm -v), chromium: $("$PARLEY_CHROMIUM" --version 2>/dev/null | head -n1)"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
