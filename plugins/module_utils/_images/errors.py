# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the image helpers; the module turns them into ``fail_json(msg=...)`` once, in ``main()``."""

from __future__ import annotations

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


class ImageError(CollectionError):
    """Base class: the message says what went wrong and what to do."""


class ArchiveError(ImageError):
    """The archive is missing, truncated, corrupt or not in ``docker save`` format."""


class ChecksumError(ArchiveError):
    """The archive's sha256 is not the expected one."""


class RuntimeMissingError(ImageError):
    """The container runtime's CLI is not installed (or not at the given path)."""


class RuntimeCommandError(ImageError):
    """A runtime command ran and failed."""

    def __init__(self, argv, rc, output, hint=""):
        self.argv = list(argv)
        self.rc = rc
        self.output = (output or "").strip()
        suffix = (". " + hint) if hint else ""
        super(RuntimeCommandError, self).__init__(
            "'%s' failed with exit code %s: %s%s" % (" ".join(self.argv), rc, self.output[-2000:] or "(no output)",
                                                     suffix))
