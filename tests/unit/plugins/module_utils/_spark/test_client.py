# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SparkApplication manager's client: one connection for custom objects and pods, from kubernetes.core's options."""

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s import custom_objects
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s import exec as k8s_exec

pytestmark = pytest.mark.skipif(k8s_exec.KUBERNETES_IMPORT_ERROR is not None, reason="kubernetes client not installed")


def test_both_apis_share_the_client_built_once(monkeypatch):
    from kubernetes.client import ApiClient, Configuration

    built = []

    def build(module):
        built.append(module)
        return ApiClient(Configuration())

    monkeypatch.setattr(custom_objects, "api_client_from_module", build)
    custom, core = custom_objects.custom_objects_from_module("the module")
    assert built == ["the module"]
    assert custom.api_client is core.api_client
    assert type(custom).__name__ == "CustomObjectsApi" and type(core).__name__ == "CoreV1Api"
