#!/usr/bin/env bash
# Build the lab's images locally (nothing is pulled from a registry):
#
#   local/aslab-debian:bookworm  debootstrap --variant=minbase from the host's apt mirror, then `docker import`;
#                                the rootfs tarball is cached in $LAB_CACHE/debian-bookworm-debootstrap-<version>/
#   local/aslab-node:bookworm    `docker build` (legacy builder) of lab/images/node/ on top of it
#
#   lab/images/build.sh [build]   # build what is missing or out of date (default)
#   lab/images/build.sh status    # say which images are current; exit 1 if one is missing or stale
#
# Each image carries the label aslab.build-hash, a hash of its inputs (rootfs tarball; build context + base image
# id). An image is rebuilt only when that hash changes. ALLUXIO_SPARK_DEBIAN_MIRROR overrides the mirror.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

IMAGES_DIR="$LAB_ROOT/images"
NODE_CONTEXT="$IMAGES_DIR/node"
SUITE=bookworm

# The first mirror of the host's apt sources that serves $SUITE (not -security), in one-line or deb822 form.
host_mirror() {
  local kind=${1:-main} files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk -v kind="$kind" -v suite="$SUITE" '
    function wanted(s) { return kind == "security" ? s ~ ("^" suite "-security$") : s == suite }
    FNR == 1 { uris = ""; suites = ""; types = "" }
    # one-line format: deb [options] URI SUITE COMPONENT...
    /^deb[ \t]/ {
      n = split($0, f, /[ \t]+/); i = 2
      if (f[i] ~ /^\[/) { while (i <= n && f[i] !~ /\]$/) i++; i++ }
      if (wanted(f[i + 1])) { print f[i]; exit }
      next
    }
    # deb822 format: paragraphs of "Key: value" lines separated by blank lines
    /^Types:/  { types = $0 }
    /^URIs:/   { uris = $2 }
    /^Suites:/ { suites = $0 }
    /^[ \t]*$/ { uris = ""; suites = ""; types = "" }
    uris != "" && suites != "" && types ~ /[ \t]deb([ \t]|$)/ {
      n = split(suites, s, /[ \t]+/)
      for (j = 2; j <= n; j++) if (wanted(s[j])) { print uris; exit }
    }
  ' "${files[@]}"
}

debootstrap_version() {
  dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || true
}

base_cache_dir() {
  local v
  v=$(debootstrap_version)
  [[ -n "$v" ]] || lab_die "debootstrap is not installed (run lab/engine.sh ensure)"
  printf '%s/debian-%s-debootstrap-%s\n' "$LAB_CACHE" "$SUITE" "$v"
}

# Create $dir/rootfs.tar (+ .sha256) by debootstrap unless it is cached.
ensure_rootfs() {
  local dir=$1 mirror security root
  if [[ -s "$dir/rootfs.tar" && -s "$dir/rootfs.tar.sha256" ]]; then
    lab_log "rootfs cached: $dir/rootfs.tar"
    return 0
  fi
  lab_apt_install debootstrap
  mirror=${ALLUXIO_SPARK_DEBIAN_MIRROR:-$(host_mirror main)}
  [[ -n "$mirror" ]] || lab_die "no Debian mirror in this machine's apt sources: set ALLUXIO_SPARK_DEBIAN_MIRROR (a Debian archive URL)"
  security=$(host_mirror security)
  security=${security:-${mirror%/debian}/debian-security}
  mkdir -p "$dir"
  root="$dir/rootfs.tmp"
  rm -rf "$root"
  lab_timer_start debootstrap
  lab_log "debootstrap --variant=minbase $SUITE from $mirror (about a minute)"
  debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$dir/debootstrap.log" 2>&1 || {
    tail -n 20 "$dir/debootstrap.log" >&2
    lab_die "debootstrap failed; full log: $dir/debootstrap.log"
  }
  lab_timer_end debootstrap debootstrap

  # apt inside the image uses the same mirrors as the host; no docs, no recommends, no caches.
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$root/etc/apt/apt.conf.d/90aslab" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
  cat >"$root/etc/dpkg/dpkg.cfg.d/90aslab-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/var/log/*.log \
    "$root"/var/log/apt/* "$root/etc/hostname" "$root/etc/resolv.conf"
  : >"$root/etc/machine-id"

  tar --numeric-owner -C "$root" -cf "$dir/rootfs.tar.tmp" .
  sha256sum "$dir/rootfs.tar.tmp" | cut -d' ' -f1 >"$dir/rootfs.tar.sha256.tmp"
  mv "$dir/rootfs.tar.tmp" "$dir/rootfs.tar"
  mv "$dir/rootfs.tar.sha256.tmp" "$dir/rootfs.tar.sha256"
  rm -rf "$root"
  lab_log "rootfs cached: $dir/rootfs.tar ($(du -h "$dir/rootfs.tar" | cut -f1))"
}

base_hash() {
  cat "$(base_cache_dir)/rootfs.tar.sha256"
}

build_base() {
  local dir hash
  dir=$(base_cache_dir)
  if [[ -s "$dir/rootfs.tar.sha256" && "$(lab_image_label "$LAB_IMAGE_BASE")" == "$(<"$dir/rootfs.tar.sha256")" ]]; then
    lab_log "$LAB_IMAGE_BASE is current"
    return 0
  fi
  ensure_rootfs "$dir"
  hash=$(base_hash)
  lab_timer_start import
  lab_log "docker import $dir/rootfs.tar as $LAB_IMAGE_BASE"
  docker import \
    -c "LABEL $LAB_HASH_LABEL=$hash" -c 'LABEL aslab.image=debian' -c 'CMD ["/bin/bash"]' \
    "$dir/rootfs.tar" "$LAB_IMAGE_BASE" >/dev/null
  lab_timer_end import "docker import"
}

# Hash of the node build context (paths, modes, contents) and of the base image it builds on.
node_hash() {
  {
    lab_image_id "$LAB_IMAGE_BASE"
    lab_tree_digest "$NODE_CONTEXT"
  } | sha256sum | cut -d' ' -f1
}

build_node() {
  local hash
  hash=$(node_hash)
  lab_image_current "$LAB_IMAGE_NODE" "$hash" && return 0
  # apt runs inside (about half a minute). The image replaced stays while a node container uses it (lab/nodes.sh up
  # replaces those containers and prunes it then).
  lab_image_build "$LAB_IMAGE_NODE" node "$hash" "$NODE_CONTEXT"
}

cmd_build() {
  lab_timer_start images
  build_base
  build_node
  lab_timer_end images "images"
}

cmd_status() {
  local rc=0 dir
  dir=$(base_cache_dir)
  if [[ -s "$dir/rootfs.tar.sha256" && "$(lab_image_label "$LAB_IMAGE_BASE")" == "$(<"$dir/rootfs.tar.sha256")" ]]; then
    echo "$LAB_IMAGE_BASE current"
  else
    echo "$LAB_IMAGE_BASE missing or stale"
    rc=1
  fi
  if [[ -n "$(lab_image_id "$LAB_IMAGE_BASE")" && "$(lab_image_label "$LAB_IMAGE_NODE")" == "$(node_hash)" ]]; then
    echo "$LAB_IMAGE_NODE current"
  else
    echo "$LAB_IMAGE_NODE missing or stale"
    rc=1
  fi
  return "$rc"
}

case "${1:-build}" in
  build) lab_lock "$0" "$@" ;;
esac

case "${1:-build}" in
  build) cmd_build ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 [build|status]" >&2
    exit 2
    ;;
esac
