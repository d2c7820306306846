# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the Alluxio helpers; modules turn them into ``fail_json(msg=...)`` once, in ``main()``."""

from __future__ import annotations

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


class AlluxioError(CollectionError):
    """Base class: the message says what went wrong and what to do."""


class AlluxioConnectionError(AlluxioError):
    """The master, proxy, pod or CLI could not be reached or started."""


class AlluxioCommandError(AlluxioError):
    """An ``alluxio`` command ran and failed."""

    def __init__(self, argv, rc, output):
        self.argv = list(argv)
        self.rc = rc
        self.output = (output or "").strip()
        super(AlluxioCommandError, self).__init__(
            "'%s' failed with exit code %s: %s" % (" ".join(self.argv), rc, self.output[-2000:] or "(no output)"))


class AlluxioNotFoundError(AlluxioError):
    """The Alluxio path does not exist."""


class AlluxioProtocolError(AlluxioError):
    """Something answered, but not as Alluxio does (wrong port, another program)."""


class AlluxioParseError(AlluxioProtocolError):
    """The program answered, but not in the format the parser knows."""
