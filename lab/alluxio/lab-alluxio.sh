#!/usr/bin/env bash
# The lab's Alluxio cluster in the node containers (lab/nodes.sh): master + proxy in aslab-control, one worker in each
# of aslab-node1..3 whose hostname is the node's IP, so a file's blocks live on three different IPs.
#
#   lab/alluxio/lab-alluxio.sh up       # fetch (cached), write conf, start what is not running, wait for 3 workers
#   lab/alluxio/lab-alluxio.sh down     # stop everything, drop cached blocks and sockets (the UFS is kept)
#   lab/alluxio/lab-alluxio.sh purge    # down + remove the UFS, the logs and the conf
#   lab/alluxio/lab-alluxio.sh status   # one line per process + workers with capacity; non-zero if anything is down
#
# Processes are transient systemd units (systemd-run) in the containers: alluxio-master, alluxio-proxy, alluxio-worker.
# Host layout ($LAB_STATE/shared = /opt/aslab-shared in every node):
#   shared/alluxio/bin/alluxio          the CLI (also linked as /usr/local/bin/alluxio in every node)
#   shared/alluxio/conf/<node>/         alluxio-site.properties + log4j.properties per node
#   shared/alluxio/conf/client/         conf for clients elsewhere (e.g. the host: lab/alluxio/alluxio fs ls /)
#   shared/alluxio/ufs/                 the root UFS (local, shared by all nodes, so CACHE_THROUGH works everywhere)
#   shared/alluxio/logs/<node>/         master.log, proxy.log, worker.log
# In each node: /var/lib/aslab-alluxio/{tier0,domain,work} (MEM tier dir, domain socket dir, work dir).
# A changed conf restarts the processes that use it; the master restarting (NOOP journal: empty namespace) restarts
# the proxy and workers too.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/alluxio/lib.sh
. "$HERE/lib.sh"

