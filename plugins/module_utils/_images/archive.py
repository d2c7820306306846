# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading ``docker save`` archives without loading them: which images they hold, and whether they are whole.

An uncompressed archive is walked header by header (the member data is skipped by seeking), so finding its
``manifest.json`` costs a few reads whatever the archive's size. A compressed one has to be decompressed up to its
``manifest.json``, which ``docker save`` writes near the end.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import posixpath
import tarfile
import zlib
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import pipe_reader, spawn
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError, ImageError

_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\x28\xb5\x2f\xfd", "zstd"))
# Small JSON members (configs, manifest.json) are kept while streaming; layers are not.
_MAX_JSON = 16 * 1024 * 1024
CHUNK = 1024 * 1024


class ImageEntry:
    """One image of an archive: its ID (the config digest), its names, and the members it needs."""

    def __init__(self, image_id: str, repo_tags: List[str], config: str, layers: List[str]) -> None:
        self.image_id = image_id
        self.repo_tags = list(repo_tags)
        self.config = config
        self.layers = list(layers)

    def __repr__(self) -> str:
        return "ImageEntry(%s, %s)" % (self.image_id, self.repo_tags)


def detect_compression(path: str) -> str:
    """``none``, ``gzip`` or ``zstd`` by the first bytes of the file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ArchiveError("cannot read the archive %s: %s" % (path, exc))
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return "none"


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except OSError as exc:
        raise ArchiveError("cannot read the archive %s: %s" % (path, exc))
    return digest.hexdigest()


def decompressor_argv(compression: str, zstd_path: Optional[str] = None,
                      gzip_path: Optional[str] = None) -> Optional[List[str]]:
    """The command that writes the decompressed archive to stdout (the path is appended), or None if not needed."""
    if compression == "gzip":
        return [gzip_path or "gzip", "-d", "-c"]
    if compression == "zstd":
        return [zstd_path or "zstd", "-d", "-c", "-q"]
    return None


class _Members:
    """Names and sizes of an archive's members, with the content of its small JSON files."""

    def __init__(self) -> None:
        self.sizes: Dict[str, int] = {}
        self.json: Dict[str, Any] = {}

    def add(self, info: tarfile.TarInfo, read: Callable[[], bytes], lazy: bool = False) -> None:
        name = posixpath.normpath(info.name.lstrip("./") or ".")
        if info.isfile():
            self.sizes[name] = info.size
            if lazy:
                if info.size <= _MAX_JSON:
                    self.json[name] = read
            elif (name.endswith(".json") or "/" not in name or name.startswith("blobs/")) and info.size <= _MAX_JSON:
                self.json[name] = read()

    def content(self, name: str) -> bytes:
        value = self.json[name]
        if callable(value):
            value = self.json[name] = value()
        return value


def _walk_seekable(path: str, members: _Members, then: Callable[[], Any]) -> Any:
    """Walk the headers (seeking over the data), then call ``then()`` while the members can still be read."""
    size = os.path.getsize(path)
    try:
        with tarfile.open(path, mode="r:") as tar:
            for info in tar:
                if info.isfile() and info.offset_data + info.size > size:
                    raise ArchiveError("the archive %s is truncated: member %s ends at byte %d of a %d-byte file"
                                       % (path, info.name, info.offset_data + info.size, size))
                members.add(info, lambda i=info: _read_member(tar, i), lazy=True)
            return then()
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise ArchiveError("the archive %s is not a readable tar file: %s" % (path, exc))


