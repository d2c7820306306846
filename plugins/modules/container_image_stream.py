#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_image_stream
short_description: Stream an image from this host's Docker engine to many nodes at once, each getting only what it lacks
version_added: 0.1.0
description:
  - Runs where the image is (usually the controller, C(delegate_to) + C(run_once)) and puts O(image) into the
    container runtime of every node in O(targets) - Docker, containerd (C(ctr), namespace C(k8s.io) by default) or
    podman - over ssh, with no archive file anywhere.
  - First it asks every node, in parallel over ssh, whether it holds the image (by ID) and which of its layers it
    could reuse. Nodes that hold it get nothing.
  - Then it runs C(docker save) B(once) and fans the bytes out to all nodes that need them at the same time. Docker
    and containerd nodes are sent only the layers they lack (containerd gets the image as an OCI layout whose
    manifest names the layers it already has by digest; Docker a C(docker save) archive without them); podman
    nodes, whose loader needs every layer, the whole image.
  - The sha256 of each node's stream is computed as it is sent, and again on the node as the bytes go into the
    runtime's loader. The end of the archive, without which no loader makes an image, is released only when both
    agree; a node whose stream breaks or differs gets nothing loaded and is named in RV(failed_targets), while the
    others finish. Afterwards each node is asked again for the image ID.
  - With O(targets[].dest) the node keeps the whole archive in that file instead (created new, mode 0600), for
    M(alluxio_spark.k8s.container_image_load) to load later.
