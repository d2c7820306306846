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
declare -A IMAGES=(
  [plain]=local/aslab-molecule:bookworm
  [systemd]=local/aslab-molecule-systemd:bookworm
)

context_hash() {
  local ctx="$CONTEXTS/$1"
  {
    lab_image_id "$LAB_IMAGE_BASE"
    lab_tree_digest "$ctx"
  } | sha256sum | cut -d' ' -f1
}

build_one() {
  local name=$1 image=${IMAGES[$1]} hash
  hash=$(context_hash "$name")
  lab_image_current "$image" "$hash" && return 0
  lab_image_build "$image" "molecule-$name" "$hash" "$CONTEXTS/$name"
}

# The docker scenario's test image: the base image saved once per image id.
save_test_image() {
  local id out="$LAB_STATE/molecule-image.tar.gz"
  id=$(lab_image_id "$LAB_IMAGE_BASE")
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
      if [[ -n "$(lab_image_id "$LAB_IMAGE_BASE")" && "$(lab_image_label "${IMAGES[$n]}")" == "$(context_hash "$n")" ]]; then
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
