# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Submit, replace or delete a SparkApplication and wait for its end: what the ``spark_application`` module does.

The steps: build the desired object (``spec``), read what exists, decide (``plan``), have the API server validate
a new spec (server-side dry run) before anything is deleted, act unless in check mode, then poll the application
and its pods (``status.PodWatch``) until a final state, a pod that can never start, or the deadline.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable, Dict, List, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.custom_objects import custom_objects_from_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import plan as planner
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import sparkctl
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec as spec_utils
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import status as st
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.api import SparkApi
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import (
    SparkApiError,
    SparkAppError,
    SparkInputError,
    SparkRunError,
)

# How many log lines are searched for the driver's own error when the application failed.
ERROR_SCAN_LINES = 400
# A deletion (replace, absent, clean-up) waits at least this long for the object and its pods to go: pods get a
# 30 s grace period by default, whatever the run's wait_timeout.
MIN_DELETE_WAIT = 60
MAX_MSG_ERROR_CHARS = 1500
# Seconds a new application may take to be submitted by the operator before it is deleted anyway (operator down?).
SUBMISSION_SETTLE = 60
# Seconds the garbage collector gets to start deleting the pods of a deleted application before the module does.
ORPHAN_GRACE = 10


class SparkApplicationManager:
    """One module run. ``clock`` and ``sleep`` are injectable so the waiting logic can be tested without waiting."""

    def __init__(self, params: Dict[str, Any], api_factory: Callable[[], SparkApi], check_mode: bool = False,
                 diff: bool = False, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        check_params(params)
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.clock = clock
        self.sleep = sleep
        self.desired = spec_utils.build_desired(params)
        self.sparkctl_kubeconfig = None
        if params["state"] == "present" and params["submitter"] == "sparkctl":
            self.sparkctl_kubeconfig = sparkctl.check_auth(params)
        self.api = api_factory()  # only once the input is known to be good
        self.name = self.desired["metadata"]["name"]
        self.namespace = self.desired["metadata"]["namespace"]
        self.who = spec_utils.identity(self.desired)
        self.result: Dict[str, Any] = {}
        self.acted = False  # whether this run deleted or created anything: the `changed` of a failure

    # -- the run ---------------------------------------------------------------------------------------------------

    def run(self) -> Dict[str, Any]:
        """The module's result; a :class:`SparkAppError` carries the same keys (as far as known) in ``details``."""
        try:
            return self._run()
        except SparkAppError as exc:
            details = self._details()
            details.update(exc.details)
            details["changed"] = self.acted
            exc.details = details
            raise

    def _run(self) -> Dict[str, Any]:
        params = self.params
        present = params["state"] == "present"
        existing = self.api.get(self.namespace, self.name)
        desired_hash = spec_utils.desired_hash(self.desired)
        plan = planner.decide(existing, desired_hash, params["state"], params["rerun"], self.who)
        self.result = dict(changed=plan.changed, action=plan.action, msg=plan.reason)
        if present:
            self.result["spec_hash"] = desired_hash
        self.result.update(st.shape(existing, st.PodWatch(params["pending_timeout"]), []))
        if self.diff and plan.changed:
            self.result["diff"] = self._diff(existing, plan)
        if plan.step in (planner.CREATE, planner.REPLACE):
            # Before anything is deleted: an invalid spec fails here, with the old application untouched.
            self.api.create(self.desired, dry_run=True)
        if self.check_mode:
            return self.result

        if plan.step == planner.GONE:
            if existing is not None:
                self._wait_gone("the deletion already under way")
            return self._finish_absent(None)
        if plan.step == planner.DELETE:
            self.acted = self._delete()
            if params["wait"]:
                self._wait_gone("the deletion")
            return self._finish_absent(existing)

        if plan.step == planner.REPLACE or (plan.step == planner.CREATE and existing is not None):
            if plan.step == planner.REPLACE:
                self.acted = self._delete()
            self._wait_gone("the replacement")
        if plan.step in (planner.CREATE, planner.REPLACE):
            app = self._submit()
        else:
            app = existing

        if plan.step == planner.KEEP or not params["wait"]:
            watch = st.PodWatch(params["pending_timeout"], self.clock)
            watch.observe(app, self.api.pods(self.namespace, self.name))
            self._update(app, watch)
            return self.result
        return self._wait(app)

    def _diff(self, existing: Optional[Dict[str, Any]], plan: planner.Plan) -> Dict[str, Any]:
        before = {"spec": existing.get("spec") or {}} if existing else {}
        after = {} if plan.step == planner.DELETE else {"spec": self.desired["spec"]}
        return {"before": before, "after": after}

    def _finish_absent(self, deleted: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        self.result["application"] = st.strip_object(deleted)
        return self.result

    # -- submitting and deleting -----------------------------------------------------------------------------------

    def _submit(self) -> Dict[str, Any]:
        params = self.params
        if params["submitter"] == "api":
            app = self.api.create(self.desired)
            self.acted = True
            return app
        args, rc, out, err = sparkctl.submit(params["sparkctl_command"], self.desired, self.sparkctl_kubeconfig)
        app = self.api.get(self.namespace, self.name)
        if app is not None:
            self.acted = True
        if rc != 0 or app is None:
            said = " ".join((err.strip() or out.strip() or "nothing").split())[-1000:]
            raise SparkApiError("'%s' did not create SparkApplication %s (exit code %s; sparkctl 2.1.1 exits 0 even on "
                                "errors, so the module checks that the object exists): it said: %s"
                                % (" ".join(args), self.who, rc, said))
        return app

    def _delete(self) -> bool:
        """Delete the application, but not while the operator runs spark-submit for it.

        The operator records SUBMITTED only after spark-submit has created the driver pod; an application deleted
        before that would see its driver pod created afterwards (and collected later by the garbage collector), so a
        new application is given up to :data:`SUBMISSION_SETTLE` seconds to be submitted first.
        """
        deadline = self.clock() + SUBMISSION_SETTLE
        app = self.api.get(self.namespace, self.name)
        while app is not None and not st.app_state(app) and not (app.get("metadata") or {}).get("deletionTimestamp") \
                and self.clock() < deadline:
            self.sleep(min(self.params["wait_sleep"], max(0.0, deadline - self.clock())))
            app = self.api.get(self.namespace, self.name)
        return self.api.delete(self.namespace, self.name)

    def _delete_deadline(self) -> float:
        return self.clock() + max(self.params["wait_timeout"], MIN_DELETE_WAIT)

    def _wait_gone(self, what: str) -> None:
        """Wait until the application and every pod labelled with its name are gone.

        The garbage collector deletes the pods after their owner; pods that are still not being deleted
        :data:`ORPHAN_GRACE` seconds after the application went (no owner reference) are deleted here.
        """
        deadline = self._delete_deadline()
        app_gone_at = None
        while True:
            app = self.api.get(self.namespace, self.name)
            pods = self.api.pods(self.namespace, self.name)
            if app is None and not pods:
                return
            if app is None:
                app_gone_at = self.clock() if app_gone_at is None else app_gone_at
                if self.clock() - app_gone_at >= ORPHAN_GRACE:
                    for pod in pods:
                        if not (pod.get("metadata") or {}).get("deletionTimestamp"):
                            self.api.delete_pod(self.namespace, pod["metadata"]["name"])
            if self.clock() >= deadline:
                left = (["SparkApplication %s" % self.who] if app is not None else []) + \
                    ["pod %s" % pod["metadata"]["name"] for pod in pods]
                raise SparkRunError("%s of SparkApplication %s did not finish within %s s: %s still exist. Check the "
                                    "finalizers on them and that kube-controller-manager (garbage collection) runs"
                                    % (what, self.who, max(self.params["wait_timeout"], MIN_DELETE_WAIT),
                                       ", ".join(left)), "timeout")
            self.sleep(min(self.params["wait_sleep"], max(0.0, deadline - self.clock())))

    # -- waiting -----------------------------------------------------------------------------------------------------

    def _wait(self, app: Dict[str, Any]) -> Dict[str, Any]:
        params = self.params
        deadline = self.clock() + params["wait_timeout"]
        watch = st.PodWatch(params["pending_timeout"], self.clock)
        retried = spec_utils.retries_submission(app.get("spec") or self.desired["spec"])
        while True:
            app = self.api.get(self.namespace, self.name)
            if app is None:
                self._update(None, watch, [])
                raise SparkRunError("SparkApplication %s was deleted while the module waited for it (by another run "
                                    "or user?); submit it again" % self.who, "vanished")
            problem = watch.observe(app, self.api.pods(self.namespace, self.name))
            if st.is_final(app, retried):
                break
            if st.app_state(app) == "SUSPENDED":
                self._update(app, watch)
                raise SparkRunError("SparkApplication %s is SUSPENDED (spec.suspend: true) and will not run until it "
                                    "is resumed; remove suspend from the spec" % self.who, "suspended")
            if problem:
                self._give_up(app, watch, problem)
            if self.clock() >= deadline:
                self._give_up(app, watch, None)
            self.sleep(min(params["wait_sleep"], max(0.0, deadline - self.clock())))
        log = self._driver_log(watch, ERROR_SCAN_LINES if st.app_state(app) in st.FAILED_STATES else None)
        self._update(app, watch, log)
        if st.app_state(app) in st.FAILED_STATES:
            raise SparkRunError(self._failed_message(app, watch, log), "failed")
        duration = self.result.get("duration_seconds")
        self.result["msg"] += "; %s%s" % (st.app_state(app), " in %.1f s" % duration if duration is not None else "")
        return self.result

    def _driver_log(self, watch: st.PodWatch, scan: Optional[int]) -> List[str]:
        lines = max(self.params["log_lines"], scan or 0)
        return self.api.driver_log(self.namespace, watch.driver.get("pod"), lines)

    def _update(self, app: Optional[Dict[str, Any]], watch: st.PodWatch, log: Optional[List[str]] = None) -> None:
        wanted = self.params["log_lines"]
        if log is None:
            log = self._driver_log(watch, None)
        self.result.update(st.shape(app, watch, log[-wanted:] if wanted > 0 else []))

    def _details(self) -> Dict[str, Any]:
        details = dict(self.result)
        details.pop("msg", None)
        details.pop("diff", None)
        return details

    def _failed_message(self, app: Dict[str, Any], watch: st.PodWatch, log: List[str]) -> str:
        state = st.app_state(app)
        # The operator's message can hold a whole spark-submit stack trace: its first line and the cause lines.
        lines = st.error_message(app).strip().splitlines() or ["no error message"]
        error = " | ".join([lines[0].strip()] + [line for line in st.error_lines(lines[1:]) if line != lines[0]])
        parts = ["SparkApplication %s %s: %s" % (self.who, state, error[:MAX_MSG_ERROR_CHARS])]
        ran = watch.driver.get("phase") is not None  # a driver pod was seen, not only named in the status
        if ran:
            parts.append("The %s" % st.describe_driver(watch.driver))
        else:
            parts.append("No driver pod ran: the operator's spark-submit failed before creating it")
        errors = st.error_lines(log)
        if errors:
            parts.append("Driver errors: %s" % " | ".join(errors))
        if ran:
            parts.append("Full log: kubectl logs -n %s %s -c %s (the tail is in driver_log_lines)"
                         % (self.namespace, watch.driver["pod"], st.DRIVER_CONTAINER))
        return ". ".join(part.rstrip(".") for part in parts) + "."

    def _give_up(self, app: Dict[str, Any], watch: st.PodWatch, problem: Optional[Dict[str, Any]]) -> None:
        """Stop waiting: record what was reached, delete the application if asked, and raise what happened."""
        params = self.params
        self._update(app, watch)
        if problem is None:
            reason = "timeout"
            message = ("SparkApplication %s did not finish within %s s (wait_timeout): state %s, %s"
                       % (self.who, params["wait_timeout"], st.app_state(app) or "new (not picked up by the operator: "
                          "is it running and watching namespace %s?)" % self.namespace, st.describe_driver(watch.driver)))
        elif problem["kind"] == "unschedulable":
            reason = "unschedulable"
            message = ("SparkApplication %s cannot start: its %s pod %s was not scheduled within %s s (pending_timeout): "
                       "%s Check that the node selector or affinity names existing, Ready nodes with room for the "
                       "pod's requests" % (self.who, problem["role"], problem["pod"], params["pending_timeout"],
                                           problem["message"].strip()))
        else:
            reason = "pod_cannot_start"
            message = ("SparkApplication %s cannot start: its %s pod %s on %s waits with %s (container %s): %s. Waiting "
                       "cannot help: make the image available on the node (or fix image and image_pull_policy), or "
                       "the pod's configuration" % (self.who, problem["role"], problem["pod"],
                                                    problem["node"] or "no node (not scheduled)", problem["reason"],
                                                    problem["container"], problem["message"] or "no message"))
        if params["cleanup_on_timeout"]:
            try:
                if self._delete():
                    self.acted = True
                self._wait_gone("the clean-up")
            except (SparkApiError, SparkRunError) as exc:
                message += ". Deleting the application (cleanup_on_timeout) failed: %s" % exc
                self.result["deleted"] = False
            else:
                message += ". The application was deleted (cleanup_on_timeout), nothing of it is left"
                self.result["deleted"] = True
        else:
            message += (". The application was left in place (cleanup_on_timeout=false); remove it with "
                        "state=absent")
            self.result["deleted"] = False
        raise SparkRunError(message, reason)


_POSITIVE = ("wait_timeout", "wait_sleep")
_NOT_NEGATIVE = ("pending_timeout", "log_lines")


def check_params(params: Dict[str, Any]) -> None:
    """What the argument spec cannot express (bounds, a kubeconfig file that is not there); before any API call."""
    kubeconfig = params.get("kubeconfig")
    if kubeconfig is None:
        kubeconfig = os.environ.get("K8S_AUTH_KUBECONFIG")
    if isinstance(kubeconfig, str) and not os.path.isfile(os.path.expanduser(kubeconfig)):
        raise SparkInputError("the kubeconfig %s does not exist (option kubeconfig or K8S_AUTH_KUBECONFIG); give the "
                              "path of a kubeconfig file" % kubeconfig)
    for key in _POSITIVE:
        if params[key] < 1:
            raise SparkInputError("%s must be at least 1 (seconds), got %s" % (key, params[key]))
    for key in _NOT_NEGATIVE:
        if params[key] < 0:
            raise SparkInputError("%s must not be negative, got %s" % (key, params[key]))


def run(module: Any) -> Dict[str, Any]:
    """The ``spark_application`` module: ``module.params`` in, the result dict out (errors are typed)."""
    def api_factory() -> SparkApi:
        return SparkApi(*custom_objects_from_module(module))

    return SparkApplicationManager(module.params, api_factory, check_mode=module.check_mode, diff=module._diff).run()
