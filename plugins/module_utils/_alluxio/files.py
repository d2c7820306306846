# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put a local file or directory into Alluxio, or remove a path: plan first (the reason), then act.

The plan compares what is there (size, then MD5 when sizes match) with the source and says why a change is needed.
Acting writes everything under a temporary sibling name (``.NAME.ansible-tmp-XXXXXXXXXXXX``) and renames it into
place. What that guarantees, exactly:

- readers never see partial data at ``dest``: it holds the old bytes or the new ones;
- creating: ``dest`` appears with one rename;
- replacing: Alluxio cannot rename over an existing path, so the old copy is renamed away and the new one renamed
  in, back to back. Between the two renames ``dest`` is absent, for the length of one rename call (one proxy request
  over ``rest``/``k8s_proxy``, one CLI run over ``local``/``k8s_exec``);
- a failure names every copy it leaves behind; a run killed outright leaves its temporary copies, and the next run
  on the same ``dest`` removes them (runs on one ``dest`` must not overlap).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, NamedTuple, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import localfs
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.paths import is_temp_of, parent_of, temp_name
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


class Plan(NamedTuple):
    """What to do to ``dest`` (``none``, ``create``, ``replace``, ``remove``, ``cache``), why, what was found, and the
    temporary copies of earlier interrupted runs to remove."""

    action: str
    reason: str
    existing: Optional[Dict[str, Any]]
    stale: List[str]

    @property
    def changes(self) -> bool:
        return self.action != "none" or bool(self.stale)

    @property
    def message(self) -> str:
        if not self.stale:
            return self.reason
        return "%s; %d temporary copies left by an interrupted run are removed: %s" % (
            self.reason, len(self.stale), ", ".join(self.stale))


def stale_copies(client: Any, dest: str) -> List[str]:
    """Temporary siblings of ``dest`` that an interrupted run left behind."""
    return sorted(entry["path"] for entry in client.children(parent_of(dest)) if is_temp_of(entry["path"], dest))


def plan_absent(client: Any, dest: str) -> Plan:
    existing = client.status(dest)
    stale = stale_copies(client, dest)
    if existing is None:
        return Plan("none", "%s does not exist" % dest, None, stale)
    return Plan("remove", "%s exists" % dest, existing, stale)


def plan_present(client: Any, src: str, dest: str, force: bool, checksum: bool) -> Plan:
    src_is_dir, entries = localfs.scan(src)
    existing = client.status(dest)
    stale = stale_copies(client, dest)
    if existing is None:
        return Plan("create", "%s does not exist in Alluxio" % dest, None, stale)
    if existing["is_dir"] != src_is_dir:
        raise AlluxioError("dest %s is a %s in Alluxio but src %s is a %s; remove it first (state=absent) or choose "
                           "another dest" % (dest, "directory" if existing["is_dir"] else "file", src,
                                             "directory" if src_is_dir else "file"))
    if force:
        return Plan("replace", "force=true", existing, stale)
    local = dict((entry.rel, entry) for entry in entries if not entry.is_dir)
    remote = dict((_relative(dest, f["path"]), f) for f in client.tree(dest)[1]) if src_is_dir else {"": existing}
    if sorted(local) != sorted(remote):
        reason = "the set of files differs (%d local, %d in Alluxio)" % (len(local), len(remote))
        return Plan("replace", reason, existing, stale)
    for rel, entry in sorted(local.items()):
        there = remote[rel]
        if there["length"] != entry.size:
            reason = "%s has %d bytes in Alluxio, %d locally" % (there["path"], there["length"], entry.size)
            return Plan("replace", reason, existing, stale)
        if not there["completed"]:
            return Plan("replace", "%s is incomplete in Alluxio" % there["path"], existing, stale)
    if checksum:
        for rel, entry in sorted(local.items()):
            if client.checksum(remote[rel]["path"]) != localfs.md5_of(entry.path):
                return Plan("replace", "%s differs in content (MD5)" % remote[rel]["path"], existing, stale)
    what = "files" if src_is_dir else "bytes"
    return Plan("none", "%s already holds the same %s" % (dest, what), existing, stale)


