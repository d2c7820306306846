# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""read_path_report's main(): it writes the files, sets their mode, and a second run with the same cells changes
nothing (the module's file handling, not the report's content, which test_report.py covers)."""

from __future__ import annotations

import os
import stat

from ansible_collections.alluxio_spark.k8s.plugins.modules import read_path_report
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._job.test_report import CELLS, INPUTS
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.module_harness import needs_patch_module_args, run_main


def run(monkeypatch, args):
    return run_main(monkeypatch, read_path_report.main, args)


@needs_patch_module_args
def test_writes_then_changes_nothing(monkeypatch, tmp_path):
    args = dict(dest=str(tmp_path / "report"), inputs=INPUTS, cells=CELLS, formats=["json"], mode="0640")
    first = run(monkeypatch, args)
    assert not first["failed"], first
    assert first["changed"] and first["written"] == ["json"]
    path = first["files"]["json"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    second = run(monkeypatch, args)
    assert not second["failed"] and not second["changed"], second
    third = run(monkeypatch, dict(args, mode="0600"))
    assert third["changed"] and third["written"] == [], third
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
