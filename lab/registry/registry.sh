#!/usr/bin/env bash
# The lab's image registry: CNCF distribution from Debian's docker-registry package, run on the host (no systemd
# needed), serving one storage directory on two addresses:
#   127.0.0.1:5000      what the host's Docker engine pushes to (Docker treats 127.0.0.0/8 as insecure without config)
#   172.31.250.1:5000   the lab network's gateway, what the nodes pull from (plain HTTP: nodes need docker
#                       insecure-registries / ctr --plain-http / podman --tls-verify=false - the image_distribution
#                       role sets these through image_distribution_registry_insecure)
#
#   lab/registry/registry.sh up       # apt-get install docker-registry if missing, start both; idempotent
#   lab/registry/registry.sh down     # stop both (the stored images stay in $LAB_STATE/registry/data)
#   lab/registry/registry.sh status   # exit 1 unless both answer /v2/
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

DIR="$LAB_STATE/registry"
PORT=${ASLAB_REGISTRY_PORT:-5000}
ADDRS=("127.0.0.1:$PORT" "$LAB_GATEWAY:$PORT")

answers() {
  curl -fsS -m 3 "http://$1/v2/" >/dev/null 2>&1
}

config() { # ADDR -> path of its config file
  local addr=$1 file="$DIR/config-${1//[:.]/_}.yml"
  cat >"$file.tmp" <<YAML
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $DIR/data}
  delete: {enabled: true}
http:
  addr: $addr
  secret: aslab-lab-registry-not-a-secret
YAML
  mv "$file.tmp" "$file"
  printf '%s\n' "$file"
}

pidfile() {
  printf '%s/registry-%s.pid\n' "$DIR" "${1//[:.]/_}"
}

cmd_up() {
  local addr pid
  lab_apt_install docker-registry curl
  mkdir -p "$DIR/data"
  ip -4 addr show 2>/dev/null | grep -q "inet $LAB_GATEWAY/" ||
    lab_die "$LAB_GATEWAY is not an address of this host; start the lab network first (lab/nodes.sh up)"
  for addr in "${ADDRS[@]}"; do
    if answers "$addr"; then
      lab_log "registry on $addr: already answering"
      continue
    fi
    lab_log "starting docker-registry on $addr (storage $DIR/data)"
    lab_daemon "$DIR/registry.log" docker-registry serve "$(config "$addr")"
    pid=$!
    echo "$pid" >"$(pidfile "$addr")"
    lab_wait_for 20 "docker-registry on $addr" answers "$addr" || lab_die "docker-registry did not start: $DIR/registry.log"
  done
}

cmd_down() {
  local addr pid
  for addr in "${ADDRS[@]}"; do
    pid=$(cat "$(pidfile "$addr")" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q docker-registry "/proc/$pid/cmdline" 2>/dev/null; then
      lab_log "stopping docker-registry on $addr (pid $pid)"
      kill "$pid"
    fi
    rm -f "$(pidfile "$addr")"
  done
}

cmd_status() {
  local addr rc=0
  for addr in "${ADDRS[@]}"; do
    if answers "$addr"; then echo "$addr ok"; else
      echo "$addr DOWN"
      rc=1
    fi
  done
  return "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
