# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which Kubernetes node holds an Alluxio block: worker hosts mapped to node names, bytes summed per node.

Alluxio reports a block location as the worker's ``host`` (what ``alluxio.worker.hostname`` says: a node IP, a node
hostname or a pod IP) and ``container_host`` (the pod IP when the worker runs on the pod network). Everything here is
a pure function of Node and Pod objects as plain dicts, except :func:`fetch_nodes_and_pods`, which lists them.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import api_host
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.errors import MISSING_KUBERNETES_MSG, K8sError

try:
    from kubernetes.client.exceptions import ApiException
except ImportError as exc:  # reported by fetch_nodes_and_pods; the pure functions do not need the package
    ApiException = None
    KUBERNETES_IMPORT_ERROR = exc
else:
    KUBERNETES_IMPORT_ERROR = None

DEFAULT_ADDRESS_TYPES = ("InternalIP", "Hostname", "ExternalIP")

# Pods that ended gave their IP back; another pod on another node may have it now.
_ENDED_POD_PHASES = ("Succeeded", "Failed")
_PAGE_SIZE = 500


class NodeResolutionError(K8sError):
    """Hosts cannot be mapped to nodes unambiguously, or nodes/pods could not be listed."""


def normalize_host(host: Optional[str]) -> str:
    """The lookup key of a host: an IP in its canonical form, a hostname lower-cased without a trailing dot.

    Hostnames compare case-insensitively (DNS does); IPs compare exactly, after parsing, so ``::1`` equals
    ``0:0:0:0:0:0:0:1``. Returns ``""`` for an empty or missing host.
    """
    host = (host or "").strip()
    if not host:
        return ""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return host.rstrip(".").lower()


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _pod_addresses(pod: Dict[str, Any]) -> List[str]:
    status = pod.get("status") or {}
    ips = [status.get("podIP")] + [item.get("ip") for item in status.get("podIPs") or [] if isinstance(item, dict)]
    ips += [status.get("hostIP")] + [item.get("ip") for item in status.get("hostIPs") or [] if isinstance(item, dict)]
    return [ip for ip in ips if ip]


def host_to_node_map(nodes: Iterable[Dict[str, Any]], pods: Iterable[Dict[str, Any]] = (),
                     address_types: Sequence[str] = DEFAULT_ADDRESS_TYPES) -> Dict[str, str]:
    """Map every name and address a worker may report to the node it belongs to: ``{normalized host: node name}``.

    Sources, strongest first: node names (unique by the API's guarantee), node addresses of ``address_types`` in
    the given order, then the IPs of ``pods`` that run (pod IPs and host IPs) on a node. When two nodes claim one key
    from sources of different strength, the stronger wins (e.g. an InternalIP over another node's ExternalIP); when
    they claim it from sources of the same strength, nobody can tell which node the worker is on, and
    :class:`NodeResolutionError` names both. Keys are :func:`normalize_host` forms; look hosts up through it.
    """
    claims = {}  # key -> (rank, node name, source)

    def claim(key, rank, node, source):
        key = normalize_host(key)
        if not key or not node:
            return
        held = claims.get(key)
        if held is None or rank < held[0]:
            claims[key] = (rank, node, source)
        elif rank == held[0] and held[1] != node:
            raise NodeResolutionError(
                "address %s is claimed by two nodes: %s (%s) and %s (%s), so a worker reporting it cannot be placed; "
                "choose other address_types or make the workers report unique addresses"
                % (key, held[1], held[2], node, source))

    for node in nodes or ():
        name = _get(node, "metadata", "name")
        claim(name, 0, name, "node name")
        for address in _get(node, "status", "addresses") or ():
            kind = address.get("type")
            if kind in address_types:
                claim(address.get("address"), 1 + list(address_types).index(kind), name, kind)

    pod_rank = 1 + len(address_types)
    for pod in pods or ():
        if _get(pod, "status", "phase") in _ENDED_POD_PHASES:
            continue
        node = _get(pod, "spec", "nodeName")
        source = "pod %s/%s" % (_get(pod, "metadata", "namespace") or "", _get(pod, "metadata", "name") or "")
        for ip in _pod_addresses(pod):
            claim(ip, pod_rank, node, source)

    return dict((key, held[1]) for key, held in claims.items())


def _location_host(location: Dict[str, Any]) -> str:
    return location.get("host") or location.get("container_host") or ""


def bytes_per_host(blocks: Iterable[Dict[str, Any]]) -> Dict[str, int]:
    """Bytes held by each reported worker host (``host``, else ``container_host``): a block counts fully once for every
    host that holds a replica of it."""
    totals: Dict[str, int] = {}
    for block in blocks or ():
        length = int(block.get("length") or 0)
        for host in {_location_host(location) for location in block.get("locations") or ()} - {""}:
            totals[host] = totals.get(host, 0) + length
    return totals


