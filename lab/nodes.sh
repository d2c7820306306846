#!/usr/bin/env bash
# The lab's machines: four containers of local/aslab-node on the `aslab` network, each with systemd, sshd and its own
# dockerd + containerd.
#
#   lab/nodes.sh up       # create network, ssh key, containers; wait until systemd, sshd and the engines answer
#   lab/nodes.sh down     # remove containers, their volumes, the network and cgroup dirs the nested engines left
#   lab/nodes.sh status   # table of name, ip, state, sshd, dockerd, containerd; exit 1 if anything is down
#
# From the host afterwards: ssh -F "$LAB_STATE/ssh_config" aslab-node1
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LABEL=aslab.lab=1
RUN_HASH_LABEL=aslab.run-hash
HOST_CA_DIR=/usr/local/share/ca-certificates

# `--privileged` cannot work where CAP_SYS_RESOURCE is missing from root's bounding set (runc: "unable to apply caps");
# this is ALL minus SYS_RESOURCE, spelled as Docker 20.10 knows the names (it rejects PERFMON, BPF, CHECKPOINT_RESTORE).
NODE_CAPS=(
  CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE
  NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN
  SYS_BOOT SYS_NICE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN
  SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
)

# The `docker run` options of node NAME (everything but the image), one per line so they can be hashed.
run_options() {
  local name=$1 cap dev
  printf '%s\n' --name "$name" --hostname "$name" --network "$LAB_NETWORK" --ip "$(lab_node_ip "$name")"
  printf '%s\n' --label "$LABEL" --label "aslab.node=$name"
  # The key the node trusts is part of its options: a state directory made anew (.lab removed) has a new key, while
  # the node's bind mounts still hold the removed files, so such a node is recreated rather than left unreachable.
  printf '%s\n' --label "aslab.ssh-key=$(sha256sum <"$LAB_SSH_KEY.pub" | cut -d' ' -f1)"
  for cap in "${NODE_CAPS[@]}"; do
    printf '%s\n' --cap-add "$cap"
  done
  printf '%s\n' --security-opt seccomp=unconfined --security-opt apparmor=unconfined
  printf '%s\n' --tmpfs /run --tmpfs /run/lock
  # Host cgroup namespace with a writable hierarchy: the nested engines create cgroups (cgroup v1 here); a private
  # namespace leaves /sys/fs/cgroup read-only and nested `docker run` fails.
  printf '%s\n' --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw
  # Named volumes (not the container's overlay): overlay on overlay fails for the nested engines.
  printf '%s\n' -v "$name-docker:/var/lib/docker" -v "$name-containerd:/var/lib/containerd"
  printf '%s\n' -v "$LAB_CACHE:$LAB_NODE_CACHE_DIR:ro" -v "$LAB_STATE/shared:$LAB_NODE_SHARED_DIR:rw"
  printf '%s\n' -v "$LAB_SSH_DIR/authorized_keys:/root/.ssh/authorized_keys:ro"
  if [[ -d "$HOST_CA_DIR" ]]; then
    printf '%s\n' -v "$HOST_CA_DIR:$HOST_CA_DIR/aslab-host:ro"
  fi
  # kubelet's OOM watcher reads /dev/kmsg; FUSE for filesystem clients.
  for dev in /dev/kmsg /dev/fuse; do
    if [[ -c "$dev" ]]; then
      printf '%s\n' --device "$dev"
    fi
  done
}

run_hash() {
  run_options "$1" | sha256sum | cut -d' ' -f1
}

container_field() {
  docker container inspect -f "$2" "$1" 2>/dev/null || true
}

ensure_network() {
  local subnet
  subnet=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$LAB_NETWORK" 2>/dev/null || true)
  if [[ "$subnet" == "$LAB_SUBNET" ]]; then
    return 0
  fi
  if [[ -n "$subnet" ]]; then
    lab_die "network $LAB_NETWORK exists with subnet $subnet, not $LAB_SUBNET; run lab/nodes.sh down first"
  fi
  lab_log "creating network $LAB_NETWORK ($LAB_SUBNET, gateway $LAB_GATEWAY)"
  docker network create --driver bridge --subnet "$LAB_SUBNET" --gateway "$LAB_GATEWAY" \
    -o com.docker.network.bridge.name=aslab0 --label "$LABEL" "$LAB_NETWORK" >/dev/null
}