def plan_cache(client: Any, dest: str, plan: Plan) -> Plan:
    """With ``cache=true``: a ``dest`` that is up to date (``none``) but has files not fully in Alluxio (freed, or
    evicted after a worker restart) is loaded again (``cache``). A copy that is written is cached as it is written."""
    if plan.action != "none":
        return plan
    partial = [f["path"] for f in client.tree(dest)[1] if (f.get("in_alluxio_percentage") or 0) < 100]
    if not partial:
        return plan
    reason = "%s is up to date in Alluxio, but %d of its files are not (fully) cached: %s%s" % (
        dest, len(partial), ", ".join(partial[:5]), ", ..." if len(partial) > 5 else "")
    return Plan("cache", reason, plan.existing, plan.stale)


def _relative(root: str, path: str) -> str:
    return os.path.relpath(path, root) if path != root else ""


def apply(client: Any, plan: Plan, src: Optional[str], dest: str) -> None:
    """Carry out ``plan``. A failure raises an :class:`AlluxioError` whose ``details`` say whether ``dest`` changed
    (``changed``) and which copies are left in Alluxio (``leftovers``)."""
    for path in plan.stale:
        error = _remove(client, path)
        # The interrupted run's command may still be ending in the pod and remove its own copy meanwhile: a copy
        # that is gone is what this step wants.
        if error and client.status(path) is not None:
            raise AlluxioError("cannot remove %s, a temporary copy an interrupted run left: %s" % (path, error),
                               changed=False, leftovers=list(plan.stale))
    if plan.action == "remove":
        client.remove(dest, recursive=bool(plan.existing and plan.existing["is_dir"]))
    elif plan.action in ("create", "replace"):
        _put(client, src or "", dest, plan.action == "replace")
    elif plan.action == "cache":
        client.load(dest)


def _remove(client: Any, path: str, known: bool = True) -> Optional[str]:
    """Remove ``path`` (if it is there, when not ``known`` to be); the error text if that failed, else ``None``."""
    try:
        if known or client.status(path) is not None:
            client.remove(path, recursive=True)
    except CollectionError as exc:
        return str(exc)
    return None


def _abandon(client: Any, staging: str, message: str, changed: bool) -> AlluxioError:
    """Remove the staging copy after a failure; the error says whether that worked."""
    error = _remove(client, staging, known=False)
    if error:
        return AlluxioError("%s The temporary copy %s could not be removed (%s); the next run removes it."
                            % (message, staging, error), changed=changed, leftovers=[staging])
    return AlluxioError(message, changed=changed, leftovers=[])


def _put(client: Any, src: str, dest: str, replace: bool) -> None:
    staging = temp_name(dest)
    parent = parent_of(dest)
    if parent != "/" and client.status(parent) is None:
        client.mkdir(parent)
    try:
        client.upload(src, staging)
    except CollectionError as exc:
        raise _abandon(client, staging, "uploading %s to %s failed, %s is unchanged: %s" % (src, staging, dest, exc),
                       changed=False)
    if not replace:
        try:
            client.rename(staging, dest)
        except CollectionError as exc:
            raise _abandon(client, staging, "renaming %s to %s failed: %s" % (staging, dest, exc), changed=False)
        return
    old = temp_name(dest)
    try:
        client.rename(dest, old)
    except CollectionError as exc:
        raise _abandon(client, staging, "moving the old %s aside failed, it is unchanged: %s" % (dest, exc),
                       changed=False)
    try:
        client.rename(staging, dest)
    except CollectionError as swap_error:
        try:
            client.rename(old, dest)
        except CollectionError as restore_error:
            raise AlluxioError(
                "replacing %s failed and the old copy could not be put back, so %s is missing now. The new data is in "
                "%s, the old data in %s: rename one of them to %s (alluxio fs mv), or run again. Error of the swap: "
                "%s. Error of the restore: %s" % (dest, dest, staging, old, dest, swap_error, restore_error),
                changed=True, leftovers=[staging, old])
        raise _abandon(client, staging, "replacing %s failed; the old copy is back in place: %s" % (dest, swap_error),
                       changed=False)
    error = _remove(client, old)
    if error:
        raise AlluxioError("%s was replaced, but its old copy %s could not be removed (%s); the next run removes it."
                           % (dest, old, error), changed=True, leftovers=[old])
