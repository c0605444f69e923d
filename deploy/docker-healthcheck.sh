#!/bin/bash
# HEALTHCHECK of the Parley images: exit 0 when GET <path> on the process's own port
# (PARLEY_HTTP_PORT) answers 200, 1 otherwise. Plain bash (/dev/tcp), so the image needs no
# curl or wget; the whole check is bounded by 2 s, under the HEALTHCHECK's --timeout.
#   parley-healthcheck /ready     (what the images use)
#   parley-healthcheck /health
set -euo pipefail

path="${1:-/ready}"
port="${PARLEY_HTTP_PORT:?PARLEY_HTTP_PORT is not set}"

status=$(timeout 2 bash -c '
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3 || exit 1
  IFS= read -r line <&3 || exit 1
  printf "%s" "$line"
' _ "$port" "$path" 2>/dev/null) || { echo "no answer on 127.0.0.1:$port$path" >&2; exit 1; }

case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "127.0.0.1:$port$path: ${status%$'\r'}" >&2; exit 1 ;;
esac
