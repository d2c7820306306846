# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading real `docker save` output member by member, keeping the raw bytes."""

from __future__ import annotations

import io
import tarfile

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.tarstream import (
    END_OF_ARCHIVE,
    TarReader,
    file_member,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import archive


def _members(data, chunk=7000):
    reader = TarReader(io.BytesIO(data).read)
    found = []
    rebuilt = b""
    while True:
        member = reader.next()
        if member is None:
            break
        body = b"".join(reader.data(chunk))
        found.append((member.name, member.size, body[:member.size]))
        rebuilt += member.header + body
    return found, rebuilt, reader


@pytest.mark.parametrize("name", ["tiny.tar", "multi.tar", "layers.tar"])
def test_members_are_what_tarfile_sees_and_the_bytes_are_kept(name):
    with open(archive(name), "rb") as handle:
        data = handle.read()
    found, rebuilt, reader = _members(data)
    with tarfile.open(archive(name)) as tar:
        expected = [(m.name.rstrip("/") if m.isdir() else m.name, m.size,
                     tar.extractfile(m).read() if m.isfile() else b"") for m in tar.getmembers()]
    assert found == expected
    # Headers + data + padding give back the archive up to its end-of-archive blocks.
    assert data.startswith(rebuilt) and data[len(rebuilt):].startswith(END_OF_ARCHIVE)
    assert reader.offset == len(rebuilt) + 512


def test_a_truncated_stream_is_an_error_naming_where():
    with open(archive("truncated.tar"), "rb") as handle:
        data = handle.read()
    with pytest.raises(ArchiveError, match="ends early"):
        _members(data)


def test_garbage_is_an_invalid_header():
    with pytest.raises(ArchiveError, match="invalid tar header"):
        _members(b"not a tar file at all".ljust(1024, b"x"))


def test_long_names_in_pax_headers():
    name = "blobs/sha256/" + "d" * 64 + "/" + "x" * 120
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    found, _rebuilt, _reader = _members(buffer.getvalue())
    assert found == [(name, 5, b"hello")]


def test_file_member_round_trips_through_tarfile():
    data = file_member("oci-layout", b'{"imageLayoutVersion":"1.0.0"}') + END_OF_ARCHIVE
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.getmember("oci-layout")
        assert tar.extractfile(member).read() == b'{"imageLayoutVersion":"1.0.0"}'
        assert member.mode == 0o644 and member.mtime == 0
