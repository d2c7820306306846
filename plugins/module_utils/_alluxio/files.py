# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put a local file or directory into Alluxio, or remove a path: plan first (the reason), then act.

The plan compares what is there (size, then MD5 when sizes match) with the source and says why a change is
needed; acting writes everything under a temporary sibling name and renames it into place, so the destination is
never seen half written. Replacing keeps the old copy under a second temporary name until the new one is in place.
"""

from __future__ import annotations

import hashlib
import os

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.client import temp_name
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError


def md5_of(path):
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def local_tree(src):
    """``{relative path: (size, abs path)}`` of the regular files under ``src`` (or of ``src`` itself)."""
    if os.path.isfile(src):
        return {"": (os.path.getsize(src), src)}
    tree = {}
    for top, dirs, names in os.walk(src):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(top, name)
            if os.path.isfile(full):
                tree[os.path.relpath(full, src)] = (os.path.getsize(full), full)
    return tree


def check_source(src):
    if not os.path.exists(src):
        raise AlluxioError("src %s does not exist on this host; give the path of a local file or directory" % src)
    if not (os.path.isfile(src) or os.path.isdir(src)):
        raise AlluxioError("src %s is neither a regular file nor a directory" % src)
    if not os.access(src, os.R_OK):
        raise AlluxioError("src %s is not readable by this user" % src)


def plan_present(client, src, dest, force, checksum):
    """Return ``(action, reason, existing)``: action is ``none``, ``create`` or ``replace``."""
    check_source(src)
    existing = client.status(dest)
    src_is_dir = os.path.isdir(src)
    if existing is None:
        return "create", "%s does not exist in Alluxio" % dest, None
    if existing["is_dir"] != src_is_dir:
        raise AlluxioError("dest %s is a %s in Alluxio but src %s is a %s; remove it first (state=absent) or choose "
                           "another dest" % (dest, "directory" if existing["is_dir"] else "file", src,
                                             "directory" if src_is_dir else "file"))
    if force:
        return "replace", "force=true", existing
    local = local_tree(src)
    remote = dict((_relative(dest, f["path"]), f) for f in client.tree(dest)[1]) if src_is_dir else {"": existing}
    if sorted(local) != sorted(remote):
        return "replace", "the set of files differs (%d local, %d in Alluxio)" % (len(local), len(remote)), existing
    for rel, (size, dummy) in local.items():
        if remote[rel]["length"] != size:
            reason = "%s has %d bytes in Alluxio, %d locally" % (remote[rel]["path"], remote[rel]["length"], size)
            return "replace", reason, existing
        if not remote[rel]["completed"]:
            return "replace", "%s is incomplete in Alluxio" % remote[rel]["path"], existing
    if checksum:
        for rel, (size, full) in local.items():
            if client.checksum(remote[rel]["path"]) != md5_of(full):
                return "replace", "%s differs in content (MD5)" % remote[rel]["path"], existing
    return "none", "%s already holds the same %s" % (dest, "files" if src_is_dir else "bytes"), existing


def _relative(root, path):
    return os.path.relpath(path, root) if path != root else ""


def apply_present(client, src, dest, action):
    """Upload to a temporary sibling, then rename into place (after moving any old copy aside)."""
    staging = temp_name(dest)
    parent = dest.rstrip("/").rpartition("/")[0] or "/"
    if client.status(parent) is None:
        client.mkdir(parent)
    try:
        client.upload(src, staging)
    except Exception:
        _quiet_remove(client, staging)
        raise
    if action == "replace":
        old = temp_name(dest)
        client.rename(dest, old)
        try:
            client.rename(staging, dest)
        except Exception:
            client.rename(old, dest)
            _quiet_remove(client, staging)
            raise
        client.remove(old, recursive=True)
    else:
        client.rename(staging, dest)


def _quiet_remove(client, path):
    try:
        if client.status(path) is not None:
            client.remove(path, recursive=True)
    except AlluxioError:
        pass
