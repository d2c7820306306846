#!/usr/bin/env bash
# Run on a lab node (ssh node bash -s -- ID...): remove every image of the image_distribution test from docker,
# containerd (k8s.io, including the sha256:<id> names the CRI plugin adds; only the given IDs) and the test's podman
# root, and any archive directory the role may have left. Never touches another image.
set -uo pipefail
docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '(^|/)local/aslab-it-' | xargs -r docker rmi -f >/dev/null
for id in "$@"; do
  ctr -n k8s.io images list -q | grep -x "$id" | xargs -r ctr -n k8s.io images rm >/dev/null
done
ctr -n k8s.io images list -q | grep -E '/local/aslab-it-' | xargs -r ctr -n k8s.io images rm --sync >/dev/null
podman --root /var/tmp/aslab-it-podman/root --runroot /run/aslab-it-podman --storage-driver vfs rmi -a -f >/dev/null 2>&1
rm -rf /var/tmp/aslab-it-podman /run/aslab-it-podman /var/tmp/image-distribution.* /var/tmp/aslab-it-bad \
  /var/lib/containers/cache
true
