# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decision table of the module: what happens to an application found in each state (captured objects)."""

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import plan
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.spec import HASH_ANNOTATION
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import captured_json

NAME = "spark/app"
HASH = "a" * 64


def found(fixture, stored_hash=HASH, deleting=False):
    """A captured application, as if this module had submitted it with ``stored_hash``."""
    app = copy.deepcopy(captured_json(fixture))
    annotations = app["metadata"].setdefault("annotations", {})
    if stored_hash:
        annotations[HASH_ANNOTATION] = stored_hash
    if deleting:
        app["metadata"]["deletionTimestamp"] = "2025-12-01T15:00:00Z"
    return app


@pytest.mark.parametrize("fixture, rerun, step, reason", [
    ("completed-app.json", False, plan.KEEP, "already completed with this spec: not resubmitted"),
    ("completed-app.json", True, plan.REPLACE, "rerun is set"),
    ("failed-app.json", False, plan.REPLACE, "the previous run of SparkApplication spark/app failed .state FAILED: "),
    ("failed-app.json", True, plan.REPLACE, "failed"),
    ("submission-failed-app.json", False, plan.REPLACE, "the previous run of SparkApplication spark/app failed"),
    ("running-app.json", False, plan.WAIT, "is already RUNNING: waiting for it"),
    ("running-app.json", True, plan.WAIT, "is already RUNNING"),
    ("never-pull-app.json", False, plan.WAIT, "is already SUBMITTED"),
])
def test_same_spec(fixture, rerun, step, reason):
    decided = plan.decide(found(fixture), HASH, "present", rerun, NAME)
    assert decided.step == step
    assert decided.changed == (step == plan.REPLACE)
    assert decided.action == ("replaced" if step == plan.REPLACE else "unchanged")
    assert re.search(reason, decided.reason), decided.reason


def test_the_failed_reason_carries_the_operators_error_message():
    app = found("failed-app.json")
    decided = plan.decide(app, HASH, "present", False, NAME)
    assert app["status"]["applicationState"]["errorMessage"] in decided.reason


@pytest.mark.parametrize("fixture", ["completed-app.json", "running-app.json", "failed-app.json"])
def test_another_spec_or_no_hash_replaces(fixture):
    other = plan.decide(found(fixture), "b" * 64, "present", False, NAME)
    assert (other.step, other.action, other.changed) == (plan.REPLACE, "replaced", True)
    assert "spec of SparkApplication spark/app changed (spec hash bbbbbbbbbbbb, was aaaaaaaaaaaa)" in other.reason
    foreign = plan.decide(found(fixture, stored_hash=None), HASH, "present", False, NAME)
    assert foreign.step == plan.REPLACE
    assert "was not submitted by this module (no alluxio-spark.k8s/spec-hash annotation)" in foreign.reason


def test_missing_or_terminating_is_created():
    assert plan.decide(None, HASH, "present", False, NAME)[:1] == (plan.CREATE,)
    terminating = plan.decide(found("completed-app.json", deleting=True), HASH, "present", False, NAME)
    assert (terminating.step, terminating.action) == (plan.CREATE, "created")


def test_absent():
    deleted = plan.decide(found("completed-app.json"), None, "absent", False, NAME)
    assert (deleted.step, deleted.action, deleted.changed) == (plan.DELETE, "deleted", True)
    assert deleted.reason == "SparkApplication spark/app exists (state COMPLETED): deleting it"
    missing = plan.decide(None, None, "absent", False, NAME)
    assert (missing.step, missing.action, missing.changed) == (plan.GONE, "absent", False)
    going = plan.decide(found("completed-app.json", deleting=True), None, "absent", False, NAME)
    assert (going.step, going.changed) == (plan.GONE, False)
