# shellcheck shell=bash
# Shared settings and helpers for the lab scripts. Source it; it does not change the caller's shell options
# (lab scripts run with `set -euo pipefail` themselves).
#
#   . "$(dirname "${BASH_SOURCE[0]}")/common.sh"          # from lab/*.sh
#   . "$(dirname "${BASH_SOURCE[0]}")/../common.sh"       # from lab/<area>/*.sh

if [[ -n "${_ASLAB_COMMON_SOURCED:-}" ]]; then
  return 0
fi
_ASLAB_COMMON_SOURCED=1

LAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_REPO_ROOT="$(dirname "$LAB_ROOT")"
LAB_STATE="${ALLUXIO_SPARK_LAB_STATE:-$LAB_REPO_ROOT/.lab}"
LAB_CACHE="${ALLUXIO_SPARK_CACHE:-$HOME/.cache/alluxio_spark_k8s}"

LAB_NETWORK=aslab
LAB_SUBNET=172.31.250.0/24
LAB_GATEWAY=172.31.250.1

LAB_IMAGE_BASE=local/aslab-debian:bookworm
LAB_IMAGE_NODE=local/aslab-node:bookworm

# Where $LAB_CACHE and $LAB_STATE/shared appear inside the node containers.
LAB_NODE_CACHE_DIR=/opt/aslab-cache
LAB_NODE_SHARED_DIR=/opt/aslab-shared

LAB_SSH_DIR="$LAB_STATE/ssh"
LAB_SSH_KEY="$LAB_SSH_DIR/id_ed25519"
LAB_SSH_CONFIG="$LAB_STATE/ssh_config"

# Container name (= hostname) -> fixed address on $LAB_NETWORK.
declare -A LAB_NODE_IPS=(
  [aslab-control]=172.31.250.10
  [aslab-node1]=172.31.250.11
  [aslab-node2]=172.31.250.12
  [aslab-node3]=172.31.250.13
)
LAB_CONTROL=aslab-control
LAB_WORKERS=(aslab-node1 aslab-node2 aslab-node3)

export LAB_ROOT LAB_REPO_ROOT LAB_STATE LAB_CACHE LAB_NETWORK LAB_SUBNET LAB_GATEWAY LAB_IMAGE_BASE LAB_IMAGE_NODE \
  LAB_NODE_CACHE_DIR LAB_NODE_SHARED_DIR LAB_SSH_DIR LAB_SSH_KEY LAB_SSH_CONFIG

# lab_log MESSAGE... — one line on stderr, prefixed with the time and the calling script's name.
lab_log() {
  printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "$(basename "${0:-lab}")" "$*" >&2
}

# lab_die MESSAGE... — log and exit 1.
lab_die() {
  lab_log "ERROR: $*"
  exit 1
}

declare -A _LAB_TIMERS=()

# lab_timer_start [NAME] — remember the start time of NAME (default: "total").
lab_timer_start() {
  _LAB_TIMERS[${1:-total}]=$EPOCHREALTIME
}

