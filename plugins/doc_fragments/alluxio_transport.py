# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How the Alluxio modules reach Alluxio (mirrors ``_alluxio/transport.py``)."""

    DOCUMENTATION = r"""
notes:
  - Tested with Alluxio 2.9.6 only (the lab's, on every transport); other releases are not tested. What is known to
    differ in other 2.x releases is accepted (the pre-2.5 counter name C(Cluster.BytesReadAlluxio), a capacity report
    without a state column, a local read counted as C(Cluster.BytesReadLocal)), and nothing here depends on a counter
    that only some releases have.
  - Over V(k8s_proxy), the API server merges the double slash of Alluxio's C(/api/v1/paths//PATH), so the modules
    send paths as C(alluxio:/PATH) URIs; the root C(/) itself has no such form there, so a path right under it (C(/x))
    cannot be written or listed over V(k8s_proxy).
options:
  alluxio_transport:
    description:
      - How to reach Alluxio.
      - V(k8s_exec) runs the C(alluxio) CLI inside the master pod through the Kubernetes API, with the same
        authentication options as M(kubernetes.core.k8s) (O(kubeconfig), O(context), C(K8S_AUTH_*) variables...).
        Needs RBAC verbs C(create) and C(get) on C(pods/exec).
      - V(k8s_proxy) sends the requests of V(rest) to ports of the pod O(alluxio_pod) through the Kubernetes API
        server's pod proxy (C(/api/v1/namespaces/NS/pods/POD:PORT/proxy/...)), with the same authentication options
        as V(k8s_exec). Needs RBAC verbs C(get) and C(create) on C(pods/proxy). Exact counters and cluster data come
        from the master web port (O(alluxio_web_port)), no JVM is started, and the controller needs no route to the
        pod network. Path operations (M(alluxio_spark.k8s.alluxio_file), M(alluxio_spark.k8s.alluxio_file_info)) go
        to an Alluxio REST proxy on O(alluxio_proxy_port) in the same pod, which Alluxio does not start by default;
        without one they fail, saying that nothing answers on that port.
      - V(rest) reads the master web port (O(alluxio_master_url), exact counters, no JVM start per call) and the
        REST proxy (O(alluxio_proxy_url)) for paths.
      - V(local) runs the CLI (O(alluxio_cli)) on the host that runs the module.
    type: str
    choices: [k8s_exec, k8s_proxy, rest, local]
    default: k8s_exec
  alluxio_cli:
    description:
      - The C(alluxio) command as an argument list, for the V(local) and V(k8s_exec) transports.
      - For example V(["/opt/alluxio/bin/alluxio"]).
    type: list
    elements: str
    default: [alluxio]
  alluxio_master_url:
    description:
      - Base URL of the Alluxio master web port, for the V(rest) transport.
    type: str
    default: http://localhost:19999
  alluxio_proxy_url:
    description:
      - Base URL of the Alluxio REST proxy, for path operations with the V(rest) transport.
      - Defaults to the host of O(alluxio_master_url) on port 39999.
    type: str
  alluxio_namespace:
    description:
      - Namespace of the Alluxio master pod, for the V(k8s_exec) and V(k8s_proxy) transports.
    type: str
    default: default
  alluxio_pod:
    description:
      - Name of the Alluxio master pod, for the V(k8s_exec) transport (the CLI runs in it) and the V(k8s_proxy)
        transport (its ports are reached).
    type: str
    default: alluxio-master-0
  alluxio_container:
    description:
      - Container of O(alluxio_pod) to run the CLI in, for the V(k8s_exec) transport. Defaults to the pod's first
        container.
    type: str
  alluxio_web_port:
    description:
      - Port of the master web server (C(alluxio.master.web.port)) in O(alluxio_pod), for the V(k8s_proxy) transport.
    type: int
    default: 19999
  alluxio_proxy_port:
    description:
      - Port of the Alluxio REST proxy (C(alluxio.proxy.web.port)) in O(alluxio_pod), for path operations with the
        V(k8s_proxy) transport.
    type: int
    default: 39999
  alluxio_timeout:
    description:
      - Seconds one call to Alluxio may take.
    type: int
    default: 120
"""