ensure_ssh() {
  local name
  mkdir -p "$LAB_SSH_DIR"
  chmod 0700 "$LAB_SSH_DIR"
  if [[ ! -s "$LAB_SSH_KEY" ]]; then
    lab_log "generating ssh key $LAB_SSH_KEY"
    ssh-keygen -q -t ed25519 -N '' -C "aslab@$(hostname)" -f "$LAB_SSH_KEY"
  fi
  # sshd's StrictModes wants the file owned by root and not writable by others.
  install -m 0600 "$LAB_SSH_KEY.pub" "$LAB_SSH_DIR/authorized_keys"
  {
    echo "# Written by lab/nodes.sh. Usage: ssh -F $LAB_SSH_CONFIG aslab-node1"
    for name in $(lab_nodes); do
      printf 'Host %s\n  HostName %s\n\n' "$name" "$(lab_node_ip "$name")"
    done
    # Host keys are generated per container, so a recreated node has new ones: do not pin them.
    cat <<EOF
Host aslab-* ${LAB_SUBNET%.*}.*
  User root
  IdentityFile $LAB_SSH_KEY
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  ConnectTimeout 5
  BatchMode yes
EOF
  } >"$LAB_SSH_CONFIG.tmp"
  mv "$LAB_SSH_CONFIG.tmp" "$LAB_SSH_CONFIG"
}

ensure_volume() {
  docker volume inspect "$1" >/dev/null 2>&1 || docker volume create --label "$LABEL" "$1" >/dev/null
}

# Create or keep node NAME; prints nothing, logs what it did.
ensure_node() {
  local name=$1 image_id hash cur_image cur_hash state opts=()
  image_id=$(docker image inspect -f '{{.Id}}' "$LAB_IMAGE_NODE")
  hash=$(run_hash "$name")
  cur_image=$(container_field "$name" '{{.Image}}')
  cur_hash=$(container_field "$name" "{{ index .Config.Labels \"$RUN_HASH_LABEL\" }}")
  state=$(container_field "$name" '{{.State.Status}}')
  if [[ -n "$state" ]]; then
    if [[ "$cur_image" == "$image_id" && "$cur_hash" == "$hash" ]]; then
      if [[ "$state" == running ]]; then
        lab_log "$name: running, current image and options; left alone"
      else
        lab_log "$name: $state; starting it"
        docker start "$name" >/dev/null
      fi
      return 0
    fi
    if [[ "$cur_image" != "$image_id" ]]; then
      lab_log "$name: made from an older image; recreating"
    else
      lab_log "$name: run options changed; recreating"
    fi
    remove_node "$name"
  fi
  ensure_volume "$name-docker"
  ensure_volume "$name-containerd"
  mapfile -t opts < <(run_options "$name")
  lab_log "$name: starting at $(lab_node_ip "$name")"
  docker run -d "${opts[@]}" --label "$RUN_HASH_LABEL=$hash" "$LAB_IMAGE_NODE" >/dev/null
}

# remove_node NAME [SECONDS] — stop NAME gracefully (systemd stops the nested engines and their containers, so their
# cgroups go too; clean_cgroups catches what a timeout leaves), then remove it.
remove_node() {
  docker stop -t "${2:-30}" "$1" >/dev/null 2>&1 || true
  docker rm -f "$1" >/dev/null 2>&1 || true
}

node_booted() {
  local s
  s=$(docker exec "$1" systemctl is-system-running 2>/dev/null || true)
  [[ "$s" == running || "$s" == degraded ]]
}

ssh_ok() {
  timeout 10 ssh -F "$LAB_SSH_CONFIG" "$1" true >/dev/null 2>&1
}

dockerd_ok() {
  timeout 10 docker exec "$1" docker info >/dev/null 2>&1
}

containerd_ok() {
  timeout 10 docker exec "$1" ctr -n k8s.io version >/dev/null 2>&1
}

wait_node() {
  local name=$1 failed
  lab_wait_for 120 "systemd in $name" node_booted "$name" || return 1
  if [[ "$(docker exec "$name" systemctl is-system-running 2>/dev/null || true)" == degraded ]]; then
    failed=$(docker exec "$name" systemctl list-units --state=failed --plain --no-legend 2>/dev/null | awk '{print $1}')
    lab_log "$name: systemd degraded; failed units: ${failed//$'\n'/ }"
  fi
  lab_wait_for 60 "sshd in $name" ssh_ok "$name" || return 1
  lab_wait_for 60 "dockerd in $name" dockerd_ok "$name" || return 1
  lab_wait_for 60 "containerd in $name" containerd_ok "$name" || return 1
}

