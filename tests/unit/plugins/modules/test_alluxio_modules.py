# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four Alluxio modules end to end (argument spec, run(), fail_json), over the local and rest transports.

The ``alluxio`` command and the HTTP ports answer with what Alluxio 2.9.6 answered (replay.py); the modules run
their real code around them: the local transport's coreutils timeout, the stat-by-level script, urllib.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.modules import (
    alluxio_cluster_info,
    alluxio_file,
    alluxio_file_info,
    alluxio_metrics_info,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.module_harness import needs_patch_module_args, run_main
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._alluxio.replay import (
    ReplayCli,
    ReplayHttp,
)

pytestmark = needs_patch_module_args
UFS_COUNTER = "Cluster.BytesReadPerUfs.UFS:/opt/aslab-shared/alluxio/ufs"


def run(monkeypatch, module, args, check_mode=False):
    return run_main(monkeypatch, module.main, args, check_mode)


@pytest.fixture
def cli(tmp_path):
    return ReplayCli(tmp_path)


@pytest.fixture
def http():
    server = ReplayHttp()
    yield server
    server.close()


def local(cli, **args):
    return dict(args, alluxio_transport="local", alluxio_cli=[cli.path], alluxio_timeout=60)


def rest(http, **args):
    return dict(args, alluxio_transport="rest", alluxio_master_url=http.url, alluxio_proxy_url=http.url,
                alluxio_timeout=10)


# ---- alluxio_file ----------------------------------------------------------------------------------------------------

def test_file_refuses_wildcards_before_anything_runs(monkeypatch, cli):
    result = run(monkeypatch, alluxio_file, local(cli, dest="/data/*", state="absent", root="/data"))
    assert result["failed"] and "wildcard" in result["msg"] and "/data/*" in result["msg"]
    assert cli.calls == []


def test_file_absent_does_not_read_a_broken_cli_as_missing(monkeypatch, cli):
    cli.answer("fs stat /data/x", err="JAVA_HOME not found\n", rc=1)
    result = run(monkeypatch, alluxio_file, local(cli, dest="/data/x", state="absent"))
    assert result["failed"] and "JAVA_HOME not found" in result["msg"]
    assert [c[:2] for c in cli.calls] == [["fs", "stat"]]


def test_file_create_in_check_mode_only_reads(monkeypatch, cli, tmp_path):
    src = tmp_path / "input.txt"
    src.write_bytes(b"words\n")
    cli.answer("fs stat /fixtures/no-such-file", capture="stat-missing")
    cli.answer("fs ls /fixtures", capture="ls-after-free")
    args = local(cli, src=str(src), dest="/fixtures/no-such-file", _ansible_diff=True)
    result = run(monkeypatch, alluxio_file, args, check_mode=True)
    assert not result["failed"] and result["changed"] and result["action"] == "create"
    assert result["diff"] == {"before": "/fixtures/no-such-file: absent\n",
                              "after": "/fixtures/no-such-file: present (create)\n"}
    assert result["removed_stale"] == []
    assert [c[1] for c in cli.calls] == ["stat", "ls"]


def test_file_absent_removes_an_existing_file(monkeypatch, cli):
    cli.answer("fs stat /fixtures/multi.bin", capture="stat-file")
    cli.answer("fs ls /fixtures", capture="ls-after-free")
    cli.answer("fs rm /fixtures/multi.bin", capture="rm-file")
    result = run(monkeypatch, alluxio_file, local(cli, dest="/fixtures/multi.bin", state="absent"), check_mode=True)
    assert result["changed"] and result["action"] == "remove" and ["fs", "rm", "/fixtures/multi.bin"] not in cli.calls
    result = run(monkeypatch, alluxio_file, local(cli, dest="/fixtures/multi.bin", state="absent"))
    assert result["changed"] and cli.calls[-1] == ["fs", "rm", "/fixtures/multi.bin"]


def test_file_bad_src_fails_before_alluxio_is_asked(monkeypatch, cli, tmp_path):
    (tmp_path / "tree").mkdir()
    os.mkfifo(str(tmp_path / "tree" / "pipe"))
    result = run(monkeypatch, alluxio_file, local(cli, src=str(tmp_path / "tree"), dest="/data/tree"))
    assert result["failed"] and "is a FIFO" in result["msg"] and cli.calls == []


def a_txt(tmp_path):
    """The bytes of /fixtures/dir/a.txt as capture.sh wrote them."""
    src = tmp_path / "a.txt"
    src.write_text("alpha\n")
    return str(src)


def test_file_cache_loads_a_freed_copy_and_check_mode_only_reads(monkeypatch, cli, tmp_path):
    cli.answer("fs stat /fixtures/dir/a.txt", capture="stat-file-freed")
    cli.answer("fs ls /fixtures/dir", capture="ls-dir")
    cli.answer("fs load /fixtures/dir/a.txt", capture="load-file")
    args = local(cli, src=a_txt(tmp_path), dest="/fixtures/dir/a.txt", cache=True, checksum=False)
    result = run(monkeypatch, alluxio_file, args, check_mode=True)
    assert not result["failed"] and result["changed"] and result["action"] == "cache"
    assert "not (fully) cached: /fixtures/dir/a.txt" in result["msg"]
    assert ["fs", "load", "/fixtures/dir/a.txt"] not in cli.calls
    result = run(monkeypatch, alluxio_file, args)
    assert result["changed"] and result["action"] == "cache"
    assert cli.calls[-1] == ["fs", "load", "/fixtures/dir/a.txt"]


