#!/usr/bin/env bash
# Serve the binaries built by lab/bin/build.sh over plain HTTP on the Docker bridge gateway, laid out like their
# upstream download sites, for the Molecule tests of the kubectl, helm and sparkctl roles:
#
#   <url>/dl.k8s.io/release/v<v>/bin/linux/amd64/kubectl[.sha256]
#   <url>/get.helm.sh/helm-v<v>-linux-amd64.tar.gz[.sha256]
#   <url>/spark-operator/releases/download/v<v>/sparkctl-<v>-linux-amd64.tgz[.sha256]
#
#   lab/bin/serve.sh start   # start the server (if not running); print the environment the scenarios read
#   lab/bin/serve.sh env     # print that environment (ASLAB_MIRROR_URL, ASLAB_<TOOL>_VERSION, ASLAB_<TOOL>_SHA256)
#   lab/bin/serve.sh stop    # stop the server this script started (by its pid file)
#
# A tool that is not cached is left out; its variables are empty.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

BUILD="$LAB_ROOT/bin/build.sh"
WWW="$LAB_STATE/molecule-www"
PID_FILE="$LAB_STATE/molecule-www.pid"
ENV_FILE="$LAB_STATE/molecule-www.env"
LOG_FILE="$LAB_STATE/molecule-www.log"

running() {
  [[ -s "$PID_FILE" ]] && kill -0 "$(<"$PID_FILE")" 2>/dev/null
}

# The default bridge's gateway. An engine may record only the bridge's subnet (a fresh Debian docker.io 20.10 does):
# then the gateway is the address of the bridge interface (docker0 unless the engine names another).
# The address to serve on: the lab network's gateway when the lab is up (the nodes reach the host there; they may run
# their own docker0, so the default bridge's 172.17.0.1 is themselves), else the default bridge's gateway (Molecule's
# containers). Both are host addresses, reachable from either network.
gateway() {
  local gw dev
  if ip -4 -o addr show 2>/dev/null | grep -q " inet $LAB_GATEWAY/"; then
    echo "$LAB_GATEWAY"
    return 0
  fi
  gw=$(docker network inspect bridge -f '{{ range .IPAM.Config }}{{ .Gateway }}{{ end }}' 2>/dev/null | head -n1)
  if [[ -z "$gw" ]]; then
    dev=$(docker network inspect bridge -f '{{ index .Options "com.docker.network.bridge.name" }}' 2>/dev/null || true)
    [[ -n "$dev" && "$dev" != "<no value>" ]] || dev=docker0
    gw=$(ip -4 -o addr show dev "$dev" 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }')
  fi
  echo "$gw"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1]); s.close()'
}

# publish TOOL RELATIVE_DIR — link the cached artifact (and its .sha256) into the tree; print "version sha256".
publish() {
  local tool=$1 rel=$2 src
  src=$("$BUILD" path "$tool" 2>/dev/null) || return 0
  mkdir -p "$WWW/$rel"
  ln -sfn "$src" "$WWW/$rel/$(basename "$src")"
  ln -sfn "$src.sha256" "$WWW/$rel/$(basename "$src").sha256"
  printf '%s\n' "$(<"$src.sha256")"
}

cmd_start() {
  local gw port kv hv sv
  if running && [[ -s "$ENV_FILE" ]]; then
    cat "$ENV_FILE"
    return 0
  fi
  gw=$(gateway)
  [[ -n "$gw" ]] || lab_die "no docker bridge gateway (is the engine up? lab/engine.sh ensure)"
  rm -rf "$WWW"
  mkdir -p "$WWW"
  kv=$("$BUILD" version kubectl)
  hv=$("$BUILD" version helm)
  sv=$("$BUILD" version sparkctl)
  port=$(free_port)
  {
    echo "ASLAB_MIRROR_URL=http://$gw:$port"
    echo "ASLAB_KUBECTL_VERSION=$kv"
    echo "ASLAB_KUBECTL_SHA256=$(publish kubectl "dl.k8s.io/release/v$kv/bin/linux/amd64")"
    echo "ASLAB_HELM_VERSION=$hv"
    echo "ASLAB_HELM_SHA256=$(publish helm get.helm.sh)"
    echo "ASLAB_SPARKCTL_VERSION=$sv"
    echo "ASLAB_SPARKCTL_SHA256=$(publish sparkctl "spark-operator/releases/download/v$sv")"
  } >"$ENV_FILE"
  # lab_daemon: the server outlives this script (make stops it with `serve.sh stop`) and never holds the lab lock.
  rm -f "$LOG_FILE"
  lab_daemon "$LOG_FILE" python3 -m http.server --bind "$gw" --directory "$WWW" "$port"
  echo $! >"$PID_FILE"
  lab_wait_for 10 "the HTTP server on $gw:$port" curl -fsS -o /dev/null "http://$gw:$port/" ||
    lab_die "the HTTP server did not start; log: $LOG_FILE"
  lab_log "serving $WWW at http://$gw:$port (pid $(<"$PID_FILE"))"
  cat "$ENV_FILE"
}

cmd_stop() {
  if running; then
    kill "$(<"$PID_FILE")"
    lab_log "stopped the HTTP server (pid $(<"$PID_FILE"))"
  fi
  rm -f "$PID_FILE" "$ENV_FILE"
}

case "${1:-}" in
  start) cmd_start ;;
  env)
    if ! running || [[ ! -s "$ENV_FILE" ]]; then
      lab_die "the server is not running (lab/bin/serve.sh start)"
    fi
    cat "$ENV_FILE"
    ;;
  stop) cmd_stop ;;
  *)
    echo "usage: $0 start|env|stop" >&2
    exit 2
    ;;
esac
