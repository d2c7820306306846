# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the blocks of an Alluxio path live: per worker host, and per Kubernetes node (alluxio_file_info)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioNotFoundError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s import nodes


def describe(client: Any, path: str) -> Dict[str, Any]:
    """``exists``, and for an existing path ``is_dir``, ``length``, ``in_alluxio_percentage`` (byte-weighted),
    ``files`` and ``bytes_per_host``, from one round trip to Alluxio."""
    try:
        is_dir, files = client.tree(path)
    except AlluxioNotFoundError:
        return dict(exists=False)
    length = sum(f["length"] for f in files)
    cached = sum(f["length"] * f["in_alluxio_percentage"] for f in files)
    return dict(
        exists=True,
        is_dir=is_dir,
        length=length,
        in_alluxio_percentage=(cached // length) if length else 100,
        files=files,
        bytes_per_host=nodes.bytes_per_host(block for item in files for block in item["blocks"]),
    )


def resolve(core_v1_api: Any, files: List[Dict[str, Any]], pod_namespace: Optional[str],
            pod_selector: Optional[str], address_types: Sequence[str]) -> Dict[str, Any]:
    """Map the worker hosts of ``files`` to node names (adding ``nodes`` to each block); return ``bytes_per_node``,
    ``preferred_node`` and ``unresolved_hosts``."""
    node_list, pods = nodes.fetch_nodes_and_pods(core_v1_api, pod_namespace, pod_selector)
    mapping = nodes.host_to_node_map(node_list, pods, address_types)
    resolved = nodes.resolve_blocks([block for item in files for block in item["blocks"]], mapping)
    by_id = dict((block["id"], block) for block in resolved["blocks"])
    for item in files:
        for block in item["blocks"]:
            block["nodes"] = by_id.get(block["id"], {}).get("nodes", [])
    return dict(bytes_per_node=resolved["bytes_per_node"], preferred_node=resolved["preferred_node"],
                unresolved_hosts=resolved["unresolved_hosts"])
