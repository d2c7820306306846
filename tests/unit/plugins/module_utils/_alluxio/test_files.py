# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan/act logic of alluxio_file against an in-memory stand-in for one Alluxio namespace.

The integration tests run the same logic against a real Alluxio; here each decision is pinned down on its own.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import files
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError


class MemoryAlluxio(object):
    """Files as {path: bytes}, directories as a set; records every mutating call."""

    def __init__(self):
        self.data = {}
        self.dirs = {"/"}
        self.calls = []
        self.fail_rename_to = None

    def status(self, path):
        if path in self.dirs:
            return {"path": path, "is_dir": True, "length": 0, "completed": True}
        if path in self.data:
            return {"path": path, "is_dir": False, "length": len(self.data[path]), "completed": True}
        return None

    def tree(self, path):
        return True, [dict(self.status(p)) for p in sorted(self.data) if p.startswith(path.rstrip("/") + "/")]

    def checksum(self, path):
        return hashlib.md5(self.data[path]).hexdigest()

    def mkdir(self, path):
        self.calls.append(("mkdir", path))
        self.dirs.add(path)

    def upload(self, local, dest):
        self.calls.append(("upload", dest))
        if os.path.isdir(local):
            self.dirs.add(dest)
            for rel, (dummy, full) in files.local_tree(local).items():
                with open(full, "rb") as handle:
                    self.data[dest + "/" + rel] = handle.read()
        else:
            with open(local, "rb") as handle:
                self.data[dest] = handle.read()

    def _move(self, src, dst):
        for table in (self.data,):
            for key in [k for k in table if k == src or k.startswith(src + "/")]:
                table[dst + key[len(src):]] = table.pop(key)
        for key in [k for k in self.dirs if k == src or k.startswith(src + "/")]:
            self.dirs.discard(key)
            self.dirs.add(dst + key[len(src):])

    def rename(self, src, dst):
        self.calls.append(("rename", src, dst))
        if dst == self.fail_rename_to and src.startswith("/data/.in.txt.ansible-tmp"):
            self.fail_rename_to = None
            raise AlluxioError("rename failed")
        self._move(src, dst)

    def remove(self, path, recursive=False):
        self.calls.append(("remove", path))
        for key in [k for k in self.data if k == path or k.startswith(path + "/")]:
            del self.data[key]
        self.dirs = set(d for d in self.dirs if not (d == path or d.startswith(path + "/")))


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"hello world\n" * 100)
    return str(path)


def test_create_then_unchanged_then_replaced_when_content_differs(src):
    fs = MemoryAlluxio()
    action, reason, dummy = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert (action, reason) == ("create", "/data/in.txt does not exist in Alluxio")
    files.apply_present(fs, src, "/data/in.txt", action)
    assert fs.data["/data/in.txt"] == open(src, "rb").read()
    assert [c for c in fs.data if "ansible-tmp" in c] == []
    assert files.plan_present(fs, src, "/data/in.txt", False, True)[0] == "none"

    with open(src, "r+b") as handle:
        handle.write(b"J")
    action, reason, dummy = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert action == "replace" and "MD5" in reason
    assert files.plan_present(fs, src, "/data/in.txt", False, False)[0] == "none"


def test_size_difference_and_force(src):
    fs = MemoryAlluxio()
    fs.dirs.add("/data")
    fs.data["/data/in.txt"] = b"short"
    action, reason, dummy = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert action == "replace" and "5 bytes in Alluxio, 1200 locally" in reason
    files.apply_present(fs, src, "/data/in.txt", action)
    assert len(fs.data["/data/in.txt"]) == 1200
    assert files.plan_present(fs, src, "/data/in.txt", True, True)[:2] == ("replace", "force=true")


def test_failed_swap_restores_the_old_copy(src):
    fs = MemoryAlluxio()
    fs.dirs.add("/data")
    fs.data["/data/in.txt"] = b"old"
    fs.fail_rename_to = "/data/in.txt"
    with pytest.raises(AlluxioError):
        files.apply_present(fs, src, "/data/in.txt", "replace")
    assert fs.data == {"/data/in.txt": b"old"}


def test_directory_tree(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_bytes(b"a")
    (tree / "sub" / "b.txt").write_bytes(b"bb")
    fs = MemoryAlluxio()
    action = files.plan_present(fs, str(tree), "/data/tree", False, True)[0]
    files.apply_present(fs, str(tree), "/data/tree", action)
    assert fs.data == {"/data/tree/a.txt": b"a", "/data/tree/sub/b.txt": b"bb"}
    assert files.plan_present(fs, str(tree), "/data/tree", False, True)[0] == "none"
    (tree / "c.txt").write_bytes(b"c")
    action, reason, dummy = files.plan_present(fs, str(tree), "/data/tree", False, True)
    assert action == "replace" and "set of files differs" in reason


def test_type_mismatch_and_missing_source(src, tmp_path):
    fs = MemoryAlluxio()
    fs.dirs.add("/data/in.txt")
    with pytest.raises(AlluxioError, match="is a directory in Alluxio but src"):
        files.plan_present(fs, src, "/data/in.txt", False, True)
    with pytest.raises(AlluxioError, match="does not exist on this host"):
        files.plan_present(fs, str(tmp_path / "nope"), "/data/x", False, True)
    assert fs.calls == []
