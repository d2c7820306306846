# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers against outputs captured from a real Alluxio 2.9.6 by tests/unit/fixtures/capture.sh.

The whitespace-collapsed and pre-2.5 variants are derived here from the captured text by one stated rule each
(collapse runs of spaces; rename the 2.5+ metric to its old name), so no fixture is ever typed by hand.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import parsers
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioParseError,
    AlluxioProtocolError,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "alluxio-2.9.6")
WORKERS = {"172.31.250.11", "172.31.250.12", "172.31.250.13"}


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".out")) as handle:
        return handle.read()


def rc(name):
    with open(os.path.join(FIXTURES, name + ".rc")) as handle:
        return int(handle.read().strip())


def collapsed(text):
    return re.sub(r"[ \t]+", " ", text)


@pytest.fixture(params=["aligned", "collapsed"])
def variant(request):
    return (lambda text: text) if request.param == "aligned" else collapsed


def test_stat_file_blocks_and_hosts(variant):
    status = parsers.parse_stat(variant(fixture("stat-file")))
    assert len(status) == 1
    info = status[0]
    assert info["path"] == "/fixtures/multi.bin" and not info["is_dir"]
    assert info["length"] == 4194427 and info["block_size"] == 1048576
    assert info["block_ids"] == [b["id"] for b in info["blocks"]] and len(info["blocks"]) == 5
    assert sum(b["length"] for b in info["blocks"]) == info["length"]
    assert [b["offset"] for b in info["blocks"]] == [i * 1048576 for i in range(5)]
    hosts = [loc["host"] for b in info["blocks"] for loc in b["locations"]]
    assert set(hosts) <= WORKERS and len(set(hosts)) >= 2
    assert info["in_alluxio_percentage"] == 100 and info["completed"] and info["persisted"]


def test_stat_agrees_with_location_and_proxy():
    stat = parsers.parse_stat(fixture("stat-file"))[0]
    # `fs location` prints "<path> with file id N is on nodes:" and then a host per block replica.
    head, *hosts = [line.strip() for line in fixture("location").splitlines() if line.strip()]
    proxy = parsers.normalize_file_info(json.loads(fixture("proxy-get-status-file")))
    assert head.startswith(stat["path"] + " with file id ")
    assert hosts == [loc["host"] for b in stat["blocks"] for loc in b["locations"]]
    for key in ("path", "length", "block_size", "block_ids", "is_dir", "in_alluxio_percentage"):
        assert proxy[key] == stat[key], key
    assert [[loc["host"] for loc in b["locations"]] for b in proxy["blocks"]] == \
        [[loc["host"] for loc in b["locations"]] for b in stat["blocks"]]


def test_stat_directory_empty_file_and_after_free():
    directory = parsers.parse_stat(fixture("stat-dir"))[0]
    assert directory["is_dir"] and directory["blocks"] == []
    empty = parsers.parse_stat(fixture("stat-empty-file"))[0]
    assert empty["length"] == 0 and empty["blocks"] == [] and not empty["is_dir"]
    # Freed, then read back from the UFS by a client on aslab-node3: every block is cached on node3's worker now.
    reread = parsers.parse_stat(fixture("stat-file-after-free"))[0]
    assert reread["in_alluxio_percentage"] == 100
    assert {loc["host"] for b in reread["blocks"] for loc in b["locations"]} == {"172.31.250.13"}


def test_stat_one_node_file_lives_on_node1():
    info = parsers.parse_stat(fixture("stat-file-one-node"))[0]
    assert {loc["host"] for b in info["blocks"] for loc in b["locations"]} == {"172.31.250.11"}


def test_missing_path_is_an_error_text_not_a_status():
    assert rc("stat-missing") != 0
    with pytest.raises(AlluxioParseError):
        parsers.parse_stat(fixture("stat-missing"))
    assert "does not exist" in fixture("stat-missing")


