# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CLI client and its two hosts.

The pod is replaced by this machine (the exec below runs the argv locally, so the real sh, head and tar do the work
they do in an Alluxio pod); the ``alluxio`` command by one that replays what Alluxio 2.9.6 printed (replay.py).
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import cli
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioCommandError,
    AlluxioConnectionError,
    AlluxioError,
    AlluxioNotFoundError,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._alluxio.local_trees import make_tree
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._alluxio.replay import ReplayCli

LEVELS = ("/fixtures/dir", "/fixtures/dir/*", "/fixtures/dir/*/*", "/fixtures/dir/*/*/*")


class LocalExec:
    """A PodExec that runs the argv on this machine."""

    namespace, pod = "alluxio", "alluxio-master-0"

    def __init__(self):
        self.calls = []

    def run(self, argv, data=None, timeout=None):
        self.calls.append(argv)
        proc = subprocess.run(argv, input=data, capture_output=True, timeout=timeout, check=False)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def run_reading_exact(self, argv, data, timeout=None):
        self.calls.append(argv)
        with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            for chunk in data:
                proc.stdin.write(chunk)
            proc.stdin.close()
            out, err = proc.stdout.read(), proc.stderr.read()
            rc = proc.wait(timeout)
        return rc, out.decode(), err.decode()


class Host:
    """A CLI host that runs the argv here, as LocalCliHost does without the module around it."""

    def __init__(self):
        self.calls = []

    def run(self, argv, data=None):
        self.calls.append(list(argv))
        proc = subprocess.run(argv, input=data, capture_output=True, timeout=60, check=False)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_stage_file_and_tree_then_cleanup(tmp_path):
    tree = make_tree(tmp_path, 200000)
    (tree / "n\u00e4me with space").write_bytes(b"x" * 513)
    host = pod_host(tmp_path)

    staged_tree = host.stage(str(tree))
    for rel in ("a.txt", "sub/b.bin", "sub/deeper/empty", "n\u00e4me with space"):
        with open(os.path.join(staged_tree, rel), "rb") as handle:
            assert handle.read() == (tree / rel).read_bytes(), rel
    staged_file = host.stage(str(tree / "a.txt"))
    with open(staged_file, "rb") as handle:
        assert handle.read() == b"alpha"

    for staged in (staged_tree, staged_file):
        assert os.path.dirname(os.path.dirname(staged)) == host.staging_root
        assert oct(os.stat(os.path.dirname(staged)).st_mode & 0o777) == "0o700"
        host.cleanup(staged)
        assert not os.path.exists(os.path.dirname(staged))


def pod_host(tmp_path, pod=None):
    """A PodCliHost whose pod /tmp is a directory of the test."""
    host = cli.PodCliHost(pod or LocalExec(), timeout=30)
    host.staging_root = str(tmp_path / "pod-tmp")
    os.mkdir(host.staging_root)
    return host


def test_staging_removes_the_copies_of_killed_runs_once_they_expired(tmp_path):
    host = pod_host(tmp_path)
    now = int(time.time())
    expired = os.path.join(host.staging_root, ".ansible-alluxio-%d-0123456789ab" % (now - 5))
    running = os.path.join(host.staging_root, ".ansible-alluxio-%d-ba9876543210" % (now + 600))
    foreign = os.path.join(host.staging_root, ".ansible-alluxio-notanumber-0")
    for path in (expired, running, foreign):
        os.makedirs(os.path.join(path, "content"))
    (tmp_path / "f.txt").write_bytes(b"data")

    staged = host.stage(str(tmp_path / "f.txt"))

    assert not os.path.exists(expired)
    assert os.path.isdir(running) and os.path.isdir(foreign)
    # Its own copy expires after the staging and the copyFromLocal (the timeout each) and a minute.
    expiry = int(os.path.basename(os.path.dirname(staged)).split("-")[2])
    assert now + 2 * 30 + 60 <= expiry <= int(time.time()) + 2 * 30 + 60


def test_stage_refuses_a_fifo_before_sending_anything(tmp_path):
    (tmp_path / "tree").mkdir()
    os.mkfifo(str(tmp_path / "tree" / "pipe"))
    pod = LocalExec()
    with pytest.raises(AlluxioError, match="pipe is a FIFO: only regular files and directories"):
        cli.PodCliHost(pod, timeout=30).stage(str(tmp_path / "tree"))
    assert pod.calls == []


def test_a_file_that_changes_while_staged_fails_and_leaves_nothing(tmp_path, monkeypatch):
    src = tmp_path / "grows.bin"
    src.write_bytes(b"x" * 1000)
    real_scan = cli.localfs.scan

    def scan_then_grow(path):
        result = real_scan(path)
        src.write_bytes(b"x" * 2000)
        return result

    monkeypatch.setattr(cli.localfs, "scan", scan_then_grow)
    pod = LocalExec()
    host = pod_host(tmp_path, pod)
    with pytest.raises(AlluxioError, match="changed while it was read"):
        host.stage(str(src))
    token = pod.calls[0][-2]
    assert pod.calls[-1][-1] == token and os.listdir(host.staging_root) == []


