#!/usr/bin/env bash
# Build the Molecule platform images from the lab's debootstrap image (lab/images/build.sh makes that one):
#
#   local/aslab-molecule:bookworm          extensions/molecule/_images/plain    (kubectl, helm, sparkctl scenarios)
#   local/aslab-molecule-systemd:bookworm  extensions/molecule/_images/systemd  (docker scenario)
#   $LAB_STATE/molecule-image.tar.gz        `docker save` of the base image, which the docker scenario loads into
#                                           the engine the role installed and runs (refreshed when the image changes)
#
#   lab/bin/molecule-images.sh [build]   # build what is missing or out of date (default)
#   lab/bin/molecule-images.sh status    # exit 1 if an image is missing or stale
#
# Each image carries aslab.build-hash = hash(base image id, build context); an unchanged image is not rebuilt.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

CONTEXTS="$LAB_REPO_ROOT/extensions/molecule/_images"
HASH_LABEL=aslab.build-hash
declare -A IMAGES=(
  [plain]=local/aslab-molecule:bookworm
  [systemd]=local/aslab-molecule-systemd:bookworm
)

image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

image_id() {
  docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true
}

context_hash() {
  local ctx="$CONTEXTS/$1"
  {
    image_id "$LAB_IMAGE_BASE"
    (cd "$ctx" && find . -type f -printf '%p %m\n' | LC_ALL=C sort)
    (cd "$ctx" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1
}

build_one() {
  local name=$1 image=${IMAGES[$1]} hash old log
  hash=$(context_hash "$name")
  if [[ "$(image_label "$image")" == "$hash" ]]; then
    lab_log "$image is current"
    return 0
  fi
  old=$(image_id "$image")
  mkdir -p "$LAB_STATE"
  log="$LAB_STATE/build-molecule-$name.log"
  lab_timer_start "$name"
  lab_log "docker build $image (apt inside; log: $log)"
  # Legacy builder: the lab's engine (Debian docker.io 20.10) has no buildx.
  DOCKER_BUILDKIT=0 docker build --label "$HASH_LABEL=$hash" --label aslab.image="molecule-$name" \
    -t "$image" "$CONTEXTS/$name" >"$log" 2>&1 || {
    tail -n 30 "$log" >&2
    lab_die "docker build $image failed; full log: $log"
  }
  lab_timer_end "$name" "docker build $image"
  if [[ -n "$old" && "$old" != "$(image_id "$image")" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

# The docker scenario's test image: the base image saved once per image id.
save_test_image() {
  local id out="$LAB_STATE/molecule-image.tar.gz"
  id=$(image_id "$LAB_IMAGE_BASE")
  if [[ -s "$out" && "$(cat "$out.id" 2>/dev/null)" == "$id" ]]; then
    return 0
  fi
  lab_log "docker save $LAB_IMAGE_BASE -> $out"
  docker save "$LAB_IMAGE_BASE" | gzip -1 >"$out.tmp"
  mv "$out.tmp" "$out"
  echo "$id" >"$out.id"
}

case "${1:-build}" in
  build)
    "$LAB_ROOT/images/build.sh" build
    for n in plain systemd; do build_one "$n"; done
    save_test_image
    ;;
  status)
    rc=0
    for n in plain systemd; do
      if [[ -n "$(image_id "$LAB_IMAGE_BASE")" && "$(image_label "${IMAGES[$n]}")" == "$(context_hash "$n")" ]]; then
        echo "${IMAGES[$n]} current"
      else
        echo "${IMAGES[$n]} missing or stale"
        rc=1
      fi
    done
    exit "$rc"
    ;;
  *)
    echo "usage: $0 [build|status]" >&2
    exit 2
    ;;
esac