def test_file_cache_leaves_a_cached_copy_alone(monkeypatch, cli, tmp_path):
    cli.answer("fs stat /fixtures/dir/a.txt", capture="stat-file-loaded")
    cli.answer("fs ls /fixtures/dir", capture="ls-dir")
    args = local(cli, src=a_txt(tmp_path), dest="/fixtures/dir/a.txt", cache=True, checksum=False)
    result = run(monkeypatch, alluxio_file, args)
    assert not result["failed"] and not result["changed"] and result["action"] == "none"
    assert [c[:2] for c in cli.calls if c[:2] == ["fs", "load"]] == []


def test_file_without_cache_does_not_load_a_freed_copy(monkeypatch, cli, tmp_path):
    cli.answer("fs stat /fixtures/dir/a.txt", capture="stat-file-freed")
    cli.answer("fs ls /fixtures/dir", capture="ls-dir")
    result = run(monkeypatch, alluxio_file, local(cli, src=a_txt(tmp_path), dest="/fixtures/dir/a.txt", checksum=False))
    assert not result["changed"] and result["action"] == "none"
    assert [c[1] for c in cli.calls] == ["stat", "ls"]


def test_file_cache_needs_the_cli_and_fails_before_alluxio_is_asked(monkeypatch, http, tmp_path):
    result = run(monkeypatch, alluxio_file, rest(http, src=a_txt(tmp_path), dest="/fixtures/dir/a.txt", cache=True),
                 check_mode=True)
    assert result["failed"] and "cache=true needs the alluxio CLI" in result["msg"] and http.calls == []


# ---- alluxio_file_info -----------------------------------------------------------------------------------------------

def test_file_info_missing_and_broken(monkeypatch, cli):
    cli.answer("fs stat /fixtures/no-such-file", capture="stat-missing")
    result = run(monkeypatch, alluxio_file_info, local(cli, path="/fixtures/no-such-file"))
    assert result == {"exists": False, "changed": False, "failed": False}
    cli.answer("fs stat /fixtures/gone", err="JAVA_HOME not found\n", rc=1)
    result = run(monkeypatch, alluxio_file_info, local(cli, path="/fixtures/gone"))
    assert result["failed"] and "JAVA_HOME not found" in result["msg"]


def test_file_info_of_a_directory_over_both_transports(monkeypatch, cli, http):
    cli.answer("fs stat /fixtures/dir", capture="stat-dir")
    cli.answer(["fs", "stat", "/fixtures/dir/*"], capture="stat-level1")
    cli.answer(["fs", "stat", "/fixtures/dir/*/*"], capture="stat-level2")
    cli.answer(["fs", "stat", "/fixtures/dir/*/*/*"], capture="stat-level3-no-match")
    over_cli = run(monkeypatch, alluxio_file_info, local(cli, path="/fixtures/dir"))
    http.route("POST", "/api/v1/paths/alluxio:/fixtures/dir/list-status", capture="proxy-list-status-dir")
    over_rest = run(monkeypatch, alluxio_file_info, rest(http, path="/fixtures/dir"))
    assert over_cli["is_dir"] and over_cli["length"] == sum(f["length"] for f in over_cli["files"])
    assert [f["path"] for f in over_cli["files"]][:2] == ["/fixtures/dir/a.txt", "/fixtures/dir/b.txt"]
    assert {f["path"] for f in over_rest["files"]} <= {f["path"] for f in over_cli["files"]}
    assert over_rest["bytes_per_host"].keys() <= over_cli["bytes_per_host"].keys()


@pytest.mark.timeout(60)
def test_file_info_on_output_it_does_not_know_ends(monkeypatch, cli):
    cli.answer("fs stat /fixtures/dir", capture="stat-dir")
    cli.answer("*", out="Usage: alluxio fs [generic options]\n")
    result = run(monkeypatch, alluxio_file_info, local(cli, path="/fixtures/dir"))
    assert not result["failed"] and result["files"] == [] and len(cli.calls) == 2


# ---- alluxio_metrics_info --------------------------------------------------------------------------------------------

def test_metrics_baseline_example_over_the_cli(monkeypatch, cli):
    """The documented example (register before, then baseline: "{{ before }}") with the CLI's gauges around."""
    cli.answer("fsadmin report metrics", capture="report-metrics-cleared")
    before = run(monkeypatch, alluxio_metrics_info, local(cli))
    cli.answer("fsadmin report metrics", capture="report-metrics")
    after = run(monkeypatch, alluxio_metrics_info, local(cli, baseline=before))
    assert not after["failed"], after.get("msg")
    assert all(isinstance(v, int) for v in after["metrics"].values())
    assert "Master.FileSize" not in after["metrics"] and "Cluster.BytesReadDomainThroughput" not in after["delta"]
    assert set(after["delta"]) == set(after["metrics"])
    assert after["read_paths_delta"]["local"] == (after["read_paths_delta"]["domain_socket"]
                                                  + after["read_paths_delta"]["short_circuit_local"]) > 0
    assert after["dominant_read_path"] in ("local", "network", "ufs") and not after["exact"]