# lab_timer_elapsed [NAME] — seconds since lab_timer_start NAME, one decimal.
lab_timer_elapsed() {
  local start=${_LAB_TIMERS[${1:-total}]:-$EPOCHREALTIME}
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# lab_timer_end [NAME [WHAT]] — log "WHAT took N.Ns".
lab_timer_end() {
  local name=${1:-total}
  lab_log "${2:-$name} took $(lab_timer_elapsed "$name")s"
}

# Locally built images carry LAB_HASH_LABEL = a hash of their inputs: an image whose label matches is not rebuilt.
LAB_HASH_LABEL=aslab.build-hash

# lab_image_id IMAGE — the image's id, empty when it does not exist.
lab_image_id() {
  docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true
}

# lab_image_label IMAGE — the image's input hash label, empty when it has none or does not exist.
lab_image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$LAB_HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

# lab_tree_digest DIR [FIND-TEST...] — the paths, modes and sha256 of the files below DIR (those FIND-TESTs keep), in
# a stable order: what an image's input hash covers of its build context.
lab_tree_digest() {
  local dir=$1
  shift
  (cd "$dir" && find . -type f "$@" -printf '%p %m\n' | LC_ALL=C sort)
  (cd "$dir" && find . -type f "$@" -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
}

# lab_image_current IMAGE HASH — true (and says so) when IMAGE exists with the input hash HASH.
lab_image_current() {
  [[ "$(lab_image_label "$1")" == "$2" ]] || return 1
  lab_log "$1 is current"
}

# lab_image_build IMAGE KIND HASH CONTEXT [BUILD-OPTION...] — docker build IMAGE from CONTEXT ("-": a tar on stdin)
# with the legacy builder (the lab's engine, Debian docker.io 20.10, has no buildx), labelled with its input HASH and
# aslab.image=KIND; the log goes to $LAB_STATE/build-KIND.log (its tail on failure). The image it replaces is removed
# unless a container still uses it.
lab_image_build() {
  local image=$1 kind=$2 hash=$3 context=$4 old log
  shift 4
  old=$(lab_image_id "$image")
  log="$LAB_STATE/build-$kind.log"
  mkdir -p "$LAB_STATE"
  lab_timer_start "build-$kind"
  lab_log "docker build $image (log: $log)"
  DOCKER_BUILDKIT=0 docker build --label "$LAB_HASH_LABEL=$hash" --label "aslab.image=$kind" "$@" -t "$image" \
    "$context" >"$log" 2>&1 || {
    tail -n 30 "$log" >&2
    lab_die "docker build $image failed; full log: $log"
  }
  lab_timer_end "build-$kind" "docker build $image"
  if [[ -n "$old" && "$old" != "$(lab_image_id "$image")" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

# lab_nodes — every lab container name, one per line, control first.
lab_nodes() {
  printf '%s\n' "$LAB_CONTROL" "${LAB_WORKERS[@]}"
}

# lab_workers — the worker node names, one per line.
lab_workers() {
  printf '%s\n' "${LAB_WORKERS[@]}"
}

# lab_node_ip NAME — the fixed address of a lab container.
lab_node_ip() {
  local ip=${LAB_NODE_IPS[$1]:-}
  [[ -n "$ip" ]] || lab_die "unknown lab node '$1' (known: $(lab_nodes | tr '\n' ' '))"
  printf '%s\n' "$ip"
}

# lab_need_cmd CMD [HINT] — fail with a hint unless CMD is on PATH.
lab_need_cmd() {
  command -v "$1" >/dev/null 2>&1 || lab_die "'$1' not found${2:+ ($2)}"
}

_LAB_APT_UPDATED=

# lab_apt_install PKG... — install the Debian packages that are missing (apt-get update at most once per run).
lab_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  lab_need_cmd apt-get "the lab needs a Debian-family host"
  ((EUID == 0)) || lab_die "installing ${missing[*]} needs root"
  if [[ -z "$_LAB_APT_UPDATED" ]]; then
    lab_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _LAB_APT_UPDATED=1
  fi
  lab_log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# lab_lock "$0" "$@" — run the calling script under the lab-wide lock, so that two `up`/`down` runs do not interleave.
# Re-executes the script under `flock -o` (the lock fd is not inherited, so daemons started by the script do not keep
# the lock); a no-op inside a script that already runs under the lock.
lab_lock() {
  [[ -z "${ASLAB_LOCK_HELD:-}" ]] || return 0
  lab_need_cmd flock "util-linux"
  mkdir -p "$LAB_STATE"
  export ASLAB_LOCK_HELD=1
  flock -n "$LAB_STATE/lab.lock" true || lab_log "another lab command holds $LAB_STATE/lab.lock; waiting for it"
  exec flock -o -w 3600 "$LAB_STATE/lab.lock" "$BASH" "$@"
}

# lab_ssh NAME CMD... — run a command on a lab node over ssh (needs `lab/nodes.sh up`).
lab_ssh() {
  ssh -F "$LAB_SSH_CONFIG" "$@"
}

# lab_wait_for SECONDS DESCRIPTION CMD... — retry CMD every 0.5 s until it succeeds or SECONDS pass.
lab_wait_for() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || {
      lab_log "timed out after ${timeout}s waiting for $what"
      return 1
    }
    sleep 0.5
  done
}

# lab_maven_url — the Maven repository this machine's Maven uses, without a host name written into the lab:
# $ALLUXIO_SPARK_MAVEN_URL, else the mirror of central (or of *) in ~/.m2/settings.xml or Maven's global settings,
# else the central repository of Maven's own super POM. Fails naming the variable when none of these exists.
lab_maven_url() {
  if [[ -n "${ALLUXIO_SPARK_MAVEN_URL:-}" ]]; then
    printf '%s\n' "${ALLUXIO_SPARK_MAVEN_URL%/}"
    return 0
  fi
  local mvn home url
  mvn=$(command -v "${MVN:-mvn}" || true)
  [[ -n "$mvn" ]] || lab_die "no Maven repository known: set ALLUXIO_SPARK_MAVEN_URL (Maven Central or a mirror with its layout) or install Maven (apt-get install maven)"
  home=$(dirname "$(dirname "$(readlink -f "$mvn")")")
  url=$(python3 - "$HOME/.m2/settings.xml" "$home/conf/settings.xml" "$home/lib" <<'PY'
import glob, re, sys, zipfile
import xml.etree.ElementTree as ET

def local(tag):
    return tag.rsplit("}", 1)[-1]

for path in sys.argv[1:3]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        continue
    for mirror in root.iter():
        if local(mirror.tag) != "mirror":
            continue
        fields = {local(c.tag): (c.text or "").strip() for c in mirror}
        if set(fields.get("mirrorOf", "").split(",")) & {"*", "central", "external:*"} and fields.get("url"):
            print(fields["url"].rstrip("/"))
            sys.exit(0)
for jar in sorted(glob.glob(sys.argv[3] + "/maven-model-builder-*.jar")):
    pom = zipfile.ZipFile(jar).read("org/apache/maven/model/pom-4.0.0.xml").decode()
    found = re.search(r"<repositories>.*?<url>([^<]+)</url>", pom, re.S)
    if found:
        print(found.group(1).strip().rstrip("/"))
        sys.exit(0)
PY
  )
  [[ -n "$url" ]] || lab_die "no Maven repository found in Maven's settings or its super POM: set ALLUXIO_SPARK_MAVEN_URL"
  printf '%s\n' "$url"
}

# lab_daemon LOG CMD... — start CMD in its own session, in the background, with stdin from /dev/null, output appended
# to LOG and no other open file: a daemon must not keep the caller's descriptors, least of all the lab lock that
# `flock /work/lab.lock …` holds on one of them (a dockerd that inherited it held the lock until it stopped).
lab_daemon() {
  local log=$1
  shift
  (
    local fd
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid nohup "$@" >>"$log" 2>&1 </dev/null
  ) &
}
