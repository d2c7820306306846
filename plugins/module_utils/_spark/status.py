# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a SparkApplication and its pods: state, driver and executors, pods that can never start, the driver's own
error lines, times. Pure functions of the objects as plain dicts (camelCase keys, as ``kubectl get -o json``)."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any, Callable, Dict, List, Optional

DRIVER_CONTAINER = "spark-kubernetes-driver"
LABEL_APP_NAME = "sparkoperator.k8s.io/app-name"
LABEL_SUBMISSION_ID = "sparkoperator.k8s.io/submission-id"
LABEL_ROLE = "spark-role"

FINAL_STATES = ("COMPLETED", "FAILED")
FAILED_STATES = ("FAILED", "SUBMISSION_FAILED")
# Waiting reasons (kubelet and runtime) after which a container will not start without someone changing the image,
# the node or the pod's configuration: waiting longer cannot help.
CANNOT_START_REASONS = (
    "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "ImageInspectError",
    "RegistryUnavailable", "SignatureValidationFailed", "CreateContainerConfigError", "CreateContainerError",
    "PreCreateHookError", "PreStartHookError", "RunContainerError",
)
_PHASE_TO_EXECUTOR_STATE = {"Pending": "PENDING", "Running": "RUNNING", "Succeeded": "COMPLETED", "Failed": "FAILED"}

# The driver's own error lines in a log tail: Java exception headers (with "Exception in thread" or "Caused by:"),
# log4j ERROR lines and spark-submit's "Error: ..." lines. Stack frames ("\tat ...") are left out.
_ERROR_LINE = re.compile(
    r"^(?:Exception in thread \"[^\"]*\" |Caused by: )?(?:[A-Za-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b"
    r"|^(?:Exception in thread|Caused by: |Error: )"
    r"|\s(?:ERROR|FATAL)\s")
MAX_ERROR_LINES = 15
MAX_LINE_CHARS = 400


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def app_state(app: Optional[Dict[str, Any]]) -> str:
    """``status.applicationState.state``; ``""`` before the operator has picked the application up."""
    return _get(app, "status", "applicationState", "state") or ""


def error_message(app: Optional[Dict[str, Any]]) -> str:
    return _get(app, "status", "applicationState", "errorMessage") or ""


def is_final(app: Dict[str, Any], submission_retried: bool) -> bool:
    """Whether the state will not change any more: COMPLETED, FAILED, or SUBMISSION_FAILED that is not retried."""
    state = app_state(app)
    return state in FINAL_STATES or (state == "SUBMISSION_FAILED" and not submission_retried)


def parse_time(value: Optional[str]) -> Optional[datetime.datetime]:
    """An RFC 3339 timestamp of the API (``2025-12-01T15:01:02Z``) as an aware datetime; ``None`` when unset."""
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None


def duration_seconds(app: Dict[str, Any]) -> Optional[float]:
    """Seconds from the last submission attempt to termination; ``None`` until the application terminated."""
    start = parse_time(_get(app, "status", "lastSubmissionAttemptTime"))
    end = parse_time(_get(app, "status", "terminationTime"))
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds()


def _container_status(pod: Dict[str, Any], name: str) -> Dict[str, Any]:
    statuses = _get(pod, "status", "containerStatuses") or []
    for status in statuses:
        if status.get("name") == name:
            return status
    return statuses[0] if statuses else {}


def api_time(value: Optional[str]) -> Optional[str]:
    """A timestamp in the API's own form (``...Z``): the Python client serializes parsed ones as ``...+00:00``."""
    if value and value.endswith("+00:00"):
        return value[:-6] + "Z"
    return value


def driver_record(pod: Dict[str, Any]) -> Dict[str, Any]:
    """``{pod, node, phase, started_at, finished_at, exit_code}`` from the driver pod and its driver container."""
    state = _container_status(pod, DRIVER_CONTAINER).get("state") or {}
    running, terminated = state.get("running") or {}, state.get("terminated") or {}
    return {
        "pod": _get(pod, "metadata", "name"),
        "node": _get(pod, "spec", "nodeName"),
        "phase": _get(pod, "status", "phase"),
        "started_at": api_time(terminated.get("startedAt") or running.get("startedAt")),
        "finished_at": api_time(terminated.get("finishedAt")),
        "exit_code": terminated.get("exitCode"),
    }


def executor_record(pod: Dict[str, Any], executor_states: Dict[str, str]) -> Dict[str, Any]:
    name = _get(pod, "metadata", "name")
    phase = _get(pod, "status", "phase")
    return {"pod": name, "node": _get(pod, "spec", "nodeName"), "phase": phase,
            "state": executor_states.get(name) or _PHASE_TO_EXECUTOR_STATE.get(phase, "UNKNOWN")}


def cannot_start(pod: Dict[str, Any]) -> Optional[Dict[str, str]]:
    """``{reason, message, container}`` when a container of the pod waits for a reason waiting cannot cure."""
    status = pod.get("status") or {}
    for status_key in ("initContainerStatuses", "containerStatuses"):
        for container in status.get(status_key) or []:
            waiting = _get(container, "state", "waiting") or {}
            if waiting.get("reason") in CANNOT_START_REASONS:
                return {"reason": waiting["reason"], "message": waiting.get("message") or "",
                        "container": container.get("name") or ""}
    return None


