# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decompressor-into-loader pipe, with real processes."""

from __future__ import annotations

import shutil

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import RuntimeCommandError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runner import pipe
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import archive

pytestmark = pytest.mark.skipif(not shutil.which("gzip"), reason="gzip not installed")


def test_pipe_delivers_the_decompressed_bytes():
    rc, out, _err = pipe(["gzip", "-d", "-c", archive("tiny.tar.gz")], ["cat"])
    assert rc == 0 and out == open(archive("tiny.tar"), "rb").read()


def test_a_failing_decompressor_fails_the_pipe_even_if_the_reader_succeeds():
    rc, _out, err = pipe(["gzip", "-d", "-c", archive("truncated.tar.gz")], ["cat"])
    assert rc != 0 and b"unexpected end of file" in err


def test_a_failing_reader_fails_the_pipe():
    rc, _out, _err = pipe(["gzip", "-d", "-c", archive("tiny.tar.gz")], ["sh", "-c", "cat >/dev/null; exit 3"])
    assert rc == 3


def test_missing_programs():
    with pytest.raises(RuntimeCommandError, match="Install no-such-gunzip"):
        pipe(["no-such-gunzip"], ["cat"])
    with pytest.raises(RuntimeCommandError):
        pipe(["gzip", "-d", "-c", archive("tiny.tar.gz")], ["no-such-loader"])