def test_metrics_baseline_example_over_rest_with_a_cli_baseline(monkeypatch, cli, http):
    cli.answer("fsadmin report metrics", capture="report-metrics-cleared")
    before = run(monkeypatch, alluxio_metrics_info, local(cli))
    http.route("GET", "/metrics/json/", capture="master-metrics-json")
    after = run(monkeypatch, alluxio_metrics_info, rest(http, baseline=before))
    assert not after["failed"], after.get("msg")
    assert after["exact"] and not before["exact"]
    assert set(before["metrics"]) <= set(after["metrics"])  # the same names; more counters registered since
    assert UFS_COUNTER in after["metrics"]
    assert after["delta"][UFS_COUNTER] == after["metrics"][UFS_COUNTER] - before["metrics"].get(UFS_COUNTER, 0) > 0


def test_metrics_baseline_ignores_values_that_are_not_numbers(monkeypatch, http):
    http.route("GET", "/metrics/json/", capture="master-metrics-json")
    baseline = {"metrics": {"Master.system.status": "RUNNING", "Master.FileSize": "{1024=4}",
                            "Cluster.BytesReadDomain": 5}}
    result = run(monkeypatch, alluxio_metrics_info, rest(http, baseline=baseline))
    assert not result["failed"], result.get("msg")
    assert result["delta"]["Cluster.BytesReadDomain"] == result["metrics"]["Cluster.BytesReadDomain"] - 5
    # A counter missing from the baseline was not registered yet then: zero.
    assert result["delta"][UFS_COUNTER] == result["metrics"][UFS_COUNTER]


def test_metrics_reset_needs_the_cli_even_in_check_mode(monkeypatch, http):
    result = run(monkeypatch, alluxio_metrics_info, rest(http, reset=True), check_mode=True)
    assert result["failed"] and "reset needs the alluxio CLI" in result["msg"] and http.calls == []


# ---- alluxio_cluster_info --------------------------------------------------------------------------------------------

def test_cluster_has_one_worker_vocabulary_on_both_transports(monkeypatch, cli, http):
    cli.answer("fsadmin report capacity", capture="report-capacity")
    http.route("GET", "/api/v1/master/info", capture="master-info")
    over_cli = run(monkeypatch, alluxio_cluster_info, local(cli))
    over_rest = run(monkeypatch, alluxio_cluster_info, rest(http))
    for result in (over_cli, over_rest):
        assert result["live_workers"] == 3 and result["lost_workers"] == []
        assert {w["state"] for w in result["workers"]} == {"LIVE"}
    assert {w["reported_state"] for w in over_cli["workers"]} == {"ACTIVE"}
    assert sorted(w["name"] for w in over_cli["workers"]) == sorted(w["name"] for w in over_rest["workers"])


def test_cluster_malformed_master_info_fails_naming_the_field(monkeypatch, http):
    http.route("GET", "/api/v1/master/info", body=b'{"version": "2.9.6", "workers": "x"}')
    result = run(monkeypatch, alluxio_cluster_info, rest(http))
    assert result["failed"] and "master info field 'workers' is a str" in result["msg"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cluster_wait_goes_on_while_the_master_refuses_connections(monkeypatch):
    port = free_port()
    started = []

    def start_later():
        time.sleep(2)
        server = ReplayHttp(port=port).route("GET", "/api/v1/master/info", capture="master-info")
        started.append(server)

    thread = threading.Thread(target=start_later, daemon=True)
    thread.start()
    try:
        result = run(monkeypatch, alluxio_cluster_info, dict(
            alluxio_transport="rest", alluxio_master_url="http://127.0.0.1:%d" % port, alluxio_timeout=5,
            wait_for_workers=3, wait_timeout=30, wait_sleep=1))
    finally:
        thread.join()
        for server in started:
            server.close()
    assert not result["failed"], result.get("msg")
    assert result["live_workers"] == 3 and result["waited_seconds"] >= 1


def test_cluster_wait_gives_up_on_other_errors_at_once(monkeypatch, http):
    http.route("GET", "/api/v1/master/info", body=b"<html>not Alluxio</html>")
    started = time.monotonic()
    result = run(monkeypatch, alluxio_cluster_info, rest(http, wait_for_workers=3, wait_timeout=30))
    assert result["failed"] and time.monotonic() - started < 10


@pytest.mark.timeout(60)
def test_local_transport_honours_its_timeout(monkeypatch, cli):
    cli.answer("fsadmin report capacity", capture="report-capacity", sleep=40)
    started = time.monotonic()
    result = run(monkeypatch, alluxio_cluster_info, dict(local(cli), alluxio_timeout=2))
    assert result["failed"] and "did not finish within 2 s (alluxio_timeout)" in result["msg"]
    assert time.monotonic() - started < 20