cmd_up() {
  local name pids=() rc=0 i=0
  lab_timer_start nodes
  [[ -n "$(docker image inspect -f '{{.Id}}' "$LAB_IMAGE_NODE" 2>/dev/null || true)" ]] ||
    lab_die "$LAB_IMAGE_NODE is missing; run lab/images/build.sh"
  mkdir -p "$LAB_STATE/shared" "$LAB_CACHE"
  ensure_network
  ensure_ssh
  for name in $(lab_nodes); do
    ensure_node "$name"
  done
  # Images left untagged by a rebuild are no longer used by any node.
  docker image prune -f --filter label=aslab.image >/dev/null
  lab_log "waiting for systemd, sshd, dockerd and containerd in every node"
  for name in $(lab_nodes); do
    wait_node "$name" &
    pids+=($!)
  done
  for name in $(lab_nodes); do
    wait "${pids[i]}" || {
      lab_log "$name: not ready"
      rc=1
    }
    i=$((i + 1))
  done
  ((rc == 0)) || lab_die "some nodes are not ready; see lab/nodes.sh status and docker logs <node>"
  lab_log "nodes ready: $(lab_nodes | tr '\n' ' ')(ssh -F $LAB_SSH_CONFIG <name>)"
  lab_timer_end nodes "nodes up"
}

# Nested engines share the host's cgroup tree (--cgroupns host). Whatever they leave behind once their node is gone is
# removed here: containerd's namespaced roots (e.g. k8s.io) and, under docker/, directories of containers the host
# engine does not know. Only empty directories go (rmdir refuses the others), and none younger than a minute (a
# container the host engine is creating right now).
clean_cgroups() {
  local known dir base removed=0 ctl now
  known=" $(docker ps -aq --no-trunc | tr '\n' ' ') "
  now=$(date +%s)
  for ctl in /sys/fs/cgroup/*/; do
    [[ -d "$ctl" ]] || continue
    for dir in "$ctl"k8s.io "$ctl"docker/*/; do
      [[ -d "$dir" ]] || continue
      base=$(basename "$dir")
      if [[ "$dir" == */docker/* ]] && [[ "$known" == *" $base "* || $((now - $(stat -c %Z "$dir"))) -lt 60 ]]; then
        continue
      fi
      # Deepest first; rmdir fails (and we keep the dir) while a cgroup still has tasks.
      while IFS= read -r d; do
        rmdir "$d" 2>/dev/null && removed=$((removed + 1))
      done < <(find "$dir" -mindepth 0 -type d -depth 2>/dev/null)
    done
  done
  ((removed == 0)) || lab_log "removed $removed cgroup dirs left by nested engines"
}

cmd_down() {
  local name vol pids=()
  lab_timer_start nodes
  for name in $(lab_nodes); do
    if [[ -n "$(container_field "$name" '{{.Id}}')" ]]; then
      lab_log "$name: stopping and removing"
      remove_node "$name" 10 &
      pids+=($!)
    fi
  done
  ((${#pids[@]} == 0)) || wait "${pids[@]}"
  for name in $(lab_nodes); do
    for vol in "$name-docker" "$name-containerd"; do
      if docker volume inspect "$vol" >/dev/null 2>&1; then
        docker volume rm "$vol" >/dev/null
      fi
    done
  done
  if docker network inspect "$LAB_NETWORK" >/dev/null 2>&1; then
    lab_log "removing network $LAB_NETWORK"
    docker network rm "$LAB_NETWORK" >/dev/null
  fi
  clean_cgroups
  lab_timer_end nodes "nodes down"
}

cmd_status() {
  local name state ssh dockerd containerd rc=0
  printf '%-14s %-15s %-10s %-5s %-7s %-10s\n' NAME IP STATE SSHD DOCKERD CONTAINERD
  for name in $(lab_nodes); do
    state=$(container_field "$name" '{{.State.Status}}')
    state=${state:-absent}
    ssh=- dockerd=- containerd=-
    if [[ "$state" == running ]]; then
      ssh_ok "$name" && ssh=ok || ssh=FAIL
      dockerd_ok "$name" && dockerd=ok || dockerd=FAIL
      containerd_ok "$name" && containerd=ok || containerd=FAIL
    fi
    printf '%-14s %-15s %-10s %-5s %-7s %-10s\n' "$name" "$(lab_node_ip "$name")" "$state" "$ssh" "$dockerd" "$containerd"
    [[ "$state" == running && "$ssh" == ok && "$dockerd" == ok && "$containerd" == ok ]] || rc=1
  done
  return "$rc"
}

case "${1:-}" in
  up | down) lab_lock "$0" "$@" ;;
esac

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
