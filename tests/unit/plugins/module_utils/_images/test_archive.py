# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Archive reading on real `docker save` output (captured by tests/unit/fixtures/images/capture.sh)."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import archive as archives
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import A, A2, B, archive, ids


def test_single_image_id_is_what_docker_reports():
    compression, entries = archives.read_archive(archive("tiny.tar"))
    assert compression == "none"
    assert [(e.image_id, e.repo_tags) for e in entries] == [(ids()[A], [A])]
    assert len(entries[0].layers) == 1


@pytest.mark.parametrize("name,compression", [("tiny.tar.gz", "gzip"), ("tiny.tar.zst", "zstd")])
def test_compressed_archives_give_the_same_entries(name, compression):
    if compression == "zstd" and not shutil.which("zstd"):
        pytest.skip("zstd is not installed on this host")
    found, entries = archives.read_archive(archive(name))
    assert found == compression
    assert [(e.image_id, e.repo_tags) for e in entries] == [(ids()[A], [A])]


def test_several_images_and_tags():
    _c, entries = archives.read_archive(archive("multi.tar"))
    by_id = {e.image_id: sorted(e.repo_tags) for e in entries}
    assert by_id == {ids()[A]: sorted([A, A2]), ids()[B]: [B]}


def test_untagged_archive_has_an_id_and_no_names():
    _c, entries = archives.read_archive(archive("untagged.tar"))
    assert [(e.image_id, e.repo_tags) for e in entries] == [(ids()[B], [])]


@pytest.mark.parametrize("name", ["truncated.tar", "truncated.tar.gz"])
def test_truncated_archives_are_refused(name):
    with pytest.raises(ArchiveError, match="truncated"):
        archives.read_archive(archive(name))


def test_header_walk_does_not_read_layer_data(monkeypatch):
    """An uncompressed archive is read by headers: the layer's bytes are never returned to the parser."""
    reads = []
    real = archives._read_member

    def spy(tar, info):
        reads.append(info.name)
        return real(tar, info)

    monkeypatch.setattr(archives, "_read_member", spy)
    _c, entries = archives.read_archive(archive("tiny.tar"))
    assert not any(name.endswith("layer.tar") for name in reads)
    assert sorted(reads) == sorted(["manifest.json", entries[0].config])


def test_a_layer_cut_out_is_found(tmp_path):
    """Dropping the layer member (keeping a valid tar) leaves a manifest that names a missing layer."""
    import tarfile
    src = tarfile.open(archive("tiny.tar"))
    dest_path = tmp_path / "nolayer.tar"
    with tarfile.open(str(dest_path), "w") as dest:
        for info in src.getmembers():
            if not info.name.endswith("layer.tar"):
                dest.addfile(info, src.extractfile(info) if info.isfile() else None)
    with pytest.raises(ArchiveError, match="lacks .*layer.tar"):
        archives.read_archive(str(dest_path))


def test_not_a_tar_and_empty(tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is not an archive\n" * 100)
    with pytest.raises(ArchiveError):
        archives.read_archive(str(junk))
    empty = tmp_path / "empty.tar"
    empty.write_bytes(b"")
    with pytest.raises(ArchiveError):
        archives.read_archive(str(empty))
    with pytest.raises(ArchiveError, match="does not exist"):
        archives.read_archive(str(tmp_path / "missing.tar"))


def test_compression_must_match_the_file():
    with pytest.raises(ArchiveError, match="gzip-compressed, not none"):
        archives.read_archive(archive("tiny.tar.gz"), compression="none")
    with pytest.raises(ArchiveError, match="not-compressed, not gzip"):
        archives.read_archive(archive("tiny.tar"), compression="gzip")


def test_sha256_file():
    with open(archive("tiny.tar.gz"), "rb") as handle:
        assert archives.sha256_file(archive("tiny.tar.gz")) == hashlib.sha256(handle.read()).hexdigest()
    with pytest.raises(ArchiveError, match="cannot read"):
        archives.sha256_file("/nonexistent.tar")


def test_manifest_claims_are_checked_against_the_config():
    """The ID is the config's sha256 even if the config member is named otherwise."""
    members = archives._Members()
    members.sizes = {"cfg.json": 2, "l/layer.tar": 1024}
    members.json = {"cfg.json": b"{}"}
    manifest = b'[{"Config": "cfg.json", "RepoTags": ["x:1"], "Layers": ["l/layer.tar"]}]'
    entries = archives.parse_manifest(manifest, members)
    assert entries[0].image_id == "sha256:" + hashlib.sha256(b"{}").hexdigest()
    with pytest.raises(ArchiveError, match="lists no images"):
        archives.parse_manifest(b"[]", members)
    with pytest.raises(ArchiveError, match="not JSON"):
        archives.parse_manifest(b"[{", members)
