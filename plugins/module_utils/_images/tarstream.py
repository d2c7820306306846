# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tar stream read member by member from a pipe, keeping every member's raw header blocks.

``tarfile`` in stream mode hands out parsed members; the fan-out needs more: the exact bytes of each member's
headers (to pass a member on unchanged), its data in chunks as they arrive (never a whole layer in memory), and the
freedom to drop or rename a member in one output while passing it whole to another.
"""

from __future__ import annotations

import tarfile
from typing import Callable, Iterator, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError

BLOCK = 512
END_OF_ARCHIVE = b"\0" * (2 * BLOCK)
# Extended headers (pax, GNU long names) and small metadata members are read whole; nothing else is.
MAX_HEADER_DATA = 1 << 20
_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK,
             tarfile.SOLARIS_XHDTYPE)


def padding(size: int) -> int:
    return -size % BLOCK


class Member:
    """One member: its final name, data size, type and the raw header blocks that precede its data."""

    __slots__ = ("name", "size", "type", "header")

    def __init__(self, name: str, size: int, type_: bytes, header: bytes) -> None:
        self.name = name
        self.size = size
        self.type = type_
        self.header = header

    @property
    def is_file(self) -> bool:
        return self.type in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)

    def __repr__(self) -> str:
        return "Member(%r, %d)" % (self.name, self.size)


def file_header(name: str, size: int) -> bytes:
    """Header blocks of a plain file member (mode 0644, owner root, time 0: the output is reproducible)."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = 0
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")


def file_member(name: str, content: bytes) -> bytes:
    """A whole small file member: header, data and padding."""
    return file_header(name, len(content)) + content + b"\0" * padding(len(content))


class TarReader:
    """``next()`` gives the next :class:`Member` (None at the end of the archive); ``data()`` or ``read_whole()``
    must then consume its data before ``next()`` is called again."""

    def __init__(self, read: Callable[[int], bytes], where: str = "the tar stream") -> None:
        self._read = read
        self.where = where
        self.offset = 0
        self._pending = 0

    def _exact(self, count: int) -> bytes:
        parts = []
        left = count
        while left:
            chunk = self._read(min(left, 1 << 20))
            if not chunk:
                raise ArchiveError("%s ends early: %d bytes short at byte %d (cut off, or the program writing it "
                                   "failed)" % (self.where, left, self.offset))
            parts.append(chunk)
            left -= len(chunk)
            self.offset += len(chunk)
        return b"".join(parts)

    def next(self) -> Optional[Member]:
        if self._pending:
            raise ArchiveError("internal error: the data of the previous member of %s was not read" % self.where)
        raw = b""
        overrides = {}
        while True:
            block = self._exact(BLOCK)
            if block == b"\0" * BLOCK:
                return None
            try:
                info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
            except tarfile.HeaderError as exc:
                raise ArchiveError("%s has an invalid tar header at byte %d: %s"
                                   % (self.where, self.offset - BLOCK, exc))
            raw += block
            if info.type not in _EXTENDED:
                break
            if info.size > MAX_HEADER_DATA:
                raise ArchiveError("%s has an extended header of %d bytes at byte %d"
                                   % (self.where, info.size, self.offset))
            data = self._exact(info.size + padding(info.size))
            raw += data
            overrides.update(_extended(info.type, data[:info.size]))
        name = overrides.get("path", info.name)
        size = int(overrides.get("size", info.size))
        self._pending = size + padding(size)
        return Member(name.rstrip("/") if info.isdir() else name, size, info.type, raw)

    def data(self, chunk: int = 1 << 20) -> Iterator[bytes]:
        """The current member's data followed by its padding, in chunks of at most ``chunk`` bytes."""
        while self._pending:
            piece = self._exact(min(chunk, self._pending))
            self._pending -= len(piece)
            yield piece

    def read_whole(self, member: Member, limit: int = MAX_HEADER_DATA * 16) -> bytes:
        """The current member's content (without padding), for small metadata members only."""
        if member.size > limit:
            raise ArchiveError("%s: member %s is %d bytes, more than a metadata file can be"
                               % (self.where, member.name, member.size))
        return b"".join(self.data())[:member.size]

    def drain(self) -> int:
        """Read whatever follows the end-of-archive blocks (``docker save`` pads to a record size)."""
        count = 0
        for chunk in iter(lambda: self._read(1 << 20), b""):
            count += len(chunk)
        return count


def _extended(kind: bytes, data: bytes) -> dict:
    if kind in (tarfile.GNUTYPE_LONGNAME,):
        return {"path": data.rstrip(b"\0").decode("utf-8", "surrogateescape")}
    if kind in (tarfile.XHDTYPE, tarfile.SOLARIS_XHDTYPE):
        found = {}
        pos = 0
        while pos < len(data):
            space = data.find(b" ", pos)
            if space < 0:
                break
            length = int(data[pos:space])
            record = data[space + 1:pos + length - 1]
            key, _sep, value = record.partition(b"=")
            if key in (b"path", b"size"):
                found[key.decode()] = value.decode("utf-8", "surrogateescape")
            pos += length
        return found
    return {}
