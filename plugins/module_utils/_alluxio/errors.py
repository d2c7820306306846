# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the Alluxio helpers; :func:`_common.module.run_module` turns them into ``fail_json`` once."""

from __future__ import annotations

from typing import Any, Sequence

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


class AlluxioError(CollectionError):
    """Base class: the message says what went wrong and what to do."""


class AlluxioConnectionError(AlluxioError):
    """The master, proxy, pod or CLI could not be reached, or did not answer in time.

    ``reason`` (``unreachable``, ``timeout``, ``pod_not_found``, ``forbidden``, ``unauthorized``, ``proxy_failed``)
    is for callers that branch, e.g. a wait that retries while a starting master refuses connections.
    """

    def __init__(self, message: str, reason: str = "unreachable", **details: Any) -> None:
        super().__init__(message, **details)
        self.reason = reason


class AlluxioCommandError(AlluxioError):
    """An ``alluxio`` command or REST call ran and failed."""

    def __init__(self, argv: Sequence[str], rc: Any, output: str) -> None:
        self.argv = list(argv)
        self.rc = rc
        self.output = (output or "").strip()
        super().__init__("'%s' failed with exit code %s: %s"
                         % (" ".join(self.argv), rc, self.output[-2000:] or "(no output)"))


class AlluxioNotFoundError(AlluxioError):
    """The Alluxio path does not exist (as Alluxio itself said)."""


class AlluxioProtocolError(AlluxioError):
    """Something answered, but not as Alluxio does (wrong port, another program, a malformed answer)."""


class AlluxioParseError(AlluxioProtocolError):
    """The program answered, but not in the format the parser knows."""
