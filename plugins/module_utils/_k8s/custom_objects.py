# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A ``CustomObjectsApi`` (and a ``CoreV1Api`` on the same connection) from kubernetes.core's auth options."""

from __future__ import annotations

from typing import Any, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import api_client_from_module

try:
    from kubernetes.client import CoreV1Api, CustomObjectsApi
except ImportError:  # api_client_from_module reports the missing package first
    CoreV1Api = CustomObjectsApi = None


def custom_objects_from_module(module: Any) -> Tuple[Any, Any]:
    """``(CustomObjectsApi, CoreV1Api)`` sharing one ApiClient built from the module's auth options."""
    api_client = api_client_from_module(module)
    return CustomObjectsApi(api_client), CoreV1Api(api_client)