def test_ls_recursive(variant):
    entries = parsers.parse_ls(variant(fixture("ls-R")))
    by_path = dict((e["path"], e) for e in entries)
    assert by_path["/fixtures/dir"]["is_dir"] and by_path["/fixtures/dir/sub"]["is_dir"]
    assert by_path["/fixtures/multi.bin"]["length"] == 4194427
    assert by_path["/fixtures/dir/sub/c.txt"]["in_alluxio_percentage"] == 100
    assert [e["path"] for e in entries if not e["is_dir"]] == [
        "/fixtures/dir/a.txt", "/fixtures/dir/b.txt", "/fixtures/dir/empty", "/fixtures/dir/sub/c.txt",
        "/fixtures/multi.bin", "/fixtures/on-node1.bin"]


def test_proxy_list_status_matches_ls():
    listed = [parsers.normalize_file_info(e) for e in json.loads(fixture("proxy-list-status-fixtures"))]
    ls_entries = parsers.parse_ls(fixture("ls-R"))
    ls_lengths = dict((e["path"], e["length"]) for e in ls_entries if not e["is_dir"])
    for item in listed:
        if not item["is_dir"] and item["path"] in ls_lengths:
            assert ls_lengths[item["path"]] == item["length"]


def test_capacity(variant):
    report = parsers.parse_capacity(variant(fixture("report-capacity")))
    workers = report["workers"]
    assert report["capacity_bytes"] == sum(w["capacity_bytes"] for w in workers) == 3 * 256 * 1024 * 1024
    assert report["tiers"]["MEM"]["capacity_bytes"] == report["capacity_bytes"]
    assert {w["name"] for w in workers} == WORKERS
    assert all(w["capacity_bytes"] == 256 * 1024 * 1024 for w in workers)
    assert all(w["tiers"]["MEM"]["capacity_bytes"] == 256 * 1024 * 1024 for w in workers)
    assert all(w["version"] == "2.9.6" and w["reported_state"] == "ACTIVE" for w in workers)
    assert all(w["state"] == "LIVE" for w in workers)
    assert all(isinstance(w["last_heartbeat"], int) for w in workers)
    assert sum(w["used_bytes"] for w in workers) > 0


def test_metrics_text(variant):
    metrics = parsers.parse_metrics(variant(fixture("report-metrics")))
    assert metrics["Cluster.BytesReadDomain"]["type"] == "COUNTER"
    assert metrics["Cluster.BytesReadDomain"]["exact"] is False
    assert metrics["Cluster.CapacityTotal"] == {"type": "GAUGE", "value": 805306368, "exact": True}
    assert metrics["Cluster.BytesReadDirect"] == {"type": "COUNTER", "value": 0, "exact": True}


