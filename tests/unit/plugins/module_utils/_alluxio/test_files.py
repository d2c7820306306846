# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan/act logic of alluxio_file against an in-memory stand-in for one Alluxio namespace.

The integration tests run the same logic against a real Alluxio; here each decision, and each failure in the middle
of a replace, is pinned down on its own.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import files, localfs
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError

STALE = "/data/.in.txt.ansible-tmp-0123456789ab"


class MemoryAlluxio:
    """Files as {path: bytes}, directories as a set; records every mutating call. ``fail`` maps a call, as
    ``("rename", src_prefix, dst)`` or ``("remove", path_prefix)`` or ``("upload",)``, to the error it raises (a list:
    one per matching call, in order)."""

    def __init__(self):
        self.data = {}
        self.dirs = {"/"}
        self.calls = []
        self.fail = {}
        self.freed = set()  # files whose blocks no worker holds (in Alluxio's namespace, not in its cache)

    def _maybe_fail(self, *call):
        for key, message in self.fail.items():
            if key[0] == call[0] and all(c is None or str(a).startswith(c) for c, a in zip(key[1:], call[1:])):
                if isinstance(message, list):  # one per matching call, in order; None: that call succeeds
                    message = message.pop(0) if len(message) > 1 else message[0]
                if message is not None:
                    raise AlluxioError(message)

    def status(self, path):
        if path in self.dirs:
            return {"path": path, "is_dir": True, "length": 0, "completed": True}
        if path in self.data:
            return {"path": path, "is_dir": False, "length": len(self.data[path]), "completed": True,
                    "in_alluxio_percentage": 0 if path in self.freed else 100}
        return None

    def children(self, path):
        prefix = path.rstrip("/") + "/"
        names = {p for p in list(self.data) + list(self.dirs) if p.startswith(prefix) and "/" not in p[len(prefix):]}
        return [self.status(p) for p in sorted(names)]

    def tree(self, path):
        if path in self.data:
            return False, [self.status(path)]
        return True, [dict(self.status(p)) for p in sorted(self.data) if p.startswith(path.rstrip("/") + "/")]

    def load(self, path):
        self.calls.append(("load", path))
        self._maybe_fail("load", path)
        self.freed = set(p for p in self.freed if not (p == path or p.startswith(path + "/")))

    def checksum(self, path):
        return hashlib.md5(self.data[path]).hexdigest()

    def mkdir(self, path):
        self.calls.append(("mkdir", path))
        self.dirs.add(path)

    def upload(self, local, dest):
        self.calls.append(("upload", dest))
        if os.path.isdir(local):
            self.dirs.add(dest)
            for entry in localfs.scan(local)[1]:
                if not entry.is_dir:
                    with open(entry.path, "rb") as handle:
                        self.data[dest + "/" + entry.rel] = handle.read()
        else:
            with open(local, "rb") as handle:
                self.data[dest] = handle.read()[:5]  # a partial write, then the failure (if planned)
            self._maybe_fail("upload")
            with open(local, "rb") as handle:
                self.data[dest] = handle.read()

    def _move(self, src, dst):
        for key in [k for k in self.data if k == src or k.startswith(src + "/")]:
            self.data[dst + key[len(src):]] = self.data.pop(key)
        for key in [k for k in self.dirs if k == src or k.startswith(src + "/")]:
            self.dirs.discard(key)
            self.dirs.add(dst + key[len(src):])

    def rename(self, src, dst):
        self.calls.append(("rename", src, dst))
        self._maybe_fail("rename", src, dst)
        self._move(src, dst)

    def remove(self, path, recursive=False):
        self.calls.append(("remove", path))
        self._maybe_fail("remove", path)
        for key in [k for k in self.data if k == path or k.startswith(path + "/")]:
            del self.data[key]
        self.dirs = set(d for d in self.dirs if not (d == path or d.startswith(path + "/")))

    def temporaries(self):
        return sorted(p for p in list(self.data) + list(self.dirs) if ".ansible-tmp-" in p)


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"hello world\n" * 100)
    return str(path)


