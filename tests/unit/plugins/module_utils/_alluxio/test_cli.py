# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Staging files into a pod, with the pod replaced by this machine: the exec runner below runs the argv locally,
so the real sh and tar do the work that they do inside an Alluxio pod."""

from __future__ import annotations

import os
import subprocess

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import PodRunner


class LocalExec(object):
    def __init__(self):
        self.calls = []

    def run(self, argv, data=None, timeout=None):
        self.calls.append(argv)
        proc = subprocess.run(argv, input=data, capture_output=True, timeout=timeout, check=False)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def put_file(self, path, data, timeout=None):
        return self.run(["sh", "-c", 'cat > "$1"', "sh", path], data=data, timeout=timeout)


def test_stage_file_and_tree_then_cleanup(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_bytes(b"alpha")
    (tree / "sub" / "b.bin").write_bytes(os.urandom(200000))
    runner = PodRunner(LocalExec(), timeout=30)

    staged_tree = runner.stage(str(tree))
    assert (open(os.path.join(staged_tree, "sub", "b.bin"), "rb").read()
            == (tree / "sub" / "b.bin").read_bytes())
    staged_file = runner.stage(str(tree / "a.txt"))
    assert open(staged_file, "rb").read() == b"alpha"

    for staged in (staged_tree, staged_file):
        runner.cleanup(staged)
        assert not os.path.exists(os.path.dirname(staged))
        assert not os.path.exists(os.path.dirname(staged) + ".tar")
