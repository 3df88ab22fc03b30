# Sourced by ./sluice and ./sluice-bench-run after bin/find-jdk.sh: builds a module (and what it needs) with the
# Maven wrapper when its stamp file is missing, its jar is missing, or a src/main file or a pom.xml anywhere in
# the repository is newer than the stamp; then sets JAR to the module's jar.
#   sluice_build_if_stale <module> <stamp file name under module/target> <name shown in the message>
sluice_build_if_stale() {
  local module=$1 label=$3 root
  root="$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
  local stamp="$root/$module/target/$2"
  JAR=$(sluice_module_jar "$root" "$module")
  if [ ! -f "$stamp" ] || [ -z "$JAR" ] || [ -n "$(find "$root" -path "$root/*/target" -prune -o \( -path '*/src/main/*' -o -name pom.xml \) -newer "$stamp" -print -quit)" ]; then
    echo "$label: building (./mvnw package -DskipTests)..." >&2
    # a failed build returns its status before the stamp is touched (set -e does not apply to a function called from ||)
    (cd "$root" && ./mvnw -B -q -DskipTests -pl "$module" -am package) >&2 || return
    touch "$stamp"
    JAR=$(sluice_module_jar "$root" "$module")
  fi
  if [ -z "$JAR" ]; then
    echo "$label: no $module jar in $root/$module/target after the build" >&2
    return 1
  fi
}
# The module's main jar (the newest <module>-<version>.jar in its target/), so no launcher names the version.
sluice_module_jar() {
  local jar
  for jar in $(ls -t "$1/$2/target/" 2>/dev/null); do
    case "$jar" in
      "$2"-*-sources.jar | "$2"-*-javadoc.jar | "$2"-*-tests.jar) ;;
      "$2"-*.jar) echo "$1/$2/target/$jar"; return 0 ;;
    esac
  done
}
