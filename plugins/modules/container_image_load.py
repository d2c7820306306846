#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_image_load
short_description: Make an image present in a host's container runtime from a docker save archive
version_added: 0.1.0
description:
  - Loads the image(s) of a C(docker save) archive (plain tar, or gzip or zstd compressed) into the container runtime
    of the host that runs the module - C(docker load), C(ctr --namespace k8s.io images import) or C(podman load) -
    but only when the runtime does not already hold the same image ID under the wanted name.
  - The image ID is the digest of the image's config. It is read from the archive's C(manifest.json) and config
    without loading anything; for an uncompressed archive that means reading tar headers only, whatever its size.
    With O(image_id) and O(name) the archive is not opened at all when the image is present.
  - Before a load the archive is checked to be whole (every config and layer its manifest names is in it, nothing
    is cut short) and, with O(checksum), to have the expected sha256. A bad archive fails the task with nothing
    loaded or re-tagged. After the load, the runtime is asked again; the task fails if the names do not point at the
    archive's IDs.
  - Kubernetes (kubelet through the CRI) sees only containerd's C(k8s.io) namespace, the default of O(namespace).
options:
  path:
    description:
      - The archive on the host that runs the module, as written by C(docker save) or C(podman save) in the
        C(docker-archive) format, optionally compressed with gzip or zstd.
      - May be left out, or not exist yet, when O(image_id) and O(name) are given and the module only has to check
        (check mode, or the image is already present).
    type: path
  name:
    description:
      - The image name (C(repository:tag)) that must point at the image. It must be one of the archive's C(RepoTags).
      - Without it, every image of the archive must be present under every name the archive gives it.
      - For O(runtime=containerd) names are compared fully qualified (C(app:1) is C(docker.io/library/app:1)).
    type: str
  image_id:
    description:
      - The ID (config digest, C(sha256:<hex>)) the archive holds, known beforehand (for example from
        C(docker image inspect) where the archive was made). Then presence is decided without reading the archive;
        when a load is needed the archive must hold this ID. Needs O(name).
    type: str
  runtime:
    description:
      - The container runtime to load into.
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
  checksum:
    description:
      - Expected sha256 of the archive file as stored (compressed bytes if compressed), C(<hex>) or C(sha256:<hex>).
        Verified before a load; a mismatch fails the task and loads nothing. Not read when nothing needs loading.
    type: str
  compression:
    description:
      - How the archive is compressed. V(auto) recognises gzip and zstd by their first bytes; any other value must
        match what the file is. zstd needs the C(zstd) program on the host; gzip uses C(gzip).
    type: str
    choices: [auto, none, gzip, zstd]
    default: auto
  force:
    description:
      - Load even when the image is present (for example to repair a damaged image store).
    type: bool
    default: false
extends_documentation_fragment:
  - alluxio_spark.k8s.attributes
attributes:
  check_mode:
    support: full
    details:
      - Reads the archive (and its checksum) to predict failures, and asks the runtime; loads nothing.
  diff_mode:
    support: full
    details:
      - The diff shows, per name, the image ID before and after.
  idempotent:
    support: full
    details:
      - Not with O(force=true), which always loads.
requirements:
  - the runtime's CLI on the host that runs the module (docker, ctr or podman)
  - gzip or zstd for compressed archives
notes:
  - The archive's C(manifest.json) is at the end of what C(docker save) writes, so a compressed archive is
    decompressed once to read it. Pass O(image_id) and O(name) to decide without reading the archive.
  - Docker Engine 25+ with the containerd image store reports a manifest digest as the image ID; this module
    compares config digests, which is what Docker's classic store and podman report. It is tested with Docker 20.10,
    containerd 1.6 (ctr) and podman 4.3.
  - The role M(alluxio_spark.k8s.image_distribution) uses this module on every node after copying the archive.
seealso:
  - module: community.docker.docker_image_load
    description: loads into Docker only, through its API, and always reports a change.
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Load an image into Docker unless it is there
  alluxio_spark.k8s.container_image_load:
    path: /var/tmp/spark-alluxio.tar
    checksum: "sha256:6c3e2f..."

