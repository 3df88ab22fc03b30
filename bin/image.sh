#!/usr/bin/env bash
# Makes the container image <target>/sluice-<version>-image.tar (an OCI archive: the tar of an OCI image layout,
# tag <version>) from the release archive <target>/sluice-<version>-linux-x64.tar.gz, without a Docker daemon:
# umoci (Debian's package) builds the layout, debootstrap --variant=minbase makes the Debian base (bash and coreutils
# for the launcher, glibc and zlib for the jlink runtime, the dpkg database for scanners).
#   layer 1  Debian bookworm minbase (apt's caches and lists, docs, man pages and locales removed), the user and group
#            sluice (10001:10001) and /var/lib/sluice owned by them
#   layer 2  the unpacked release archive at /opt/sluice (owned by root, read-only for the user)
#   config   User 10001:10001, Entrypoint ["/opt/sluice/bin/sluice"], Cmd ["serve"], WorkingDir /var/lib/sluice,
#            ExposedPorts 8080/tcp, Volumes /var/lib/sluice and /tmp (so a read-only root file system works),
#            no Healthcheck (Kubernetes probes /health/live and /health/ready instead, deploy/kubernetes)
# Run by sluice-gateway's release profile at package, after bin/release.sh (README, Run):
#   ./mvnw -B package -Prelease -DskipTests -pl sluice-gateway -am
# or by hand after that:  bin/image.sh <version> sluice-gateway/target
# Needs root (debootstrap, and umoci keeps file owners only as root; without it the script says so and makes nothing);
# installs umoci and debootstrap with apt-get when
# missing. The base is cached as a tar in $SLUICE_IMAGE_CACHE (default ~/.cache/sluice) and made again when older
# than 7 days or with SLUICE_IMAGE_REFRESH_BASE=1; SLUICE_IMAGE_MIRROR picks the Debian mirror.
# Load it with e.g.  podman load -i sluice-<version>-image.tar   or   skopeo copy oci-archive:<tar> docker://<registry>/sluice:<version>
set -euo pipefail
ROOT="$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
version=${1:?usage: bin/image.sh <version> <sluice-gateway target dir>}
target=$(CDPATH= cd -- "${2:?usage: bin/image.sh <version> <sluice-gateway target dir>}" && pwd)
name="sluice-$version"
archive="$target/$name-linux-x64.tar.gz"
image="$target/$name-image.tar"
work="$target/image"
suite=bookworm
mirror=${SLUICE_IMAGE_MIRROR:-http://deb.debian.org/debian}
cache=${SLUICE_IMAGE_CACHE:-${HOME:-/root}/.cache/sluice}
base="$cache/debian-$suite-minbase.tar"
uid=10001
started=$(date +%s)

[ -f "$archive" ] || { echo "image: no $archive (bin/release.sh makes it first)" >&2; exit 1; }
# not root: no image, and no failure, so that a non-root -Prelease build still makes the archive (ContainerImageIT
# then skips, or fails under CI=true)
[ "$(id -u)" = 0 ] || { echo "image: not root, no image made (debootstrap and umoci's file owners need root)" >&2; exit 0; }
missing=()
command -v umoci >/dev/null || missing+=(umoci)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  echo "image: installing ${missing[*]}" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >&2
fi

rm -rf "$work" "$image"
mkdir -p "$work" "$cache"

# the base: debootstrap once, then from the cache
if [ -n "${SLUICE_IMAGE_REFRESH_BASE:-}" ] || [ ! -f "$base" ] || [ -n "$(find "$base" -mtime +7)" ]; then
  echo "image: debootstrap --variant=minbase $suite from $mirror (cached in $base)" >&2
  rm -rf "$work/debootstrap"
  debootstrap --variant=minbase "$suite" "$work/debootstrap" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  tar -C "$work/debootstrap" --numeric-owner -cf "$base.tmp" . && mv "$base.tmp" "$base"
  rm -rf "$work/debootstrap"
fi
# umoci unpack/repack, not umoci insert: Debian's umoci 0.4.7 insert writes a layer whose tar lacks the last
# file's padding and the end-of-archive blocks (tar -t: "Unexpected EOF in archive"); repack writes whole layers
layout="$work/oci"
bundle="$work/bundle"
umoci init --layout "$layout"
umoci new --image "$layout:$version"
umoci unpack --image "$layout:$version" "$bundle" >/dev/null
rootfs="$bundle/rootfs"
tar -C "$rootfs" --numeric-owner -xf "$base"
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
  "$rootfs"/tmp/* "$rootfs"/var/tmp/*
# the user, as useradd would write it (the rootfs has no running system to run useradd in)
echo "sluice:x:$uid:$uid:Sluice:/var/lib/sluice:/usr/sbin/nologin" >>"$rootfs/etc/passwd"
echo "sluice:x:$uid:" >>"$rootfs/etc/group"
echo "sluice:!*:19000::::::" >>"$rootfs/etc/shadow"
mkdir -p "$rootfs/var/lib/sluice" "$rootfs/opt"
chown "$uid:$uid" "$rootfs/var/lib/sluice"
chmod 750 "$rootfs/var/lib/sluice"
umoci repack --refresh-bundle --image "$layout:$version" \
  --history.created_by "debootstrap --variant=minbase $suite; user sluice $uid" "$bundle"

tar -C "$rootfs/opt" -xzf "$archive"
mv "$rootfs/opt/$name" "$rootfs/opt/sluice"
chown -R 0:0 "$rootfs/opt/sluice"
chmod -R go-w,a+rX "$rootfs/opt/sluice"
umoci repack --image "$layout:$version" --history.created_by "$name-linux-x64.tar.gz at /opt/sluice" "$bundle"
umoci config --image "$layout:$version" --history.created_by "sluice image config" \
  --author "Sluice" --os linux --architecture amd64 \
  --config.user "$uid:$uid" \
  --config.entrypoint /opt/sluice/bin/sluice --config.cmd serve \
  --config.workingdir /var/lib/sluice \
  --config.exposedports 8080/tcp \
  --config.volume /var/lib/sluice --config.volume /tmp \
  --config.env PATH=/opt/sluice/bin:/usr/local/bin:/usr/bin:/bin \
  --config.env LANG=C.UTF-8 \
  --config.label org.opencontainers.image.title=sluice \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label org.opencontainers.image.description="Sluice LLM API gateway"
umoci gc --layout "$layout"
rm -rf "$bundle"

# an OCI archive (what podman load and skopeo's oci-archive: read): the layout at the tar's root
tar -C "$layout" --sort=name --owner=0 --group=0 --numeric-owner -cf "$image" .
echo "image: $image ($(du -k "$image" | cut -f1) KiB, tag $version; in $(($(date +%s) - started)) s)" >&2
