# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted stand-in for the module's SparkApi, replaying captured objects, with a clock that only moves when the
manager sleeps: the waiting logic is tested without waiting. The real API is exercised by the integration target."""

from __future__ import annotations

import copy

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import (
    captured_json,
    captured_pods,
)


def frame(prefix, hash_of=None):
    """``(application, pods)`` as captured under ``prefix``; the application carries ``hash_of``'s spec hash."""
    app = copy.deepcopy(captured_json("%s-app.json" % prefix))
    if hash_of is not None:
        app["metadata"].setdefault("annotations", {})[spec.HASH_ANNOTATION] = spec.desired_hash(hash_of)
    try:
        pods = captured_pods(prefix)
    except (IOError, OSError):
        pods = []
    return app, pods


class FakeCluster:
    """``script``: the frames (application or None, pods) seen until the manager deletes or creates; each sleep moves
    to the next frame (the last one stays). ``after_delete`` and ``after_create`` replace the script."""

    def __init__(self, script=((None, []),), after_delete=((None, []),), after_create=None, log=(), errors=None):
        self.script = [tuple(f) for f in script]
        self.after_delete = [tuple(f) for f in after_delete]
        self.after_create = [tuple(f) for f in after_create] if after_create else None
        self.log = list(log)
        self.errors = dict(errors or {})
        self.index = 0
        self.now = 1000.0
        self.calls = []
        self.created = None

    # the clock and sleep the manager is given
    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.calls.append(("sleep", round(seconds, 3)))
        self.now += max(seconds, 0.001)
        self.index = min(self.index + 1, len(self.script) - 1)

    def _raise(self, name):
        if name in self.errors:
            raise self.errors[name]

    # SparkApi
    def get(self, namespace, name):
        self.calls.append(("get", namespace, name))
        self._raise("get")
        return copy.deepcopy(self.script[self.index][0])

    def pods(self, namespace, name):
        self.calls.append(("pods", namespace, name))
        return copy.deepcopy(self.script[self.index][1])

    def create(self, body, dry_run=False):
        self.calls.append(("create", "dry-run" if dry_run else "real", body["metadata"]["name"]))
        self._raise("dry-run" if dry_run else "create")
        if dry_run:
            return body
        self.created = copy.deepcopy(body)
        stored = dict(copy.deepcopy(body), status={})
        self.script = self.after_create or [(stored, [])]
        self.index = 0
        return copy.deepcopy(self.script[0][0])

    def delete(self, namespace, name):
        self.calls.append(("delete", namespace, name))
        self._raise("delete")
        existed = self.script[self.index][0] is not None
        self.script, self.index = self.after_delete, 0
        return existed

    def delete_pod(self, namespace, pod):
        self.calls.append(("delete_pod", namespace, pod))

    def driver_log(self, namespace, pod, lines):
        self.calls.append(("driver_log", pod, lines))
        return self.log[-lines:] if lines > 0 and pod else []

    def steps(self):
        """The calls that change something, in order."""
        return [call for call in self.calls if call[0] in ("create", "delete", "delete_pod")]