def _read_member(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(info)
    return handle.read() if handle is not None else b""


def _walk_stream(fileobj: Any, path: str, members: _Members) -> None:
    try:
        with tarfile.open(fileobj=fileobj, mode="r|") as tar:
            for info in tar:
                members.add(info, lambda i=info: _read_member(tar, i))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError("the archive %s is truncated or corrupt: %s" % (path, exc))


def _walk_command(argv: List[str], path: str, members: _Members) -> None:
    try:
        proc = spawn(argv + [path])
    except ImageError as exc:
        raise ArchiveError("%s to decompress %s" % (exc, path))
    try:
        _walk_stream(proc.stdout, path, members)
        # tarfile stops at the end-of-archive blocks; drain the rest so that the decompressor can finish.
        pipe_reader(proc.stdout, 0)
    finally:
        proc.stdout.close()
        err = pipe_reader(proc.stderr).decode("utf-8", "replace")
        rc = proc.wait()
    if rc != 0:
        raise ArchiveError("the archive %s is truncated or corrupt: %s exited with %d: %s"
                           % (path, argv[0], rc, err.strip()[-500:]))


def _walk_gzip(path: str, members: _Members) -> None:
    with gzip.open(path, "rb") as handle:
        _walk_stream(handle, path, members)
        try:
            # Reading to the end checks the gzip trailer (CRC and length), which finds truncation and bit rot.
            while handle.read(CHUNK):
                pass
        except (EOFError, OSError, zlib.error) as exc:
            raise ArchiveError("the archive %s is truncated or corrupt: %s" % (path, exc))


def parse_manifest(manifest_bytes: bytes, members: _Members, path: str = "archive") -> List[ImageEntry]:
    """The images of an archive from its ``manifest.json`` and the members it holds.

    Checks what a loader would need: every config and layer named by the manifest is a member, and the ID (the
    sha256 of the config) is computed from the config itself, so a manifest cannot claim an ID its config does
    not have.
    """
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveError("manifest.json of %s is not JSON: %s" % (path, exc))
    if not isinstance(manifest, list) or not manifest:
        raise ArchiveError("manifest.json of %s lists no images (is it a docker save archive?)" % path)
    entries = []
    for item in manifest:
        if not isinstance(item, dict) or not isinstance(item.get("Config"), str):
            raise ArchiveError("manifest.json of %s has an entry without Config: %r" % (path, item))
        config = posixpath.normpath(item["Config"])
        layers = [posixpath.normpath(layer) for layer in (item.get("Layers") or [])]
        missing = [name for name in [config] + layers if name not in members.sizes]
        if missing:
            raise ArchiveError("the archive %s lacks %s named by its manifest.json (truncated or not made by "
                               "docker save)" % (path, ", ".join(missing)))
        if config not in members.json:
            raise ArchiveError("the config %s in %s is too large to be an image config" % (config, path))
        image_id = "sha256:" + hashlib.sha256(members.content(config)).hexdigest()
        tags = item.get("RepoTags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ArchiveError("manifest.json of %s has invalid RepoTags: %r" % (path, tags))
        entries.append(ImageEntry(image_id, tags, config, layers))
    return entries


def read_archive(path: str, compression: str = "auto",
                 zstd_path: Optional[str] = None) -> Tuple[str, List[ImageEntry]]:
    """(compression, [ImageEntry]) of a ``docker save`` archive, checking it is whole; ArchiveError otherwise."""
    if not os.path.exists(path):
        raise ArchiveError("the archive %s does not exist on this host" % path)
    if not os.path.isfile(path):
        raise ArchiveError("the archive %s is not a regular file" % path)
    found = detect_compression(path)
    if compression == "auto":
        compression = found
    elif compression != found:
        raise ArchiveError("the archive %s is %s-compressed, not %s as compression says"
                           % (path, "not" if found == "none" else found, compression))
    members = _Members()
    if compression == "none":
        return compression, _walk_seekable(path, members, lambda: _entries(members, path))
    if compression == "gzip":
        _walk_gzip(path, members)
    else:
        _walk_command(decompressor_argv("zstd", zstd_path), path, members)
    return compression, _entries(members, path)


def _entries(members: _Members, path: str) -> List[ImageEntry]:
    if "manifest.json" not in members.json:
        if not members.sizes:
            raise ArchiveError("the archive %s is empty or not a tar file" % path)
        raise ArchiveError("the archive %s has no manifest.json: it is truncated, or not in docker save format "
                           "(OCI archives from other tools are not supported)" % path)
    return parse_manifest(members.content("manifest.json"), members, path)
