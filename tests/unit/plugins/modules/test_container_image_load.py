# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""container_image_load end to end with its argument handling; the runtime's queries answer with captured
outputs, its loader is a stand-in ``docker`` that stores what it reads (so a refused load leaves nothing)."""

from __future__ import annotations

import hashlib
import stat

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.modules import container_image_load
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    A,
    archive,
    ids,
    runtime_output,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.module_harness import needs_patch_module_args
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.image_module_harness import (
    assert_documented,
    documented_options,
    run_main,
)

pytestmark = needs_patch_module_args


@pytest.fixture
def fake_docker(tmp_path):
    """``docker load`` stores its stdin as ``loaded`` (only once the input ended); queries are replayed."""
    path = tmp_path / "docker"
    path.write_text('#!/bin/sh\n[ "$1" = load ] || exit 99\ncat > "%s/loaded.part" && mv "%s/loaded.part" "%s/loaded"\n'
                    % (tmp_path, tmp_path, tmp_path))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def inspect_answers(tmp_path):
    def answers(argv, _where):
        assert argv[1:3] == ["image", "inspect"], argv
        return runtime_output("docker-inspect" if (tmp_path / "loaded").exists() else "docker-inspect-missing")
    return answers


def test_every_option_is_documented_as_the_argument_spec_says():
    assert_documented(container_image_load.argument_spec(), documented_options(container_image_load))
    assert container_image_load.argument_spec()["registry_password"]["no_log"] is True


def test_present_image_is_not_changed(monkeypatch, fake_docker):
    result, calls = run_main(monkeypatch, container_image_load.main,
                             dict(path=archive("tiny.tar"), runtime_path=str(fake_docker)),
                             lambda argv, where: runtime_output("docker-inspect"))
    assert not result["failed"] and not result["changed"], result
    assert result["images"] == [dict(id=ids()[A], names=[A])]
    assert not (fake_docker.parent / "loaded").exists()


def test_check_mode_and_diff(monkeypatch, fake_docker, tmp_path):
    args = dict(path=archive("tiny.tar"), runtime_path=str(fake_docker), _ansible_check_mode=True,
                _ansible_diff=True)
    result, _calls = run_main(monkeypatch, container_image_load.main, args, inspect_answers(tmp_path))
    assert result["changed"] and result["msg"] == "would load: %s is not present" % A
    assert result["diff"] == dict(before="%s: absent\n" % A, after="%s: %s\n" % (A, ids()[A]))
    assert not (tmp_path / "loaded").exists()


def test_load_then_verify(monkeypatch, fake_docker, tmp_path):
    good = hashlib.sha256(open(archive("tiny.tar"), "rb").read()).hexdigest()
    result, _calls = run_main(monkeypatch, container_image_load.main,
                              dict(path=archive("tiny.tar"), runtime_path=str(fake_docker), checksum=good),
                              inspect_answers(tmp_path))
    assert result["changed"] and result["action"] == "load" and not result["failed"], result
    assert result["checksum"] == "sha256:" + good
    assert (tmp_path / "loaded").read_bytes() == open(archive("tiny.tar"), "rb").read()


def test_bad_checksum_fails_and_loads_nothing(monkeypatch, fake_docker, tmp_path):
    result, _calls = run_main(monkeypatch, container_image_load.main,
                              dict(path=archive("tiny.tar"), runtime_path=str(fake_docker),
                                   checksum="sha256:" + "0" * 64), inspect_answers(tmp_path))
    assert result["failed"] and "checksum mismatch" in result["msg"] and "nothing was loaded" in result["msg"]
    assert not (tmp_path / "loaded").exists()


def test_runtime_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result, _calls = run_main(monkeypatch, container_image_load.main,
                              dict(path=archive("tiny.tar"), runtime="containerd"), lambda argv, where: (0, b"", b""))
    assert result["failed"] and "ctr is not installed on this host" in result["msg"]


@pytest.mark.parametrize("args,message", [
    (dict(name=A), "source is archive but any of the following are missing: path, image_id"),
    (dict(source="registry"), "source is registry but all of the following are missing: name"),
    (dict(path="/x.tar", image_id="sha256:" + "a" * 64), "missing parameter(s) required by 'image_id': name"),
    (dict(path="/x.tar", runtime="cri-o"), "value of runtime must be one of"),
    (dict(path="/x.tar", timeout=0, runtime_path="/bin/sh"), "timeout must be a positive number"),
])
def test_argument_validation(monkeypatch, args, message):
    result, _calls = run_main(monkeypatch, container_image_load.main, args, lambda argv, where: (0, b"", b""))
    assert result["failed"] and message in result["msg"], result["msg"]