def client(tmp_path):
    replay = ReplayCli(tmp_path)
    return cli.CliClient(Host(), [replay.path]), replay


def test_missing_only_when_alluxio_says_so(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fs stat /fixtures/no-such-file", capture="stat-missing")
    assert alluxio.status("/fixtures/no-such-file") is None
    replay.answer("fs stat /fixtures/no-such-dir/file", capture="stat-missing-parent")
    assert alluxio.status("/fixtures/no-such-dir/file") is None
    # "not found" from anything else is an error, whatever its words.
    replay.answer("fs stat /data/x", out="", err="JAVA_HOME not found\n", rc=1)
    with pytest.raises(AlluxioCommandError, match="JAVA_HOME not found"):
        alluxio.status("/data/x")
    # Alluxio's message about another path is not about this one.
    replay.answer("fs stat /data/y", capture="stat-missing")
    with pytest.raises(AlluxioCommandError, match="does not exist"):
        alluxio.status("/data/y")


def test_a_master_that_does_not_answer_is_a_connection_error(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fsadmin report capacity", capture="report-capacity-master-down")
    with pytest.raises(AlluxioConnectionError) as err:
        alluxio.cluster()
    assert err.value.reason == "unreachable"


def test_tree_walks_one_level_per_directory_level(tmp_path):
    alluxio, replay = client(tmp_path)
    for path, capture in zip(LEVELS, ("stat-dir", "stat-level1", "stat-level2", "stat-level3-no-match")):
        replay.answer(["fs", "stat", path], capture=capture)
    is_dir, files = alluxio.tree("/fixtures/dir")
    assert is_dir
    assert [f["path"] for f in files] == ["/fixtures/dir/a.txt", "/fixtures/dir/b.txt", "/fixtures/dir/empty",
                                          "/fixtures/dir/sub/c.txt"]
    assert [call[2] for call in replay.calls] == list(LEVELS)
    assert len(alluxio.host.calls) == 1  # one round trip


def test_tree_of_a_file_is_one_stat(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fs stat /fixtures/multi.bin", capture="stat-file")
    is_dir, files = alluxio.tree("/fixtures/multi.bin")
    assert not is_dir and [f["path"] for f in files] == ["/fixtures/multi.bin"]
    assert replay.calls == [["fs", "stat", "/fixtures/multi.bin"]]


def test_tree_stops_on_output_that_names_no_directory(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fs stat /fixtures/dir", capture="stat-dir")
    replay.answer("*", out="something that is not Alluxio\n")  # every deeper level "succeeds" with junk
    started = time.monotonic()
    is_dir, files = alluxio.tree("/fixtures/dir")
    assert is_dir and files == [] and time.monotonic() - started < 30
    assert len(replay.calls) == 2


def test_tree_is_bounded_even_when_every_level_names_a_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "MAX_TREE_DEPTH", 3)
    alluxio, replay = client(tmp_path)
    replay.answer("*", capture="stat-dir")
    with pytest.raises(AlluxioCommandError, match="deeper than 3 levels"):
        alluxio.tree("/fixtures/dir")
    assert len(replay.calls) == 4


def test_tree_of_a_missing_path(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fs stat /fixtures/no-such-file", capture="stat-missing")
    with pytest.raises(AlluxioNotFoundError):
        alluxio.tree("/fixtures/no-such-file")
    replay.answer("fs stat /fixtures/gone", err="Error: JAVA_HOME is not set\n", rc=1)
    with pytest.raises(AlluxioCommandError, match="JAVA_HOME is not set"):
        alluxio.tree("/fixtures/gone")


def test_checksum_and_children(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fs checksum /fixtures/multi.bin", capture="checksum")
    assert len(alluxio.checksum("/fixtures/multi.bin")) == 32
    replay.answer("fs ls /fixtures/dir", capture="ls-dir")
    assert {e["path"] for e in alluxio.children("/fixtures/dir")} == {
        "/fixtures/dir/a.txt", "/fixtures/dir/b.txt", "/fixtures/dir/empty", "/fixtures/dir/sub"}
    replay.answer("fs ls /fixtures/no-such-file", capture="ls-missing")
    assert alluxio.children("/fixtures/no-such-file") == []


def test_load_runs_fs_load_and_a_failure_is_an_error(tmp_path):
    alluxio, replay = client(tmp_path)
    replay.answer("fs load /fixtures/dir/a.txt", capture="load-file")
    alluxio.load("/fixtures/dir/a.txt")
    assert replay.calls == [["fs", "load", "/fixtures/dir/a.txt"]]
    # A missing path is no success for a load: Alluxio's own words become an error, never "nothing to do".
    replay.answer("fs load /fixtures/no-such-file", capture="load-missing")
    with pytest.raises(AlluxioCommandError, match="does not exist"):
        alluxio.load("/fixtures/no-such-file")
