#!/usr/bin/env bash
# The lab's Kubernetes: a control plane in aslab-control and a real kubelet in each of aslab-node1..3.
#
#   lab/k8s/cluster.sh up       # build/cache the programs, then start what is not running (idempotent)
#   lab/k8s/cluster.sh down     # stop every Kubernetes unit and remove the pods' containers (state is kept)
#   lab/k8s/cluster.sh purge    # down + forget the cluster (etcd data, certificates, kubelet state)
#   lab/k8s/cluster.sh status   # exit 1 unless the API answers and every node is Ready
#   lab/k8s/cluster.sh load IMAGE...   # copy local Docker images into every node's containerd (k8s.io namespace)
#
# Every part is the real program, built from the Go module proxy by lab/k8s/build.sh:
#   aslab-control  etcd, kube-apiserver (:6443 on 172.31.250.10), kube-controller-manager, kube-scheduler
#   aslab-nodeN    kubelet (containerd 1.6 from Debian, CNI bridge + host-local from Debian's plugins), kube-proxy
#   in the cluster CoreDNS (Deployment + Service kube-dns 10.96.0.10), from a locally built image
# Processes are enabled systemd units named aslab-<program> (they come back when a node container restarts). Pod networks are 10.244.<n>.0/24 per node
# (allocated by the controller manager); every lab container routes each node's pod network to that node's address.
#
# Written for the host: $LAB_STATE/kubeconfig (cluster admin, server https://172.31.250.10:6443). Certificates and
# configuration live in $LAB_STATE/shared/k8s, which the containers see as $LAB_NODE_SHARED_DIR/k8s.
#
# Kubelets in containers need two host settings they would otherwise try to write themselves (/proc/sys is read-only
# in a container): vm.overcommit_memory=1, vm.panic_on_oom=0, kernel.panic=10 and kernel.panic_on_oops=1 (what every
# kubeadm node runs with). `up` sets them on the host (a lab machine) and says so.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
# shellcheck source-path=SCRIPTDIR source=versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"

K8S_DIR="$LAB_ROOT/k8s"
HOST_K8S="$LAB_STATE/shared/k8s"
NODE_K8S="$LAB_NODE_SHARED_DIR/k8s"
NODE_BIN="$LAB_NODE_CACHE_DIR/k8s"
KUBECONFIG_OUT="$LAB_STATE/kubeconfig"
API_IP=${LAB_NODE_IPS[$LAB_CONTROL]}
API_URL="https://$API_IP:6443"
SERVICE_CIDR=10.96.0.0/16
CLUSTER_CIDR=10.244.0.0/16
KUBERNETES_SVC_IP=10.96.0.1
DNS_IP=10.96.0.10
PAUSE_IMAGE="registry.k8s.io/pause:$PAUSE_VERSION"
COREDNS_IMAGE="registry.k8s.io/coredns/coredns:v$COREDNS_VERSION"
KUBE_BIN="$NODE_BIN/kubernetes-$KUBERNETES_VERSION"

kubectl_bin() {
  echo "$LAB_CACHE/k8s/kubernetes-$KUBERNETES_VERSION/kubectl"
}

kc() {
  "$(kubectl_bin)" --kubeconfig "$KUBECONFIG_OUT" "$@"
}

# ---------------------------------------------------------------------------------------------------------------------
# Certificates (openssl on the host; one CA for the cluster)

# cert NAME CN [O] [SAN] — key + certificate signed by the lab CA, unless they exist.
cert() {
  local name=$1 cn=$2 org=${3:-} san=${4:-} pki="$HOST_K8S/pki" subj ext
  [[ -s "$pki/$name.crt" ]] && return 0
  subj="/CN=$cn"
  [[ -n "$org" ]] && subj="/O=$org$subj"
  ext="$pki/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl genrsa -out "$pki/$name.key" 2048 2>/dev/null
  openssl req -new -key "$pki/$name.key" -subj "$subj" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
    -extfile "$ext" -out "$pki/$name.crt.tmp" 2>/dev/null
  mv "$pki/$name.crt.tmp" "$pki/$name.crt"
  rm -f "$pki/$name.csr" "$ext"
}

