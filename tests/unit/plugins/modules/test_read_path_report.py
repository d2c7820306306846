# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""read_path_report's main(): it writes the files, sets their mode, and a second run with the same cells changes
nothing (the module's file handling, not the report's content, which test_report.py covers)."""

from __future__ import annotations

import os
import stat

import pytest
from ansible.module_utils import basic

from ansible_collections.alluxio_spark.k8s.plugins.modules import read_path_report
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._job.test_report import CELLS, INPUTS

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None


class Exit(Exception):
    pass


def run(monkeypatch, args):
    def exit_json(self, **kw):
        raise Exit(dict(kw, failed=False))

    def fail_json(self, **kw):
        raise Exit(dict(kw, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with patch_module_args(args):
        with pytest.raises(Exit) as info:
            read_path_report.main()
    return info.value.args[0]


@pytest.mark.skipif(patch_module_args is None, reason="needs ansible-core >= 2.19's patch_module_args")
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
