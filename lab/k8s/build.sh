#!/usr/bin/env bash
# Build the Kubernetes lab's programs from the Go module proxy and cache them by version:
#
#   $LAB_CACHE/k8s/kubernetes-<v>/{kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,kube-proxy}
#   $LAB_CACHE/k8s/etcd-<v>/etcd
#   $LAB_CACHE/k8s/coredns-<v>/coredns
#   $LAB_CACHE/k8s/pause-<v>/pause                 a static pause program (see pause.go)
#   $LAB_CACHE/k8s/spark-operator-<v>/spark-operator, crds/*.yaml and chart/ (the operator's own CRD files and chart)
#
#   lab/k8s/build.sh [all|kubernetes|etcd|coredns|pause|spark-operator]   build what is not cached (default: all)
#   lab/k8s/build.sh status                                              say what is cached; exit 1 if incomplete
#
# A cached component is never rebuilt; delete its directory to force it. Every binary is the real upstream program,
# built with CGO_ENABLED=0, -trimpath and the upstream version ldflags, so `--version` reports the pinned version.
#
# k8s.io/kubernetes, etcd's server module and the operator carry `replace` directives, which Go ignores in a
# dependency: k8s.io/kubernetes is built from a wrapper module that replaces each staging module with its v0.<minor>.<patch>
# tag; etcd from a wrapper that requires the server module (its sibling modules resolve at the same tag); the operator
# inside a writable copy of its module (so its own replaces apply).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
# shellcheck source-path=SCRIPTDIR source=versions.sh
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"

K8S_CACHE="$LAB_CACHE/k8s"
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOOS=linux GOARCH=amd64
KUBE_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

comp_dir() {
  case $1 in
    kubernetes) echo "$K8S_CACHE/kubernetes-$KUBERNETES_VERSION" ;;
    etcd) echo "$K8S_CACHE/etcd-$ETCD_VERSION" ;;
    coredns) echo "$K8S_CACHE/coredns-$COREDNS_VERSION" ;;
    pause) echo "$K8S_CACHE/pause-$PAUSE_VERSION" ;;
    spark-operator) echo "$K8S_CACHE/spark-operator-$SPARK_OPERATOR_VERSION" ;;
    *) lab_die "unknown component '$1' (kubernetes, etcd, coredns, pause, spark-operator)" ;;
  esac
}

# A component is cached when its directory holds the .done marker written after a successful build (and, for
# Kubernetes, every binary of KUBE_BINARIES: a binary added to the list later is built on its own).
cached() {
  local dir b
  dir=$(comp_dir "$1")
  [[ -f "$dir/.done" ]] || return 1
  if [[ $1 == kubernetes ]]; then
    for b in "${KUBE_BINARIES[@]}"; do [[ -x "$dir/$b" ]] || return 1; done
  fi
  if [[ $1 == spark-operator ]]; then
    [[ -f "$dir/chart/Chart.yaml" ]] || return 1
  fi
}

# new_work COMPONENT — fresh build directory (a half-finished earlier build is thrown away).
new_work() {
  local dir
  dir=$(comp_dir "$1")
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  echo "$dir.tmp"
}

# commit COMPONENT — move the finished build into place.
commit() {
  local dir
  dir=$(comp_dir "$1")
  touch "$dir.tmp/.done"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
  lab_log "cached $1 in $dir ($(du -sh "$dir" | cut -f1))"
}

# reports "PROGRAM ARGS" VERSION — fail unless the program's output names VERSION (read whole: no SIGPIPE under
# pipefail).
reports() {
  local out
  out=$($1 2>&1) || true
  [[ "$out" == *"$2"* ]] || lab_die "'$1' does not report $2: $out"
}

version_ldflags() {
  local v=$1 minor
  minor=$(cut -d. -f2 <<<"$v")
  local f="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=" -X $pkg.gitVersion=v$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    f+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$f"
}

build_kubernetes() {
  local out work v=$KUBERNETES_VERSION gomod mod dir b
  out=$(new_work kubernetes)
  dir=$(comp_dir kubernetes)
  # Keep what an earlier build made; build only the missing binaries.
  for b in "${KUBE_BINARIES[@]}"; do
    [[ -x "$dir/$b" ]] && cp -p "$dir/$b" "$out/"
  done
  work=$(mktemp -d)
  (
    cd "$work"
    "$GO" mod init aslab.local/kubernetes
    gomod=$("$GO" mod download -json "k8s.io/kubernetes@v$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    # Every staging module k8s.io/kubernetes replaces with ./staging/... is tagged v0.<minor>.<patch>.
    for mod in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/src/.*|\1|p' "$gomod"); do
      "$GO" mod edit "-replace=$mod=$mod@v0.${v#1.}"
    done
    for b in "${KUBE_BINARIES[@]}"; do
      "$GO" get "k8s.io/kubernetes/cmd/$b@v$v"
    done
    pkgs=()
    for b in "${KUBE_BINARIES[@]}"; do [[ -x "$out/$b" ]] || pkgs+=("k8s.io/kubernetes/cmd/$b"); done
    "$GO" build -trimpath -ldflags "$(version_ldflags "$v")" -o "$out/" "${pkgs[@]}"
  ) >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; lab_die "building Kubernetes v$v failed (log: $out/build.log)"; }
  rm -rf "$work"
  reports "$out/kube-apiserver --version" "v$v"
  commit kubernetes
}

