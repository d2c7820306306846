#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_image_load
short_description: Make an image present in a host's container runtime, from an archive or a registry
version_added: 0.1.0
description:
  - Makes an image present in the container runtime of the host that runs the module - Docker, containerd (C(ctr),
    in the C(k8s.io) namespace kubelet uses by default) or podman - but only when the runtime does not already hold
    the same image ID under the wanted name.
  - O(source=archive) loads a C(docker save) archive (plain tar, or gzip or zstd compressed). The image ID is the
    digest of the image's config, read from the archive's C(manifest.json) without loading anything (for an
    uncompressed archive by reading tar headers only); with O(image_id) and O(name) the archive is not opened at all
    when the image is present.
  - A load reads the archive once. Its bytes are hashed on their way into the loader, and the end of the archive is
    held back until the sha256 is known, so with O(checksum) a damaged or wrong archive is refused before the
    runtime could make an image of it. A plain archive's structure (every config and layer its manifest names is
    there) is checked first from its headers; a compressed one's only when no O(checksum) is given (that check
    costs a pass). After the load the runtime is asked again; the task fails if the names do not point at the IDs.
  - O(source=registry) pulls O(name) (C(docker pull), C(ctr images pull), C(podman pull)); the runtime fetches only
    the layers it lacks. Credentials never appear on a command line; Docker and podman get them in an auth file
    (mode 0600, in a private directory removed afterwards), ctr through its password prompt on a pseudo-terminal.
options:
  source:
    description:
      - Where the image comes from.
    type: str
    choices: [archive, registry]
    default: archive
  path:
    description:
      - The archive on the host that runs the module (O(source=archive)), as written by C(docker save) or
        C(podman save) in the C(docker-archive) format, optionally compressed with gzip or zstd.
      - May be left out, or not exist yet, when O(image_id) and O(name) are given and the module only has to check
        (check mode, or the image is already present).
    type: path
  name:
    description:
      - The image name (C(repository:tag)) that must point at the image. With O(source=archive) it must be one of
        the archive's C(RepoTags); without it, every image of the archive must be present under every name the
        archive gives it. With O(source=registry) it is the reference to pull (required).
      - For O(runtime=containerd) names are compared fully qualified (C(app:1) is C(docker.io/library/app:1)).
    type: str
  image_id:
    description:
      - The ID (config digest, C(sha256:<hex>)) the image must have, known beforehand (for example from
        M(alluxio_spark.k8s.container_image_info) where the image was built). Then presence is decided without
        reading the archive; a load needs an archive that holds this ID, and a pull must bring this ID (a registry
        tag that points elsewhere fails the task). Needs O(name).
    type: str
  checksum:
    description:
      - Expected sha256 of the archive file as stored (compressed bytes if compressed), C(<hex>) or C(sha256:<hex>).
        Checked in the same pass as the load; a mismatch kills the loader before it made an image and fails the
        task. Not read when nothing needs loading.
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
      - Load (or pull) even when the image is present (for example to repair a damaged image store).
    type: bool
    default: false
  load_timeout:
    description:
      - Seconds a load or a pull may take; then it is killed (nothing is tagged) and the task fails.
    type: int
    default: 1800
  registry_username:
    description:
      - User for the registry of O(name) (O(source=registry)).
    type: str
  registry_password:
    description:
      - Password or token for O(registry_username); never logged or put on a command line.
    type: str
  registry_insecure:
    description:
      - The registry speaks plain HTTP (or has a certificate that is not trusted). ctr pulls with C(--plain-http) and
        podman with C(--tls-verify=false); dockerd must list the registry in C(insecure-registries) (the
        C(alluxio_spark.k8s.image_distribution) role does that), and the module waits up to O(timeout) seconds for
        a reloaded dockerd to take it, then fails naming the setting.
    type: bool
    default: false
extends_documentation_fragment:
  - alluxio_spark.k8s.container_runtime
  - alluxio_spark.k8s.attributes
attributes:
  check_mode:
    support: full
    details:
      - Asks the runtime, reads the archive (and its checksum) to predict failures; loads and pulls nothing.
  diff_mode:
    support: full
    details:
      - The diff shows, per name, the image ID before and after.
  idempotent:
    support: full
    details:
      - Not with O(force=true), which always loads or pulls.
requirements:
  - the runtime's CLI on the host that runs the module (docker, ctr or podman)
  - gzip or zstd for compressed archives
