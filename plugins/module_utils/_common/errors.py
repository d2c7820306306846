# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The root of every typed error the collection's helpers raise; :func:`module.run_module` turns it into ``fail_json``."""

from __future__ import annotations


class CollectionError(Exception):
    """Base class of the helpers' errors: the message says what went wrong and what to do next.

    ``details`` are extra result keys (a state, a log tail) that the failed module returns beside ``msg``.
    """

    def __init__(self, message: str, **details) -> None:
        super().__init__(message)
        self.details = details
