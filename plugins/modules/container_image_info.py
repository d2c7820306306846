#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_image_info
short_description: Ask a host's container runtime for an image and for the layers it holds
version_added: 0.1.0
description:
  - Read-only. Asks the container runtime of the host that runs the module - Docker, containerd (C(ctr), in the
    namespace kubelet uses by default) or podman - for an image by name or ID, and returns its ID (the config
    digest), its layers (diff IDs, base first) and which runtime answered.
  - With O(image_id) it says whether the name points at that ID (RV(present)); with O(layers) it says which of
    those layers the runtime holds in a way its loader can reuse (RV(layers_present)), which is what decides
    whether a node needs the whole image or only some layers.
  - A runtime that does not answer within O(timeout) seconds fails the task instead of hanging it.
options:
  name:
    description:
      - The image name (C(repository[:tag])) to look up. For O(runtime=containerd) it is compared fully qualified
        (C(app:1) is C(docker.io/library/app:1)).
      - Required unless O(image_id) is given.
    type: str
  image_id:
    description:
      - An image ID (C(sha256:<hex>) or C(<hex>)). With O(name), RV(present) says whether O(name) points at it;
        alone, the image is looked up by ID (with containerd, by the C(sha256:<id>) name the CRI plugin gives every
        image in C(k8s.io)).
    type: str
  layers:
    description:
      - Diff IDs of an image's layers, base first (RV(layers) of this module where the image is). RV(layers_present)
        and RV(layers_missing) then say which of them this runtime could reuse.
      - Docker reuses a layer only on the same layers below it (its chain ID); containerd reuses an uncompressed
        layer blob by digest in O(namespace); podman's reuse is reported the way Docker's is, but C(podman load)
        needs every layer in the archive anyway (RV(partial_archive) is false).
    type: list
    elements: str
extends_documentation_fragment:
  - alluxio_spark.k8s.container_runtime
  - alluxio_spark.k8s.attributes
  - alluxio_spark.k8s.attributes.INFO_MODULE
requirements:
  - the runtime's CLI on the host that runs the module (docker, ctr or podman)
notes:
  - Docker Engine 25+ with the containerd image store reports a manifest digest as the image ID; this module
    compares config digests, which is what Docker's classic store, podman and containerd's configs give. Tested with
    Docker 20.10, containerd 1.6 (ctr) and podman 4.3.
  - A containerd whose CRI plugin discards layer blobs after unpacking (C(discard_unpacked_layers)) holds no layer
    blobs, so every layer is reported missing there.
seealso:
  - module: alluxio_spark.k8s.container_image_load
  - module: alluxio_spark.k8s.container_image_stream
  - module: community.docker.docker_image_info
    description: Docker only, through its API; reports no layer reuse.
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: The image and its layers in the controller's Docker engine
  alluxio_spark.k8s.container_image_info:
    name: spark-alluxio:3.5.5
  delegate_to: localhost
  run_once: true
  register: source

- name: Does each node's kubelet see that image, and which of its layers does it already hold?
  alluxio_spark.k8s.container_image_info:
    name: spark-alluxio:3.5.5
    image_id: "{{ source.image_id }}"
    layers: "{{ source.layers }}"
    runtime: containerd
  register: node_image

- name: Nodes that need it
  ansible.builtin.debug:
    msg: "{{ inventory_hostname }} lacks {{ node_image.layers_missing | length }} of {{ source.layers | length }} layers"
  when: not node_image.present
"""

RETURN = r"""
exists:
  description: Whether the runtime holds an image under O(name) (or with O(image_id) when no name is given).
  returned: always
  type: bool
  sample: true
image_id:
  description: The ID (config digest) of the image found; null when there is none.
  returned: always
  type: str
  sample: sha256:55cf226ccc8ab3fd625aeec6705063b2770aaec25557ddfd483d430603671777
layers:
  description: The diff IDs of the image found, base first; empty when there is none.
  returned: always
  type: list
  elements: str
  sample: [sha256:29512bf1819be42ade38a36a8a919e5f861bc6663e6f3cc1a1666ac92064b578]
present:
  description: Whether O(name) points at O(image_id).
  returned: when O(image_id) is given
  type: bool
  sample: false
layers_present:
  description: The layers of O(layers) the runtime could reuse, in the order given.
  returned: when O(layers) is given
  type: list
  elements: str
  sample: [sha256:29512bf1819be42ade38a36a8a919e5f861bc6663e6f3cc1a1666ac92064b578]
layers_missing:
  description: The layers of O(layers) the runtime lacks, in the order given.
  returned: when O(layers) is given
  type: list
  elements: str
  sample: [sha256:76a8651a87f6007bd77c67987cf3f6c85ae001e6e220c6c900a37ab3364abc8e]
partial_archive:
  description:
    - Whether this runtime's loader takes an archive that leaves out the layers it holds (true for Docker and
      containerd, false for podman).
  returned: always
  type: bool
  sample: true
runtime:
  description: The runtime that answered.
  returned: always
  type: str
  sample: containerd
namespace:
  description: The containerd namespace asked.
  returned: when O(runtime=containerd)
  type: str
  sample: k8s.io
stored_name:
  description: The name as the runtime stores it (containerd qualifies it fully).
  returned: always
  type: str
  sample: docker.io/library/spark-alluxio:3.5.5
reference:
  description: The parts of O(name), to compose other names from without parsing it again.
  returned: when O(name) is given
  type: dict
  contains:
    name:
      description: O(name) as given.
      type: str
      sample: spark-alluxio:3.5.5
    normalized:
      description: Fully qualified.
      type: str
      sample: docker.io/library/spark-alluxio:3.5.5
    domain:
      description: The registry part.
      type: str
      sample: docker.io
    path:
      description: The repository path in that registry.
      type: str
      sample: library/spark-alluxio
    repository:
      description: The path as Docker shows it (C(library/) of the default registry left out).
      type: str
      sample: spark-alluxio
    tag:
      description: The tag; null when the name has only a digest.
      type: str
      sample: 3.5.5
    digest:
      description: The digest, when the name has one.
      type: str
      sample: null
msg:
  description: What was found, in words.
  returned: always
  type: str
  sample: "docker.io/library/spark-alluxio:3.5.5 is sha256:55cf226ccc8 in containerd"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.info import image_info
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.options import (
    local_runtime,
    runtime_argument_spec,
)


def run(module: AnsibleModule) -> dict:
    params = module.params
    return image_info(local_runtime(module), params["name"], params["image_id"], params["layers"])


def argument_spec() -> dict:
    return runtime_argument_spec(
        name=dict(type="str"),
        image_id=dict(type="str"),
        layers=dict(type="list", elements="str"),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_one_of=[("name", "image_id")],
        supports_check_mode=True,
    )
    run_module(module, run, read_only=True)


if __name__ == "__main__":
    main()
