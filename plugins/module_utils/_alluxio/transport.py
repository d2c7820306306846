# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``alluxio_transport`` option set shared by every Alluxio module, and the client it selects.

``k8s_exec`` runs the CLI in the master pod through the Kubernetes API (kubernetes.core's auth options, so
``module_defaults: group/k8s`` and ``K8S_AUTH_*`` work); ``k8s_proxy`` sends the REST requests of ``rest`` to the
master pod's ports through the API server's pod proxy (same auth options); ``rest`` talks to the master web port and
the proxy by URL; ``local`` runs the CLI on the host that runs the module.
"""

from __future__ import annotations

import copy
from typing import Any, Dict

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.cli import CliClient, LocalCliHost, PodCliHost
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.http import PodProxyEndpoint, UrlEndpoint
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.rest import RestClient
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import K8S_AUTH_ARG_SPEC

TRANSPORTS = ("k8s_exec", "k8s_proxy", "rest", "local")
CLI_TRANSPORTS = ("k8s_exec", "local")

ALLUXIO_TRANSPORT_SPEC: Dict[str, Dict[str, Any]] = dict(
    alluxio_transport=dict(type="str", default="k8s_exec", choices=list(TRANSPORTS)),
    alluxio_cli=dict(type="list", elements="str", default=["alluxio"]),
    alluxio_master_url=dict(type="str", default="http://localhost:19999"),
    alluxio_proxy_url=dict(type="str"),
    alluxio_namespace=dict(type="str", default="default"),
    alluxio_pod=dict(type="str", default="alluxio-master-0"),
    alluxio_container=dict(type="str"),
    alluxio_web_port=dict(type="int", default=19999),
    alluxio_proxy_port=dict(type="int", default=39999),
    alluxio_timeout=dict(type="int", default=120),
)
# kubernetes.core's connection options (or the same set when kubernetes.core is missing: k8s_exec then says so).
ALLUXIO_TRANSPORT_SPEC.update(copy.deepcopy(K8S_AUTH_ARG_SPEC))


def transport_argument_spec(**extra: Any) -> Dict[str, Dict[str, Any]]:
    """A fresh copy of the shared option set, plus a module's own options."""
    spec = copy.deepcopy(ALLUXIO_TRANSPORT_SPEC)
    spec.update(extra)
    return spec


def client_from_module(module: Any) -> Any:
    """The client (:class:`CliClient` or :class:`RestClient`) the module's ``alluxio_transport`` asks for.

    Bad options raise :class:`AlluxioError` before anything is contacted.
    """
    params = module.params
    transport = params["alluxio_transport"]
    timeout = params["alluxio_timeout"]
    if timeout <= 0:
        raise AlluxioError("alluxio_timeout must be a positive number of seconds, got %s" % timeout)
    if transport == "rest":
        return _rest_client(params, timeout)
    if transport == "k8s_proxy":
        return _k8s_proxy_client(module, timeout)
    if not params["alluxio_cli"]:
        raise AlluxioError("alluxio_cli must name the alluxio command, e.g. ['alluxio']")
    if transport == "local":
        return CliClient(LocalCliHost(module, timeout), params["alluxio_cli"])
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import core_v1_from_module
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.exec import PodExec
    pod_exec = PodExec(core_v1_from_module(module), params["alluxio_namespace"], params["alluxio_pod"],
                       params.get("alluxio_container"))
    return CliClient(PodCliHost(pod_exec, timeout), params["alluxio_cli"])


def _rest_client(params: Dict[str, Any], timeout: int) -> RestClient:
    master = params["alluxio_master_url"]
    if not master.startswith(("http://", "https://")):
        raise AlluxioError("alluxio_master_url must start with http:// or https://, got %r" % master)
    proxy = params.get("alluxio_proxy_url") or _default_proxy(master)
    if not proxy.startswith(("http://", "https://")):
        raise AlluxioError("alluxio_proxy_url must start with http:// or https://, got %r" % proxy)
    validate = params.get("validate_certs", True) is not False
    scheme = master.split("://", 1)[0]

    def worker_endpoint(host: str, port: int) -> UrlEndpoint:
        return UrlEndpoint("%s://%s:%s" % (scheme, host, port), "worker web port", timeout, validate)

    return RestClient(UrlEndpoint(master, "master web port", timeout, validate),
                      UrlEndpoint(proxy, "REST proxy", timeout, validate), worker_endpoint)


def _k8s_proxy_client(module: Any, timeout: int) -> RestClient:
    params = module.params
    for option in ("alluxio_web_port", "alluxio_proxy_port"):
        if not 0 < params[option] < 65536:
            raise AlluxioError("%s must be a TCP port (1-65535), got %s" % (option, params[option]))
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import api_client_from_module
    api = api_client_from_module(module)
    namespace, pod = params["alluxio_namespace"], params["alluxio_pod"]
    master = PodProxyEndpoint(api, namespace, pod, params["alluxio_web_port"], "master web port",
                              "alluxio_web_port", timeout)
    proxy = PodProxyEndpoint(api, namespace, pod, params["alluxio_proxy_port"], "REST proxy: path operations over "
                             "k8s_proxy need an Alluxio proxy process listening in this pod", "alluxio_proxy_port",
                             timeout)
    return RestClient(master, proxy)


def _default_proxy(master_url: str) -> str:
    scheme, dummy, rest = master_url.partition("://")
    host = rest.split("/", 1)[0].rsplit(":", 1)[0]
    return "%s://%s:39999" % (scheme, host)