def old_copy(fs):
    fs.dirs.add("/data")
    fs.data["/data/in.txt"] = b"old"
    return fs


def test_create_then_unchanged_then_replaced_when_content_differs(src):
    fs = MemoryAlluxio()
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert (plan.action, plan.reason, plan.changes) == ("create", "/data/in.txt does not exist in Alluxio", True)
    files.apply(fs, plan, src, "/data/in.txt")
    assert fs.data["/data/in.txt"] == open(src, "rb").read()
    assert fs.temporaries() == []
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert plan.action == "none" and not plan.changes

    with open(src, "r+b") as handle:
        handle.write(b"J")
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert plan.action == "replace" and "MD5" in plan.reason
    assert files.plan_present(fs, src, "/data/in.txt", False, False).action == "none"


def test_size_difference_and_force(src):
    fs = MemoryAlluxio()
    fs.dirs.add("/data")
    fs.data["/data/in.txt"] = b"short"
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert plan.action == "replace" and "5 bytes in Alluxio, 1200 locally" in plan.reason
    files.apply(fs, plan, src, "/data/in.txt")
    assert len(fs.data["/data/in.txt"]) == 1200 and fs.temporaries() == []
    assert files.plan_present(fs, src, "/data/in.txt", True, True)[:2] == ("replace", "force=true")


def test_failed_swap_restores_the_old_copy_and_removes_the_new(src):
    fs = old_copy(MemoryAlluxio())
    fs.fail[("rename", "/data/.in.txt.ansible-tmp", "/data/in.txt")] = ["rename refused", None]
    with pytest.raises(AlluxioError, match="the old copy is back in place: rename refused") as err:
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", False, True), src, "/data/in.txt")
    assert fs.data == {"/data/in.txt": b"old"}
    assert err.value.details == {"changed": False, "leftovers": []}


def test_failed_swap_and_restore_report_both_errors_and_both_copies(src):
    fs = old_copy(MemoryAlluxio())
    # The swap renames the new copy to dest, the restore the old copy (also a temporary name): both fail.
    fs.fail[("rename", "/data/.in.txt.ansible-tmp", "/data/in.txt")] = ["swap refused", "restore refused"]
    with pytest.raises(AlluxioError) as err:
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", False, True), src, "/data/in.txt")
    message = str(err.value)
    assert "swap refused" in message and "restore refused" in message and "/data/in.txt is missing now" in message
    assert err.value.details["changed"] is True
    leftovers = err.value.details["leftovers"]
    assert sorted(leftovers) == fs.temporaries() and len(leftovers) == 2
    assert sorted(fs.data[p] for p in leftovers) == sorted([b"old", open(src, "rb").read()])


def test_failed_move_aside_leaves_dest_and_removes_the_staging_copy(src):
    fs = old_copy(MemoryAlluxio())
    fs.fail[("rename", "/data/in.txt", "/data/.in.txt")] = "busy"
    with pytest.raises(AlluxioError, match="it is unchanged: busy") as err:
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", True, True), src, "/data/in.txt")
    assert fs.data == {"/data/in.txt": b"old"} and err.value.details["changed"] is False


def test_failed_create_rename_removes_the_staging_copy(src):
    fs = MemoryAlluxio()
    fs.fail[("rename", "/data/.in.txt.ansible-tmp", "/data/in.txt")] = "no"
    with pytest.raises(AlluxioError, match="renaming .* to /data/in.txt failed: no"):
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", False, True), src, "/data/in.txt")
    assert fs.temporaries() == [] and "/data/in.txt" not in fs.data


