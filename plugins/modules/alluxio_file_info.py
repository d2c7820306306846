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
    proxy call), not one CLI call per file. Over the CLI transports that exec runs one C(alluxio fs stat) for the path
    and, for a directory, one per directory level (C(/d/*), C(/d/*/*)...), down to the deepest level that holds a
    directory (at most 128 levels).
  - With O(resolve_nodes=true), maps each worker host to a Kubernetes node (node addresses of the types in
    O(node_address_types), the node name, and the pod IPs of O(worker_pod_selector)) and returns the bytes held by
    each node and the RV(preferred_node), where a job should run to read locally.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
  - alluxio_spark.k8s.attributes.alluxio_group
  - alluxio_spark.k8s.attributes.INFO_MODULE
options:
  path:
    description:
      - Absolute Alluxio path of a file or directory.
      - The wildcard characters C(*), C(?) and C([) are refused on every transport (the C(alluxio) CLI would expand
        them).
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
  - Read-only; always returns RV(ignore:changed=false). A missing path is not an error, it returns RV(exists=false);
    a path counts as missing only when Alluxio says so (C(Path "/p" does not exist.), or C(NOT_FOUND) over REST), any
    other failure is an error.
  - Over V(k8s_proxy), reading a path needs an Alluxio REST proxy in O(alluxio_pod) (O(alluxio_proxy_port)).
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

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import placement
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.paths import validate_alluxio_path
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    client_from_module,
    transport_argument_spec,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module


def run(module):
    params = module.params
    path = validate_alluxio_path(params["path"], "path")
    result = placement.describe(client_from_module(module), path)
    if result["exists"] and params["resolve_nodes"]:
        from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import core_v1_from_module
        result.update(placement.resolve(core_v1_from_module(module), result["files"],
                                        params["worker_pod_namespace"] or params["alluxio_namespace"],
                                        params["worker_pod_selector"], params["node_address_types"]))
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
