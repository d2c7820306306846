#!/usr/bin/env bash
# Build the real kubectl and helm from source (Go module proxy), and a stand-in artifact for sparkctl (see below),
# and cache them, packaged the way upstream publishes them, for the Molecule tests of the host roles:
#
#   $LAB_CACHE/bin/kubectl-<v>/kubectl                          bare binary, like dl.k8s.io
#   $LAB_CACHE/bin/helm-<v>/helm-v<v>-linux-amd64.tar.gz         linux-amd64/helm, like get.helm.sh
#   $LAB_CACHE/bin/sparkctl-<v>/sparkctl-<v>-linux-amd64.tgz     stand-in packaged like the operator's v2.1.x releases
#   each with <file>.sha256 (the real sha256 of what we built) and build.log
#
#   lab/bin/build.sh [all|TOOL...]                 # build what is not cached (TOOL: kubectl, helm, sparkctl; default: all)
#   lab/bin/build.sh status                        # say what is cached; exit 1 if something is missing
#   lab/bin/build.sh path TOOL                     # print the cached artifact of TOOL (exit 1 if missing)
#   lab/bin/build.sh version TOOL                  # print the version of TOOL the lab builds
#
# A cached tool is never rebuilt; delete its directory to force it. Builds use CGO_ENABLED=0, -trimpath and the
# upstream version ldflags, so `kubectl version --client` and `helm version` report the pinned versions.
#
# sparkctl was removed from the operator in v2.2. Its last code (v2.1.1, module path without /v2) is not served by the
# Go module proxy (403 for the v2 path, v2.1.1+incompatible, a pseudo-version of the tag's commit, and the v1beta2-1.x
# tags), and release downloads are unreachable here, so no real sparkctl can be built in this lab. The sparkctl
# artifact is therefore a STAND-IN (the real kubectl under sparkctl's name), documented in the README.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# kubectl is the lab cluster's own (lab/k8s/versions.sh): the one lab/k8s/build.sh builds is copied, not built twice.
# shellcheck source=lab/k8s/versions.sh
. "$LAB_ROOT/k8s/versions.sh"
KUBECTL_VERSION=$KUBERNETES_VERSION
HELM_VERSION=3.18.4
SPARKCTL_VERSION=2.1.1

BIN_CACHE="$LAB_CACHE/bin"
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
# Pinned builds: no toolchain switching, no VCS stamping, modules read-only from the proxy.
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false GOOS=linux GOARCH=amd64

need_go() {
  [[ -x "$GO" ]] || lab_die "go not found (set GO=/path/to/go); the binaries are built from the Go module proxy"
}

tool_version() {
  case $1 in
    kubectl) echo "$KUBECTL_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    sparkctl) echo "$SPARKCTL_VERSION" ;;
    *) lab_die "unknown tool '$1' (kubectl, helm, sparkctl)" ;;
  esac
}

tool_file() {
  case $1 in
    kubectl) echo kubectl ;;
    helm) echo "helm-v$HELM_VERSION-linux-amd64.tar.gz" ;;
    sparkctl) echo "sparkctl-$SPARKCTL_VERSION-linux-amd64.tgz" ;;
  esac
}

# The sparkctl stand-in is made of kubectl: its directory names the kubectl version, so a new kubectl makes a new
# stand-in (the scenario checks that the stand-in is that kubectl).
tool_dir() {
  case $1 in
    sparkctl) echo "$BIN_CACHE/sparkctl-$SPARKCTL_VERSION-standin-kubectl-$KUBECTL_VERSION" ;;
    *) echo "$BIN_CACHE/$1-$(tool_version "$1")" ;;
  esac
}

cached() {
  local dir
  dir=$(tool_dir "$1")
  [[ -s "$dir/$(tool_file "$1")" && -s "$dir/$(tool_file "$1").sha256" ]]
}

# Deterministic tarball of one file: fixed owner, mode and mtime, so the sha256 does not change between rebuilds of
# the same binary.
pack() {
  local out=$1 root=$2 member=$3
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --mode=go-w -C "$root" -cf - "$member" |
    gzip -n -9 >"$out"
}

# finish DIR FILE — write FILE.sha256 (single hex token, as dl.k8s.io serves it) and log.
finish() {
  local dir=$1 file=$2
  sha256sum "$dir/$file" | cut -d' ' -f1 >"$dir/$file.sha256.tmp"
  mv "$dir/$file.sha256.tmp" "$dir/$file.sha256"
  lab_log "cached $dir/$file (sha256 $(<"$dir/$file.sha256"), $(du -h "$dir/$file" | cut -f1))"
}

