#!/usr/bin/env bash
# Makes the release archive <target>/sluice-<version>-linux-x64.tar.gz from a packaged sluice-gateway (its jar and
# <target>/lib): a jlink runtime with only the modules jdeps finds in those jars, the jars, bin/sluice (which prefers
# that runtime), conf/ and examples/, all under one top directory sluice-<version>/.
# Run by sluice-gateway's release profile at package (README, Run):
#   ./mvnw -B package -Prelease -DskipTests -pl sluice-gateway -am
# or by hand after a package:  bin/release.sh <version> sluice-gateway/target
# The runtime is of the JDK that runs jlink (JDK 25's jlink links from its own run-time image, no jmods).
set -euo pipefail
ROOT="$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
version=${1:?usage: bin/release.sh <version> <sluice-gateway target dir>}
target=$(CDPATH= cd -- "${2:?usage: bin/release.sh <version> <sluice-gateway target dir>}" && pwd)
. "$ROOT/bin/find-jdk.sh"
jar="$target/sluice-gateway-$version.jar"
[ -f "$jar" ] && [ -d "$target/lib" ] || { echo "release: no $jar or $target/lib (run the package phase first)" >&2; exit 1; }
name="sluice-$version"
archive="$target/$name-linux-x64.tar.gz"
work="$target/release"
stage="$work/$name"
rm -rf "$work" "$archive"
mkdir -p "$stage/bin" "$stage/lib"

# the modules the jars use, as jdeps measures them (java.base,...,jdk.unsupported); the runtime holds these and
# what they require, nothing else. No extra module is added: jdk.crypto.ec is empty since JDK 22 (SunEC is in
# java.base), and jdk.management and jdk.unsupported are already in jdeps' list.
modules=$(jdeps --print-module-deps --ignore-missing-deps --multi-release 21 "$jar" "$target"/lib/*.jar 2>/dev/null | tail -n 1)
case "$modules" in
  java.base*) ;;
  *) echo "release: jdeps printed no module list: $modules" >&2; exit 1 ;;
esac
echo "release: jlink runtime with $modules" >&2
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress zip-6 \
  --output "$stage/runtime"

cp "$jar" "$target"/lib/*.jar "$stage/lib/"
cp "$ROOT/sluice-gateway/src/release/bin/sluice" "$ROOT/bin/find-jdk.sh" "$stage/bin/"
chmod 755 "$stage/bin/sluice"
cp -r "$ROOT/conf" "$ROOT/examples" "$stage/"

tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner -czf "$archive" "$name"
echo "release: $archive ($(du -k "$archive" | cut -f1) KiB; runtime $(du -sk "$stage/runtime" | cut -f1) KiB unpacked)" >&2
