#!/usr/bin/env bash
# The lab in one command (what `make lab-up`, `make lab-down`, `make lab-status` call):
#
#   lab/lab.sh up       # engine -> images -> nodes -> Alluxio (processes) -> Kubernetes (lab/k8s/cluster.sh up)
#                       # -> the alluxio/alluxio image, built and loaded on the Kubernetes nodes
#   lab/lab.sh down     # Kubernetes down -> Alluxio down -> nodes down (the engine and the image cache stay)
#   lab/lab.sh status   # every part's status; exit 1 if any part is not up
#
# Runtime state goes to $LAB_STATE (default <repo>/.lab), slow downloads and builds to $LAB_CACHE
# (default ~/.cache/alluxio_spark_k8s); override with ALLUXIO_SPARK_LAB_STATE / ALLUXIO_SPARK_CACHE.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ALLUXIO_SCRIPT="$LAB_ROOT/alluxio/lab-alluxio.sh"
K8S_SCRIPT="$LAB_ROOT/k8s/cluster.sh"

# Run one part, labelled; returns its exit code.
part() {
  local what=$1 rc=0
  shift
  lab_log "== $what"
  "$@" || rc=$?
  return "$rc"
}

# Every part must succeed (cmd_up runs in an `||` context, where `set -e` does not apply).
cmd_up() {
  part "engine" "$LAB_ROOT/engine.sh" ensure || return
  part "images" "$LAB_ROOT/images/build.sh" build || return
  part "nodes" "$LAB_ROOT/nodes.sh" up || return
  part "alluxio" "$ALLUXIO_SCRIPT" up || return
  part "kubernetes" "$K8S_SCRIPT" up || return
  # The image the alluxio role deploys on the lab cluster: built locally, then loaded on every node (never pulled).
  part "alluxio image" "$LAB_ROOT/images/alluxio/build.sh" build || return
  part "alluxio image on the nodes" "$K8S_SCRIPT" load "alluxio/alluxio:${ALLUXIO_VERSION:-2.9.6}" || return
}

cmd_down() {
  if ! "$LAB_ROOT/engine.sh" status >/dev/null 2>&1; then
    lab_log "no docker engine answers; nothing to take down"
    return 0
  fi
  part "kubernetes" "$K8S_SCRIPT" down
  part "alluxio" "$ALLUXIO_SCRIPT" down
  part "nodes" "$LAB_ROOT/nodes.sh" down
}

cmd_status() {
  local rc=0
  part "engine" "$LAB_ROOT/engine.sh" status || {
    lab_log "lab is down (no engine)"
    return 1
  }
  part "images" "$LAB_ROOT/images/build.sh" status || rc=1
  part "nodes" "$LAB_ROOT/nodes.sh" status || rc=1
  part "alluxio" "$ALLUXIO_SCRIPT" status || rc=1
  part "kubernetes" "$K8S_SCRIPT" status || rc=1
  return "$rc"
}

case "${1:-}" in
  up | down) lab_lock "$0" "$@" ;;
  status) ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac

lab_timer_start lab
rc=0
case "$1" in
  up) cmd_up || rc=$? ;;
  down) cmd_down || rc=$? ;;
  status) cmd_status || rc=$? ;;
esac
if ((rc == 0)); then
  lab_log "lab $1: ok, $(lab_timer_elapsed lab)s in total"
else
  lab_log "lab $1: FAILED (exit $rc), $(lab_timer_elapsed lab)s in total"
fi
exit "$rc"
