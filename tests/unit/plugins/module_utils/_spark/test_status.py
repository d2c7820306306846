# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading captured applications, pods and driver logs: state, driver and executors, stuck pods, error lines."""

from __future__ import annotations

import copy
import datetime

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import status as st
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import (
    captured_json,
    captured_lines,
    captured_pods,
)


def by_role(pods, role):
    return [pod for pod in pods if pod["metadata"]["labels"].get("spark-role") == role]


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_states_and_finality():
    completed, failed = captured_json("completed-app.json"), captured_json("failed-app.json")
    running, submission_failed = captured_json("running-app.json"), captured_json("submission-failed-app.json")
    assert [st.app_state(a) for a in (completed, failed, running)] == ["COMPLETED", "FAILED", "RUNNING"]
    assert st.is_final(completed, False) and st.is_final(failed, False) and not st.is_final(running, False)
    assert st.app_state(submission_failed) in ("SUBMISSION_FAILED", "FAILED")
    assert st.is_final(submission_failed, submission_retried=False)
    assert st.app_state(None) == "" and st.error_message(None) == ""


def test_a_submission_failure_that_will_be_retried_is_not_final():
    app = copy.deepcopy(captured_json("submission-failed-app.json"))
    app["status"]["applicationState"]["state"] = "SUBMISSION_FAILED"
    assert not st.is_final(app, submission_retried=True)
    assert st.is_final(app, submission_retried=False)


def test_duration_is_submission_to_termination():
    app = captured_json("completed-app.json")
    start = datetime.datetime.fromisoformat(app["status"]["lastSubmissionAttemptTime"].replace("Z", "+00:00"))
    end = datetime.datetime.fromisoformat(app["status"]["terminationTime"].replace("Z", "+00:00"))
    assert st.duration_seconds(app) == (end - start).total_seconds() > 0
    assert st.duration_seconds(captured_json("running-app.json")) is None


def test_the_driver_record_of_a_completed_run():
    driver = by_role(captured_pods("completed"), "driver")[0]
    record = st.driver_record(driver)
    container = [c for c in driver["status"]["containerStatuses"] if c["name"] == "spark-kubernetes-driver"][0]
    assert record == {
        "pod": "capture-completed-driver",
        "node": "aslab-node2",
        "phase": driver["status"]["phase"],  # Running or Succeeded: the capture may come before the kubelet's update
        "started_at": container["state"]["terminated"]["startedAt"],
        "finished_at": container["state"]["terminated"]["finishedAt"],
        "exit_code": 0,
    }


def test_times_come_in_the_apis_form_whatever_the_client_made_of_them():
    driver = copy.deepcopy(by_role(captured_pods("completed"), "driver")[0])
    terminated = driver["status"]["containerStatuses"][0]["state"]["terminated"]
    expected = (terminated["startedAt"], terminated["finishedAt"])
    # what kubernetes.client's sanitize_for_serialization makes of the parsed datetimes
    for key in ("startedAt", "finishedAt"):
        terminated[key] = terminated[key].replace("Z", "+00:00")
    record = st.driver_record(driver)
    assert (record["started_at"], record["finished_at"]) == expected


def test_the_driver_of_a_failed_run_has_a_non_zero_exit_code():
    record = st.driver_record(by_role(captured_pods("failed"), "driver")[0])
    assert record["exit_code"] == 101  # SparkSubmit's exit code for a main class it cannot load


def test_the_watch_remembers_executors_after_their_pods_are_gone():
    watch = st.PodWatch(pending_timeout=120, clock=Clock())
    running_app, running_pods = captured_json("running-app.json"), captured_pods("running")
    assert watch.observe(running_app, running_pods) is None
    executors = by_role(running_pods, "executor")
    assert executors, "the capture saved a look while an executor ran"
    seen = watch.executor_list()
    assert [e["pod"] for e in seen] == sorted(p["metadata"]["name"] for p in executors)
    assert {e["node"] for e in seen} == {"aslab-node2"} and {e["phase"] for e in seen} == {"Running"}
    assert watch.driver["phase"] == "Running" and watch.driver["node"] == "aslab-node2"
    # the end of the run, without any executor pod: the nodes stay, the states come from the operator's status
    completed = captured_json("completed-app.json")
    assert watch.observe(completed, by_role(captured_pods("completed"), "driver")) is None
    final = watch.executor_list()
    assert [e["node"] for e in final] == ["aslab-node2"] * len(executors)
    assert [e["state"] for e in final] == [completed["status"]["executorState"][e["pod"]] for e in final]
    assert watch.driver["exit_code"] == 0 and watch.driver["finished_at"]


