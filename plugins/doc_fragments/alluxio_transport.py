# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """How the Alluxio modules reach Alluxio (mirrors ``_alluxio/transport.py``)."""

    DOCUMENTATION = r"""
options:
  alluxio_transport:
    description:
      - How to reach Alluxio.
      - V(k8s_exec) runs the C(alluxio) CLI inside the master pod through the Kubernetes API, with the same
        authentication options as M(kubernetes.core.k8s) (O(kubeconfig), O(context), C(K8S_AUTH_*) variables...).
      - V(rest) reads the master web port (O(alluxio_master_url), exact counters, no JVM start per call) and the
        REST proxy (O(alluxio_proxy_url)) for paths.
      - V(local) runs the CLI (O(alluxio_cli)) on the host that runs the module.
    type: str
    choices: [k8s_exec, rest, local]
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
      - Namespace of the Alluxio master pod, for the V(k8s_exec) transport.
    type: str
    default: default
  alluxio_pod:
    description:
      - Name of the pod to run the CLI in, for the V(k8s_exec) transport.
    type: str
    default: alluxio-master-0
  alluxio_container:
    description:
      - Container of O(alluxio_pod) to run the CLI in. Defaults to the pod's first container.
    type: str
  alluxio_timeout:
    description:
      - Seconds one call to Alluxio may take.
    type: int
    default: 120
"""
