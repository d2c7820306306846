# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What to do with a SparkApplication, decided from the object found and the desired spec hash (a pure function)."""

from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec as spec_utils
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.status import app_state, error_message

# Steps the manager carries out.
CREATE = "create"        # nothing there: submit
REPLACE = "replace"      # delete what is there, wait until it and its pods are gone, submit
KEEP = "keep"            # an identical application already completed: report it
WAIT = "wait"            # an identical application is on its way: wait for it
DELETE = "delete"        # state=absent and it exists
GONE = "gone"            # state=absent and it does not exist (or is already being deleted: wait for it)

# Step -> the `action` the module returns.
ACTIONS = {CREATE: "created", REPLACE: "replaced", KEEP: "unchanged", WAIT: "unchanged", DELETE: "deleted",
           GONE: "absent"}
CHANGES = (CREATE, REPLACE, DELETE)


class Plan(NamedTuple):
    step: str
    reason: str

    @property
    def action(self) -> str:
        return ACTIONS[self.step]

    @property
    def changed(self) -> bool:
        return self.step in CHANGES


def _terminating(app: Dict[str, Any]) -> bool:
    return bool((app.get("metadata") or {}).get("deletionTimestamp"))


def decide(existing: Optional[Dict[str, Any]], desired_hash: Optional[str], state: str, rerun: bool,
           name: str) -> Plan:
    """The step for ``state`` (present/absent) given the object found (``None``: missing) and the desired hash.

    present: missing or being deleted -> create; other hash or none -> replace; same hash and COMPLETED -> keep,
    or replace with ``rerun``; same hash and FAILED/SUBMISSION_FAILED -> replace; same hash otherwise -> wait.
    absent: exists -> delete; missing or already being deleted -> gone.
    """
    if state == "absent":
        if existing is None:
            return Plan(GONE, "SparkApplication %s does not exist" % name)
        if _terminating(existing):
            return Plan(GONE, "SparkApplication %s was already being deleted" % name)
        return Plan(DELETE, "SparkApplication %s exists (state %s): deleting it" % (name, app_state(existing) or "new"))

    if existing is None:
        return Plan(CREATE, "SparkApplication %s does not exist: submitting it" % name)
    if _terminating(existing):
        return Plan(CREATE, "SparkApplication %s was being deleted: submitting it anew once it is gone" % name)
    found = spec_utils.stored_hash(existing)
    if found is None:
        return Plan(REPLACE, "SparkApplication %s was not submitted by this module (no %s annotation): replacing it"
                    % (name, spec_utils.HASH_ANNOTATION))
    if found != desired_hash:
        return Plan(REPLACE, "the spec of SparkApplication %s changed (spec hash %s, was %s): replacing it"
                    % (name, (desired_hash or "")[:12], found[:12]))
    current = app_state(existing)
    if current == "COMPLETED":
        if rerun:
            return Plan(REPLACE, "SparkApplication %s already completed with this spec; rerun is set: submitting it "
                        "again" % name)
        return Plan(KEEP, "SparkApplication %s already completed with this spec: not resubmitted (set rerun to run it "
                    "again)" % name)
    if current in ("FAILED", "SUBMISSION_FAILED"):
        detail = error_message(existing)
        return Plan(REPLACE, "the previous run of SparkApplication %s failed (state %s%s): submitting it again"
                    % (name, current, ": " + detail if detail else ""))
    return Plan(WAIT, "SparkApplication %s with this spec is already %s: waiting for it"
                % (name, current or "submitted and not yet picked up by the operator"))
