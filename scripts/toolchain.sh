#!/usr/bin/env bash
# Makes sure a JDK 17+ and Maven are here (plus curl, which the other scripts use), installing
# Debian's packages for whatever is missing. Installs nothing when all is present.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The java Maven will use: $JAVA_HOME's when set, as in mvn itself.
java_cmd() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

# Its major version; 0 when there is none.
java_major() {
  local java v
  java=$(java_cmd)
  have "$java" || { echo 0; return; }
  v=$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  v="${v#1.}"                      # 1.8.0 -> 8.0
  echo "${v%%[!0-9]*}"
}

javac_present() {
  if [[ -n ${JAVA_HOME:-} ]]; then [[ -x $JAVA_HOME/bin/javac ]]; else have javac; fi
}

main() {
  local -a missing=()
  if (( $(java_major) < 17 )) || ! javac_present; then missing+=(openjdk-17-jdk-headless); fi
  have mvn || missing+=(maven)
  have curl || missing+=(curl)
  [[ -e /etc/ssl/certs/ca-certificates.crt ]] || missing+=(ca-certificates)
  if ((${#missing[@]})); then
    apt_install "${missing[@]}"
  fi

  local major
  major=$(java_major)
  if ((major < 17)); then
    die "java on PATH (or \$JAVA_HOME) is version ${major}; Parley needs 17 or newer: set JAVA_HOME to a JDK 17 (e.g. /usr/lib/jvm/java-17-openjdk-amd64) or run update-alternatives --config java"
  fi
  have mvn || die "mvn still not found after installing maven"
  say "java: $("$(java_cmd)" -version 2>&1 | head -n1)"
  say "maven: $(mvn -v 2>/dev/null | strip_ansi | head -n1)"
}

# Sourcing the file (for a dry run of its functions) defines them without running anything.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