notes:
  - The archive's C(manifest.json) is at the end of what C(docker save) writes, so a compressed archive is
    decompressed once to read it. Pass O(image_id) and O(name) to decide without reading the archive.
  - Docker Engine 25+ with the containerd image store reports a manifest digest as the image ID; this module
    compares config digests, which is what Docker's classic store and podman report. It is tested with Docker 20.10,
    containerd 1.6 (ctr) and podman 4.3.
  - The role C(alluxio_spark.k8s.image_distribution) uses this module on every node in its archive and registry
    modes.
seealso:
  - module: alluxio_spark.k8s.container_image_info
  - module: alluxio_spark.k8s.container_image_stream
  - module: community.docker.docker_image_load
    description: loads into Docker only, through its API, and always reports a change.
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Load an image into Docker unless it is there, checking the archive as it loads
  alluxio_spark.k8s.container_image_load:
    path: /var/tmp/images/spark-alluxio.tar
    checksum: "sha256:6c3e2f..."

- name: Load into containerd's k8s.io namespace, where kubelet finds images
  alluxio_spark.k8s.container_image_load:
    path: /var/tmp/images/spark-alluxio.tar.zst
    runtime: containerd
    name: spark-alluxio:3.5.5

- name: Pull from a private registry (only the missing layers travel)
  alluxio_spark.k8s.container_image_load:
    source: registry
    name: registry.example.com:5000/spark-alluxio:3.5.5
    image_id: "sha256:55cf226ccc8ab3fd625aeec6705063b2770aaec25557ddfd483d430603671777"
    runtime: containerd
    registry_username: puller
    registry_password: "{{ vault_registry_password }}"
"""

RETURN = r"""
action:
  description: What was done (or would be, in check mode).
  returned: always
  type: str
  choices: [none, load, pull]
  sample: load
msg:
  description: Why, naming every image that was missing or pointed elsewhere.
  returned: always
  type: str
  sample: "spark-alluxio:3.5.5 is not present"
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
      sample: [spark-alluxio:3.5.5]
before:
  description: For every name that had to change, the ID it pointed at before (null when absent).
  returned: success
  type: dict
  sample: {"spark-alluxio:3.5.5": null}
source:
  description: O(source).
  returned: always
  type: str
  sample: archive
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
  returned: when O(source=archive)
  type: str
  sample: /var/tmp/images/spark-alluxio.tar
compression:
  description: The archive's compression, when the archive was looked at.
  returned: when the archive was read
  type: str
  sample: none
checksum:
  description: The archive's sha256, verified.
  returned: when O(checksum) was given and the archive was loaded (or, in check mode, read)
  type: str
  sample: sha256:0b7f3d24c4d9e2f6a0c1b5e8d7a6f9c3b2e1d0a9f8e7d6c5b4a3f2e1d0c9b8a7
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import loader
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.options import (
    local_runtime,
    runtime_argument_spec,
)


def run(module: AnsibleModule) -> dict:
    params = module.params
    request = loader.LoadRequest(
        source=params["source"], path=params["path"], name=params["name"], image_id=params["image_id"],
        checksum=params["checksum"], compression=params["compression"], force=params["force"],
        zstd_path=module.get_bin_path("zstd"), gzip_path=module.get_bin_path("gzip"),
        registry_username=params["registry_username"], registry_password=params["registry_password"],
        registry_insecure=params["registry_insecure"], load_timeout=params["load_timeout"])
    result = loader.run(request, local_runtime(module), module.check_mode)
    if module._diff and result.get("images"):
        before, after = [], []
        for image in result["images"]:
            for name in image["names"]:
                old = result["before"].get(name, image["id"]) if result["changed"] else image["id"]
                before.append("%s: %s\n" % (name, old or "absent"))
                after.append("%s: %s\n" % (name, image["id"] or "the pulled image"))
        result["diff"] = dict(before="".join(before), after="".join(after))
    return result


def argument_spec() -> dict:
    return runtime_argument_spec(
        source=dict(type="str", default="archive", choices=["archive", "registry"]),
        path=dict(type="path"),
        name=dict(type="str"),
        image_id=dict(type="str"),
        checksum=dict(type="str"),
        compression=dict(type="str", default="auto", choices=["auto", "none", "gzip", "zstd"]),
        force=dict(type="bool", default=False),
        load_timeout=dict(type="int", default=1800),
        registry_username=dict(type="str"),
        registry_password=dict(type="str", no_log=True),
        registry_insecure=dict(type="bool", default=False),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_if=[("source", "archive", ("path", "image_id"), True), ("source", "registry", ("name",))],
        required_by=dict(image_id=["name"]),
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
