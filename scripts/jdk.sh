# Sourced by ./fogline and scripts/test: points JAVA_HOME at a JDK 21 or newer, JAVA_HOME first, then /usr/lib/jvm.
java_feature_version() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
fogline_find_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    [[ -n $candidate && -x $candidate/bin/java && -x $candidate/bin/javac ]] || continue
    version=$(java_feature_version "$candidate")
    if [[ ${version%%.*} =~ ^[0-9]+$ ]] && (( ${version%%.*} >= 21 )); then
      export JAVA_HOME=$candidate
      export FOGLINE_JAVA_FEATURE=${version%%.*}
      return 0
    fi
  done
  echo "fogline: no JDK 21 or newer found in JAVA_HOME or /usr/lib/jvm; install one (e.g. apt-get install openjdk-21-jdk-headless) or set JAVA_HOME" >&2
  return 1
}