build_kubectl() {
  local dir work v=$KUBECTL_VERSION minor ldflags k8s_kubectl
  dir=$(tool_dir kubectl)
  k8s_kubectl="$("$LAB_ROOT/k8s/build.sh" path kubernetes)/kubectl"
  if [[ -x "$k8s_kubectl" && -f "$(dirname "$k8s_kubectl")/.done" ]]; then
    cp "$k8s_kubectl" "$dir/kubectl.tmp" && mv "$dir/kubectl.tmp" "$dir/kubectl"
    [[ "$("$dir/kubectl" version --client)" == *"Client Version: v$v"* ]] || lab_die "kubectl does not report v$v"
    finish "$dir" kubectl
    return
  fi
  work=$(mktemp -d)
  minor=$(cut -d. -f2 <<<"$v")
  # k8s.io/kubernetes cannot be a dependency (its staging replaces); its cmd/kubectl main is three lines around the
  # k8s.io/kubectl module, which is tagged v0.<minor>.<patch> for Kubernetes v1.<minor>.<patch>.
  cat >"$work/main.go" <<'EOF'
// kubectl, as k8s.io/kubernetes/cmd/kubectl/kubectl.go builds it.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"

	// Import to initialize client auth plugins.
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}
EOF
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  (
    cd "$work"
    "$GO" mod init aslab.local/kubectl
    "$GO" get "k8s.io/kubectl@v0.${v#1.}" "k8s.io/component-base@v0.${v#1.}" "k8s.io/client-go@v0.${v#1.}"
    "$GO" mod tidy
    "$GO" build -trimpath -ldflags "$ldflags" -o "$dir/kubectl" .
  ) >>"$dir/build.log" 2>&1
  rm -rf "$work"
  # Output captured first: `cmd | grep -q` fails under pipefail when grep exits before cmd has written everything.
  [[ "$("$dir/kubectl" version --client)" == *"Client Version: v$v"* ]] || lab_die "kubectl does not report v$v"
  finish "$dir" kubectl
}

build_helm() {
  local dir work v=$HELM_VERSION ldflags
  dir=$(tool_dir helm)
  work=$(mktemp -d)
  # The ldflags of helm's Makefile (LDFLAGS += -X helm.sh/helm/v3/internal/version.*).
  ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$v -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  mkdir -p "$work/linux-amd64"
  GOBIN="$work/linux-amd64" "$GO" install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@v$v" \
    >>"$dir/build.log" 2>&1
  [[ "$("$work/linux-amd64/helm" version --template '{{ .Version }}')" == "v$v" ]] || lab_die "helm does not report v$v"
  pack "$dir/$(tool_file helm)" "$work" linux-amd64/helm
  rm -rf "$work"
  finish "$dir" "$(tool_file helm)"
}

# sparkctl cannot be had here (see the header), so its artifact is a stand-in: the real kubectl built above, packaged
# under sparkctl's name and layout. The role's download, checksum, install and version-path logic is what the
# sparkctl scenario tests; sparkctl's own behaviour is not tested in this lab.
build_sparkctl() {
  local dir work
  dir=$(tool_dir sparkctl)
  build kubectl
  work=$(mktemp -d)
  install -m 0755 "$(tool_dir kubectl)/$(tool_file kubectl)" "$work/sparkctl"
  pack "$dir/$(tool_file sparkctl)" "$work" sparkctl
  rm -rf "$work"
  finish "$dir" "$(tool_file sparkctl)"
}

build() {
  local tool=$1 dir
  dir=$(tool_dir "$tool")
  if cached "$tool"; then
    lab_log "$tool $(tool_version "$tool") cached in $dir"
    return 0
  fi
  need_go
  mkdir -p "$dir"
  : >"$dir/build.log"
  lab_timer_start "$tool"
  lab_log "building $tool $(tool_version "$tool") (log: $dir/build.log)"
  "build_$tool" || {
    tail -n 30 "$dir/build.log" >&2
    lab_die "building $tool failed; full log: $dir/build.log"
  }
  lab_timer_end "$tool" "building $tool"
}

cmd_status() {
  local rc=0 tool
  for tool in kubectl helm sparkctl; do
    if cached "$tool"; then
      echo "$tool $(tool_version "$tool") cached: $(tool_dir "$tool")/$(tool_file "$tool")"
    else
      echo "$tool $(tool_version "$tool") missing"
      rc=1
    fi
  done
  return "$rc"
}

case "${1:-all}" in
  all)
    for t in kubectl helm sparkctl; do build "$t"; done
    ;;
  kubectl | helm | sparkctl)
    # Every tool named, not only the first (`build.sh kubectl helm` built kubectl alone: a cold make demo then served
    # no helm).
    for t in "$@"; do
      case $t in
        kubectl | helm | sparkctl) build "$t" ;;
        *) lab_die "unknown tool '$t' (kubectl, helm, sparkctl)" ;;
      esac
    done
    ;;
  status) cmd_status ;;
  path)
    cached "${2:?usage: $0 path TOOL}" || exit 1
    echo "$(tool_dir "$2")/$(tool_file "$2")"
    ;;
  version) tool_version "${2:?usage: $0 version TOOL}" ;;
  *)
    echo "usage: $0 [all|kubectl|helm|sparkctl|status|path TOOL|version TOOL]" >&2
    exit 2
    ;;
esac
