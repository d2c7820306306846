#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alluxio_file_info
short_description: Where the blocks of an Alluxio file or directory live, down to the Kubernetes node
version_added: 0.1.0
description:
  - Returns the status of an Alluxio path - length, block ids, in-Alluxio percentage - and, per block, the hosts of
    the workers that hold it (what C(alluxio fs stat) and C(alluxio fs location) print).
  - For a directory, returns every file below it and the totals, in one round trip to Alluxio (one exec, or one
    proxy call), not one CLI call per file.
  - With O(resolve_nodes=true), maps each worker host to a Kubernetes node (node addresses of the types in
    O(node_address_types), the node name, and the pod IPs of O(worker_pod_selector)) and returns the bytes held by
    each node and the RV(preferred_node), where a job should run to read locally.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
  - alluxio_spark.k8s.attributes.INFO_MODULE
options:
  path:
    description:
      - Absolute Alluxio path of a file or directory.
    type: str
    required: true
  resolve_nodes:
    description:
      - Map worker hosts to Kubernetes node names through the Kubernetes API (reads nodes, and pods if
        O(worker_pod_selector) is set).
    type: bool
    default: false
  node_address_types:
    description:
      - Node address types that may match a worker host, in order of preference.
    type: list
    elements: str
    default: [InternalIP, Hostname, ExternalIP]
  worker_pod_selector:
    description:
      - Label selector of the Alluxio worker pods, to match workers on the pod network by pod IP.
      - Not needed when workers use the host network (their host is the node's address).
    type: str
  worker_pod_namespace:
    description:
      - Namespace of the worker pods. Defaults to O(alluxio_namespace).
    type: str
requirements:
  - kubernetes >= 24.2.0 (for O(resolve_nodes) and the V(k8s_exec) and V(k8s_proxy) transports)
notes:
  - Read-only; always returns RV(ignore:changed=false). A missing path is not an error, it returns RV(exists=false).
seealso:
  - module: alluxio_spark.k8s.alluxio_file
  - module: kubernetes.core.k8s_info
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Which node holds the input?
  alluxio_spark.k8s.alluxio_file_info:
    path: /data/input.txt
    alluxio_namespace: alluxio
    resolve_nodes: true
  register: where

- name: Pin the job there
  ansible.builtin.set_fact:
    wordcount_node: "{{ where.preferred_node }}"
"""

RETURN = r"""
exists:
  description: Whether the path exists.
  returned: always
  type: bool
  sample: true
is_dir:
  description: Whether the path is a directory.
  returned: when RV(exists)
  type: bool
  sample: false
length:
  description: Bytes in the file, or in all files below the directory.
  returned: when RV(exists)
  type: int
  sample: 4194304
in_alluxio_percentage:
  description: Share of the bytes cached in Alluxio (byte-weighted over files for a directory).
  returned: when RV(exists)
  type: int
  sample: 100
files:
  description:
    - Every file (the path itself for a file), each with C(path), C(length), C(block_size), C(block_ids),
      C(in_alluxio_percentage) and C(blocks) (C(id), C(offset), C(length), C(locations) with C(host),
      C(container_host), C(worker_id), C(tier), and C(nodes) when O(resolve_nodes=true)).
  returned: when RV(exists)
  type: list
  elements: dict
bytes_per_host:
  description: Bytes held by each worker host (a block counts once for every replica).
  returned: when RV(exists)
  type: dict
  sample: {"172.31.250.11": 2097152, "172.31.250.12": 2097152}
bytes_per_node:
  description: Bytes held by each Kubernetes node.
  returned: when O(resolve_nodes=true) and RV(exists)
  type: dict
  sample: {"aslab-node1": 2097152, "aslab-node2": 2097152}
preferred_node:
  description: The node holding the most bytes (ties go to the smallest name); V(null) when no block is cached.
  returned: when O(resolve_nodes=true) and RV(exists)
  type: str
  sample: aslab-node1
unresolved_hosts:
  description: Worker hosts that matched no node.
  returned: when O(resolve_nodes=true) and RV(exists)
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioNotFoundError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.paths import validate_alluxio_path
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    client_from_module,
    transport_argument_spec,
)


def bytes_per_host(files):
    hosts = {}
    for item in files:
        for block in item["blocks"]:
            for location in block["locations"]:
                host = location["host"] or location["container_host"]
                hosts[host] = hosts.get(host, 0) + block["length"]
    return hosts


def resolve(module, files):
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s import nodes
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.exec import core_v1_from_module

    params = module.params
    api = core_v1_from_module(module)
    node_list, pods = nodes.fetch_nodes_and_pods(api, params["worker_pod_namespace"] or params["alluxio_namespace"],
                                                 params["worker_pod_selector"])
    mapping = nodes.host_to_node_map(node_list, pods, params["node_address_types"])
    blocks = [block for item in files for block in item["blocks"]]
    resolved = nodes.resolve_blocks(blocks, mapping)
    by_id = dict((block["id"], block) for block in resolved["blocks"])
    for item in files:
        for block in item["blocks"]:
            block["nodes"] = by_id.get(block["id"], {}).get("nodes", [])
    return dict(bytes_per_node=resolved["bytes_per_node"], preferred_node=resolved["preferred_node"],
                unresolved_hosts=resolved["unresolved_hosts"])


def run(module):
    params = module.params
    path = validate_alluxio_path(params["path"], "path")
    client = client_from_module(module)
    try:
        is_dir, files = client.tree(path)
    except AlluxioNotFoundError:
        return dict(exists=False)
    length = sum(f["length"] for f in files)
    cached = sum(f["length"] * f["in_alluxio_percentage"] for f in files)
    result = dict(
        exists=True,
        is_dir=is_dir,
        length=length,
        in_alluxio_percentage=(cached // length) if length else 100,
        files=files,
        bytes_per_host=bytes_per_host(files),
    )
    if params["resolve_nodes"]:
        result.update(resolve(module, files))
    return result


def main():
    module = AnsibleModule(
        argument_spec=transport_argument_spec(
            path=dict(type="str", required=True),
            resolve_nodes=dict(type="bool", default=False),
            node_address_types=dict(type="list", elements="str", default=["InternalIP", "Hostname", "ExternalIP"]),
            worker_pod_selector=dict(type="str"),
            worker_pod_namespace=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    run_module(module, run, read_only=True)


if __name__ == "__main__":
    main()
