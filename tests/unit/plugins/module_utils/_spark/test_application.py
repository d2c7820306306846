# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager's runs - submit, keep, replace, delete, wait, give up - on captured objects, without waiting."""

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.application import SparkApplicationManager
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import (
    SparkApiError,
    SparkInputError,
    SparkRunError,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.cluster import FakeCluster, frame
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import (
    captured_json,
    captured_lines,
)

OPTIONS = [option for option, _key in spec.SPEC_OPTIONS]


def params(**kw):
    """The module's parameters with their defaults, for the captured word count's definition."""
    definition = captured_json("completed-app.json")
    base = dict((option, None) for option in OPTIONS)
    base.update(state="present", name=None, namespace=None, definition=definition, src=None, wait=True,
                wait_timeout=600, wait_sleep=2, pending_timeout=120, cleanup_on_timeout=True, rerun=False,
                log_lines=100, submitter="api", sparkctl_command=["sparkctl"])
    base.update(kw)
    return base


def desired(**kw):
    return spec.build_desired(params(**kw))


def manager(cluster, check_mode=False, diff=False, **kw):
    return SparkApplicationManager(params(**kw), lambda: cluster, check_mode=check_mode, diff=diff,
                                   clock=cluster.clock, sleep=cluster.sleep)


def run(cluster, **kw):
    return manager(cluster, **kw).run()


def failure(cluster, **kw):
    with pytest.raises((SparkRunError, SparkApiError)) as info:
        run(cluster, **kw)
    return info.value


def test_submit_and_wait_until_completed():
    log = captured_lines("completed-driver.log")
    cluster = FakeCluster(after_create=[frame("running"), frame("completed")], log=log)
    result = run(cluster, log_lines=5)
    assert cluster.steps() == [("create", "dry-run", "capture-completed"), ("create", "real", "capture-completed")]
    assert (result["changed"], result["action"], result["state"]) == (True, "created", "COMPLETED")
    assert cluster.created["metadata"]["annotations"][spec.HASH_ANNOTATION] == result["spec_hash"]
    assert result["driver"]["node"] == "aslab-node2" and result["driver"]["exit_code"] == 0
    assert result["executors"] and all(e["node"] == "aslab-node2" for e in result["executors"])
    assert result["driver_log_lines"] == log[-5:]
    assert result["msg"] == ("SparkApplication spark/capture-completed does not exist: submitting it; COMPLETED in "
                             "%.1f s" % result["duration_seconds"])
    assert result["submission_time"] == captured_json("completed-app.json")["status"]["lastSubmissionAttemptTime"]


def test_a_completed_identical_application_is_kept_not_resubmitted():
    cluster = FakeCluster(script=[frame("completed", hash_of=desired())], log=captured_lines("completed-driver.log"))
    result = run(cluster)
    assert cluster.steps() == []
    assert (result["changed"], result["action"], result["state"]) == (False, "unchanged", "COMPLETED")
    assert result["driver"]["pod"] == "capture-completed-driver"
    assert len(result["driver_log_lines"]) == 100


def test_rerun_replaces_a_completed_identical_application():
    cluster = FakeCluster(script=[frame("completed", hash_of=desired())],
                          after_delete=[(None, frame("completed")[1]), (None, [])],
                          after_create=[frame("completed")])
    result = run(cluster, rerun=True)
    assert [s[:2] for s in cluster.steps()] == [("create", "dry-run"), ("delete", "spark"), ("create", "real")]
    assert (result["changed"], result["action"]) == (True, "replaced")


def test_a_changed_spec_replaces_and_waits_until_the_old_pods_are_gone():
    old = frame("completed", hash_of=desired())
    cluster = FakeCluster(script=[old], after_delete=[(None, old[1]), (None, old[1][:1]), (None, [])],
                          after_create=[frame("completed")])
    result = run(cluster, arguments=["file:///etc/hosts"], wait=False)
    kinds = [call[0] for call in cluster.calls]
    assert kinds.index("delete") < kinds.index("sleep") < len(kinds) - 1 - kinds[::-1].index("create")
    assert (result["action"], result["changed"]) == ("replaced", True)
    assert "spec of SparkApplication spark/capture-completed changed" in result["msg"]


def test_pods_left_without_their_application_are_deleted():
    old = frame("completed", hash_of=desired())
    orphan = copy.deepcopy(old[1])
    cluster = FakeCluster(script=[old], after_delete=[(None, orphan)] * 8 + [(None, [])],
                          after_create=[frame("completed")])
    run(cluster, rerun=True, wait=False)
    deleted = [call for call in cluster.calls if call[0] in ("sleep", "delete_pod")]
    # the garbage collector gets ORPHAN_GRACE (10 s) first: five sleeps of wait_sleep (2 s)
    assert [call[0] for call in deleted[:5]] == ["sleep"] * 5
    assert {call[2] for call in deleted if call[0] == "delete_pod"} == {pod["metadata"]["name"] for pod in orphan}


def test_check_mode_predicts_and_touches_nothing():
    cluster = FakeCluster(script=[frame("completed", hash_of=desired())])
    result = run(cluster, check_mode=True, diff=True, arguments=["file:///etc/hosts"])
    assert cluster.steps() == [("create", "dry-run", "capture-completed")]
    assert not any(call[0] == "sleep" for call in cluster.calls)
    assert (result["changed"], result["action"]) == (True, "replaced")
    assert result["diff"]["after"]["spec"]["arguments"] == ["file:///etc/hosts"]
    assert result["diff"]["before"]["spec"]["arguments"] == ["file:///opt/spark/bin/spark-submit"]
    assert result["state"] == "COMPLETED"  # what is there now
    unchanged = run(FakeCluster(script=[frame("completed", hash_of=desired())]), check_mode=True)
    assert (unchanged["changed"], unchanged["action"]) == (False, "unchanged")
    absent = run(FakeCluster(script=[frame("completed")]), check_mode=True, state="absent")
    assert (absent["changed"], absent["action"]) == (True, "deleted")


def test_an_invalid_spec_fails_in_the_dry_run_before_the_old_application_is_deleted():
    invalid = SparkApiError("the API server rejected the SparkApplication as invalid (HTTP 422)")
    cluster = FakeCluster(script=[frame("completed", hash_of=desired())], errors={"dry-run": invalid})
    error = failure(cluster, arguments=["x"])
    assert error is invalid
    assert cluster.steps() == [("create", "dry-run", "capture-completed")]
    assert error.details["changed"] is False and error.details["state"] == "COMPLETED"


def test_failed_fails_with_the_operators_message_and_the_drivers_own_error():
    log = captured_lines("failed-driver.log")
    failed_app = captured_json("failed-app.json")
    cluster = FakeCluster(after_create=[frame("failed")], log=log)
    error = failure(cluster, log_lines=3)
    assert error.reason == "failed"
    message = str(error)
    assert message.startswith("SparkApplication spark/capture-completed FAILED: ")
    assert " ".join(failed_app["status"]["applicationState"]["errorMessage"].split()) in message
    assert re.search(r"The driver pod capture-failed-driver on aslab-node2 \(phase \w+, exit code 101\)", message)
    assert message.split("Driver errors: ")[1].startswith(
        "Error: Failed to load class org.apache.spark.examples.NoSuchWordCount. Full log: ")
    assert "kubectl logs -n spark capture-failed-driver -c spark-kubernetes-driver" in message
    details = error.details
    assert (details["changed"], details["action"], details["state"]) == (True, "created", "FAILED")
    assert details["driver_log_lines"] == log[-3:]


def test_a_failed_job_shows_its_exception_and_cause():
    cluster = FakeCluster(after_create=[frame("failed-input")], log=captured_lines("failed-input-driver.log"))
    message = str(failure(cluster, log_lines=0))
    errors = message.split("Driver errors: ")[1]
    assert re.search(r'Exception in thread "main" org.apache.hadoop.mapred.InvalidInputException: Input path does not '
                     r'exist: file:/no/such/file \| Caused by: java.io.IOException: Input path does not exist', errors)
    assert "\tat " not in message


def test_a_submission_failure_is_final_without_retries_and_says_no_driver_ran():
    app = captured_json("submission-failed-app.json")
    cluster = FakeCluster(after_create=[(app, [])])
    error = failure(cluster)
    assert error.reason == "failed"
    assert app["status"]["applicationState"]["state"] in str(error)
    message = str(error)
    assert "No driver pod ran: the operator's spark-submit failed before creating it" in message
    first = app["status"]["applicationState"]["errorMessage"].splitlines()[0]
    assert "FAILED: %s." % first in message  # the first line, not the whole stack trace
    assert "\tat " not in message and "kubectl logs" not in message


def test_a_pod_that_can_never_start_fails_at_once_and_is_cleaned_up():
    cluster = FakeCluster(after_create=[frame("never-pull")])
    error = failure(cluster)
    assert error.reason == "pod_cannot_start"
    assert not any(call[0] == "sleep" for call in cluster.calls[:cluster.calls.index(("delete", "spark",
                                                                                      "capture-completed"))])
    message = str(error)
    assert "its driver pod capture-never-pull-driver on aslab-node2 waits with ErrImageNeverPull" in message
    assert "no-such-tag" in message
    assert message.endswith("The application was deleted (cleanup_on_timeout), nothing of it is left")
    assert error.details["deleted"] is True and error.details["changed"] is True


def test_without_cleanup_the_application_is_left_and_the_message_says_so():
    cluster = FakeCluster(after_create=[frame("never-pull")])
    error = failure(cluster, cleanup_on_timeout=False)
    assert not any(call[0] == "delete" for call in cluster.calls)
    assert "left in place (cleanup_on_timeout=false); remove it with state=absent" in str(error)
    assert error.details["deleted"] is False


def test_an_unschedulable_driver_fails_after_pending_timeout_with_the_schedulers_words():
    pods = frame("unschedulable")[1]
    cluster = FakeCluster(after_create=[frame("unschedulable")])
    error = failure(cluster, pending_timeout=10, wait_sleep=3)
    assert error.reason == "unschedulable"
    waited = sum(call[1] for call in cluster.calls if call[0] == "sleep")
    assert 10 <= waited < 13 + 60  # the pending wait, then the clean-up's
    condition = [c for c in pods[0]["status"]["conditions"] if c["type"] == "PodScheduled"][0]
    assert condition["message"].strip() in str(error)
    assert "driver pod capture-unschedulable-driver was not scheduled within 10 s (pending_timeout)" in str(error)


def test_the_wait_ends_at_wait_timeout_with_what_was_reached():
    cluster = FakeCluster(after_create=[frame("running")])
    error = failure(cluster, wait_timeout=7, wait_sleep=2)
    assert error.reason == "timeout"
    message = str(error)
    assert "did not finish within 7 s (wait_timeout): state RUNNING, driver pod capture-completed-driver on " \
           "aslab-node2 (phase Running)" in message
    assert "The application was deleted (cleanup_on_timeout)" in message
    slept = [call[1] for call in cluster.calls if call[0] == "sleep"]
    assert sum(slept[:4]) == 7  # 2 + 2 + 2 + 1: never past the deadline


def test_an_identical_running_application_is_waited_for_not_resubmitted():
    same = desired()
    cluster = FakeCluster(script=[frame("running", hash_of=same), frame("completed", hash_of=same)])
    result = run(cluster)
    assert cluster.steps() == []
    assert (result["action"], result["changed"], result["state"]) == ("unchanged", False, "COMPLETED")


def test_an_application_deleted_while_waiting_is_reported():
    same = desired()
    cluster = FakeCluster(script=[frame("running", hash_of=same), (None, [])])
    error = failure(cluster)
    assert error.reason == "vanished" and "was deleted while the module waited" in str(error)


def test_absent_deletes_and_waits_until_the_pods_are_gone():
    old = frame("completed")
    cluster = FakeCluster(script=[old], after_delete=[(None, old[1]), (None, [])])
    result = run(cluster, state="absent")
    assert (result["action"], result["changed"]) == ("deleted", True)
    assert result["application"]["metadata"]["name"] == "capture-completed"
    assert cluster.calls[-2:] == [("get", "spark", "capture-completed"), ("pods", "spark", "capture-completed")]
    again = run(FakeCluster(), state="absent")
    assert (again["action"], again["changed"], again["application"]) == ("absent", False, {})


def new_application():
    """The captured application as it is before the operator has submitted it: no status yet."""
    app, _pods = frame("running")
    app["status"] = {}
    return app, []


def test_a_new_application_is_deleted_only_once_the_operator_has_submitted_it():
    # deleted during spark-submit, its driver pod would be created afterwards and outlive the wait
    cluster = FakeCluster(script=[new_application(), new_application(), frame("running")])
    run(cluster, state="absent")
    kinds = [call[0] for call in cluster.calls]
    assert kinds[:kinds.index("delete")].count("sleep") == 2


def test_a_new_application_the_operator_never_submits_is_deleted_after_a_bound():
    cluster = FakeCluster(script=[new_application()])
    run(cluster, state="absent", wait_sleep=5)
    kinds = [call[0] for call in cluster.calls]
    assert sum(call[1] for call in cluster.calls[:kinds.index("delete")] if call[0] == "sleep") == 60


def test_a_deletion_that_never_ends_is_bounded():
    old = frame("completed")
    stuck = dict(copy.deepcopy(old[0]))
    stuck["metadata"]["deletionTimestamp"] = "2025-12-01T15:00:00Z"
    cluster = FakeCluster(script=[old], after_delete=[(stuck, old[1])])
    error = failure(cluster, state="absent", wait_timeout=5)
    assert error.reason == "timeout"
    assert "the deletion of SparkApplication spark/capture-completed did not finish within 60 s" in str(error)


def test_wait_false_returns_after_submitting():
    cluster = FakeCluster()
    result = run(cluster, wait=False)
    assert (result["action"], result["state"]) == ("created", "")
    assert not any(call[0] == "sleep" for call in cluster.calls)


def test_sparkctl_that_exits_0_without_creating_is_caught(tmp_path):
    # sparkctl 2.1.1's behaviour on a client error: the message on stderr, exit code 0, no object.
    fake = ["/bin/sh", "-c", 'echo "failed to create SparkApplication x: boom" >&2; exit 0', "sparkctl"]
    kubeconfig = tmp_path / "kc"
    kubeconfig.write_text("{}")
    cluster = FakeCluster()
    error = failure(cluster, submitter="sparkctl", sparkctl_command=fake, kubeconfig=str(kubeconfig))
    message = str(error)
    assert "did not create SparkApplication spark/capture-completed (exit code 0; sparkctl 2.1.1 exits 0" in message
    assert "it said: failed to create SparkApplication x: boom" in message
    assert re.search(r"'/bin/sh -c .* sparkctl create /\S+/sparkapp-\S+\.yaml --namespace spark --kubeconfig %s'"
                     % re.escape(str(kubeconfig)), message), message
    assert error.details["changed"] is False


def test_sparkctl_refuses_connection_options_it_cannot_honour_before_a_client_is_built():
    built = []
    with pytest.raises(SparkInputError, match="submitter=sparkctl cannot use the option.s. context, host"):
        SparkApplicationManager(params(submitter="sparkctl", context="other", host="https://x"), lambda: built.append(1))
    with pytest.raises(SparkInputError, match="not an in-memory kubeconfig"):
        SparkApplicationManager(params(submitter="sparkctl", kubeconfig={"clusters": []}), lambda: built.append(1))
    assert not built


@pytest.mark.parametrize("key, value, message", [
    ("kubeconfig", "/nonexistent/kubeconfig", "the kubeconfig /nonexistent/kubeconfig does not exist .option "
                                              "kubeconfig or K8S_AUTH_KUBECONFIG.; give the path of a kubeconfig file"),
    ("wait_timeout", 0, "wait_timeout must be at least 1"),
    ("wait_sleep", 0, "wait_sleep must be at least 1"),
    ("pending_timeout", -1, "pending_timeout must not be negative"),
    ("log_lines", -5, "log_lines must not be negative"),
])
def test_bad_bounds_fail_before_a_client_is_built(key, value, message):
    built = []
    with pytest.raises(SparkInputError, match=message):
        SparkApplicationManager(params(**{key: value}), lambda: built.append(1))
    assert not built
