# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API client built from kubernetes.core's auth options, without a server (the lab tests use a real one)."""

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s import client as k8s_client
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.errors import K8sClientError

pytestmark = pytest.mark.skipif(k8s_client.KUBERNETES_IMPORT_ERROR is not None, reason="kubernetes client not installed")


def test_auth_arg_spec_is_a_copy_of_kubernetes_core():
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
    assert k8s_client.K8S_AUTH_ARG_SPEC == AUTH_ARG_SPEC
    assert k8s_client.K8S_AUTH_ARG_SPEC is not AUTH_ARG_SPEC
    assert k8s_client.K8S_AUTH_ARG_SPEC["proxy_headers"] is not AUTH_ARG_SPEC["proxy_headers"]
    # The fallback used without kubernetes.core must not drift from the release it was copied from.
    assert k8s_client._FALLBACK_AUTH_ARG_SPEC == AUTH_ARG_SPEC


class FakeModule:
    def __init__(self, **params):
        self.params = dict((key, None) for key in k8s_client.K8S_AUTH_ARG_SPEC)
        self.params.update(params)


class FakeDynamicClient:
    """kubernetes.core's dynamic client without its discovery request: keeps the ApiClient as ``.client``."""

    def __init__(self, client, discoverer=None):
        self.client = client


def test_core_v1_from_module_uses_the_auth_options(monkeypatch):
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s import client as core_client
    for name in ("KUBECONFIG", "K8S_AUTH_KUBECONFIG", "K8S_AUTH_HOST", "K8S_AUTH_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(core_client.k8sdynamicclient, "K8SDynamicClient", FakeDynamicClient)
    monkeypatch.setattr(core_client, "_pool", {})
    api = k8s_client.core_v1_from_module(FakeModule(host="https://10.0.0.1:6443/", api_key="t0ken", validate_certs=False))
    configuration = api.api_client.configuration
    assert configuration.host == "https://10.0.0.1:6443"
    assert configuration.api_key == {"authorization": "Bearer t0ken"}
    assert configuration.verify_ssl is False


def test_core_v1_from_module_says_when_the_server_is_unreachable(monkeypatch):
    def refuse(module=None):
        raise OSError("HTTPSConnectionPool(host='10.0.0.1', port=6443): Max retries exceeded (Caused by "
                      "NewConnectionError('[Errno 111] Connection refused'))")
    monkeypatch.setattr(k8s_client, "get_api_client", refuse)
    with pytest.raises(K8sClientError, match=r"cannot reach the Kubernetes API server \(HTTPSConnectionPool"):
        k8s_client.core_v1_from_module(FakeModule(host="https://10.0.0.1:6443"))


def test_core_v1_from_module_explains_bad_credentials(monkeypatch, tmp_path):
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "")
    with pytest.raises(K8sClientError, match="cannot build a Kubernetes API client: .*Set kubeconfig"):
        k8s_client.core_v1_from_module(FakeModule(kubeconfig=str(tmp_path / "missing")))
