# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decision logic: present -> nothing read or loaded; missing -> verify, then load; bad archive -> no load."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import archive as archives
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import loader
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ArchiveError,
    ChecksumError,
    ImageError,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import archive, ids

A = "local/aslab-fixture:1"
A2 = "local/aslab-fixture:extra"
B = "local/aslab-fixture-b:1"


class MemoryRuntime(object):
    """A runtime's name -> ID table; load() adds what the (real) archive holds, as docker load does."""

    name = "docker"

    def __init__(self, images=None, load_ignores=False):
        self.images = dict(images or {})
        self.loads = []
        self.load_ignores = load_ignores

    def stored_name(self, name):
        return name

    def image_id(self, name):
        return self.images.get(name)

    def load(self, path, decompress_argv=None):
        self.loads.append((path, decompress_argv))
        if self.load_ignores:
            return
        _c, entries = archives.read_archive(path)
        for entry in entries:
            for tag in entry.repo_tags:
                self.images[tag] = entry.image_id


def request(**kw):
    return loader.LoadRequest(**kw)


def test_missing_then_loaded_then_unchanged():
    runtime = MemoryRuntime()
    first = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=False)
    assert first["changed"] and first["action"] == "load" and runtime.images == {A: ids()[A]}
    assert first["msg"] == "loaded: %s is not present" % A
    again = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=False)
    assert not again["changed"] and again["action"] == "none" and len(runtime.loads) == 1


def test_check_mode_predicts_and_loads_nothing():
    runtime = MemoryRuntime()
    result = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=True)
    assert result["changed"] and result["msg"].startswith("would load")
    assert runtime.loads == [] and runtime.images == {}


def test_a_name_pointing_elsewhere_is_reloaded():
    runtime = MemoryRuntime({A: ids()[B]})
    result = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=False)
    assert result["changed"] and result["before"] == {A: ids()[B]}
    assert runtime.images[A] == ids()[A]


def test_every_name_of_a_multi_image_archive_counts():
    runtime = MemoryRuntime({A: ids()[A], B: ids()[B]})
    result = loader.run(request(path=archive("multi.tar")), runtime, check_mode=False)
    assert result["changed"] and result["before"] == {A2: None}
    only_b = loader.run(request(path=archive("multi.tar"), name=B), MemoryRuntime({B: ids()[B]}), check_mode=False)
    assert not only_b["changed"]


def test_known_id_present_never_opens_the_archive(monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("the archive was read")

    monkeypatch.setattr(archives, "read_archive", boom)
    runtime = MemoryRuntime({A: ids()[A]})
    result = loader.run(request(path="/nonexistent.tar", name=A, image_id=ids()[A]), runtime, check_mode=False)
    assert not result["changed"]


def test_known_id_missing_in_check_mode_before_the_archive_exists():
    result = loader.run(request(path="/nonexistent.tar", name=A, image_id=ids()[A]), MemoryRuntime(), True)
    assert result["changed"] and "does not exist yet" in result["msg"]
    with pytest.raises(ArchiveError, match="does not exist on this host"):
        loader.run(request(path="/nonexistent.tar", name=A, image_id=ids()[A]), MemoryRuntime(), False)


def test_known_id_must_be_in_the_archive():
    with pytest.raises(ArchiveError, match="does not hold image_id"):
        loader.run(request(path=archive("tiny.tar"), name=A, image_id=ids()[B]), MemoryRuntime(), False)


def test_bad_archives_load_nothing():
    for name in ("truncated.tar", "truncated.tar.gz"):
        runtime = MemoryRuntime()
        with pytest.raises(ArchiveError, match="truncated"):
            loader.run(request(path=archive(name)), runtime, check_mode=False)
        assert runtime.loads == []
    runtime = MemoryRuntime()
    with pytest.raises(ArchiveError, match="truncated"):
        loader.run(request(path=archive("truncated.tar"), name=A, image_id=ids()[A]), runtime, check_mode=False)
    assert runtime.loads == []


def test_wrong_checksum_loads_nothing_right_one_loads():
    runtime = MemoryRuntime()
    with pytest.raises(ChecksumError):
        loader.run(request(path=archive("tiny.tar"), checksum="1" * 64), runtime, check_mode=False)
    assert runtime.loads == []
    good = hashlib.sha256(open(archive("tiny.tar"), "rb").read()).hexdigest()
    result = loader.run(request(path=archive("tiny.tar"), checksum=good), runtime, check_mode=False)
    assert result["checksum"] == "sha256:" + good and runtime.images[A] == ids()[A]


def test_compressed_archives_are_piped_through_the_decompressor():
    runtime = MemoryRuntime(load_ignores=True)
    with pytest.raises(ImageError, match="loaded .* but afterwards %s is not present" % A):
        loader.run(request(path=archive("tiny.tar.gz"), gzip_path="/bin/gzip"), runtime, check_mode=False)
    assert runtime.loads == [(archive("tiny.tar.gz"), ["/bin/gzip", "-d", "-c"])]


def test_untagged_needs_a_name_and_wrong_names_are_refused():
    with pytest.raises(ArchiveError, match="without a name"):
        loader.run(request(path=archive("untagged.tar")), MemoryRuntime(), check_mode=False)
    with pytest.raises(ArchiveError, match="holds no image named other:1 .*local/aslab-fixture:1"):
        loader.run(request(path=archive("tiny.tar"), name="other:1"), MemoryRuntime(), check_mode=False)


def test_force_loads_even_when_present():
    runtime = MemoryRuntime({A: ids()[A]})
    result = loader.run(request(path=archive("tiny.tar"), force=True), runtime, check_mode=False)
    assert result["changed"] and result["msg"] == "loaded: force=true" and len(runtime.loads) == 1


def test_argument_checks():
    with pytest.raises(ImageError, match="needs name"):
        request(path="/x", image_id=ids()[A])
    with pytest.raises(ImageError, match="checksum"):
        request(path="/x", checksum="abc")
    with pytest.raises(ImageError, match="path is required"):
        loader.run(request(name=A), MemoryRuntime(), False)


@pytest.mark.skipif(not shutil.which("zstd"), reason="zstd not installed")
def test_zstd_truncated(tmp_path):
    data = open(archive("tiny.tar.zst"), "rb").read()
    cut = tmp_path / "cut.tar.zst"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        archives.read_archive(str(cut))
