# Sourced by ./sluice, ./sluice-bench-run, ./mvnw and bin/provision.sh: sets JAVA_HOME to a JDK 21 or newer,
# or exits with a clear message.
# Order: $JAVA_HOME if it is 21+, then the newest 21+ JDK under /usr/lib/jvm (or $SLUICE_JVM_DIR).
sluice_java_major() { # prints the feature version of the java binary given, e.g. 21
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
sluice_find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(sluice_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then return 0; fi
    echo "sluice: JAVA_HOME=$JAVA_HOME is Java ${major:-unknown}; looking for a JDK 21+ elsewhere" >&2
  fi
  for candidate in "${SLUICE_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(sluice_java_major "$candidate/bin/java")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    echo "sluice: no JDK 21 or newer found (checked JAVA_HOME and ${SLUICE_JVM_DIR:-/usr/lib/jvm}/*)." >&2
    echo "sluice: install one (e.g. 'apt-get install openjdk-21-jdk' or a Temurin 21+) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
sluice_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
