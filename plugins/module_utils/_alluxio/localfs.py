# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local side of an upload: which files a source holds, and their bytes read in chunks.

Only regular files and directories are uploaded. A FIFO, socket or device (which would hang or never end a read), and
a symbolic link to a directory (which could loop), are refused before anything is sent; a symbolic link to a regular
file is uploaded as that file. Every OS error becomes an :class:`AlluxioError` naming the file, and memory stays
bounded by one chunk whatever the size of the data, on every transport (the ``k8s_exec`` tar stream included).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import tarfile
from typing import Iterator, List, NamedTuple, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError

CHUNK_SIZE = 8 * 1024 * 1024
_TAR_BLOCK = tarfile.BLOCKSIZE


class LocalEntry(NamedTuple):
    """One file or directory of a source: ``rel`` is its path below the source (``""`` for the source itself)."""

    rel: str
    path: str
    is_dir: bool
    size: int


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _entry(rel: str, path: str) -> LocalEntry:
    try:
        link = os.lstat(path)
        info = os.stat(path)
    except OSError as exc:
        raise AlluxioError("cannot read %s: %s" % (path, exc.strerror or exc))
    if stat.S_ISDIR(info.st_mode):
        if stat.S_ISLNK(link.st_mode) and rel:
            raise AlluxioError("%s is a symbolic link to a directory; it is not uploaded (it could loop): replace it "
                               "with a copy or remove it from src" % path)
        return LocalEntry(rel, path, True, 0)
    if not stat.S_ISREG(info.st_mode):
        raise AlluxioError("%s is %s: only regular files and directories can be uploaded; remove it from src"
                           % (path, _kind(info.st_mode)))
    if not os.access(path, os.R_OK):
        raise AlluxioError("%s is not readable by this user" % path)
    return LocalEntry(rel, path, False, info.st_size)


def scan(src: str) -> Tuple[bool, List[LocalEntry]]:
    """``(is_dir, entries)``: the source itself, or every directory and file below it (sorted, parents first)."""
    if not os.path.lexists(src):
        raise AlluxioError("src %s does not exist on this host; give the path of a local file or directory" % src)
    top = _entry("", src)
    if not top.is_dir:
        return False, [top]
    if not os.access(src, os.R_OK | os.X_OK):
        raise AlluxioError("src %s is not readable by this user" % src)
    entries = []

    def fail(exc: OSError) -> None:
        raise AlluxioError("cannot read directory %s: %s" % (exc.filename, exc.strerror or exc))

    for parent, dirs, names in os.walk(src, onerror=fail):
        dirs.sort()
        base = os.path.relpath(parent, src)
        for name in dirs + sorted(names):
            rel = name if base == "." else "%s/%s" % (base, name)
            entry = _entry(rel, os.path.join(parent, name))
            entries.append(entry)
        # os.walk does not descend into symbolic links to directories, and _entry refused them.
    entries.sort(key=lambda e: e.rel.split("/"))
    return True, entries


def read_chunks(path: str, size: int) -> Iterator[bytes]:
    """The ``size`` bytes of regular file ``path``, in chunks; fails if it is no longer a regular file or changed size.

    The file is opened without blocking and checked on the open descriptor, so a FIFO put in its place between the
    scan and the read is refused instead of hanging the upload.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise AlluxioError("cannot open %s: %s" % (path, exc.strerror or exc))
    with os.fdopen(fd, "rb", buffering=0) as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise AlluxioError("%s is %s now: only regular files can be uploaded" % (path, _kind(mode)))
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        done = 0
        while True:
            try:
                chunk = handle.read(min(CHUNK_SIZE, size - done) if done < size else 1)
            except OSError as exc:
                raise AlluxioError("cannot read %s: %s" % (path, exc.strerror or exc))
            if not chunk:
                break
            done += len(chunk)
            if done > size:
                break
            yield chunk
    if done != size:
        raise AlluxioError("%s changed while it was read (%d bytes expected, %s read); run again when it is stable"
                           % (path, size, "more" if done > size else done))


def md5_of(path: str) -> str:
    digest = hashlib.md5()
    for chunk in read_chunks(path, os.stat(path).st_size):
        digest.update(chunk)
    return digest.hexdigest()


def _tar_header(entry: LocalEntry, name: str) -> bytes:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if entry.is_dir else tarfile.REGTYPE
    info.mode = 0o755 if entry.is_dir else 0o644
    info.size = 0 if entry.is_dir else entry.size
    info.mtime = 0
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def tar_stream(src: str, arcname: str = "content") -> Tuple[int, Iterator[bytes]]:
    """A tar archive of ``src`` (under ``arcname``) as ``(exact size, chunks)``, built while it is read.

    The size is known before the first byte, so a receiver can read exactly that many bytes (``head -c``) and needs
    no end-of-file. Memory stays at one chunk whatever the size of the files.
    """
    is_dir, entries = scan(src)
    if is_dir:
        entries = [LocalEntry("", src, True, 0)] + entries
    plan = [(e, _tar_header(e, arcname if not e.rel else "%s/%s" % (arcname, e.rel)))
            for e in entries]
    size = sum(len(header) + (0 if e.is_dir else -(-e.size // _TAR_BLOCK) * _TAR_BLOCK) for e, header in plan)
    size += 2 * _TAR_BLOCK

    def chunks() -> Iterator[bytes]:
        for entry, header in plan:
            yield header
            if entry.is_dir:
                continue
            yield from read_chunks(entry.path, entry.size)
            if entry.size % _TAR_BLOCK:
                yield b"\0" * (_TAR_BLOCK - entry.size % _TAR_BLOCK)
        yield b"\0" * (2 * _TAR_BLOCK)

    return size, chunks()
