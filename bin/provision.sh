#!/usr/bin/env bash
# Prepares a machine for the full test run (.ci/run sources it; run it yourself with bin/provision.sh):
# finds a JDK 21+, starts PostgreSQL (127.0.0.1:5432, database test) and Redis (127.0.0.1:6379) when they are
# installed but not running, installs Debian's chromium (and Node.js/npm when absent) for the dashboard's browser
# test, umoci and debootstrap for the container image (bin/image.sh), podman and runc to run that image
# (ContainerImageIT), and installs the pinned npm test clients.
# Idempotent: what is already there is left alone. Under CI=true the tests needing any of these fail instead of
# skipping, so nothing here stops the run: each step says what it found.
#   sluice_provision <tag>   the tag starts every message ("ci" from .ci/run, "provision" when run directly)

sluice_provision_up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

sluice_provision() {
  local tag=${1:-provision} root attempt i dir
  root="$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
  . "$root/bin/find-jdk.sh"
  echo "$tag: using JAVA_HOME=$JAVA_HOME ($("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1))"

  if ! sluice_provision_up 5432 && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "$tag: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  if ! sluice_provision_up 6379 && command -v redis-server >/dev/null; then
    echo "$tag: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
  fi
  # the dashboard's browser test drives Debian's chromium with playwright-core from npm. Only what is missing is
  # installed: the machine's Node.js (NodeSource) bundles npm and conflicts with Debian's npm package, so asking for
  # "chromium nodejs npm" together fails as a whole and left a CI run without chromium.
  local apt_packages=()
  [ -x /usr/bin/chromium ] || apt_packages+=(chromium)
  command -v npm >/dev/null || apt_packages+=(nodejs npm)
  # the container image (bin/image.sh, release profile): umoci builds the OCI layout, debootstrap the Debian base
  command -v umoci >/dev/null || apt_packages+=(umoci)
  command -v debootstrap >/dev/null || apt_packages+=(debootstrap)
  # ContainerImageIT runs the image with podman on runc (crun, podman's default runtime, fails on these machines)
  command -v podman >/dev/null || apt_packages+=(podman)
  command -v runc >/dev/null || apt_packages+=(runc)
  if [ ${#apt_packages[@]} -gt 0 ] && command -v apt-get >/dev/null; then
    for attempt in 1 2 3; do
      echo "$tag: installing ${apt_packages[*]} (attempt $attempt)"
      if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}") \
          >/tmp/sluice-ci-apt.log 2>&1; then break; fi
      echo "$tag: apt-get failed; its last lines:"; tail -n 5 /tmp/sluice-ci-apt.log || true
      sleep $((attempt * 5))
    done
  fi
  [ -x /usr/bin/chromium ] && echo "$tag: chromium present" || echo "$tag: chromium NOT present (the dashboard test fails under CI=true)"
  command -v umoci >/dev/null && command -v debootstrap >/dev/null && echo "$tag: umoci and debootstrap present" \
    || echo "$tag: umoci or debootstrap NOT present (bin/image.sh installs them itself as root)"
  command -v podman >/dev/null && command -v runc >/dev/null && echo "$tag: podman and runc present" \
    || echo "$tag: podman or runc NOT present (ContainerImageIT's podman run fails under CI=true)"
  # the pinned npm clients (Claude Code and the JS SDKs; playwright-core for the dashboard). The tests run the same
  # npm ci themselves when node_modules is missing; doing it here keeps the download out of the tests' timeouts.
  for dir in sluice-gateway/src/test/clients sluice-gateway/src/test/browser; do
    if [ -d "$root/$dir/node_modules" ]; then
      echo "$tag: npm clients in $dir present"
    elif ! command -v npm >/dev/null; then
      echo "$tag: npm clients in $dir NOT installed: no npm (the tests using them fail under CI=true)"
    else
      echo "$tag: installing the npm clients in $dir (npm ci)"
      if ! (cd "$root/$dir" && npm ci --no-audit --no-fund </dev/null) >/tmp/sluice-ci-npm.log 2>&1; then
        echo "$tag: npm ci in $dir failed (the tests retry it); its last lines:"; tail -n 5 /tmp/sluice-ci-npm.log || true
      fi
    fi
  done
  for i in $(seq 1 30); do sluice_provision_up 5432 && sluice_provision_up 6379 && break; sleep 1; done
  sluice_provision_up 5432 && echo "$tag: PostgreSQL reachable" || echo "$tag: PostgreSQL NOT reachable (tests needing it fail under CI=true)"
  sluice_provision_up 6379 && echo "$tag: Redis reachable" || echo "$tag: Redis NOT reachable (tests needing it fail under CI=true)"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then # run, not sourced
  set -euo pipefail
  sluice_provision provision
fi
