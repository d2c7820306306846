#!/usr/bin/env bash
# A one-host Alluxio cluster on loopback (no containers): master + worker + proxy as background processes.
# For quick checks and parser fixtures when the node containers are not up; the lab cluster is lab-alluxio.sh.
#
#   lab/alluxio/local-alluxio.sh up|down|status
#
# State: $LAB_STATE/alluxio-local/{conf,logs,ufs,tier0,domain,run}. The `alluxio` command picks its conf up by default
# (lab/alluxio/alluxio fs ls /) unless the container lab's client conf exists ($LAB_STATE/shared/alluxio/conf/client).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/alluxio/lib.sh
. "$HERE/lib.sh"

ROOT="$LAB_STATE/alluxio-local"
CONF="$ROOT/conf"
RUN="$ROOT/run"
HOST=127.0.0.1
ROLES=(master worker proxy)

export ALLUXIO_CONF_DIR="$CONF" ALLUXIO_LOGS_DIR="$ROOT/logs" ALLUXIO_WORK_DIR="$ROOT/work"

pid_alive() {
  local f="$RUN/$1.pid"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

http_ok() {
  curl -sf -o /dev/null --max-time 2 "$1"
}

# Number of workers the master lists with a non-zero capacity.
workers_with_capacity() {
  curl -sf --max-time 2 "http://$HOST:$ALX_MASTER_WEB_PORT/api/v1/master/info" |
    python3 -c 'import json,sys; print(sum(1 for w in json.load(sys.stdin).get("workers") or [] if w.get("capacityBytes",0)>0))'
}

proxy_ok() {
  curl -sf -o /dev/null --max-time 2 -X POST "http://$HOST:$ALX_PROXY_WEB_PORT/api/v1/paths///exists"
}

start_role() {
  local role=$1
  if pid_alive "$role"; then
    lab_log "$role already running (pid $(cat "$RUN/$role.pid"))"
    return 0
  fi
  setsid nohup "$ALX_CLI" process "$role" >"$ROOT/logs/$role.out" 2>&1 </dev/null &
  echo $! >"$RUN/$role.pid"
  lab_log "$role started (pid $!)"
}

wait_for() {
  local timeout=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      lab_log "timed out after ${timeout}s waiting for $what; see $ROOT/logs"
      return 1
    fi
    sleep 0.3
  done
}

up() {
  lab_timer_start up
  "$HERE/fetch.sh" >/dev/null
  mkdir -p "$CONF" "$RUN" "$ROOT/logs" "$ROOT/ufs" "$ROOT/tier0" "$ROOT/domain" "$ROOT/work"
  alx_write_site "$CONF/alluxio-site.properties" "$HOST" "$ROOT/ufs" \
    "alluxio.master.bind.host=$HOST" "alluxio.master.web.bind.host=$HOST" \
    "alluxio.worker.hostname=$HOST" "alluxio.worker.bind.host=$HOST" "alluxio.worker.web.bind.host=$HOST" \
    "alluxio.proxy.web.hostname=$HOST" "alluxio.proxy.web.bind.host=$HOST" \
    "alluxio.user.hostname=$HOST" \
    "alluxio.worker.tieredstore.level0.dirs.path=$ROOT/tier0" \
    "alluxio.worker.data.server.domain.socket.address=$ROOT/domain"
  alx_write_log4j "$CONF/log4j.properties"

  start_role master
  wait_for 60 "master web" http_ok "http://$HOST:$ALX_MASTER_WEB_PORT/api/v1/master/info"
  start_role worker
  start_role proxy
  local deadline=$((SECONDS + 90))
  until [[ "$(workers_with_capacity 2>/dev/null || echo 0)" -ge 1 ]]; do
    pid_alive worker || lab_die "worker exited; see $ROOT/logs/worker.log and worker.out"
    ((SECONDS < deadline)) || lab_die "worker did not register within 90s; see $ROOT/logs"
    sleep 0.3
  done
  wait_for 60 "proxy web" proxy_ok
  lab_timer_end up "local alluxio up"
}

down() {
  local role pid
  for role in proxy worker master; do
    pid_alive "$role" || { rm -f "$RUN/$role.pid"; continue; }
    pid=$(cat "$RUN/$role.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$RUN/$role.pid"
    lab_log "$role stopped"
  done
  # NOOP journal: the namespace is gone with the master; clear cached blocks and UFS so the next `up` is consistent.
  rm -rf "$ROOT/tier0" "$ROOT/ufs" "$ROOT/domain"
}

status() {
  local rc=0 role
  for role in "${ROLES[@]}"; do
    if pid_alive "$role"; then echo "$role: running (pid $(cat "$RUN/$role.pid"))"; else echo "$role: down"; rc=1; fi
  done
  local n
  n=$(workers_with_capacity 2>/dev/null || echo 0)
  echo "workers with capacity: $n"
  [[ "$n" -ge 1 ]] || rc=1
  return $rc
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