ensure_pki() {
  local pki="$HOST_K8S/pki" node san
  mkdir -p "$pki"
  chmod 0755 "$pki"
  if [[ ! -s "$pki/ca.crt" ]]; then
    lab_log "creating the cluster CA and certificates in $pki"
    openssl genrsa -out "$pki/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$pki/ca.key" -subj "/CN=aslab-kubernetes-ca" -days 3650 -out "$pki/ca.crt.tmp" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      2>/dev/null
    mv "$pki/ca.crt.tmp" "$pki/ca.crt"
  fi
  san="IP:$API_IP,IP:$KUBERNETES_SVC_IP,IP:127.0.0.1,DNS:localhost,DNS:$LAB_CONTROL,DNS:kubernetes"
  san+=",DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert apiserver kube-apiserver "" "$san"
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert admin kubernetes-admin system:masters
  cert controller-manager system:kube-controller-manager
  cert scheduler system:kube-scheduler
  cert kube-proxy system:kube-proxy
  for node in "${LAB_WORKERS[@]}"; do
    cert "kubelet-$node" "system:node:$node" system:nodes
  done
  if [[ ! -s "$pki/sa.key" ]]; then
    openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
    openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  fi
  # The containers read these as root; the host keeps them private to root (the state directory is root's).
  chmod 0644 "$pki"/*.crt "$pki"/*.key "$pki"/*.pub
}

# kubeconfig FILE USER CERTNAME [SERVER] — a kubeconfig with the certificates embedded.
kubeconfig() {
  local file=$1 user=$2 name=$3 server=${4:-$API_URL} pki="$HOST_K8S/pki"
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: aslab
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$pki/$name.crt")
    client-key-data: $(base64 -w0 <"$pki/$name.key")
contexts:
- name: $user@aslab
  context: {cluster: aslab, user: $user}
current-context: $user@aslab
EOF
  chmod 0600 "$file.tmp"
  mv "$file.tmp" "$file"
}

ensure_configs() {
  local node
  mkdir -p "$HOST_K8S/kubeconfig" "$HOST_K8S/config"
  kubeconfig "$KUBECONFIG_OUT" kubernetes-admin admin
  kubeconfig "$HOST_K8S/kubeconfig/admin.conf" kubernetes-admin admin
  kubeconfig "$HOST_K8S/kubeconfig/controller-manager.conf" system:kube-controller-manager controller-manager
  kubeconfig "$HOST_K8S/kubeconfig/scheduler.conf" system:kube-scheduler scheduler
  kubeconfig "$HOST_K8S/kubeconfig/kube-proxy.conf" system:kube-proxy kube-proxy
  for node in "${LAB_WORKERS[@]}"; do
    kubeconfig "$HOST_K8S/kubeconfig/kubelet-$node.conf" "system:node:$node" "kubelet-$node"
    sed -e "s|@NODE@|$node|g" -e "s|@DNS_IP@|$DNS_IP|g" -e "s|@CA@|$NODE_K8S/pki/ca.crt|g" \
      "$K8S_DIR/kubelet-config.yaml" >"$HOST_K8S/config/kubelet-$node.yaml"
    sed -e "s|@NODE@|$node|g" -e "s|@CLUSTER_CIDR@|$CLUSTER_CIDR|g" \
      -e "s|@KUBECONFIG@|$NODE_K8S/kubeconfig/kube-proxy.conf|g" \
      "$K8S_DIR/kube-proxy-config.yaml" >"$HOST_K8S/config/kube-proxy-$node.yaml"
  done
  chmod 0644 "$HOST_K8S"/kubeconfig/*.conf
}

# ---------------------------------------------------------------------------------------------------------------------
# Units

unit_active() { # NODE UNIT
  docker exec "$1" systemctl is-active --quiet "$2" 2>/dev/null
}

# start_unit NODE UNIT PROGRAM ARGS... — an enabled systemd unit (it comes back when the node container restarts, as
# a kubelet does on a real node), restarted when it dies; rewritten and restarted when its command line changes.
start_unit() {
  local node=$1 unit=$2 file
  shift 2
  file=$(printf '[Unit]\nDescription=%s (lab Kubernetes v%s)\nAfter=network-online.target containerd.service\n\n' \
    "$unit" "$KUBERNETES_VERSION"
    printf '[Service]\nExecStart=%s\nRestart=always\nRestartSec=2\nKillMode=mixed\nTimeoutStopSec=20\n\n' "$*"
    printf '[Install]\nWantedBy=multi-user.target\n')
  if [[ "$(docker exec "$node" cat "/etc/systemd/system/$unit.service" 2>/dev/null)" != "$file" ]]; then
    docker exec -i "$node" bash -c "systemctl stop $unit 2>/dev/null; systemctl reset-failed $unit 2>/dev/null;
      cat >/etc/systemd/system/$unit.service.tmp &&
      mv /etc/systemd/system/$unit.service.tmp /etc/systemd/system/$unit.service && systemctl daemon-reload &&
      systemctl enable --quiet $unit && systemctl restart $unit" <<<"$file"
    lab_log "$node: $unit (re)started"
  elif ! unit_active "$node" "$unit"; then
    docker exec "$node" systemctl restart "$unit"
    lab_log "$node: $unit started"
  fi
}

stop_unit() { # NODE UNIT — stop and disable (the unit file stays; `up` enables it again)
  docker exec "$1" bash -c "systemctl disable --now --quiet $2 2>/dev/null; systemctl reset-failed $2 2>/dev/null" || true
}

start_control_plane() {
  local pki="$NODE_K8S/pki" kcfg="$NODE_K8S/kubeconfig"
  start_unit "$LAB_CONTROL" aslab-etcd "$NODE_BIN/etcd-$ETCD_VERSION/etcd" --name aslab --data-dir /var/lib/aslab-etcd \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster aslab=http://127.0.0.1:2380 --log-level warn
  start_unit "$LAB_CONTROL" aslab-kube-apiserver "$KUBE_BIN/kube-apiserver" \
    --advertise-address="$API_IP" --secure-port=6443 --etcd-servers=http://127.0.0.1:2379 \
    --service-cluster-ip-range="$SERVICE_CIDR" --allow-privileged=true \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --client-ca-file="$pki/ca.crt" --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local
  lab_wait_for 120 "the API server" api_ok || lab_die "kube-apiserver did not answer; see: docker exec $LAB_CONTROL journalctl -u aslab-kube-apiserver"
  start_unit "$LAB_CONTROL" aslab-kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig="$kcfg/controller-manager.conf" --bind-address=127.0.0.1 --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --use-service-account-credentials=true --allocate-node-cidrs=true --cluster-cidr="$CLUSTER_CIDR" \
    --node-cidr-mask-size=24 --service-cluster-ip-range="$SERVICE_CIDR"
  start_unit "$LAB_CONTROL" aslab-kube-scheduler "$KUBE_BIN/kube-scheduler" \
    --kubeconfig="$kcfg/scheduler.conf" --bind-address=127.0.0.1 --leader-elect=false
}

api_ok() {
  kc get --raw /readyz >/dev/null 2>&1
}

# containerd: the CRI plugin with our pause image and Debian's CNI plugins; restarted only when the file changes.
ensure_containerd() {
  local node=$1 want
  want=$(sed -e "s|@PAUSE_IMAGE@|$PAUSE_IMAGE|g" "$K8S_DIR/containerd-config.toml")
  if [[ "$(docker exec "$node" cat /etc/containerd/config.toml 2>/dev/null)" != "$want" ]]; then
    docker exec -i "$node" bash -c 'cat >/etc/containerd/config.toml.tmp && mv /etc/containerd/config.toml.tmp /etc/containerd/config.toml' <<<"$want"
    docker exec "$node" systemctl restart containerd
    lab_log "$node: containerd configured for the CRI (sandbox $PAUSE_IMAGE)"
  fi
}

# containerd_ref IMAGE — the name containerd stores for a Docker image name (docker.io/[library/] added).
containerd_ref() {
  local img=$1 first=${1%%/*}
  if [[ $img == */* && ( $first == *.* || $first == *:* || $first == localhost ) ]]; then
    echo "$img"
  elif [[ $img == */* ]]; then
    echo "docker.io/$img"
  else
    echo "docker.io/library/$img"
  fi
}

# node_has_image NODE IMAGE ID — the node's containerd (k8s.io) holds IMAGE with the Docker image ID ID: the ID is
# listed (the CRI adds such a reference for some images, not for all), or the manifest stored under the name names
# it as its config. Without the second test an image imported by `ctr` was imported again on every `lab.sh up`.
node_has_image() {
  local node=$1 ref manifest
  ref=$(containerd_ref "$2")
  docker exec "$node" ctr -n k8s.io images ls -q 2>/dev/null | grep -qx "$3" && return 0
  manifest=$(docker exec "$node" ctr -n k8s.io images ls "name==$ref" 2>/dev/null | awk 'NR == 2 {print $3}')
  [[ $manifest == sha256:* ]] && docker exec "$node" ctr -n k8s.io content get "$manifest" 2>/dev/null | grep -qF "$3"
}

# import_image IMAGE NODE... — docker save | ctr import on each node that lacks the image (same image ID).
import_image() {
  local img=$1 id node
  shift
  id=$(docker image inspect -f '{{.Id}}' "$img") || lab_die "no local image $img"
  for node in "$@"; do
    if node_has_image "$node" "$img" "$id"; then
      continue
    fi
    docker save "$img" | docker exec -i "$node" ctr -n k8s.io images import - >/dev/null
    lab_log "$node: imported $img ($id)"
  done
}

cmd_load() {
  local img
  [[ $# -gt 0 ]] || lab_die "usage: $0 load IMAGE..."
  for img in "$@"; do
    import_image "$img" "${LAB_WORKERS[@]}"
  done
}

# Images nobody can pull here: built locally (FROM scratch + one static binary) and imported into every node's
# containerd k8s.io namespace, which is what the kubelet uses.
ensure_images() {
  local img bin entry tmp
  for spec in "$PAUSE_IMAGE|pause-$PAUSE_VERSION/pause|/pause" \
    "$COREDNS_IMAGE|coredns-$COREDNS_VERSION/coredns|/coredns"; do
    IFS='|' read -r img bin entry <<<"$spec"
    if ! docker image inspect "$img" >/dev/null 2>&1; then
      tmp=$(mktemp -d)
      install -m 0755 "$LAB_CACHE/k8s/$bin" "$tmp$entry"
      tar -C "$tmp" --owner=0 --group=0 -cf - "${entry#/}" |
        docker import --change "ENTRYPOINT [\"$entry\"]" - "$img" >/dev/null
      rm -rf "$tmp"
      lab_log "built image $img"
    fi
    import_image "$img" "${LAB_WORKERS[@]}"
  done
}

start_node() {
  local node=$1 ip
  ip=$(lab_node_ip "$node")
  ensure_containerd "$node"
  # The kubelet puts its pods under this cgroup (the containers share the host's cgroup tree), and needs it to exist.
  docker exec "$node" bash -c "for c in /sys/fs/cgroup/*/; do mountpoint -q \"\$c\" && mkdir -p \"\${c}$node\"; done; true"
  docker exec "$node" mkdir -p /var/lib/kubelet /etc/cni/net.d
  start_unit "$node" aslab-kubelet "$KUBE_BIN/kubelet" \
    --config="$NODE_K8S/config/kubelet-$node.yaml" --kubeconfig="$NODE_K8S/kubeconfig/kubelet-$node.conf" \
    --hostname-override="$node" --node-ip="$ip" --node-labels="aslab.lab/node=$node"
  start_unit "$node" aslab-kube-proxy "$KUBE_BIN/kube-proxy" --config="$NODE_K8S/config/kube-proxy-$node.yaml"
}

# Pod networking: each node's bridge CNI gets the pod CIDR the controller manager allocated to it, and every lab
# container routes each node's pod CIDR to that node.
ensure_pod_network() {
  local node cidr other conf routes
  declare -A cidrs=()
  for node in "${LAB_WORKERS[@]}"; do
    cidr=$(kc get node "$node" -o jsonpath='{.spec.podCIDR}' 2>/dev/null || true)
    [[ -n "$cidr" ]] || return 1
    cidrs[$node]=$cidr
  done
  for node in "${LAB_WORKERS[@]}"; do
    conf=$(sed -e "s|@POD_CIDR@|${cidrs[$node]}|g" "$K8S_DIR/cni.conflist")
    if [[ "$(docker exec "$node" cat /etc/cni/net.d/10-aslab.conflist 2>/dev/null)" != "$conf" ]]; then
      docker exec -i "$node" bash -c 'cat >/etc/cni/net.d/10-aslab.conflist.tmp && mv /etc/cni/net.d/10-aslab.conflist.tmp /etc/cni/net.d/10-aslab.conflist' <<<"$conf"
      lab_log "$node: pod network ${cidrs[$node]}"
    fi
  done
  # Routes to the other nodes' pod networks, as a boot-time unit too (a restarted node container starts with none).
  for other in $(lab_nodes); do
    routes=""
    for node in "${LAB_WORKERS[@]}"; do
      [[ "$other" == "$node" ]] && continue
      routes+="ip route replace ${cidrs[$node]} via $(lab_node_ip "$node") && "
    done
    docker exec "$other" bash -c "${routes}true"
    start_unit "$other" aslab-pod-routes /bin/bash -c "'$routes sleep infinity'"
  done
}

nodes_ready() {
  local n
  n=$(kc get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null |
    grep -c '^True$' || true)
  [[ "$n" -eq "${#LAB_WORKERS[@]}" ]]
}

nodes_registered() {
  local n
  n=$(kc get nodes -o name 2>/dev/null | wc -l)
  [[ "$n" -eq "${#LAB_WORKERS[@]}" ]]
}

coredns_ready() {
  [[ "$(kc -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" == 1 ]]
}

host_sysctls() {
  local key want
  for kv in vm.overcommit_memory=1 vm.panic_on_oom=0 kernel.panic=10 kernel.panic_on_oops=1; do
    key=${kv%=*}
    want=${kv#*=}
    if [[ "$(sysctl -n "$key")" != "$want" ]]; then
      sysctl -qw "$kv"
      lab_log "host: set $kv (the kubelets expect it and cannot set it from inside a container)"
    fi
  done
}

cmd_up() {
  local node
  lab_timer_start k8s
  "$K8S_DIR/build.sh" kubernetes etcd pause coredns
  for node in $(lab_nodes); do
    docker container inspect "$node" >/dev/null 2>&1 || lab_die "lab node $node is not running; run lab/lab.sh up"
  done
  host_sysctls
  ensure_pki
  ensure_configs
  start_control_plane
  ensure_images
  for node in "${LAB_WORKERS[@]}"; do
    start_node "$node"
  done
  lab_wait_for 300 "every kubelet to register" nodes_registered || lab_die "kubelets did not register; see: docker exec aslab-node1 journalctl -u aslab-kubelet"
  lab_wait_for 300 "pod CIDRs" ensure_pod_network || lab_die "nodes got no pod CIDR; see: docker exec $LAB_CONTROL journalctl -u aslab-kube-controller-manager"
  lab_wait_for 300 "every node Ready" nodes_ready || lab_die "nodes not Ready: $(kc get nodes -o wide 2>&1)"
  sed -e "s|@COREDNS_IMAGE@|$COREDNS_IMAGE|g" -e "s|@DNS_IP@|$DNS_IP|g" "$K8S_DIR/coredns.yaml.in" |
    kc apply --server-side --force-conflicts -f - >/dev/null
  lab_wait_for 300 "CoreDNS" coredns_ready || lab_die "CoreDNS not ready: $(kc -n kube-system get pods -o wide 2>&1)"
  lab_log "Kubernetes v$KUBERNETES_VERSION: API $API_URL, nodes ${LAB_WORKERS[*]}; kubeconfig $KUBECONFIG_OUT"
  lab_timer_end k8s "kubernetes up"
}

# Remove the pods' containers and sandboxes from a node's containerd (the kubelet is stopped first).
clean_node() {
  local node=$1
  docker exec "$node" bash -c '
    for t in $(ctr -n k8s.io tasks ls -q 2>/dev/null); do ctr -n k8s.io tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
    sleep 1
    for c in $(ctr -n k8s.io containers ls -q 2>/dev/null); do
      ctr -n k8s.io tasks delete -f "$c" >/dev/null 2>&1; ctr -n k8s.io containers delete "$c" >/dev/null 2>&1
    done' || true
}

cmd_down() {
  local node
  for node in "${LAB_WORKERS[@]}"; do
    docker container inspect "$node" >/dev/null 2>&1 || continue
    stop_unit "$node" aslab-kubelet
    stop_unit "$node" aslab-kube-proxy
    stop_unit "$node" aslab-pod-routes
    clean_node "$node"
  done
  if docker container inspect "$LAB_CONTROL" >/dev/null 2>&1; then
    for u in aslab-kube-scheduler aslab-kube-controller-manager aslab-kube-apiserver aslab-etcd aslab-pod-routes; do
      stop_unit "$LAB_CONTROL" "$u"
    done
  fi
  lab_log "kubernetes down (state kept; lab/k8s/cluster.sh purge forgets it)"
}

cmd_purge() {
  local node
  cmd_down
  for node in "${LAB_WORKERS[@]}"; do
    docker exec "$node" bash -c 'rm -rf /var/lib/kubelet/* /etc/cni/net.d/10-aslab.conflist; ip link del cni0 2>/dev/null' || true
  done
  docker exec "$LAB_CONTROL" rm -rf /var/lib/aslab-etcd || true
  rm -rf "$HOST_K8S" "$KUBECONFIG_OUT"
  lab_log "kubernetes purged"
}

cmd_status() {
  if ! api_ok; then
    lab_log "kubernetes: the API server at $API_URL does not answer"
    return 1
  fi
  kc get nodes -o wide
  nodes_ready || {
    lab_log "kubernetes: not every node is Ready"
    return 1
  }
  coredns_ready || {
    lab_log "kubernetes: CoreDNS is not ready (cluster DNS does not answer)"
    return 1
  }
}

case "${1:-}" in
  up | down | purge) lab_lock "$0" "$@" ;;
  status) ;;
  load) ;;
  *)
    echo "usage: $0 up|down|purge|status|load IMAGE..." >&2
    exit 2
    ;;
esac
cmd=$1
shift
"cmd_$cmd" "$@"