def test_failed_upload_leaves_nothing_and_names_what_it_could_not_remove(src):
    fs = old_copy(MemoryAlluxio())
    fs.fail[("upload",)] = "disk full"
    with pytest.raises(AlluxioError, match="disk full") as err:
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", True, True), src, "/data/in.txt")
    assert fs.data == {"/data/in.txt": b"old"} and err.value.details == {"changed": False, "leftovers": []}

    fs.fail[("remove", "/data/.in.txt.ansible-tmp")] = "permission denied"
    with pytest.raises(AlluxioError, match="could not be removed \\(permission denied\\)") as err:
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", True, True), src, "/data/in.txt")
    assert err.value.details["leftovers"] == fs.temporaries() and len(fs.temporaries()) == 1


def test_old_copy_that_cannot_be_removed_is_named(src):
    fs = old_copy(MemoryAlluxio())
    fs.fail[("remove", "/data/.in.txt.ansible-tmp")] = "permission denied"
    with pytest.raises(AlluxioError, match="/data/in.txt was replaced, but its old copy") as err:
        files.apply(fs, files.plan_present(fs, src, "/data/in.txt", True, True), src, "/data/in.txt")
    assert fs.data["/data/in.txt"] == open(src, "rb").read()
    assert err.value.details["changed"] is True and err.value.details["leftovers"] == fs.temporaries()


def test_stale_copies_of_an_interrupted_run_are_removed_by_the_next(src):
    fs = MemoryAlluxio()
    fs.dirs.add("/data")
    fs.data[STALE] = b"half"
    fs.data["/data/.in.txt.ansible-tmp-notours"] = b"keep"  # not a name temp_name makes
    fs.data["/data/.other.txt.ansible-tmp-0123456789ab"] = b"keep"  # another dest's
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert plan.stale == [STALE] and "1 temporary copies left by an interrupted run are removed" in plan.message
    files.apply(fs, plan, src, "/data/in.txt")
    assert STALE not in fs.data and "/data/.in.txt.ansible-tmp-notours" in fs.data
    assert "/data/.other.txt.ansible-tmp-0123456789ab" in fs.data

    fs.data[STALE] = b"half"
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    assert plan.action == "none" and plan.changes  # up to date, but a stale copy to remove is a change
    plan = files.plan_absent(fs, "/data/in.txt")
    assert plan.action == "remove" and plan.stale == [STALE]
    files.apply(fs, plan, None, "/data/in.txt")
    assert "/data/in.txt" not in fs.data and STALE not in fs.data


def test_directory_tree(tmp_path):
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.txt").write_bytes(b"a")
    (tree / "sub" / "b.txt").write_bytes(b"bb")
    fs = MemoryAlluxio()
    files.apply(fs, files.plan_present(fs, str(tree), "/data/tree", False, True), str(tree), "/data/tree")
    assert fs.data == {"/data/tree/a.txt": b"a", "/data/tree/sub/b.txt": b"bb"}
    assert files.plan_present(fs, str(tree), "/data/tree", False, True).action == "none"
    (tree / "c.txt").write_bytes(b"c")
    plan = files.plan_present(fs, str(tree), "/data/tree", False, True)
    assert plan.action == "replace" and "set of files differs" in plan.reason


def test_type_mismatch_and_bad_source(src, tmp_path):
    fs = MemoryAlluxio()
    fs.dirs.add("/data/in.txt")
    with pytest.raises(AlluxioError, match="is a directory in Alluxio but src"):
        files.plan_present(fs, src, "/data/in.txt", False, True)
    with pytest.raises(AlluxioError, match="does not exist on this host"):
        files.plan_present(fs, str(tmp_path / "nope"), "/data/x", False, True)
    os.mkfifo(str(tmp_path / "fifo"))
    with pytest.raises(AlluxioError, match="is a FIFO"):
        files.plan_present(fs, str(tmp_path / "fifo"), "/data/x", False, True)
    assert fs.calls == []


