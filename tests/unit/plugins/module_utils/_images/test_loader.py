# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decision logic of container_image_load: present -> nothing read or loaded; missing -> load in one pass with
the checksum checked; bad archive -> no load; pulls only when needed."""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import archive as archives
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import loader
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ArchiveError,
    ChecksumError,
    ImageError,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    A,
    A2,
    B,
    archive,
    ids,
)


class StoreRuntime:
    """A runtime whose loader is a real process: it stores the archive it reads on stdin, and the store's names
    are what those archives say (as docker load tags them). ``pull`` adds what ``registry`` holds."""

    name = "docker"
    partial_archive = True

    def __init__(self, tmp_path, images=None, registry=None, refuse=False):
        self.dir = tmp_path
        self.images = dict(images or {})
        self.registry = dict(registry or {})
        self.refuse = refuse
        self.loads = 0
        self.pulls = []

    def stored_name(self, name):
        return name

    def load_argv(self):
        self.loads += 1
        if self.refuse:
            return ["sh", "-c", "cat >/dev/null; echo 'invalid tar header' >&2; exit 1"]
        return ["sh", "-c", 'cat > "$0/load.part" && mv "$0/load.part" "$0/load-$1.tar"', str(self.dir),
                str(self.loads)]

    def image_id(self, name):
        for path in sorted(self.dir.glob("load-*.tar")):
            with tarfile.open(str(path)) as tar:
                for entry in json.loads(tar.extractfile("manifest.json").read()):
                    for tag in entry["RepoTags"] or []:
                        self.images[tag] = "sha256:" + entry["Config"].split(".")[0]
        return self.images.get(name)

    def pull(self, ref, username, password, insecure, timeout):
        self.pulls.append((ref, username, insecure))
        self.images[ref] = self.registry.get(ref)


def request(**kw):
    return loader.LoadRequest(**kw)


def sha(name):
    with open(archive(name), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_missing_then_loaded_then_unchanged(tmp_path):
    runtime = StoreRuntime(tmp_path)
    first = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=False)
    assert first["changed"] and first["action"] == "load" and runtime.image_id(A) == ids()[A]
    assert first["msg"] == "loaded: %s is not present" % A
    again = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=False)
    assert not again["changed"] and again["action"] == "none" and runtime.loads == 1


def test_check_mode_predicts_and_loads_nothing(tmp_path):
    runtime = StoreRuntime(tmp_path)
    result = loader.run(request(path=archive("tiny.tar"), checksum=sha("tiny.tar")), runtime, check_mode=True)
    assert result["changed"] and result["msg"].startswith("would load")
    assert result["checksum"] == "sha256:" + sha("tiny.tar")
    assert runtime.loads == 0 and runtime.image_id(A) is None


def test_a_name_pointing_elsewhere_is_reloaded(tmp_path):
    runtime = StoreRuntime(tmp_path, {A: ids()[B]})
    result = loader.run(request(path=archive("tiny.tar")), runtime, check_mode=False)
    assert result["changed"] and result["before"] == {A: ids()[B]}
    assert runtime.image_id(A) == ids()[A]


def test_every_name_of_a_multi_image_archive_counts(tmp_path):
    runtime = StoreRuntime(tmp_path, {A: ids()[A], B: ids()[B]})
    result = loader.run(request(path=archive("multi.tar")), runtime, check_mode=False)
    assert result["changed"] and result["before"] == {A2: None}
    (tmp_path / "b").mkdir()
    only_b = loader.run(request(path=archive("multi.tar"), name=B), StoreRuntime(tmp_path / "b", {B: ids()[B]}),
                        check_mode=False)
    assert not only_b["changed"]


def test_known_id_present_never_opens_the_archive(tmp_path, monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("the archive was read")

    monkeypatch.setattr(archives, "read_archive", boom)
    result = loader.run(request(path="/nonexistent.tar", name=A, image_id=ids()[A]),
                        StoreRuntime(tmp_path, {A: ids()[A]}), check_mode=False)
    assert not result["changed"]


def test_known_id_missing_in_check_mode_before_the_archive_exists(tmp_path):
    result = loader.run(request(path="/nonexistent.tar", name=A, image_id=ids()[A]), StoreRuntime(tmp_path), True)
    assert result["changed"] and "does not exist yet" in result["msg"]
    with pytest.raises(ArchiveError, match="does not exist on this host"):
        loader.run(request(path="/nonexistent.tar", name=A, image_id=ids()[A]), StoreRuntime(tmp_path), False)


def test_known_id_must_be_in_the_archive(tmp_path):
    with pytest.raises(ArchiveError, match="does not hold image_id"):
        loader.run(request(path=archive("tiny.tar"), name=A, image_id=ids()[B]), StoreRuntime(tmp_path), False)


def test_truncated_archives_load_nothing(tmp_path):
    for name in ("truncated.tar", "truncated.tar.gz"):
        runtime = StoreRuntime(tmp_path)
        with pytest.raises(ArchiveError, match="truncated"):
            loader.run(request(path=archive(name)), runtime, check_mode=False)
        assert runtime.loads == 0
    runtime = StoreRuntime(tmp_path)
    with pytest.raises(ArchiveError, match="truncated"):
        loader.run(request(path=archive("truncated.tar"), name=A, image_id=ids()[A]), runtime, check_mode=False)
    assert runtime.loads == 0


def test_a_wrong_checksum_is_found_in_the_loading_pass_and_loads_nothing(tmp_path):
    runtime = StoreRuntime(tmp_path)
    with pytest.raises(ChecksumError, match="checksum mismatch.*nothing was loaded"):
        loader.run(request(path=archive("tiny.tar"), checksum="1" * 64), runtime, check_mode=False)
    # The loader ran (one pass) but was stopped before the end of the archive: no image.
    assert runtime.loads == 1 and runtime.image_id(A) is None
    result = loader.run(request(path=archive("tiny.tar"), checksum=sha("tiny.tar")), runtime, check_mode=False)
    assert result["checksum"] == "sha256:" + sha("tiny.tar") and runtime.image_id(A) == ids()[A]


def test_a_compressed_archive_with_a_checksum_is_read_once(tmp_path, monkeypatch):
    def boom(*_a, **_k):
        raise AssertionError("the archive was read before the load")

    monkeypatch.setattr(archives, "read_archive", boom)
    runtime = StoreRuntime(tmp_path)
    result = loader.run(request(path=archive("tiny.tar.gz"), name=A, image_id=ids()[A],
                                checksum=sha("tiny.tar.gz"), gzip_path=shutil.which("gzip")), runtime, False)
    assert result["changed"] and result["compression"] == "gzip" and runtime.image_id(A) == ids()[A]


def test_a_refused_load_says_so(tmp_path):
    with pytest.raises(ImageError, match="could not load .*invalid tar header.*Nothing was tagged"):
        loader.run(request(path=archive("tiny.tar")), StoreRuntime(tmp_path, refuse=True), check_mode=False)


def test_untagged_needs_a_name_and_wrong_names_are_refused(tmp_path):
    with pytest.raises(ArchiveError, match="without a name"):
        loader.run(request(path=archive("untagged.tar")), StoreRuntime(tmp_path), check_mode=False)
    with pytest.raises(ArchiveError, match="holds no image named other:1 .*local/aslab-fixture:1"):
        loader.run(request(path=archive("tiny.tar"), name="other:1"), StoreRuntime(tmp_path), check_mode=False)


def test_force_loads_even_when_present(tmp_path):
    runtime = StoreRuntime(tmp_path, {A: ids()[A]})
    result = loader.run(request(path=archive("tiny.tar"), force=True), runtime, check_mode=False)
    assert result["changed"] and result["msg"] == "loaded: force=true" and runtime.loads == 1


def test_pull_only_when_the_id_is_not_there(tmp_path):
    ref = "r:5000/local/aslab-fixture:1"
    runtime = StoreRuntime(tmp_path, registry={ref: ids()[A]})
    predicted = loader.run(request(source="registry", name=ref, image_id=ids()[A]), runtime, check_mode=True)
    assert predicted["changed"] and predicted["action"] == "pull" and runtime.pulls == []
    pulled = loader.run(request(source="registry", name=ref, image_id=ids()[A], registry_insecure=True), runtime,
                        check_mode=False)
    assert pulled["changed"] and runtime.pulls == [(ref, None, True)]
    again = loader.run(request(source="registry", name=ref, image_id=ids()[A]), runtime, check_mode=False)
    assert not again["changed"] and len(runtime.pulls) == 1


def test_a_pull_that_brings_another_image_fails(tmp_path):
    ref = "r:5000/app:1"
    runtime = StoreRuntime(tmp_path, registry={ref: ids()[B]})
    with pytest.raises(ImageError, match="afterwards it is %s, not %s" % (ids()[B], ids()[A])):
        loader.run(request(source="registry", name=ref, image_id=ids()[A]), runtime, check_mode=False)


def test_argument_checks():
    with pytest.raises(ImageError, match="needs name"):
        request(path="/x", image_id=ids()[A])
    with pytest.raises(ImageError, match="checksum"):
        request(path="/x", checksum="abc")
    with pytest.raises(ImageError, match="needs name"):
        request(source="registry")
    with pytest.raises(ImageError, match="describe an archive"):
        request(source="registry", name="a:1", path="/x")
    with pytest.raises(ImageError, match="go together"):
        request(source="registry", name="a:1", registry_username="u")
    with pytest.raises(ImageError, match="are for source=registry"):
        request(path="/x", registry_insecure=True)
    with pytest.raises(ImageError, match="load_timeout"):
        request(path="/x", load_timeout=0)


@pytest.mark.skipif(not shutil.which("zstd"), reason="zstd not installed")
def test_zstd_truncated(tmp_path):
    data = open(archive("tiny.tar.zst"), "rb").read()
    cut = tmp_path / "cut.tar.zst"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated or corrupt"):
        archives.read_archive(str(cut))
