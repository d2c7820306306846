# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""container_image_stream's planning through main(): the controller's engine and the nodes answer with captured
outputs; check mode and refusals never start a save. (The streaming itself: test_fanout.py with real processes,
and the image_distribution_role integration target on the lab.)"""

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import commands
from ansible_collections.alluxio_spark.k8s.plugins.modules import container_image_stream
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    A,
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


@pytest.fixture(autouse=True)
def no_save(monkeypatch):
    def start(self, argv, **_kw):
        raise AssertionError("a process was started: %r" % (argv,))

    monkeypatch.setattr(commands.CommandHost, "start", start)


def answers(holding):
    """The controller holds A; nodes in ``holding`` hold it too, the others nothing."""
    def answer(argv, where):
        if argv[1:3] == ["image", "inspect"]:
            return runtime_output("docker-inspect" if where in holding and argv[-1] == A else "docker-inspect-missing")
        if argv[1:3] == ["image", "ls"]:
            return 0, b"", b""
        raise AssertionError("unexpected %r on %s" % (argv, where))
    return answer


def targets(*hosts):
    return [dict(name=host, ssh=dict(host=host)) for host in hosts]


def test_every_option_is_documented_as_the_argument_spec_says():
    assert_documented(container_image_stream.argument_spec(), documented_options(container_image_stream))


def test_check_mode_asks_every_node_and_sends_nothing(monkeypatch):
    args = dict(image=A, image_id=ids()[A], targets=targets("n1", "n2"), source_path="/bin/sh",
                _ansible_check_mode=True)
    result, calls = run_main(monkeypatch, container_image_stream.main, args, answers({"this host", "n2"}))
    assert not result["failed"] and result["changed"], result
    assert result["targets"]["n1"]["status"] == "would_load" and result["targets"]["n2"]["status"] == "present"
    assert result["save_bytes"] == 0 and result["failed_targets"] == []


def test_nothing_to_do_when_every_node_holds_it(monkeypatch):
    args = dict(image=A, targets=targets("n1", "n2"), source_path="/bin/sh")
    result, _calls = run_main(monkeypatch, container_image_stream.main, args, answers({"this host", "n1", "n2"}))
    assert not result["changed"] and {t["status"] for t in result["targets"].values()} == {"present"}


def test_an_unreachable_node_is_named_and_the_task_does_not_fail(monkeypatch):
    def answer(argv, where):
        if where == "n2":
            return 255, b"", b"ssh: connect to host n2 port 22: Connection refused"
        return answers({"this host", "n1"})(argv, where)

    args = dict(image=A, targets=targets("n1", "n2"), source_path="/bin/sh")
    result, _calls = run_main(monkeypatch, container_image_stream.main, args, answer)
    assert not result["failed"] and result["failed_targets"] == ["n2"]
    assert "Connection refused" in result["targets"]["n2"]["msg"] and "FAILED on n2" in result["msg"]


@pytest.mark.parametrize("args,message", [
    (dict(image="local/aslab-fixture:missing", targets=[]), "is not in the Docker engine on this host"),
    (dict(image=A, image_id="sha256:" + "1" * 64, targets=[]), "not the expected sha256:1111"),
    (dict(image=A, targets=targets("n1", "n1")), "targets name the same node twice: n1"),
    (dict(image=A, targets=[dict(name="n1", runtime="cri-o")]), "value of runtime must be one of"),
    (dict(image=A, targets=[dict(name="n1", ssh=dict(host="n1", common_args="-o 'open"))]), "cannot be split"),
    (dict(image=A, targets=[], load_timeout=-1), "load_timeout must be a positive number"),
])
def test_bad_input_sends_nothing(monkeypatch, args, message):
    result, _calls = run_main(monkeypatch, container_image_stream.main, dict(args, source_path="/bin/sh"),
                              answers({"this host"}))
    assert result["failed"] and message in result["msg"], result["msg"]