def test_metrics_text_close_to_the_exact_json():
    text = parsers.parse_metrics(fixture("report-metrics"))
    exact = parsers.counters_from_json(json.loads(fixture("master-info-after-ufs")))
    for name in ("Cluster.BytesReadDomain", "Cluster.BytesReadRemote", "Cluster.BytesReadLocal"):
        # Rounded to two decimals of KB or MB by the CLI: within 0.5 % of the true counter.
        assert abs(text[name]["value"] - exact[name]) <= max(1, exact[name] // 200), name


def test_pre_2_5_metric_name_maps_to_the_current_one():
    old_text = fixture("report-metrics").replace("Cluster.BytesReadRemote", "Cluster.BytesReadAlluxio")
    metrics = parsers.parse_metrics(old_text)
    assert "Cluster.BytesReadAlluxio" not in metrics
    assert metrics["Cluster.BytesReadRemote"] == parsers.parse_metrics(fixture("report-metrics"))["Cluster.BytesReadRemote"]
    old_json = json.loads(fixture("master-info-after-remote").replace('"Cluster.BytesReadRemote"', '"Cluster.BytesReadAlluxio"'))
    assert parsers.read_paths(parsers.counters_from_json(old_json))["network"] > 0


@pytest.mark.parametrize("capture, path", [
    ("master-info-after-domain", "domain_socket"),
    ("master-info-after-remote", "network"),
    ("master-info-after-local", "short_circuit_local"),
    ("master-info-after-ufs", "ufs"),
])
def test_each_read_capture_grew_its_path(capture, path):
    """The captures were taken in this order after clearing the counters; each read adds to its own path."""
    order = [None, "master-info-after-domain", "master-info-after-remote", "master-info-after-local",
             "master-info-after-ufs"]
    previous = order[order.index(capture) - 1]
    before = parsers.read_paths(parsers.counters_from_json(json.loads(fixture(previous))) if previous else {})
    after = parsers.read_paths(parsers.counters_from_json(json.loads(fixture(capture))))
    assert after[path] > before[path]


def test_metrics_servlet_json_and_master_info_agree():
    servlet = parsers.counters_from_json(json.loads(fixture("master-metrics-json")))
    assert all(isinstance(v, int) for v in servlet.values())
    assert "Cluster.BytesReadDomain" in servlet


def test_workers_from_master_info_are_exact():
    workers = parsers.workers_from_master_info(json.loads(fixture("master-info")))
    assert {w["host"] for w in workers} == WORKERS
    assert all(w["capacity_bytes"] == 268435456 for w in workers)
    assert all(w["tiers"]["MEM"]["capacity_bytes"] == 268435456 for w in workers)


@pytest.mark.parametrize("func", [parsers.parse_stat, parsers.parse_capacity, parsers.parse_metrics])
def test_foreign_text_is_rejected(func):
    with pytest.raises(AlluxioParseError):
        func("<html><body>It works!</body></html>\n")


def test_proxy_errors_are_told_apart_from_foreign_pages():
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.rest import _http_error
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
        AlluxioNotFoundError,
        AlluxioProtocolError,
    )

    missing = _http_error("POST", "http://proxy/api/v1/paths//x/get-status", rc("proxy-get-status-missing"),
                          fixture("proxy-get-status-missing"))
    assert isinstance(missing, AlluxioNotFoundError)
    foreign = _http_error("GET", "http://worker:30000/api/v1/master/info", 404,
                          "<html><title>Error 404 Not Found</title></html>")
    assert isinstance(foreign, AlluxioProtocolError) and "not an Alluxio error" in str(foreign)


def test_worker_counters_strip_prefix_and_host():
    counters = parsers.worker_counters(json.loads(fixture("worker-metrics-json-after-reads")), "172.31.250.11")
    assert counters["BytesReadDomain"] > 0
    assert all(isinstance(v, int) for v in counters.values())
    assert not any(name.startswith("Worker.") or name.endswith(".172.31.250.11") for name in counters)


def test_a_counter_has_one_name_on_every_transport():
    """The CLI prints UFS paths in names unescaped, the master's JSON escaped: both come out as the CLI prints them."""
    cli = parsers.counters_from_report(fixture("report-metrics"))
    servlet = parsers.counters_from_json(json.loads(fixture("master-metrics-json")))
    info = parsers.counters_from_json(json.loads(fixture("master-info")))
    assert '"Cluster.BytesReadPerUfs.UFS:%2F' in fixture("master-metrics-json")
    assert set(cli) == set(servlet)
    assert {name for name in info if name != "Master.FilesPinned"} <= set(cli)  # master info adds one gauge
    ufs = [name for name in cli if name.startswith("Cluster.BytesReadPerUfs.UFS:")]
    assert ufs == ["Cluster.BytesReadPerUfs.UFS:/opt/aslab-shared/alluxio/ufs"]


def test_cli_counters_are_integers_and_only_counters():
    parsed = parsers.parse_metrics(fixture("report-metrics"))
    assert parsed["Master.FileSize"]["type"] == "GAUGE" and not parsed["Master.FileSize"]["exact"]  # a histogram map
    counters = parsers.counters_from_report(fixture("report-metrics"))
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in counters.values())
    assert not any(parsed[name]["type"] != "COUNTER" for name in counters)
    assert "Master.FileSize" not in counters and "Cluster.BytesReadDomainThroughput" not in counters
    assert len(counters) == len([e for e in parsed.values() if e["type"] == "COUNTER"])