SHARED="$LAB_STATE/shared/alluxio"
NODE_SHARED="$LAB_NODE_SHARED_DIR/alluxio"
NODE_VAR=/var/lib/aslab-alluxio
MASTER_NODE=$LAB_CONTROL
MASTER_IP=$(lab_node_ip "$LAB_CONTROL")
N_WORKERS=${#LAB_WORKERS[@]}
MASTER_URL="http://$MASTER_IP:$ALX_MASTER_WEB_PORT"
PROXY_URL="http://$MASTER_IP:$ALX_PROXY_WEB_PORT"

container_running() {
  [[ "$(docker container inspect -f '{{.State.Running}}' "$1" 2>/dev/null || true)" == true ]]
}

need_nodes() {
  local n
  for n in "$LAB_CONTROL" "${LAB_WORKERS[@]}"; do
    container_running "$n" || lab_die "node container $n is not running; run lab/nodes.sh up (or lab/lab.sh up)"
  done
}

# The site file of NODE (container paths). The master's conf is also the client conf used elsewhere.
write_conf() {
  local node=$1 ip extra=()
  ip=$(lab_node_ip "$node")
  extra=("alluxio.user.hostname=$ip")
  if [[ "$node" != "$LAB_CONTROL" ]]; then
    extra+=(
      "alluxio.worker.hostname=$ip"
      "alluxio.worker.tieredstore.level0.dirs.path=$NODE_VAR/tier0"
      "alluxio.worker.data.server.domain.socket.address=$NODE_VAR/domain"
    )
  fi
  alx_write_site "$SHARED/conf/$node/alluxio-site.properties.new" "$MASTER_IP" "$NODE_SHARED/ufs" "${extra[@]}"
  alx_write_log4j "$SHARED/conf/$node/log4j.properties"
  if cmp -s "$SHARED/conf/$node/alluxio-site.properties.new" "$SHARED/conf/$node/alluxio-site.properties"; then
    rm -f "$SHARED/conf/$node/alluxio-site.properties.new"
    return 1
  fi
  mv "$SHARED/conf/$node/alluxio-site.properties.new" "$SHARED/conf/$node/alluxio-site.properties"
  return 0
}

write_client_conf() {
  # Host-side clients: same cluster keys, no user.hostname (the host is not a worker node).
  alx_write_site "$SHARED/conf/client/alluxio-site.properties" "$MASTER_IP" "$NODE_SHARED/ufs"
  alx_write_log4j "$SHARED/conf/client/log4j.properties"
}

unit_active() { # NODE ROLE
  docker exec "$1" systemctl is-active --quiet "alluxio-$2" 2>/dev/null
}

stop_unit() { # NODE ROLE
  docker exec "$1" bash -c "systemctl stop alluxio-$2 2>/dev/null; systemctl reset-failed alluxio-$2 2>/dev/null" || true
}

start_unit() { # NODE ROLE
  local node=$1 role=$2
  docker exec "$node" mkdir -p "$NODE_VAR/tier0" "$NODE_VAR/domain" "$NODE_VAR/work" "$NODE_SHARED/logs/$node"
  docker exec "$node" ln -sf "$NODE_SHARED/bin/alluxio" /usr/local/bin/alluxio
  docker exec "$node" systemctl reset-failed "alluxio-$role" >/dev/null 2>&1 || true
  docker exec "$node" systemd-run --quiet --unit "alluxio-$role" --description "Alluxio $ALLUXIO_VERSION $role (lab)" \
    -p KillMode=mixed -p TimeoutStopSec=20 -p SuccessExitStatus=143 \
    -E ALLUXIO_CONF_DIR="$NODE_SHARED/conf/$node" -E ALLUXIO_LOGS_DIR="$NODE_SHARED/logs/$node" \
    -E ALLUXIO_WORK_DIR="$NODE_VAR/work" -E HOME=/root \
    "$NODE_SHARED/bin/alluxio" process "$role"
  lab_log "$node: alluxio-$role started"
}

# Number of distinct worker hosts the master lists with capacity and a heartbeat in the last 5 s.
workers_with_capacity() {
  curl -sf --max-time 3 "$MASTER_URL/api/v1/master/info" | python3 -c '
import json, sys
ws = json.load(sys.stdin).get("workers") or []
print(len({w["address"]["host"] for w in ws if w.get("capacityBytes", 0) > 0 and w.get("lastContactSec", 99) <= 5}))
' 2>/dev/null || echo 0
}

# workers_ready HOST=MS... — true when the master lists exactly one live entry per lab worker, each with capacity and a
# recent heartbeat, and each HOST's entry started at or after MS (epoch ms: the worker we just (re)started, not the
# entry of its predecessor, which stays listed until alluxio.master.worker.timeout).
workers_ready() {
  curl -sf --max-time 3 "$MASTER_URL/api/v1/master/info" | python3 -c '
import json, sys
want = int(sys.argv[1])
since = dict(a.split("=") for a in sys.argv[2:])
ws = json.load(sys.stdin).get("workers") or []
ok = [w for w in ws if w.get("capacityBytes", 0) > 0 and w.get("lastContactSec", 99) <= 5
      and w.get("startTimeMs", 0) >= int(since.get(w["address"]["host"], 0))]
hosts = {w["address"]["host"] for w in ok}
sys.exit(0 if len(ws) == want and len(ok) == want and len(hosts) == want else 1)
' "$N_WORKERS" "$@"
}

master_web_ok() { curl -sf -o /dev/null --max-time 3 "$MASTER_URL/api/v1/master/info"; }
proxy_ok() { curl -sf -o /dev/null --max-time 3 -X POST "$PROXY_URL/api/v1/paths///exists"; }

enough_workers() { [[ "$(workers_with_capacity)" -ge "$N_WORKERS" ]]; }

cmd_up() {
  lab_timer_start up
  need_nodes
  "$HERE/fetch.sh" >/dev/null
  mkdir -p "$SHARED/bin/conf" "$SHARED/ufs" "$SHARED/logs"
  install -m 0755 "$ALX_CLI" "$SHARED/bin/alluxio"
  cp "$HERE/conf/log4j.properties" "$SHARED/bin/conf/log4j.properties"
  write_client_conf

  local node restart_all=0 pids=() p
  local -A restart=()
  if write_conf "$MASTER_NODE" || ! unit_active "$MASTER_NODE" master; then
    restart_all=1
  fi
  for node in "${LAB_WORKERS[@]}"; do
    if write_conf "$node" || ((restart_all)) || ! unit_active "$node" worker; then
      restart[$node]=1
    fi
  done

  if ((restart_all)); then
    # Stop everything before the new master starts: a worker still running would register with it and stay listed
    # (ACTIVE, then LOST) next to its successor.
    stop_unit "$MASTER_NODE" proxy
    for node in "${LAB_WORKERS[@]}"; do stop_unit "$node" worker & done
    wait
    stop_unit "$MASTER_NODE" master
    start_unit "$MASTER_NODE" master
  else
    lab_log "$MASTER_NODE: alluxio-master running, conf unchanged"
  fi
  lab_wait_for 90 "the master web port ($MASTER_URL)" master_web_ok || lab_die "see the logs in $SHARED/logs"

  local since=()
  for node in "${LAB_WORKERS[@]}"; do
    if [[ -z "${restart[$node]:-}" ]]; then
      lab_log "$node: alluxio-worker running, conf unchanged"
      continue
    fi
    since+=("$(lab_node_ip "$node")=$(($(date +%s%3N) - 2000))")
    (
      stop_unit "$node" worker
      # A fresh master (NOOP journal) knows no blocks: start the worker with an empty store.
      docker exec "$node" bash -c "rm -rf $NODE_VAR/tier0/* $NODE_VAR/domain/*"
      start_unit "$node" worker
    ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || lab_die "starting a worker failed"; done

  if ((restart_all)) || ! unit_active "$MASTER_NODE" proxy; then
    stop_unit "$MASTER_NODE" proxy
    start_unit "$MASTER_NODE" proxy
  fi

  local deadline=$((SECONDS + 150))
  until workers_ready "${since[@]}"; do
    for node in "${LAB_WORKERS[@]}"; do
      unit_active "$node" worker || lab_die "$node: alluxio-worker exited; see $SHARED/logs/$node/worker.log"
    done
    ((SECONDS < deadline)) ||
      lab_die "the $N_WORKERS workers did not all register (fresh, with capacity) within 150s; see $SHARED/logs"
    sleep 0.5
  done
  lab_wait_for 60 "the proxy ($PROXY_URL)" proxy_ok || lab_die "see the logs in $SHARED/logs"
  lab_log "alluxio $ALLUXIO_VERSION: master $MASTER_URL, proxy $PROXY_URL, $N_WORKERS workers with capacity"
  lab_timer_end up "alluxio up"
}

cmd_down() {
  lab_timer_start down
  local node
  for node in "$LAB_CONTROL" "${LAB_WORKERS[@]}"; do
    container_running "$node" || continue
    (
      for role in proxy worker master; do
        if unit_active "$node" "$role"; then
          stop_unit "$node" "$role"
          lab_log "$node: alluxio-$role stopped"
        fi
      done
      docker exec "$node" rm -rf "$NODE_VAR" /usr/local/bin/alluxio
    ) &
  done
  wait
  lab_timer_end down "alluxio down"
}

cmd_purge() {
  cmd_down
  rm -rf "$SHARED"
  lab_log "removed $SHARED"
}

cmd_status() {
  local rc=0 node role n
  for node in "$LAB_CONTROL" "${LAB_WORKERS[@]}"; do
    if ! container_running "$node"; then
      printf '%-14s %-8s %s\n' "$node" "-" "container not running"
      rc=1
      continue
    fi
    if [[ "$node" == "$LAB_CONTROL" ]]; then set -- master proxy; else set -- worker; fi
    for role in "$@"; do
      if unit_active "$node" "$role"; then
        printf '%-14s %-8s %s\n' "$node" "$role" "active"
      else
        printf '%-14s %-8s %s\n' "$node" "$role" "DOWN"
        rc=1
      fi
    done
  done
  n=$(workers_with_capacity)
  echo "workers with capacity: $n/$N_WORKERS (master $MASTER_URL)"
  ((n >= N_WORKERS)) || rc=1
  if proxy_ok; then echo "proxy: answering ($PROXY_URL)"; else echo "proxy: NOT answering ($PROXY_URL)"; rc=1; fi
  return $rc
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  purge) cmd_purge ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|purge|status" >&2
    exit 2
    ;;
esac
