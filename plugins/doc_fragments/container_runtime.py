# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The runtime options of container_image_info and container_image_load (plugins/module_utils/_images/options.py)."""

    DOCUMENTATION = r"""
options:
  runtime:
    description:
      - The container runtime of the host that runs the module.
      - V(containerd) is driven through C(ctr) in the namespace O(namespace).
    type: str
    choices: [docker, containerd, podman]
    default: docker
  namespace:
    description:
      - The containerd namespace (only with O(runtime=containerd)). C(k8s.io) is the one kubelet uses.
    type: str
    default: k8s.io
  runtime_path:
    description:
      - The runtime's CLI (C(docker), C(ctr) or C(podman)); default the one found on E(PATH).
    type: path
  runtime_args:
    description:
      - Global options put before every runtime command, for example C([--address, /run/k3s/containerd/containerd.sock])
        for ctr, C([--host, unix:///run/docker.sock]) for docker, C([--root, /data/containers, --storage-driver, vfs])
        for podman.
    type: list
    elements: str
    default: []
  timeout:
    description:
      - Seconds each runtime query (inspect, list) may take before it is killed and the task fails, so a runtime
        that hangs cannot hang the play.
    type: int
    default: 60
"""