def test_a_counter_that_is_not_a_number_is_a_parse_error():
    text = fixture("report-metrics").replace("Cluster.BytesReadDirect  (Type: COUNTER, Value: 0B)",
                                             "Cluster.BytesReadDirect  (Type: COUNTER, Value: NaN-ish)")
    with pytest.raises(AlluxioParseError, match="counter Cluster.BytesReadDirect printed 'NaN-ish'"):
        parsers.counters_from_report(text)


def test_read_paths_count_local_reads_whichever_counter_moved():
    assert parsers.read_paths({"Cluster.BytesReadDomain": 5, "Cluster.BytesReadLocal": 7}) == {
        "domain_socket": 5, "short_circuit_local": 7, "local": 12, "network": 0, "ufs": 0}
    # A release without a counter, or a value that is not a number, counts as zero.
    assert parsers.read_paths({"Cluster.BytesReadRemote": "x"})["network"] == 0


@pytest.mark.parametrize("reported, state", [
    ("ACTIVE", "LIVE"), ("In Service", "LIVE"), ("", "LIVE"), (None, "LIVE"), ("LOST", "LOST"),
    ("Out of Service", "LOST"), ("DECOMMISSIONED", "DECOMMISSIONED"), ("Disabled", "DISABLED"),
])
def test_worker_state_has_one_vocabulary(reported, state):
    assert parsers.worker_state(reported) == state


def test_capacity_report_without_a_state_column_means_live():
    # Releases before the State column print the same table without it: derived here by removing that column
    # (the header word and each worker's value) from the captured 2.9.6 report.
    text = re.sub(r"State\s+", "", fixture("report-capacity"))
    text = re.sub(r"^(\d+\.\d+\.\d+\.\d+\s+)ACTIVE\s+", r"\1", text, flags=re.MULTILINE)
    workers = parsers.parse_capacity(text)["workers"]
    assert {w["name"] for w in workers} == WORKERS
    assert all(w["state"] == "LIVE" and w["reported_state"] == "" for w in workers)
    assert all(w["capacity_bytes"] == 256 * 1024 * 1024 for w in workers)


def test_rest_and_cli_workers_agree():
    rest = parsers.workers_from_master_info(json.loads(fixture("master-info")))
    cli = parsers.parse_capacity(fixture("report-capacity"))["workers"]
    assert sorted((w["name"], w["state"], w["capacity_bytes"]) for w in rest) == \
        sorted((w["name"], w["state"], w["capacity_bytes"]) for w in cli)


@pytest.mark.parametrize("change, field", [
    (lambda d: d.update(workers="x"), "master info field 'workers' is a str"),
    (lambda d: d["workers"][0].update(address="x"), "master info field 'workers[0]'.address is a str"),
    (lambda d: d["workers"][0].update(capacityBytes="lots"), "master info field 'workers[0]'.capacityBytes is 'lots'"),
    (lambda d: d["workers"][1].update(capacityBytesOnTiers=["MEM"]),
     "master info field 'workers[1]'.capacityBytesOnTiers is a list"),
    (lambda d: d.update(lostWorkers=[7]), "master info field 'lostWorkers[0]' is a int"),
])
def test_malformed_master_info_is_a_protocol_error_naming_the_field(change, field):
    document = json.loads(fixture("master-info"))
    change(document)
    with pytest.raises(AlluxioProtocolError) as err:
        parsers.workers_from_master_info(document)
    assert field in str(err.value)


def test_malformed_file_status_names_the_field():
    status = json.loads(fixture("proxy-get-status-file"))
    status["fileBlockInfos"][2]["blockInfo"]["length"] = "long"
    with pytest.raises(AlluxioProtocolError, match=r"fileBlockInfos\[2\].blockInfo.length is 'long'"):
        parsers.normalize_file_info(status)