def test_cache_loads_an_up_to_date_copy_that_was_freed(src):
    fs = MemoryAlluxio()
    files.apply(fs, files.plan_present(fs, src, "/data/in.txt", False, True), src, "/data/in.txt")
    plan = files.plan_cache(fs, "/data/in.txt", files.plan_present(fs, src, "/data/in.txt", False, True))
    assert (plan.action, plan.changes) == ("none", False)

    fs.freed.add("/data/in.txt")
    fs.calls = []
    plan = files.plan_cache(fs, "/data/in.txt", files.plan_present(fs, src, "/data/in.txt", False, True))
    assert (plan.action, plan.changes) == ("cache", True)
    assert plan.reason == "/data/in.txt is up to date in Alluxio, but 1 of its files are not (fully) cached: /data/in.txt"
    assert fs.calls == []  # planning only reads
    files.apply(fs, plan, src, "/data/in.txt")
    assert fs.calls == [("load", "/data/in.txt")] and fs.freed == set()
    assert files.plan_cache(fs, "/data/in.txt", files.plan_present(fs, src, "/data/in.txt", False, True)).action == "none"


def test_cache_names_the_files_of_a_tree_that_are_not_cached(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in "abcdefg":
        (tree / name).write_text(name)
    fs = MemoryAlluxio()
    files.apply(fs, files.plan_present(fs, str(tree), "/data/t", False, True), str(tree), "/data/t")
    fs.freed.update("/data/t/" + name for name in "bcdefg")
    plan = files.plan_cache(fs, "/data/t", files.plan_present(fs, str(tree), "/data/t", False, False))
    assert plan.action == "cache"
    assert plan.reason.endswith("6 of its files are not (fully) cached: /data/t/b, /data/t/c, /data/t/d, /data/t/e, "
                                "/data/t/f, ...")


def test_cache_leaves_a_copy_that_is_written_alone(src):
    fs = MemoryAlluxio()
    fs.dirs.add("/data")
    fs.data["/data/in.txt"] = b"short"
    fs.freed.add("/data/in.txt")
    replace = files.plan_present(fs, src, "/data/in.txt", False, True)
    create = files.plan_present(fs, src, "/data/new.txt", False, True)
    assert files.plan_cache(fs, "/data/in.txt", replace) is replace and replace.action == "replace"
    assert files.plan_cache(fs, "/data/new.txt", create) is create and create.action == "create"


def test_a_load_that_fails_is_an_error(src):
    fs = MemoryAlluxio()
    files.apply(fs, files.plan_present(fs, src, "/data/in.txt", False, True), src, "/data/in.txt")
    fs.freed.add("/data/in.txt")
    fs.fail[("load", "/data/in.txt")] = "Failed to load /data/in.txt: not enough space"
    plan = files.plan_cache(fs, "/data/in.txt", files.plan_present(fs, src, "/data/in.txt", False, True))
    with pytest.raises(AlluxioError, match="not enough space"):
        files.apply(fs, plan, src, "/data/in.txt")
    assert fs.data["/data/in.txt"] == open(src, "rb").read() and fs.temporaries() == []


def test_a_stale_copy_that_vanishes_before_its_removal_is_fine(src):
    # Seen on the lab: the killed run's copyFromLocal was still ending in the pod and removed its own copy between
    # this run's listing and its rm, which then said the path does not exist.
    fs = MemoryAlluxio()
    fs.dirs.add("/data")
    fs.data[STALE] = b"half"
    plan = files.plan_present(fs, src, "/data/in.txt", False, True)
    del fs.data[STALE]
    fs.fail[("remove", STALE)] = 'Path "%s" does not exist.' % STALE
    files.apply(fs, plan, src, "/data/in.txt")
    assert fs.data["/data/in.txt"] == open(src, "rb").read()

    fs.data[STALE] = b"half"
    plan = files.plan_present(fs, src, "/data/in.txt", True, True)
    with pytest.raises(AlluxioError, match="cannot remove %s" % STALE):
        files.apply(fs, plan, src, "/data/in.txt")  # still there: the failure stands
