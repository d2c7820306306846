# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.nodes import (
    NodeResolutionError,
    bytes_per_host,
    fetch_nodes_and_pods,
    host_to_node_map,
    normalize_host,
    resolve_blocks,
)

try:
    from kubernetes.client import ApiClient, V1Node, V1NodeAddress, V1NodeList, V1NodeStatus, V1ObjectMeta
    from kubernetes.client.exceptions import ApiException
    HAS_KUBERNETES = True
except ImportError:
    HAS_KUBERNETES = False

MB = 1024 * 1024


def node(name, internal_ip, hostname=None, external_ip=None):
    addresses = [{"type": "InternalIP", "address": internal_ip}, {"type": "Hostname", "address": hostname or name}]
    if external_ip:
        addresses.append({"type": "ExternalIP", "address": external_ip})
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "status": {"addresses": addresses, "conditions": [{"type": "Ready", "status": "True"}]},
    }


def pod(name, node_name, pod_ip, host_ip, phase="Running"):
    return {
        "metadata": {"name": name, "namespace": "alluxio", "labels": {"app": "alluxio", "role": "alluxio-worker"}},
        "spec": {"nodeName": node_name, "containers": [{"name": "alluxio-worker"}]},
        "status": {"phase": phase, "podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "hostIP": host_ip,
                   "hostIPs": [{"ip": host_ip}]},
    }


NODES = [
    node("worker-1", "172.30.0.11", "Worker-1.lab.local"),
    node("worker-2", "172.30.0.12", "worker-2.lab.local"),
    node("worker-3", "172.30.0.13", "worker-3.lab.local"),
]
PODS = [
    pod("alluxio-worker-7x2kq", "worker-1", "10.244.1.5", "172.30.0.11"),
    pod("alluxio-worker-b9d4m", "worker-2", "10.244.2.7", "172.30.0.12"),
    pod("alluxio-worker-qq81z", "worker-3", "10.244.3.9", "172.30.0.13"),
]


def block(block_id, length, *hosts):
    locations = []
    for host in hosts:
        if isinstance(host, tuple):
            locations.append({"host": host[0], "container_host": host[1]})
        else:
            locations.append({"host": host, "container_host": ""})
    return {"id": block_id, "length": length, "locations": locations}


def test_map_covers_node_names_addresses_and_pod_ips():
    mapping = host_to_node_map(NODES, PODS)
    assert mapping["172.30.0.11"] == "worker-1"
    assert mapping["worker-1.lab.local"] == "worker-1"  # Hostname, lower-cased
    assert mapping["worker-2"] == "worker-2"  # node name
    assert mapping["10.244.3.9"] == "worker-3"  # pod IP on the pod network
    assert len(mapping) == 12


def test_map_without_pods_has_no_pod_ips():
    assert "10.244.1.5" not in host_to_node_map(NODES)


def test_map_skips_ended_pods_whose_ip_was_reused():
    pods = PODS + [pod("old-job", "worker-3", "10.244.1.5", "172.30.0.13", phase="Succeeded")]
    assert host_to_node_map(NODES, pods)["10.244.1.5"] == "worker-1"


def test_same_address_on_two_nodes_is_ambiguous():
    nodes = NODES + [node("worker-4", "172.30.0.12")]
    with pytest.raises(NodeResolutionError) as err:
        host_to_node_map(nodes)
    assert "172.30.0.12" in str(err.value)
    assert "worker-2" in str(err.value) and "worker-4" in str(err.value)


def test_same_pod_ip_on_two_nodes_is_ambiguous():
    pods = PODS + [pod("other", "worker-3", "10.244.1.5", "172.30.0.13")]
    with pytest.raises(NodeResolutionError, match="worker-1.*worker-3"):
        host_to_node_map(NODES, pods)


def test_earlier_address_type_wins():
    # worker-2's ExternalIP is (wrongly) worker-1's InternalIP: the InternalIP is the stronger claim.
    nodes = [node("worker-1", "172.30.0.11"), node("worker-2", "172.30.0.12", external_ip="172.30.0.11")]
    assert host_to_node_map(nodes)["172.30.0.11"] == "worker-1"
    assert host_to_node_map(nodes, address_types=("ExternalIP", "InternalIP"))["172.30.0.11"] == "worker-2"


def test_address_types_filter():
    nodes = [node("worker-1", "172.30.0.11", external_ip="203.0.113.7")]
    assert "203.0.113.7" not in host_to_node_map(nodes, address_types=("InternalIP",))
    assert host_to_node_map(nodes)["203.0.113.7"] == "worker-1"


def test_normalize_host():
    assert normalize_host("Worker-1.Lab.Local.") == "worker-1.lab.local"
    assert normalize_host("0:0:0:0:0:0:0:1") == "::1"
    assert normalize_host("[FE80::1]") == "fe80::1"
    assert normalize_host(None) == ""


def test_resolve_exact_sums_per_node_and_host():
    mapping = host_to_node_map(NODES, PODS)
    blocks = [
        block(16777216, 64 * MB, "172.30.0.11"),
        block(16777217, 64 * MB, "172.30.0.11"),
        block(16777218, 5 * MB + 3, "172.30.0.12"),
    ]
    result = resolve_blocks(blocks, mapping)
    assert result["bytes_per_node"] == {"worker-1": 128 * MB, "worker-2": 5 * MB + 3}
    assert bytes_per_host(blocks) == {"172.30.0.11": 128 * MB, "172.30.0.12": 5 * MB + 3}
    assert [b["nodes"] for b in result["blocks"]] == [["worker-1"], ["worker-1"], ["worker-2"]]
    assert result["blocks"][2]["id"] == 16777218 and result["blocks"][2]["length"] == 5 * MB + 3
    assert result["unresolved_hosts"] == []
    assert result["preferred_node"] == "worker-1"


