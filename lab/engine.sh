#!/usr/bin/env bash
# Make a Docker engine available on this host for the lab.
#
#   lab/engine.sh ensure   # install docker.io/containerd/iptables/debootstrap if needed, start dockerd if none runs
#   lab/engine.sh status   # exit 0 when `docker info` answers
#   lab/engine.sh stop     # stop a dockerd that `ensure` started (never one started by systemd or by hand)
#
# Hosts without systemd as PID 1 (containers, sandboxes) get a background dockerd whose log and pid file live under
# $LAB_STATE/engine/.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ENGINE_DIR="$LAB_STATE/engine"
ENGINE_LOG="$ENGINE_DIR/dockerd.log"
ENGINE_PID="$ENGINE_DIR/dockerd.pid"
ENGINE_PACKAGES=(docker.io containerd iptables debootstrap)

engine_up() {
  timeout 10 docker info >/dev/null 2>&1
}

has_systemd() {
  [[ -d /run/systemd/system ]] && [[ "$(ps -p 1 -o comm= 2>/dev/null)" == systemd ]]
}

start_dockerd() {
  if has_systemd; then
    lab_log "starting docker.service (systemd)"
    systemctl start containerd.service docker.service
    return
  fi
  # The pid file, not pgrep: the node containers' own dockerd processes are visible in the host's process list.
  if [[ -s /var/run/docker.pid ]] && kill -0 "$(</var/run/docker.pid)" 2>/dev/null; then
    lab_log "dockerd (pid $(</var/run/docker.pid)) runs but does not answer yet; waiting for it"
    return
  fi
  mkdir -p "$ENGINE_DIR"
  lab_log "no systemd (PID 1 is $(ps -p 1 -o comm=)); starting dockerd in the background, log: $ENGINE_LOG"
  # Its own session, no inherited descriptors (lab_daemon): it outlives this script and never holds the lab lock.
  lab_daemon "$ENGINE_LOG" dockerd
  echo $! >"$ENGINE_PID"
}

cmd_ensure() {
  lab_timer_start engine
  if engine_up; then
    lab_log "docker engine already answers ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  lab_apt_install "${ENGINE_PACKAGES[@]}"
  lab_need_cmd docker "the docker.io package provides it"
  if ! engine_up; then
    start_dockerd
    if ! lab_wait_for 60 "docker info" engine_up; then
      [[ -f "$ENGINE_LOG" ]] && tail -n 30 "$ENGINE_LOG" >&2
      lab_die "the docker engine did not come up"
    fi
  fi
  lab_log "docker engine $(docker version -f '{{.Server.Version}}') ready"
  lab_timer_end engine "engine ensure"
}

cmd_status() {
  if engine_up; then
    lab_log "docker engine $(docker version -f '{{.Server.Version}}') answers"
  else
    lab_log "docker engine does not answer"
    return 1
  fi
}

cmd_stop() {
  local pid
  [[ -f "$ENGINE_PID" ]] || {
    lab_log "no dockerd started by the lab (no $ENGINE_PID); leaving the engine alone"
    return 0
  }
  pid=$(<"$ENGINE_PID")
  if kill -0 "$pid" 2>/dev/null && [[ "$(ps -p "$pid" -o comm=)" == dockerd ]]; then
    lab_log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    lab_wait_for 30 "dockerd to exit" bash -c "! kill -0 $pid" || lab_die "dockerd (pid $pid) did not exit"
  fi
  rm -f "$ENGINE_PID"
}

case "${1:-}" in
  ensure | stop) lab_lock "$0" "$@" ;;
esac

case "${1:-}" in
  ensure) cmd_ensure ;;
  status) cmd_status ;;
  stop) cmd_stop ;;
  *)
    echo "usage: $0 ensure|status|stop" >&2
    exit 2
    ;;
esac