options:
  image:
    description:
      - The image (C(repository:tag)) in the Docker engine of the host that runs the module.
    type: str
    required: true
  image_id:
    description:
      - The ID the image is expected to have (for example from M(alluxio_spark.k8s.container_image_info)); the task
        fails, sending nothing, if the engine's image changed since.
    type: str
  source_path:
    description:
      - The C(docker) CLI of the host that runs the module; default the one on E(PATH).
    type: path
  source_args:
    description:
      - Global options before every C(docker) command there (for example C([--host, unix:///run/docker.sock])).
    type: list
    elements: str
    default: []
  targets:
    description:
      - The nodes.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The node's name in the results (its inventory name).
        type: str
        required: true
      connection:
        description:
          - V(ssh) reaches the node with C(ssh) as O(targets[].ssh) says; V(local) is the host that runs the module
            itself, with the Python that runs the module (for O(targets[].dest) on the controller).
        type: str
        choices: [ssh, local]
        default: ssh
      ssh:
        description:
          - How to reach the node with C(ssh), key-based (a password prompt fails instead of waiting). The keys
            mirror Ansible's ssh connection variables.
        type: dict
        default: {}
        suboptions:
          host:
            description: Address or name (C(ansible_host)); default O(targets[].name).
            type: str
          port:
            description: C(ansible_port).
            type: int
          user:
            description: C(ansible_user).
            type: str
          private_key_file:
            description: C(ansible_ssh_private_key_file).
            type: path
          common_args:
            description: C(ansible_ssh_common_args); split like a shell would, each piece one argument.
            type: str
          extra_args:
            description: C(ansible_ssh_extra_args); split the same way.
            type: str
          args:
            description: More ssh arguments, one per item (for example C([-F, /path/ssh_config])).
            type: list
            elements: str
          executable:
            description: The ssh program.
            type: str
            default: ssh
      python:
        description: Python 3 on the node, which runs the receiving end (C(ansible_python_interpreter)).
        type: str
        default: python3
      runtime:
        description: The node's runtime.
        type: str
        choices: [docker, containerd, podman]
        default: docker
      namespace:
        description: The containerd namespace on the node.
        type: str
        default: k8s.io
      runtime_path:
        description: The runtime's CLI on the node; default the one on the node's E(PATH).
        type: str
      runtime_args:
        description: Global options of the runtime's CLI on the node.
        type: list
        elements: str
        default: []
      dest:
        description:
          - Write the whole archive to this new file on the node (its directory must exist; an existing file is
            never overwritten) instead of loading it.
        type: path
  partial:
    description:
      - Leave out the layers a Docker or containerd node could reuse. V(false) sends every node the whole image.
    type: bool
    default: true
  force:
    description:
      - Send even to nodes that hold the image.
    type: bool
    default: false
  timeout:
    description:
      - Seconds each query of a node's runtime (and the ssh connection to it) may take.
    type: int
    default: 60
  load_timeout:
    description:
      - Seconds the whole transfer may take; then every unfinished node is stopped (nothing loaded there) and
        named.
    type: int
    default: 1800
extends_documentation_fragment:
  - alluxio_spark.k8s.attributes
attributes:
  check_mode:
    support: full
    details:
      - Asks every node over ssh and predicts which ones would be sent the image; saves and sends nothing.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - Not with O(force=true).
requirements:
  - docker and ssh on the host that runs the module
  - python 3 and the runtime's CLI on every node
notes:
  - A node's failure does not fail the task; it is in RV(failed_targets) and RV(targets), so a play can fail that
    node alone (the role C(alluxio_spark.k8s.image_distribution) does, in its default stream mode). The task fails when the save itself fails
    or the options are wrong.
  - All nodes receive at the pace of the slowest; a node that stops reading is dropped when its connection
    breaks or O(load_timeout) passes. Memory on this host stays bounded (16 MiB per node plus the archive's
    metadata, whatever the image size); RV(peak_rss_bytes) reports it.
  - Docker's save writes layers in name order and the layer map last; which layer a member holds is recomputed
    from its legacy v1 ID (Docker before 25) or read from its blob name (Docker 25+ layout). A member that cannot be
    identified is sent to every node (more bytes, never a missing layer). Tested with Docker 20.10.
seealso:
  - module: alluxio_spark.k8s.container_image_info
  - module: alluxio_spark.k8s.container_image_load
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Put spark-alluxio:3.5.5 into every worker's containerd (k8s.io), each getting only the layers it lacks
  alluxio_spark.k8s.container_image_stream:
    image: spark-alluxio:3.5.5
    targets:
      - name: worker1
        ssh: {host: 10.0.0.11, user: root, private_key_file: ~/.ssh/id_ed25519}
        runtime: containerd
      - name: worker2
        ssh: {host: 10.0.0.12, user: root, private_key_file: ~/.ssh/id_ed25519}
        runtime: containerd
  delegate_to: localhost
  run_once: true
  register: sent

- name: Fail the play if a node did not get it
  ansible.builtin.assert:
    that: sent.failed_targets == []
    fail_msg: "{{ sent.msg }}"
"""

RETURN = r"""
image_id:
  description: The image's ID (config digest) in the Docker engine.
  returned: success
  type: str
  sample: sha256:55cf226ccc8ab3fd625aeec6705063b2770aaec25557ddfd483d430603671777
layers:
  description: The image's layers (diff IDs), base first.
  returned: success
  type: list
  elements: str
  sample: [sha256:29512bf1819be42ade38a36a8a919e5f861bc6663e6f3cc1a1666ac92064b578]
save_bytes:
  description: Bytes read from C(docker save) (0 when no node needed the image).
  returned: success
  type: int
  sample: 1195376640
targets:
  description: Per node name, what happened.
  returned: success
  type: dict
  sample:
    worker1: {status: loaded, format: oci, bytes_sent: 10497536, layers_sent: 1, layers_skipped: 4,
              sha256: "sha256:3b0f...", before: "sha256:9a1c..."}
    worker2: {status: present, before: "sha256:55cf..."}
  contains:
    status:
      description:
        - V(present) (nothing to do), V(loaded), V(written) (O(targets[].dest)), V(failed), or in check mode
          V(would_load) / V(would_write).
      type: str
      sample: loaded
    msg:
      description: Why the node failed.
      type: str
      sample: "worker3 got nothing loaded: the stream stopped after 104857600 bytes, before its end"
    before:
      description: The image ID the node's name pointed at before (null when absent).
      type: str
      sample: null
    format:
      description: What the node was sent - V(docker-archive), V(oci) or V(file).
      type: str
      sample: oci
    bytes_sent:
      description: Bytes of the stream the node was sent.
      type: int
      sample: 10497536
    layers_sent:
      description: Layers the stream carried.
      type: int
      sample: 1
    layers_skipped:
      description: Layers left out because the node holds them.
      type: int
      sample: 4
    layers_held:
      description: Layers of the image the node already held before.
      type: int
      sample: 4
    sha256:
      description: The sha256 of the node's stream, the same on both ends.
      type: str
      sample: sha256:3b0f6c1e...
failed_targets:
  description: Names of the nodes that did not get the image.
  returned: success
  type: list
  elements: str
  sample: []
peak_rss_bytes:
  description: The peak resident memory of the module's process on this host.
  returned: success
  type: int
  sample: 58720256
msg:
  description: What was sent where, naming every failed node and why.
  returned: always
  type: str
  sample: "sent spark-alluxio:3.5.5 to worker1; present on worker2"
"""

import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import fanout
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import LocalHost
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.options import find_binary, positive
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runtimes import RUNTIMES, DockerRuntime

SSH_SPEC = dict(
    host=dict(type="str"),
    port=dict(type="int"),
    user=dict(type="str"),
    private_key_file=dict(type="path"),
    common_args=dict(type="str"),
    extra_args=dict(type="str"),
    args=dict(type="list", elements="str"),
    executable=dict(type="str", default="ssh"),
)
TARGET_SPEC = dict(
    name=dict(type="str", required=True),
    connection=dict(type="str", default="ssh", choices=["ssh", "local"]),
    ssh=dict(type="dict", default={}, options=SSH_SPEC),
    python=dict(type="str", default="python3"),
    runtime=dict(type="str", default="docker", choices=list(RUNTIMES)),
    namespace=dict(type="str", default="k8s.io"),
    runtime_path=dict(type="str"),
    runtime_args=dict(type="list", elements="str", default=[]),
    dest=dict(type="path"),
)


def run(module: AnsibleModule) -> dict:
    params = module.params
    timeout = positive(params["timeout"], "timeout")
    load_timeout = positive(params["load_timeout"], "load_timeout")
    source = DockerRuntime(LocalHost(), find_binary(module, "docker", params["source_path"]), params["source_args"],
                           timeout)
    # Short commands to a node share one ssh connection, through sockets in a private directory.
    control_dir = tempfile.mkdtemp(prefix="ssh-")
    try:
        targets = [fanout.target_from_params(spec, timeout, control_dir) for spec in params["targets"]]
        try:
            return fanout.stream(source, params["image"], params["image_id"], targets, params["partial"],
                                 params["force"], load_timeout, module.check_mode)
        finally:
            for target in targets:
                target.host.close()
    finally:
        shutil.rmtree(control_dir, ignore_errors=True)


def argument_spec() -> dict:
    return dict(
        image=dict(type="str", required=True),
        image_id=dict(type="str"),
        source_path=dict(type="path"),
        source_args=dict(type="list", elements="str", default=[]),
        targets=dict(type="list", elements="dict", required=True, options=TARGET_SPEC),
        partial=dict(type="bool", default=True),
        force=dict(type="bool", default=False),
        timeout=dict(type="int", default=60),
        load_timeout=dict(type="int", default=1800),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
