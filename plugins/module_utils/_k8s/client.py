# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Kubernetes API client built from kubernetes.core's auth options, and what every caller says about its server.

The options are kubernetes.core's own (``AUTH_ARG_SPEC``), so ``module_defaults: group/k8s`` and ``K8S_AUTH_*``
apply to this collection's modules too. The pod exec (:mod:`exec`), the pod proxy (``_alluxio/http.py``) and the
node listing (:mod:`nodes`) all start from :func:`api_client_from_module`.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Dict

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.errors import (
    MISSING_KUBERNETES_MSG,
    K8sClientError,
)

try:
    from kubernetes.client import CoreV1Api
except ImportError as exc:
    CoreV1Api = None
    KUBERNETES_IMPORT_ERROR = exc
else:
    KUBERNETES_IMPORT_ERROR = None

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC as _CORE_AUTH_ARG_SPEC
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
except ImportError as exc:
    _CORE_AUTH_ARG_SPEC = None
    get_api_client = None
    K8S_CORE_IMPORT_ERROR = exc
else:
    K8S_CORE_IMPORT_ERROR = None

# kubernetes.core 6.2.0's AUTH_ARG_SPEC, used only when that collection cannot be imported, so that a module still
# parses its options and then fails with "install kubernetes.core" instead of "unsupported parameter: kubeconfig".
_FALLBACK_AUTH_ARG_SPEC: Dict[str, Dict[str, Any]] = {
    "kubeconfig": {"type": "raw", "no_log": True},
    "context": {},
    "host": {},
    "api_key": {"no_log": True},
    "username": {},
    "password": {"no_log": True},
    "validate_certs": {"type": "bool", "aliases": ["verify_ssl"]},
    "ca_cert": {"type": "path", "aliases": ["ssl_ca_cert"]},
    "client_cert": {"type": "path", "aliases": ["cert_file"]},
    "client_key": {"type": "path", "aliases": ["key_file"]},
    "proxy": {"type": "str"},
    "no_proxy": {"type": "str"},
    "proxy_headers": {"type": "dict", "options": {
        "proxy_basic_auth": {"type": "str", "no_log": True},
        "basic_auth": {"type": "str", "no_log": True},
        "user_agent": {"type": "str"},
    }},
    "persist_config": {"type": "bool"},
    "impersonate_user": {},
    "impersonate_groups": {"type": "list", "elements": "str"},
}

K8S_AUTH_ARG_SPEC: Dict[str, Dict[str, Any]] = copy.deepcopy(
    _CORE_AUTH_ARG_SPEC if _CORE_AUTH_ARG_SPEC is not None else _FALLBACK_AUTH_ARG_SPEC)

# What urllib3, the websocket client and the TLS layer say when the API server was not reached at all.
UNREACHABLE = re.compile(r"Connection refused|Max retries exceeded|Name or service not known|nodename nor servname|"
                         r"Temporary failure in name resolution|timed out|No route to host|Network is unreachable|"
                         r"CERTIFICATE_VERIFY_FAILED", re.IGNORECASE)


def api_host(api: Any) -> str:
    """The API server URL of a kubernetes ``ApiClient`` or of an API object built on one (``CoreV1Api``), for messages."""
    client = getattr(api, "api_client", api)
    try:
        return client.configuration.host
    except AttributeError:
        return "(unknown)"


class _AuthOnlyModule:
    """What kubernetes.core's ``get_api_client`` reads from a module: params, ``requires``, no server-side dry run.

    Lets a plain AnsibleModule (not kubernetes.core's AnsibleK8SModule) build a client; exec, proxy and list calls are
    never dry runs, so ``server_side_dry_run`` is always false.
    """

    server_side_dry_run = False

    def __init__(self, module: Any) -> None:
        self.params = module.params

    def requires(self, dependency: str, minimum: Any = None, reason: Any = None) -> None:
        from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import requires
        requires(dependency, minimum, reason=reason)


def api_client_from_module(module: Any) -> Any:
    """A kubernetes ``ApiClient`` from the module's kubernetes.core auth options (or ``K8S_AUTH_*``, kubeconfig,
    in-cluster config). Raises :class:`K8sClientError` naming what to set."""
    if KUBERNETES_IMPORT_ERROR is not None:
        raise K8sClientError("%s (import error: %s)" % (MISSING_KUBERNETES_MSG, KUBERNETES_IMPORT_ERROR))
    if K8S_CORE_IMPORT_ERROR is not None:
        raise K8sClientError("this module needs the kubernetes.core collection (ansible-galaxy collection install "
                             "kubernetes.core) to read the Kubernetes auth options (import error: %s)" % K8S_CORE_IMPORT_ERROR)
    try:
        k8s_client = get_api_client(module=_AuthOnlyModule(module))
    except Exception as exc:  # CoreException, ConfigException, missing files, the discovery request failing
        detail = " ".join(line.strip() for line in str(exc).splitlines()[:3] if line.strip())[:500]
        if UNREACHABLE.search(detail):
            raise K8sClientError("cannot reach the Kubernetes API server (%s); check host, kubeconfig and context, and "
                                 "that the server is running" % detail)
        raise K8sClientError("cannot build a Kubernetes API client: %s. Set kubeconfig (and context), or host with "
                             "api_key or client_cert/client_key, or the K8S_AUTH_* environment variables" % detail)
    # kubernetes.core 6.x: K8SClient.client is its DynamicClient, whose .client is the kubernetes ApiClient.
    return k8s_client.client.client


def core_v1_from_module(module: Any) -> Any:
    """A ``CoreV1Api`` on :func:`api_client_from_module`."""
    return CoreV1Api(api_client_from_module(module))
