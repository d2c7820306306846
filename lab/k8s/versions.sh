# shellcheck shell=bash
# One place for the versions of the Kubernetes lab's programs (sourced by lab/k8s/*.sh).
# Kubernetes 1.34: the last line that runs on this host's cgroup v1 without a kubelet override, and that pairs with
# Debian bookworm's containerd 1.6. 1.34.4 is the newest 1.34 the checksum database verifies here (v1.34.11: 404).
# The kubectl the host-role tests serve (lab/bin/build.sh) is this build's kubectl, copied.
KUBERNETES_VERSION=1.34.4
ETCD_VERSION=3.6.16
COREDNS_VERSION=1.14.7
PAUSE_VERSION=3.10
SPARK_OPERATOR_VERSION=2.5.2