def resolve_blocks(blocks: Iterable[Dict[str, Any]], mapping: Dict[str, str]) -> Dict[str, Any]:
    """Place each block on the nodes that hold a replica and sum the bytes per node and per reported host.

    ``blocks``: ``[{"id": int, "length": int, "locations": [{"host": str, "container_host": str}]}]``;
    ``mapping``: the result of :func:`host_to_node_map`. A location resolves by ``host``, else by
    ``container_host``. A block counts fully for every node that holds it (replicas), once per node. Returns
    ``bytes_per_node``, ``blocks`` (each a copy with ``nodes``, sorted), ``unresolved_hosts``
    (sorted, as reported) and ``preferred_node``: most bytes, ties to the smallest name, ``None`` when no block
    resolved.
    """
    bytes_per_node: Dict[str, int] = {}
    unresolved = set()
    resolved_blocks = []
    for block in blocks or ():
        length = int(block.get("length") or 0)
        block_nodes = set()
        for location in block.get("locations") or ():
            host = _location_host(location)
            node = None
            for candidate in (location.get("host"), location.get("container_host")):
                node = mapping.get(normalize_host(candidate))
                if node:
                    break
            if node:
                block_nodes.add(node)
            elif host:
                unresolved.add(host)
        for node in block_nodes:
            bytes_per_node[node] = bytes_per_node.get(node, 0) + length
        resolved = dict(block)
        resolved["nodes"] = sorted(block_nodes)
        resolved_blocks.append(resolved)

    preferred = None
    if bytes_per_node:
        preferred = min(bytes_per_node, key=lambda name: (-bytes_per_node[name], name))
    return {
        "bytes_per_node": bytes_per_node,
        "blocks": resolved_blocks,
        "unresolved_hosts": sorted(unresolved),
        "preferred_node": preferred,
    }


def _list_all(core_v1_api: Any, method: Callable[..., Any], what: str, **kwargs: Any) -> List[Dict[str, Any]]:
    items = []
    token = None
    while True:
        if token:
            kwargs["_continue"] = token
        try:
            page = method(limit=_PAGE_SIZE, **kwargs)
        except ApiException as exc:
            raise NodeResolutionError(_api_error_message(exc, what, api_host(core_v1_api)))
        except Exception as exc:  # urllib3 MaxRetryError, socket and TLS errors: the server was not reached
            raise NodeResolutionError("cannot list %s: the Kubernetes API server at %s was unreachable (%s); check host, "
                                      "kubeconfig and context" % (what, api_host(core_v1_api), exc))
        data = core_v1_api.api_client.sanitize_for_serialization(page)
        items.extend(data.get("items") or [])
        token = _get(data, "metadata", "continue")
        if not token:
            return items


def _api_error_message(exc: Any, what: str, host: str) -> str:
    status = getattr(exc, "status", None)
    if status == 403:
        return ("cannot list %s: forbidden (HTTP 403) by %s; the credentials need RBAC verb 'list' on %s (%s)"
                % (what, host, what, "a ClusterRole: nodes are cluster-scoped" if what == "nodes" else "a Role or ClusterRole"))
    if status == 401:
        return "cannot list %s: unauthorized (HTTP 401) by %s; the token or client certificate was refused" % (what, host)
    if not status:
        return "cannot list %s: the Kubernetes API server at %s was unreachable (%s)" % (what, host, getattr(exc, "reason", exc))
    return "cannot list %s from %s: HTTP %s %s" % (what, host, status, (getattr(exc, "body", None) or getattr(exc, "reason", ""))[:500])


def fetch_nodes_and_pods(core_v1_api: Any, pod_namespace: Optional[str] = None,
                         pod_label_selector: Optional[str] = None) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """List all nodes, and the pods matching ``pod_label_selector`` (in ``pod_namespace``, or all namespaces).

    Returns ``(nodes, pods)`` as lists of plain dicts (camelCase keys, as ``kubectl get -o json``); ``pods`` is
    ``[]`` when no selector is given. Raises :class:`NodeResolutionError` with the missing RBAC permission or the
    unreachable server named.
    """
    if KUBERNETES_IMPORT_ERROR is not None:
        raise NodeResolutionError("%s (import error: %s)" % (MISSING_KUBERNETES_MSG, KUBERNETES_IMPORT_ERROR))
    nodes = _list_all(core_v1_api, core_v1_api.list_node, "nodes")
    pods = []
    if pod_label_selector:
        if pod_namespace:
            pods = _list_all(core_v1_api, core_v1_api.list_namespaced_pod, "pods in namespace %s" % pod_namespace,
                             namespace=pod_namespace, label_selector=pod_label_selector)
        else:
            pods = _list_all(core_v1_api, core_v1_api.list_pod_for_all_namespaces, "pods in all namespaces",
                             label_selector=pod_label_selector)
    return nodes, pods