def unschedulable(pod: Dict[str, Any]) -> Optional[str]:
    """The scheduler's message when the pod is Pending because no node fits it (condition PodScheduled=False)."""
    if _get(pod, "status", "phase") != "Pending" or _get(pod, "spec", "nodeName"):
        return None
    for condition in _get(pod, "status", "conditions") or []:
        if (condition.get("type") == "PodScheduled" and condition.get("status") == "False"
                and condition.get("reason") == "Unschedulable"):
            return condition.get("message") or "no node fits the pod"
    return None


def error_lines(lines: List[str]) -> List[str]:
    """The driver's own error lines in a log tail (exception and cause lines, ERROR lines), deduplicated, capped."""
    found: List[str] = []
    for line in lines:
        line = line.rstrip()
        if _ERROR_LINE.search(line) and line not in found:
            found.append(line[:MAX_LINE_CHARS])
    return found[-MAX_ERROR_LINES:]


def strip_object(app: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The object as the API returned it, without ``metadata.managedFields`` (bookkeeping of the API server)."""
    if not app:
        return {}
    app = dict(app)
    app["metadata"] = dict((k, v) for k, v in (app.get("metadata") or {}).items() if k != "managedFields")
    return app


class PodWatch:
    """What the waiting loop learnt about an application's pods, kept across polls.

    Executor pods may be deleted when the application ends, so every executor seen is remembered with its node.
    ``observe`` returns the first problem waiting cannot cure: a container that cannot start (at once), or a pod that
    has been unschedulable for ``pending_timeout`` seconds of this module's own clock (no clock skew with the server).
    """

    def __init__(self, pending_timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.pending_timeout = pending_timeout
        self.clock = clock
        self.driver: Dict[str, Any] = {}
        self.executors: Dict[str, Dict[str, Any]] = {}
        self._unschedulable_since: Dict[str, float] = {}

    def observe(self, app: Dict[str, Any], pods: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        submission = _get(app, "status", "submissionID")
        executor_states = _get(app, "status", "executorState") or {}
        driver_name = _get(app, "status", "driverInfo", "podName")
        if driver_name and self.driver.get("pod") != driver_name:
            self.driver = {"pod": driver_name, "node": None, "phase": None, "started_at": None, "finished_at": None,
                           "exit_code": None}
        current = []
        for pod in pods:
            labels = _get(pod, "metadata", "labels") or {}
            if submission and labels.get(LABEL_SUBMISSION_ID) not in (None, submission):
                continue  # a pod of an earlier submission, on its way out
            role = labels.get(LABEL_ROLE)
            if role == "driver":
                self.driver = driver_record(pod)
            elif role == "executor":
                self.executors[_get(pod, "metadata", "name")] = executor_record(pod, executor_states)
            else:
                continue
            current.append((role, pod))
        for name, state in executor_states.items():
            record = self.executors.setdefault(name, {"pod": name, "node": None, "phase": None, "state": state})
            record["state"] = state
        return self._problem(current)

    def _problem(self, current) -> Optional[Dict[str, Any]]:
        now = self.clock()
        seen = set()
        for role, pod in current:
            name = _get(pod, "metadata", "name")
            seen.add(name)
            node = _get(pod, "spec", "nodeName")
            stuck = cannot_start(pod)
            if stuck:
                return dict(stuck, kind="pod_cannot_start", role=role, pod=name, node=node)
            message = unschedulable(pod)
            if message is None:
                self._unschedulable_since.pop(name, None)
                continue
            since = self._unschedulable_since.setdefault(name, now)
            if now - since >= self.pending_timeout:
                return {"kind": "unschedulable", "role": role, "pod": name, "node": None, "reason": "Unschedulable",
                        "message": message, "container": "", "seconds": round(now - since, 1)}
        for name in list(self._unschedulable_since):
            if name not in seen:
                del self._unschedulable_since[name]
        return None

    def executor_list(self) -> List[Dict[str, Any]]:
        return [self.executors[name] for name in sorted(self.executors)]


def describe_driver(driver: Dict[str, Any]) -> str:
    """``driver pod P on NODE (phase X, exit code N)``, for messages."""
    if not driver.get("pod"):
        return "no driver pod yet"
    parts = ["phase %s" % (driver.get("phase") or "unknown")]
    if driver.get("exit_code") is not None:
        parts.append("exit code %s" % driver["exit_code"])
    return "driver pod %s on %s (%s)" % (driver["pod"], driver.get("node") or "no node (not scheduled)",
                                         ", ".join(parts))


def shape(app: Optional[Dict[str, Any]], watch: PodWatch, log_lines: List[str]) -> Dict[str, Any]:
    """The result keys describing one run (see the module's RETURN)."""
    status = (app or {}).get("status") or {}
    return {
        "state": app_state(app),
        "error_message": error_message(app),
        "application": strip_object(app),
        "driver": dict(watch.driver),
        "executors": watch.executor_list(),
        "submission_time": status.get("lastSubmissionAttemptTime"),
        "termination_time": status.get("terminationTime"),
        "duration_seconds": duration_seconds(app or {}),
        "driver_log_lines": log_lines,
    }
