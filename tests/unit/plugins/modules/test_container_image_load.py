# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module end to end with its argument handling; the runtime answers with captured outputs."""

from __future__ import annotations

import json
import os
import stat

import pytest
from ansible.module_utils import basic

from ansible_collections.alluxio_spark.k8s.plugins.modules import container_image_load
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    archive,
    ids,
    runtime_output,
)

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

pytestmark = pytest.mark.skipif(patch_module_args is None, reason="needs ansible-core >= 2.19")
A = "local/aslab-fixture:1"


class Exit(Exception):
    pass


def run_module(monkeypatch, args, answers):
    calls = []

    def run_command(self, argv, check_rc=False, **_kw):
        calls.append(list(argv))
        return answers(argv)

    def exit_json(self, **kw):
        raise Exit(dict(kw, failed=False))

    def fail_json(self, **kw):
        raise Exit(dict(kw, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with patch_module_args(args):
        with pytest.raises(Exit) as info:
            container_image_load.main()
    return info.value.args[0], calls


@pytest.fixture
def fake_docker(tmp_path):
    """An executable file at a known path: the module only checks it exists; run_command is replayed."""
    path = tmp_path / "docker"
    path.write_text("#!/bin/sh\nexit 99\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_present_image_is_not_changed(monkeypatch, fake_docker):
    result, calls = run_module(monkeypatch, dict(path=archive("tiny.tar"), runtime_path=fake_docker),
                               lambda argv: runtime_output("docker-inspect"))
    assert not result["failed"] and not result["changed"], result
    assert result["images"] == [dict(id=ids()[A], names=[A])]
    assert all("load" not in argv for argv in calls)


def test_check_mode_and_diff(monkeypatch, fake_docker):
    args = dict(path=archive("tiny.tar"), runtime_path=fake_docker, _ansible_check_mode=True, _ansible_diff=True)
    result, calls = run_module(monkeypatch, args, lambda argv: runtime_output("docker-inspect-missing"))
    assert result["changed"] and result["msg"] == "would load: %s is not present" % A
    assert result["diff"] == dict(before="%s: absent\n" % A, after="%s: %s\n" % (A, ids()[A]))
    assert all("load" not in argv for argv in calls)


def test_load_then_verify(monkeypatch, fake_docker):
    state = {"loaded": False}

    def answers(argv):
        if "load" in argv:
            state["loaded"] = True
            return runtime_output("docker-load")
        return runtime_output("docker-inspect" if state["loaded"] else "docker-inspect-missing")

    result, calls = run_module(monkeypatch, dict(path=archive("tiny.tar"), runtime_path=fake_docker), answers)
    assert result["changed"] and result["action"] == "load" and not result["failed"]
    assert [fake_docker, "load", "--quiet", "--input", archive("tiny.tar")] in calls


def test_runtime_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result, _calls = run_module(monkeypatch, dict(path=archive("tiny.tar"), runtime="containerd"),
                                lambda argv: (0, b"", b""))
    assert result["failed"] and "ctr is not installed on this host" in result["msg"]


def test_bad_checksum_fails_without_loading(monkeypatch, fake_docker):
    result, calls = run_module(monkeypatch, dict(path=archive("tiny.tar"), runtime_path=fake_docker,
                                                 checksum="sha256:" + "0" * 64),
                               lambda argv: runtime_output("docker-inspect-missing"))
    assert result["failed"] and "checksum mismatch" in result["msg"]
    assert all("load" not in argv for argv in calls)


@pytest.mark.parametrize("args,message", [
    (dict(name=A), "one of the following is required: path, image_id"),
    (dict(path="/x.tar", image_id="sha256:" + "a" * 64), "missing parameter(s) required by 'image_id': name"),
    (dict(path="/x.tar", runtime="cri-o"), "value of runtime must be one of"),
])
def test_argument_validation(monkeypatch, args, message):
    result, _calls = run_module(monkeypatch, args, lambda argv: (0, b"", b""))
    assert result["failed"] and message in result["msg"], result["msg"]


def test_documentation_lists_every_option():
    import yaml
    doc = yaml.safe_load(container_image_load.DOCUMENTATION)
    spec_options = {"path", "name", "image_id", "runtime", "namespace", "runtime_path", "runtime_args", "checksum",
                    "compression", "force"}
    assert set(doc["options"]) == spec_options
    assert json.loads(json.dumps(yaml.safe_load(container_image_load.RETURN)))["images"]["returned"] == "success"
    assert os.path.basename(container_image_load.__file__) == "container_image_load.py"