def test_resolve_replicas_count_for_every_node_once():
    mapping = host_to_node_map(NODES, PODS)
    blocks = [
        block(1, 100, "172.30.0.11", "WORKER-2.lab.local"),
        block(2, 50, "172.30.0.13", "worker-3"),  # two names of one node: counts once
    ]
    result = resolve_blocks(blocks, mapping)
    assert result["bytes_per_node"] == {"worker-1": 100, "worker-2": 100, "worker-3": 50}
    assert result["blocks"][0]["nodes"] == ["worker-1", "worker-2"]
    assert result["blocks"][1]["nodes"] == ["worker-3"]


def test_resolve_falls_back_to_container_host():
    mapping = host_to_node_map(NODES, PODS)
    blocks = [block(1, 10, ("alluxio-worker-7x2kq", "10.244.1.5")), block(2, 20, ("", "10.244.2.7"))]
    result = resolve_blocks(blocks, mapping)
    assert result["bytes_per_node"] == {"worker-1": 10, "worker-2": 20}
    assert bytes_per_host(blocks) == {"alluxio-worker-7x2kq": 10, "10.244.2.7": 20}
    assert result["unresolved_hosts"] == []
    assert result["preferred_node"] == "worker-2"


def test_resolve_ties_go_to_smallest_node_name():
    mapping = host_to_node_map(NODES)
    blocks = [block(1, 7, "172.30.0.13"), block(2, 7, "172.30.0.12")]
    assert resolve_blocks(blocks, mapping)["preferred_node"] == "worker-2"
    assert resolve_blocks(list(reversed(blocks)), mapping)["preferred_node"] == "worker-2"


def test_resolve_unresolved_hosts_and_blocks_without_location():
    mapping = host_to_node_map(NODES)
    blocks = [block(1, 10, "10.99.0.1"), block(2, 20), block(3, 30, "10.99.0.1", "172.30.0.11"),
              block(4, 40, ("gone-worker", "10.99.0.2"))]
    result = resolve_blocks(blocks, mapping)
    assert result["bytes_per_node"] == {"worker-1": 30}
    assert bytes_per_host(blocks) == {"10.99.0.1": 40, "172.30.0.11": 30, "gone-worker": 40}
    assert result["unresolved_hosts"] == ["10.99.0.1", "gone-worker"]
    assert result["blocks"][1]["nodes"] == [] and result["blocks"][1]["locations"] == []
    assert result["preferred_node"] == "worker-1"


def test_resolve_empty():
    assert resolve_blocks([], host_to_node_map([])) == {
        "bytes_per_node": {}, "blocks": [], "unresolved_hosts": [], "preferred_node": None}
    assert resolve_blocks([block(1, 5, "172.30.0.11")], {})["preferred_node"] is None


class FakeCoreV1:
    """Answers list calls with kubernetes model objects, or raises what it was given."""

    def __init__(self, nodes=(), error=None):
        self.api_client = ApiClient()
        self.api_client.configuration.host = "https://127.0.0.1:6443"
        self.nodes = list(nodes)
        self.error = error
        self.calls = []

    def list_node(self, **kwargs):
        self.calls.append(("list_node", kwargs))
        if self.error:
            raise self.error
        return V1NodeList(items=self.nodes, metadata={})

    def list_namespaced_pod(self, namespace, **kwargs):
        self.calls.append(("list_namespaced_pod", dict(kwargs, namespace=namespace)))
        return {"items": PODS[:1], "metadata": {}}


@pytest.mark.skipif(not HAS_KUBERNETES, reason="kubernetes client not installed")
def test_fetch_returns_plain_dicts():
    model = V1Node(metadata=V1ObjectMeta(name="worker-1"),
                   status=V1NodeStatus(addresses=[V1NodeAddress(type="InternalIP", address="172.30.0.11")]))
    api = FakeCoreV1([model])
    nodes, pods = fetch_nodes_and_pods(api, "alluxio", "app=alluxio")
    assert nodes == [{"metadata": {"name": "worker-1"},
                      "status": {"addresses": [{"type": "InternalIP", "address": "172.30.0.11"}]}}]
    assert pods == PODS[:1]
    assert api.calls[1] == ("list_namespaced_pod", {"namespace": "alluxio", "label_selector": "app=alluxio", "limit": 500})
    assert host_to_node_map(nodes, pods)["10.244.1.5"] == "worker-1"
    assert fetch_nodes_and_pods(FakeCoreV1())[1] == []


@pytest.mark.skipif(not HAS_KUBERNETES, reason="kubernetes client not installed")
def test_fetch_forbidden_names_the_rbac_permission():
    with pytest.raises(NodeResolutionError, match=r"verb 'list' on nodes \(a ClusterRole"):
        fetch_nodes_and_pods(FakeCoreV1(error=ApiException(status=403, reason="Forbidden")))


@pytest.mark.skipif(not HAS_KUBERNETES, reason="kubernetes client not installed")
def test_fetch_unreachable_names_the_server():
    with pytest.raises(NodeResolutionError, match=r"https://127.0.0.1:6443 was unreachable"):
        fetch_nodes_and_pods(FakeCoreV1(error=ConnectionRefusedError(111, "Connection refused")))