def test_pods_of_an_earlier_submission_are_ignored():
    app = copy.deepcopy(captured_json("completed-app.json"))
    app["status"]["submissionID"] = "another-submission"
    watch = st.PodWatch(120, Clock())
    watch.observe(app, captured_pods("completed"))
    assert watch.driver["phase"] is None  # only the name from the status
    assert all(e["node"] is None for e in watch.executor_list())


def test_an_image_that_can_never_be_pulled_is_a_problem_at_once():
    pods = captured_pods("never-pull")
    stuck = st.cannot_start(by_role(pods, "driver")[0])
    assert stuck["reason"] == "ErrImageNeverPull" and stuck["container"] == "spark-kubernetes-driver"
    assert "no-such-tag" in stuck["message"]
    problem = st.PodWatch(120, Clock()).observe(captured_json("never-pull-app.json"), pods)
    assert problem["kind"] == "pod_cannot_start" and problem["pod"] == "capture-never-pull-driver"
    assert problem["node"] == "aslab-node2" and problem["role"] == "driver"


def test_an_unschedulable_pod_is_a_problem_only_after_the_pending_timeout():
    app, pods = captured_json("unschedulable-app.json"), captured_pods("unschedulable")
    message = st.unschedulable(by_role(pods, "driver")[0])
    assert "didn't match Pod's node affinity/selector" in message
    clock = Clock()
    watch = st.PodWatch(pending_timeout=30, clock=clock)
    assert watch.observe(app, pods) is None
    clock.now = 29.9
    assert watch.observe(app, pods) is None
    clock.now = 30.0
    problem = watch.observe(app, pods)
    assert problem["kind"] == "unschedulable" and problem["message"] == message and problem["node"] is None
    assert problem["pod"] == "capture-unschedulable-driver" and problem["seconds"] == 30.0


def test_the_pending_clock_restarts_when_a_pod_got_scheduled_in_between():
    app, pods = captured_json("unschedulable-app.json"), captured_pods("unschedulable")
    scheduled = captured_pods("completed")
    clock = Clock()
    watch = st.PodWatch(pending_timeout=30, clock=clock)
    watch.observe(app, pods)
    clock.now = 20.0
    watch.observe(app, [])  # the pod went away (a new submission)
    clock.now = 40.0
    assert watch.observe(app, pods) is None
    assert st.unschedulable(by_role(scheduled, "driver")[0]) is None


def test_healthy_pods_are_no_problem():
    for prefix in ("running", "completed", "failed"):
        for pod in captured_pods(prefix):
            assert st.cannot_start(pod) is None and st.unschedulable(pod) is None, (prefix, pod["metadata"]["name"])


def test_spark_submits_own_error_for_a_missing_main_class():
    # Spark 3.5.5's SparkSubmit says "Error: Failed to load class X." and exits 101, without an exception trace.
    assert st.error_lines(captured_lines("failed-driver.log")) == [
        "Error: Failed to load class org.apache.spark.examples.NoSuchWordCount."]


def test_the_exception_and_its_cause_without_the_stack_frames():
    log = captured_lines("failed-input-driver.log")
    lines = st.error_lines(log)
    assert [line for line in lines if line.startswith(("Exception in thread", "Caused by: "))] == [
        line for line in log if line.startswith(("Exception in thread", "Caused by: "))]
    assert any("Input path does not exist: file:/no/such/file" in line for line in lines)
    assert not any(line.lstrip().startswith("at ") for line in lines)
    assert len(lines) <= st.MAX_ERROR_LINES


def test_a_successful_log_has_no_exception_lines():
    lines = st.error_lines(captured_lines("completed-driver.log"))
    assert not any("Exception" in line for line in lines), lines


def test_the_shape_of_a_result():
    app = captured_json("completed-app.json")
    watch = st.PodWatch(120, Clock())
    watch.observe(app, captured_pods("completed"))
    shaped = st.shape(app, watch, ["a: 1"])
    assert set(shaped) == {"state", "error_message", "application", "driver", "executors", "submission_time",
                           "termination_time", "duration_seconds", "driver_log_lines"}
    assert "managedFields" not in shaped["application"]["metadata"]
    assert shaped["application"]["metadata"]["uid"] == app["metadata"]["uid"]
    assert st.describe_driver(shaped["driver"]) == \
        "driver pod capture-completed-driver on aslab-node2 (phase %s, exit code 0)" % shaped["driver"]["phase"]
    assert st.describe_driver({}) == "no driver pod yet"