- name: Load into containerd's k8s.io namespace, where kubelet finds images
  alluxio_spark.k8s.container_image_load:
    path: /var/tmp/spark-alluxio.tar.zst
    runtime: containerd
    name: spark-alluxio:3.5.1

- name: Only check whether the node lacks the image (changed); the archive need not exist
  alluxio_spark.k8s.container_image_load:
    name: spark-alluxio:3.5.1
    image_id: "sha256:55cf226ccc8ab3fd625aeec6705063b2770aaec25557ddfd483d430603671777"
    runtime: podman
  check_mode: true
  register: probe
"""

RETURN = r"""
action:
  description: What was done (or would be, in check mode).
  returned: always
  type: str
  choices: [none, load]
  sample: load
msg:
  description: Why, naming every image that was missing or pointed elsewhere.
  returned: always
  type: str
  sample: "spark-alluxio:3.5.1 is not present"
images:
  description: The images that must be present, with their IDs and the names that must point at them.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Image ID (config digest).
      type: str
      sample: sha256:55cf226ccc8ab3fd625aeec6705063b2770aaec25557ddfd483d430603671777
    names:
      description: Names that point at it.
      type: list
      elements: str
      sample: [spark-alluxio:3.5.1]
before:
  description: For every name that had to change, the ID it pointed at before (null when absent).
  returned: success
  type: dict
  sample: {"spark-alluxio:3.5.1": null}
runtime:
  description: The runtime used.
  returned: always
  type: str
  sample: containerd
namespace:
  description: The containerd namespace.
  returned: when O(runtime=containerd)
  type: str
  sample: k8s.io
path:
  description: The archive.
  returned: always
  type: str
  sample: /var/tmp/spark-alluxio.tar
compression:
  description: The archive's compression, when the archive was read.
  returned: when the archive was read
  type: str
  sample: none
checksum:
  description: The archive's verified sha256.
  returned: when O(checksum) was given and the archive had to be read
  type: str
  sample: sha256:0b7f3d24c4d9e2f6a0c1b5e8d7a6f9c3b2e1d0a9f8e7d6c5b4a3f2e1d0c9b8a7
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import loader
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import RuntimeMissingError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runner import CommandRunner
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runtimes import BINARIES, make_runtime


def find_binary(module, name, given=None):
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise RuntimeMissingError("%s does not exist or is not executable on this host" % given)
        return given
    found = module.get_bin_path(name)
    if not found:
        raise RuntimeMissingError("%s is not installed on this host (not found on PATH); install it, choose another "
                                  "runtime, or set runtime_path" % name)
    return found


def run(module):
    params = module.params
    request = loader.LoadRequest(
        path=params["path"], name=params["name"], image_id=params["image_id"], checksum=params["checksum"],
        compression=params["compression"], force=params["force"],
        zstd_path=module.get_bin_path("zstd"), gzip_path=module.get_bin_path("gzip"))
    binary = find_binary(module, BINARIES[params["runtime"]], params["runtime_path"])
    runtime = make_runtime(params["runtime"], binary, CommandRunner(module), params["runtime_args"],
                           params["namespace"])
    result = loader.run(request, runtime, module.check_mode)
    if module._diff and result.get("images"):
        before, after = [], []
        for image in result["images"]:
            for name in image["names"]:
                old = result["before"].get(name, image["id"]) if result["changed"] else image["id"]
                before.append("%s: %s\n" % (name, old or "absent"))
                after.append("%s: %s\n" % (name, image["id"]))
        result["diff"] = dict(before="".join(before), after="".join(after))
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path"),
            name=dict(type="str"),
            image_id=dict(type="str"),
            runtime=dict(type="str", default="docker", choices=["docker", "containerd", "podman"]),
            namespace=dict(type="str", default="k8s.io"),
            runtime_path=dict(type="path"),
            runtime_args=dict(type="list", elements="str", default=[]),
            checksum=dict(type="str"),
            compression=dict(type="str", default="auto", choices=["auto", "none", "gzip", "zstd"]),
            force=dict(type="bool", default=False),
        ),
        required_by=dict(image_id=["name"]),
        required_one_of=[("path", "image_id")],
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
