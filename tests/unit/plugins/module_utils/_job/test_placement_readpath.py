# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.placement import (
    PlacementError,
    data_and_other_node,
    preferred_affinity,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.readpath import human_bytes, verdict


def _terms(affinity):
    return affinity["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]


def test_affinity_weights_follow_the_bytes_and_skip_empty_nodes():
    terms = _terms(preferred_affinity({"n1": 1000, "n2": 3000, "n3": 0, "n4": 10}))
    assert [(t["weight"], t["preference"]["matchFields"][0]["values"]) for t in terms] == [
        (100, ["n2"]), (33, ["n1"]), (1, ["n4"])]
    assert terms[0]["preference"]["matchFields"][0]["key"] == "metadata.name"


def test_affinity_without_data_is_refused():
    with pytest.raises(PlacementError, match="no node holds a byte"):
        preferred_affinity({"n1": 0})


def test_data_node_holds_most_and_other_node_least():
    nodes = data_and_other_node({"n1": 5, "n2": 9, "n3": 9}, ["n1", "n2", "n3", "n4"])
    assert nodes == {"data": "n2", "data_bytes": 9, "other": "n4", "other_bytes": 0}


def test_other_node_when_every_node_holds_some():
    assert data_and_other_node({"a": 3, "b": 1, "c": 2}, ["a", "b", "c"])["other"] == "b"


def test_no_other_node_on_a_one_node_cluster():
    assert data_and_other_node({"a": 3}, ["a"])["other"] is None


def test_uncached_data_has_no_data_node():
    with pytest.raises(PlacementError, match="cached"):
        data_and_other_node({"a": 0}, ["a", "b"])


@pytest.mark.parametrize("paths, expected", [
    ({"domain_socket": 100, "network": 0}, "local"),
    ({"short_circuit_local": 100}, "local"),
    ({"network": 100}, "network"),
    ({"domain_socket": 25, "network": 75}, "mixed"),
    ({}, "none"),
])
def test_verdict_path(paths, expected):
    assert verdict(paths)["path"] == expected


def test_verdict_line_names_every_path_and_the_local_share():
    result = verdict({"domain_socket": 1024 * 1024, "network": 3 * 1024 * 1024, "ufs": 10})
    assert result["line"] == ("mixed (25% local): 1.0 MiB over the domain socket, 0 B short-circuit file, 3.0 MiB over "
                              "the network, 10 B from the UFS")
    assert (result["local_bytes"], result["network_bytes"], result["served_bytes"]) == (1048576, 3145728, 4194304)


def test_human_bytes():
    assert [human_bytes(n) for n in (0, 1023, 1024, 11358, 5 * 1024 ** 3)] == ["0 B", "1023 B", "1.0 KiB", "11.1 KiB",
                                                                               "5.0 GiB"]


def test_experiment_cells_are_the_two_by_two_matrix_with_unique_dns_names():
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.placement import experiment_cells

    cells = experiment_cells([{"name": "LICENSE"}, {"name": "Big file (300 MiB) " + "x" * 80}])
    assert [(c["input"]["name"][:7], c["short_circuit"], c["node"]) for c in cells[:4]] == [
        ("LICENSE", False, "data"), ("LICENSE", False, "other"), ("LICENSE", True, "data"), ("LICENSE", True, "other")]
    assert cells[0]["app"] == "wc-license-sc-off-data"
    assert all(len(c["app"]) <= 52 and c["app"].endswith(("-data", "-other")) for c in cells)
    assert len({c["app"] for c in cells}) == 8
    assert cells[4]["app"].startswith("wc-big-file-300-mib-x")


def test_experiment_cells_refuse_inputs_that_collide():
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.placement import experiment_cells

    with pytest.raises(PlacementError, match="same application name"):
        experiment_cells([{"name": "a b"}, {"name": "a-b"}])


def test_pod_templates_name_sparks_containers_and_carry_affinity_and_groups():
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.placement import pod_templates

    assert pod_templates() == {"driver": {}, "executor": {}}
    assert pod_templates(None, []) == {"driver": {}, "executor": {}}
    affinity = preferred_affinity({"n1": 10})
    both = pod_templates(affinity, ["1000"])
    assert both["driver"]["template"]["spec"] == {
        "affinity": affinity, "securityContext": {"supplementalGroups": [1000]},
        "containers": [{"name": "spark-kubernetes-driver"}]}
    assert both["executor"]["template"]["spec"]["containers"] == [{"name": "spark-kubernetes-executor"}]


def test_a_reading_below_the_input_length_is_incomplete():
    # One of the word count's two splits counted, the other not yet: 5781 of the 11562-byte input.
    partial = verdict({"domain_socket": 5781}, 11562)
    assert partial["path"] == "local" and not partial["complete"]
    assert "INCOMPLETE: the counters show 5.6 KiB of the input's 11.3 KiB" in partial["line"]
    whole = verdict({"domain_socket": 17343}, 11562)
    assert whole["complete"] and "INCOMPLETE" not in whole["line"]
    assert verdict({}, 0)["complete"]
