# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""container_image_info end to end; the runtime answers with outputs captured from the lab's containerd."""

from __future__ import annotations


from ansible_collections.alluxio_spark.k8s.plugins.modules import container_image_info
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    A,
    ids,
    layers,
    runtime_output,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.module_harness import needs_patch_module_args
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.image_module_harness import (
    assert_documented,
    documented_options,
    run_main,
)

pytestmark = needs_patch_module_args
OTHER = "sha256:" + "0" * 64


def containerd(argv, _where):
    digest = runtime_output("ctr-list")[1].decode().splitlines()[1].split()[2]
    answers = {
        ("images", "list", "name==docker.io/" + A): runtime_output("ctr-list"),
        ("images", "list", "name==docker.io/local/aslab-fixture:missing"): runtime_output("ctr-list-missing"),
        ("content", "get", digest): runtime_output("ctr-content-manifest"),
        ("content", "get", ids()[A]): runtime_output("ctr-content-config"),
        ("content", "ls", "--quiet"): runtime_output("ctr-content-ls"),
    }
    assert argv[1:3] == ["--namespace", "k8s.io"], argv
    return answers[tuple(argv[3:])]


def test_every_option_is_documented_as_the_argument_spec_says():
    assert_documented(container_image_info.argument_spec(), documented_options(container_image_info))


def test_present_with_its_layers(monkeypatch):
    result, _calls = run_main(monkeypatch, container_image_info.main,
                              dict(name=A, image_id=ids()[A], layers=layers()[A] + [OTHER], runtime="containerd",
                                   runtime_path="/bin/sh"), containerd)
    assert not result["failed"] and not result["changed"], result
    assert (result["exists"], result["present"], result["image_id"]) == (True, True, ids()[A])
    assert result["layers"] == layers()[A]
    assert (result["layers_present"], result["layers_missing"]) == (layers()[A], [OTHER])
    assert result["stored_name"] == "docker.io/" + A and result["namespace"] == "k8s.io"
    assert result["reference"]["repository"] == "local/aslab-fixture" and result["partial_archive"]


def test_missing_image_is_not_an_error(monkeypatch):
    result, _calls = run_main(monkeypatch, container_image_info.main,
                              dict(name="local/aslab-fixture:missing", image_id=ids()[A], runtime="containerd",
                                   runtime_path="/bin/sh"), containerd)
    assert not result["failed"] and result["exists"] is False and result["present"] is False
    assert result["image_id"] is None and result["layers"] == []


def test_check_mode_asks_all_the_same(monkeypatch):
    result, calls = run_main(monkeypatch, container_image_info.main,
                             dict(name=A, runtime="containerd", runtime_path="/bin/sh", _ansible_check_mode=True),
                             containerd)
    assert result["exists"] and not result["changed"] and calls


def test_bad_input(monkeypatch):
    result, calls = run_main(monkeypatch, container_image_info.main,
                             dict(name=A, layers=["nope"], runtime_path="/bin/sh"), containerd)
    assert result["failed"] and "layer 'nope' is not a sha256 digest" in result["msg"] and not calls
    result, _calls = run_main(monkeypatch, container_image_info.main, dict(runtime_path="/bin/sh"), containerd)
    assert result["failed"] and "one of the following is required: name, image_id" in result["msg"]
