# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module end to end with its argument handling; the cluster answers with captured objects (no real API)."""

from __future__ import annotations


from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import application
from ansible_collections.alluxio_spark.k8s.plugins.modules import spark_application
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.cluster import FakeCluster, frame
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules.module_harness import needs_patch_module_args, run_main
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import (
    captured_json,
    captured_lines,
)

pytestmark = needs_patch_module_args


def run_module(monkeypatch, args, cluster=None):
    """Run main() with ``args``; ``cluster`` stands in for the API (``None``: building a client is an error).

    The scenarios here need no sleep (the manager's waiting is tested in test_application.py with a fake clock).
    """
    built = []

    def connect(module):
        built.append(module)
        if cluster is None:
            raise AssertionError("the module built an API client")
        return None, None

    monkeypatch.setattr(application, "custom_objects_from_module", connect)
    monkeypatch.setattr(application, "SparkApi", lambda custom, core: cluster)
    return run_main(monkeypatch, spark_application.main, args)


def definition():
    return captured_json("completed-app.json")


def test_definition_and_src_together_are_refused_by_the_argument_spec(monkeypatch, tmp_path):
    result = run_module(monkeypatch, dict(definition=definition(), src=str(tmp_path / "app.yaml")))
    assert result["failed"] and "mutually exclusive: definition|src" in result["msg"]


def test_bad_input_fails_before_a_client_is_built(monkeypatch):
    result = run_module(monkeypatch, dict(name="wc", spark_conf={"a": [1]}))
    assert result["failed"]
    assert result["msg"] == "spec.sparkConf.a (option spark_conf) must be a string, number or boolean, got list"
    result = run_module(monkeypatch, dict(definition=definition(), wait_timeout=0))
    assert result["msg"] == "wait_timeout must be at least 1 (seconds), got 0"


def test_force_is_an_alias_of_rerun(monkeypatch):
    cluster = FakeCluster(script=[frame("completed")], after_create=[frame("completed")])
    # a completed application without this module's hash would be replaced anyway: give it the same hash
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec

    params = dict((o, None) for o, _k in spec.SPEC_OPTIONS)
    same = spec.build_desired(dict(params, definition=definition(), name=None, namespace=None, src=None))
    cluster.script = [frame("completed", hash_of=same)]
    result = run_module(monkeypatch, dict(definition=definition(), force=True, wait=False), cluster)
    assert not result["failed"] and result["action"] == "replaced", result


def test_check_mode_through_the_module(monkeypatch):
    cluster = FakeCluster()
    result = run_module(monkeypatch, dict(definition=definition(), _ansible_check_mode=True, _ansible_diff=True),
                        cluster)
    assert not result["failed"] and result["changed"] and result["action"] == "created"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["spec"]["type"] == "Java"
    assert cluster.steps() == [("create", "dry-run", "capture-completed")]


def test_a_failed_run_fails_the_task_with_every_result_key(monkeypatch):
    cluster = FakeCluster(after_create=[frame("failed")], log=captured_lines("failed-driver.log"))
    result = run_module(monkeypatch, dict(definition=definition(), log_lines=3), cluster)
    assert result["failed"] and result["changed"]
    assert result["msg"].startswith("SparkApplication spark/capture-completed FAILED: ")
    for key in ("action", "state", "error_message", "application", "driver", "executors", "submission_time",
                "termination_time", "duration_seconds", "driver_log_lines", "spec_hash"):
        assert key in result, key
    assert result["driver_log_lines"] == captured_lines("failed-driver.log")[-3:]
