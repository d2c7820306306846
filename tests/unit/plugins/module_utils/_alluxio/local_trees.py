# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small local source tree for the upload tests: a file, a binary file in a sub-directory, an empty file deeper."""

from __future__ import annotations

import os


def make_tree(parent, binary_size: int):
    """``parent/tree`` with ``a.txt`` (b"alpha"), ``sub/b.bin`` (``binary_size`` random bytes), ``sub/deeper/empty``."""
    root = parent / "tree"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"alpha")
    (root / "sub" / "b.bin").write_bytes(os.urandom(binary_size))
    (root / "sub" / "deeper" / "empty").write_bytes(b"")
    return root
