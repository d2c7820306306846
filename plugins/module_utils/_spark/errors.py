# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the SparkApplication helpers; ``run_module`` turns them into ``fail_json`` once."""

from __future__ import annotations

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


class SparkAppError(CollectionError):
    """Base class: the message says what went wrong and what to do next."""


class SparkInputError(SparkAppError):
    """The options or the definition cannot make a SparkApplication; raised before anything is touched."""


class SparkApiError(SparkAppError):
    """A Kubernetes API call (or the sparkctl submitter) failed: invalid spec, RBAC, missing CRD, unreachable server."""


class SparkRunError(SparkAppError):
    """The application ran and did not complete: FAILED, a pod that can never start, or the wait ran out.

    ``reason`` is one of ``failed``, ``pod_cannot_start``, ``unschedulable``, ``timeout``, ``suspended``, ``vanished``.
    """

    def __init__(self, message: str, reason: str, **details) -> None:
        super().__init__(message, **details)
        self.reason = reason
