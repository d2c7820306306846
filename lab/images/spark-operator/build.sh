#!/usr/bin/env bash
# Build the lab's Spark operator controller image locally (nothing is pulled):
#   base      the Spark image of roles/spark_image (Spark distribution, JRE, SPARK_HOME) - $SPARK_IMAGE
#   operator  the spark-operator binary lab/k8s/build.sh builds from the Go module github.com/kubeflow/spark-operator/v2
#
#   lab/images/spark-operator/build.sh [build]   # build unless the image is current (label aslab.build-hash)
#   lab/images/spark-operator/build.sh load      # build, then import it into every node's containerd (k8s.io)
#   lab/images/spark-operator/build.sh status    # "current" or "missing or stale" (exit 1)
#   lab/images/spark-operator/build.sh image     # print the image name
#   lab/images/spark-operator/build.sh spark-image   # print the name of the Spark image it is built from
#
# The image is docker.io/local/spark-operator:<operator version>: a clearly local name (nothing can be pulled under
# it), fully qualified as containerd stores it. The role deploys it with spark_operator_image_registry=docker.io,
# spark_operator_image_repository=local/spark-operator and a pull policy of IfNotPresent.
# Env: SPARK_IMAGE (default: the spark_image role's image), ALLUXIO_SPARK_CACHE, ALLUXIO_SPARK_LAB_STATE.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/common.sh
. "$HERE/../../common.sh"
# shellcheck source=lab/k8s/versions.sh
. "$LAB_ROOT/k8s/versions.sh"

IMAGE="docker.io/local/spark-operator:$SPARK_OPERATOR_VERSION"
OPERATOR_DIR=$("$LAB_ROOT/k8s/build.sh" path spark-operator)

# The Spark image the spark_image role builds: "<name>:<tag>" from its defaults, unless SPARK_IMAGE says otherwise.
spark_image() {
  if [[ -n "${SPARK_IMAGE:-}" ]]; then
    echo "$SPARK_IMAGE"
    return
  fi
  local defaults="$LAB_REPO_ROOT/roles/spark_image/defaults/main.yml" name version
  [[ -f "$defaults" ]] || lab_die "no $defaults: set SPARK_IMAGE=<the Spark image>"
  name=$(sed -n 's/^spark_image_name: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$defaults")
  version=$(sed -n 's/^spark_image_spark_version: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$defaults")
  [[ -n "$name" && -n "$version" ]] || lab_die "cannot read spark_image_name/spark_image_spark_version from $defaults: set SPARK_IMAGE"
  # its tag defaults to the Spark version (spark_image_tag: "{{ spark_image_spark_version }}")
  echo "$name:$version"
}

# The operator binary is built from its Go module when the cache lacks it (cached by version after that). The Spark
# image is the spark_image role's output: `make lab-images` builds it right before this script.
need_inputs() {
  if [[ ! -f "$OPERATOR_DIR/.done" || ! -x "$OPERATOR_DIR/spark-operator" ]]; then
    lab_log "no spark-operator binary in $OPERATOR_DIR yet: building it from its Go module"
    "$LAB_ROOT/k8s/build.sh" spark-operator
  fi
  [[ -n "$(lab_image_id "$(spark_image)")" ]] ||
    lab_die "no Spark image $(spark_image): 'make lab-images' builds it (playbook lab/images/spark.yml) before this image"
}

# Hash of what goes into the image: the base image id, this directory, the operator binary.
input_hash() {
  {
    echo "operator=$SPARK_OPERATOR_VERSION"
    lab_image_id "$(spark_image)"
    lab_tree_digest "$HERE" ! -name build.sh
    sha256sum <"$OPERATOR_DIR/spark-operator"
  } | sha256sum | cut -d' ' -f1
}

context_tar() {
  tar --owner=0 --group=0 --numeric-owner -c -C "$HERE" Dockerfile entrypoint.sh -C "$OPERATOR_DIR" spark-operator
}

cmd_build() {
  local hash base
  need_inputs
  base=$(spark_image)
  hash=$(input_hash)
  lab_image_current "$IMAGE" "$hash" && return 0
  context_tar | lab_image_build "$IMAGE" spark-operator "$hash" - --build-arg "SPARK_IMAGE=$base"
}

cmd_status() {
  if [[ -f "$OPERATOR_DIR/.done" && -n "$(lab_image_id "$(spark_image)")" && "$(lab_image_label "$IMAGE")" == "$(input_hash)" ]]; then
    echo "$IMAGE current"
  else
    echo "$IMAGE missing or stale"
    return 1
  fi
}

case "${1:-build}" in
  build) cmd_build ;;
  load)
    cmd_build
    "$LAB_ROOT/k8s/cluster.sh" load "$IMAGE"
    ;;
  status) cmd_status ;;
  image) echo "$IMAGE" ;;
  spark-image) spark_image ;;
  *)
    echo "usage: $0 [build|load|status|image|spark-image]" >&2
    exit 2
    ;;
esac
