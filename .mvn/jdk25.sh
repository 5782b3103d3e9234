# Finds a JDK 25 for the build and the platform. POSIX sh: sourced by ./mvnw (sh) and ./edp (bash).
# Order: EDP_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*, macOS and SDKMAN JDKs, the java on PATH.

# Prints the major version of a java binary ("1.8.0_392" -> 8, "25.0.1" -> 25), or nothing.
edp_java_major() {
  edp_version="$("$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)" || true
  edp_version="${edp_version#1.}"
  echo "${edp_version%%[._+-]*}"
}

# Succeeds when the directory is a JDK (java and javac) of version 25 or newer.
edp_is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  edp_major="$(edp_java_major "$1/bin/java")"
  case "$edp_major" in
  '' | *[!0-9]*) return 1 ;;
  esac
  [ "$edp_major" -ge 25 ]
}

# Prints the JDK 25 to use; prints why not and fails when there is none.
edp_find_jdk25() {
  if [ -n "${EDP_JAVA_HOME:-}" ]; then
    if edp_is_jdk25 "$EDP_JAVA_HOME"; then
      echo "$EDP_JAVA_HOME"
      return 0
    fi
    echo "EDP_JAVA_HOME=$EDP_JAVA_HOME is not a JDK 25 or newer." >&2
    return 1
  fi
  if [ -n "${JAVA_HOME:-}" ] && edp_is_jdk25 "$JAVA_HOME"; then
    echo "$JAVA_HOME"
    return 0
  fi
  # ./mvnw runs with globbing off (set -f); the candidates need it.
  case "$-" in *f*) edp_noglob=1 ;; *) edp_noglob= ;; esac
  set +f
  for edp_candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/*; do
    if [ -d "$edp_candidate" ] && edp_is_jdk25 "$edp_candidate"; then
      [ -z "$edp_noglob" ] || set -f
      echo "$edp_candidate"
      return 0
    fi
  done
  [ -z "$edp_noglob" ] || set -f
  if command -v java >/dev/null 2>&1; then
    edp_candidate="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    if edp_is_jdk25 "$edp_candidate"; then
      echo "$edp_candidate"
      return 0
    fi
  fi
  cat >&2 <<'EOF'
EDP needs a JDK 25 and none was found.
  Install one, e.g. Eclipse Temurin 25 (https://adoptium.net/temurin/releases/?version=25),
  on Debian/Ubuntu from the Adoptium apt repository: apt-get install temurin-25-jdk,
  or with SDKMAN: sdk install java 25-tem.
  Then run again, or point EDP_JAVA_HOME at it.
EOF
  return 1
}
