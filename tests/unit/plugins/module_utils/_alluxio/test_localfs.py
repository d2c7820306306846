# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local side of an upload: what is refused before anything is sent, and the streamed tar."""

from __future__ import annotations

import errno
import io
import os
import socket
import tarfile

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import localfs
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._alluxio.local_trees import make_tree


@pytest.fixture
def tree(tmp_path):
    root = make_tree(tmp_path, 70000)
    (root / "link-to-a").symlink_to(root / "a.txt")
    return root


def test_scan_lists_parents_first_and_follows_links_to_files(tree):
    is_dir, entries = localfs.scan(str(tree))
    assert is_dir
    assert [(e.rel, e.is_dir, e.size) for e in entries] == [
        ("a.txt", False, 5), ("link-to-a", False, 5), ("sub", True, 0), ("sub/b.bin", False, 70000),
        ("sub/deeper", True, 0), ("sub/deeper/empty", False, 0)]
    assert localfs.scan(str(tree / "a.txt")) == (False, [localfs.LocalEntry("", str(tree / "a.txt"), False, 5)])


@pytest.mark.parametrize("make, words", [
    (lambda p: os.mkfifo(str(p)), "is a FIFO"),
    (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), "is a socket"),
    (lambda p: p.symlink_to(p.parent / "sub", target_is_directory=True), "symbolic link to a directory"),
])
def test_special_files_are_refused(tree, make, words):
    make(tree / "special")
    with pytest.raises(AlluxioError, match=words):
        localfs.scan(str(tree))


def test_a_source_that_is_missing_or_special(tmp_path):
    with pytest.raises(AlluxioError, match="does not exist on this host"):
        localfs.scan(str(tmp_path / "nope"))
    os.mkfifo(str(tmp_path / "fifo"))
    with pytest.raises(AlluxioError, match="fifo is a FIFO"):
        localfs.scan(str(tmp_path / "fifo"))


def test_os_errors_become_errors_naming_the_file(tree, monkeypatch):
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("b.bin"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(localfs.os, "open", refuse)
    with pytest.raises(AlluxioError, match=r"cannot open .*sub/b.bin: Permission denied"):
        list(localfs.read_chunks(str(tree / "sub" / "b.bin"), 70000))

    def unlistable(path, onerror=None):
        onerror(PermissionError(errno.EACCES, "Permission denied", str(tree / "sub")))
        return iter(())

    monkeypatch.setattr(localfs.os, "walk", unlistable)
    with pytest.raises(AlluxioError, match=r"cannot read directory .*sub: Permission denied"):
        localfs.scan(str(tree))


def test_a_fifo_put_in_place_after_the_scan_is_refused_not_read(tree):
    dummy, entries = localfs.scan(str(tree))
    target = tree / "a.txt"
    target.unlink()
    os.mkfifo(str(target))  # nobody writes to it: reading it would block for ever
    with pytest.raises(AlluxioError, match="is a FIFO now"):
        list(localfs.read_chunks(str(target), 5))


@pytest.mark.parametrize("content", [b"shrunk", b"alpha and more"])
def test_a_file_that_changed_size_fails(tree, content):
    (tree / "a.txt").write_bytes(content)
    with pytest.raises(AlluxioError, match="changed while it was read"):
        list(localfs.read_chunks(str(tree / "a.txt"), 5))


def test_tar_stream_has_the_announced_size_and_the_files(tree):
    size, chunks = localfs.tar_stream(str(tree))
    data = b"".join(chunks)
    assert len(data) == size
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        names = {m.name: m for m in archive.getmembers()}
        assert set(names) == {"content", "content/a.txt", "content/link-to-a", "content/sub", "content/sub/b.bin",
                              "content/sub/deeper", "content/sub/deeper/empty"}
        assert names["content/sub"].isdir() and names["content/link-to-a"].isfile()
        assert archive.extractfile("content/sub/b.bin").read() == (tree / "sub" / "b.bin").read_bytes()
    size, chunks = localfs.tar_stream(str(tree / "a.txt"))
    data = b"".join(chunks)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        assert archive.getnames() == ["content"] and archive.extractfile("content").read() == b"alpha"
    assert len(data) == size


def test_md5_in_chunks(tree, monkeypatch):
    import hashlib
    monkeypatch.setattr(localfs, "CHUNK_SIZE", 1000)
    assert localfs.md5_of(str(tree / "sub" / "b.bin")) == hashlib.md5((tree / "sub" / "b.bin").read_bytes()).hexdigest()