# build_from_wrapper COMPONENT BINARY VERSION-FLAG VERSION MAIN-PACKAGE MODULE@VERSION... — build MAIN-PACKAGE in a
# throwaway module that requires the given modules, and check that `BINARY VERSION-FLAG` reports VERSION.
build_from_wrapper() {
  local comp=$1 bin=$2 flag=$3 v=$4 main=$5 out work
  shift 5
  out=$(new_work "$comp")
  work=$(mktemp -d)
  (
    cd "$work"
    "$GO" mod init "aslab.local/$comp"
    "$GO" get "$@"
    "$GO" build -trimpath -ldflags "-s -w" -o "$out/$bin" "$main"
  ) >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; lab_die "building $comp v$v failed (log: $out/build.log)"; }
  rm -rf "$work"
  reports "$out/$bin $flag" "$v"
  commit "$comp"
}

# etcd's sibling modules resolve at the same tag.
build_etcd() {
  build_from_wrapper etcd etcd --version "$ETCD_VERSION" go.etcd.io/etcd/server/v3 \
    go.etcd.io/etcd/{server,api,client,client/pkg,pkg}/v3@v"$ETCD_VERSION"
}

# CoreDNS with the plugins the lab's Corefile uses (plus forward, log and loadbalance), registered the way CoreDNS
# documents for custom builds (a main that imports the plugins and sets dnsserver.Directives in plugin.cfg's order).
# The full build compiles every cloud SDK (route53, azure, clouddns...) and took 474 s cold here; this one a fraction.
build_coredns() {
  local out work v=$COREDNS_VERSION
  out=$(new_work coredns)
  work=$(mktemp -d)
  cat >"$work/main.go" <<'EOF_GO'
// CoreDNS with a chosen set of plugins (github.com/coredns/coredns/core/plugin registers all of them).
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func init() {
	dnsserver.Directives = []string{"reload", "ready", "health", "errors", "log", "loadbalance", "cache", "kubernetes",
		"loop", "forward"}
}

func main() { coremain.Run() }
EOF_GO
  (
    cd "$work"
    "$GO" mod init aslab.local/coredns
    "$GO" get "github.com/coredns/coredns@v$v"
    "$GO" mod tidy
    "$GO" build -trimpath -ldflags "-s -w" -o "$out/coredns" .
  ) >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; lab_die "building coredns v$v failed (log: $out/build.log)"; }
  rm -rf "$work"
  reports "$out/coredns -version" "$v"
  commit coredns
}

build_pause() {
  local out work
  out=$(new_work pause)
  work=$(mktemp -d)
  cp "$LAB_ROOT/k8s/pause.go" "$work/main.go"
  (
    cd "$work"
    "$GO" mod init aslab.local/pause
    "$GO" build -trimpath -ldflags "-s -w" -o "$out/pause" .
  ) >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; lab_die "building pause failed (log: $out/build.log)"; }
  rm -rf "$work"
  commit pause
}

build_spark_operator() {
  local out work v=$SPARK_OPERATOR_VERSION src
  out=$(new_work spark-operator)
  work=$(mktemp -d)
  (
    src=$("$GO" mod download -json "github.com/kubeflow/spark-operator/v2@v$v" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
    cp -r "$src" "$work/src"
    chmod -R u+w "$work/src"
    cd "$work/src"
    # The operator reports its version through component-base, as its own Makefile sets it.
    local vpkg=k8s.io/component-base/version
    "$GO" build -trimpath -ldflags "-s -w -X $vpkg.gitVersion=v$v -X $vpkg.gitTreeState=clean" \
      -o "$out/spark-operator" ./cmd/operator
    mkdir -p "$out/crds"
    cp charts/spark-operator-chart/crds/*.yaml "$out/crds/"
    # the whole chart too, for the role's Helm path
    cp -r charts/spark-operator-chart "$out/chart"
  ) >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; lab_die "building the Spark operator v$v failed (log: $out/build.log)"; }
  rm -rf "$work"
  commit spark-operator
}

COMPONENTS=(kubernetes etcd coredns pause spark-operator)

case ${1:-all} in
  status)
    rc=0
    for c in "${COMPONENTS[@]}"; do
      if cached "$c"; then echo "$c: cached in $(comp_dir "$c")"; else echo "$c: missing"; rc=1; fi
    done
    exit $rc
    ;;
  path) comp_dir "${2:?component}" ;;
  all) todo=("${COMPONENTS[@]}") ;;
  *) todo=("$@") ;;
esac
# One build at a time (two would share a .tmp directory).
mkdir -p "$K8S_CACHE"
exec 9>"$K8S_CACHE/.build.lock"
flock -n 9 || { lab_log "another lab/k8s/build.sh is running; waiting for it"; flock 9; }
[[ -x "$GO" ]] || lab_die "go not found (set GO=/path/to/go); the lab builds Kubernetes from the Go module proxy"
for c in "${todo[@]}"; do
  comp_dir "$c" >/dev/null
  if cached "$c"; then
    lab_log "$c: cached"
    continue
  fi
  lab_timer_start "$c"
  lab_log "$c: building (cold builds take minutes; see $(comp_dir "$c").tmp/build.log)"
  "build_${c//-/_}"
  lab_log "$c: built in $(lab_timer_elapsed "$c") s"
done
