# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the image helpers; ``run_module`` turns them into ``fail_json(msg=...)`` once."""

from __future__ import annotations

from typing import Sequence

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


class ImageError(CollectionError):
    """Base class: the message says what went wrong and what to do."""


class ArchiveError(ImageError):
    """The archive (or stream) is missing, truncated, corrupt or not in a format a runtime loads."""


class ChecksumError(ArchiveError):
    """The bytes' sha256 is not the expected one."""


class RuntimeMissingError(ImageError):
    """The container runtime's CLI is not installed (or not at the given path)."""


class RuntimeCommandError(ImageError):
    """A runtime command ran and failed; ``hint`` says what to check next."""

    def __init__(self, argv: Sequence[str], rc: int, output: str, hint: str = "") -> None:
        self.argv = list(argv)
        self.rc = rc
        self.output = (output or "").strip()
        suffix = (". " + hint) if hint else ""
        super().__init__("'%s' failed with exit code %s: %s%s" % (" ".join(self.argv), rc,
                                                                  self.output[-2000:] or "(no output)", suffix))
