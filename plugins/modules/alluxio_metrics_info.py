#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alluxio_metrics_info
short_description: Alluxio cluster counters, bytes by read path, and deltas against a baseline
version_added: 0.1.0
description:
  - Reads every cluster counter of the Alluxio master as an integer, under current names
    (C(Cluster.BytesReadAlluxio) of Alluxio before 2.5 is returned as C(Cluster.BytesReadRemote)).
  - Summarises the bytes read by path (RV(read_paths)) - domain socket (short-circuit through the worker's socket),
    short-circuit local file, network, UFS - which is how to tell whether a job read its data locally.
  - With O(baseline), also returns the difference to an earlier result of this module.
  - With O(reset), clears the counters first (C(alluxio fsadmin metrics clear)); that is a change, and check mode
    only reports it.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
options:
  baseline:
    description:
      - A previous result of this module (or its RV(metrics)); RV(delta) and RV(read_paths_delta) are computed
        against it.
    type: dict
  reset:
    description:
      - Clear the master's and workers' counters before reading. Needs the V(local) or V(k8s_exec) transport.
    type: bool
    default: false
  per_worker:
    description:
      - Also read each live worker's own counters from its web port, to see which node served the bytes.
      - V(rest) transport only. The workers' web ports are reached by URL; the V(k8s_proxy) transport knows only the
        master pod.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details:
      - With O(reset=true) in check mode, nothing is cleared and RV(ignore:changed) is true.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - Reading is idempotent. O(reset=true) always clears, and so always reports a change.
requirements:
  - kubernetes >= 24.2.0 (for the V(k8s_exec) and V(k8s_proxy) transports)
notes:
  - Clients report their counters to the master in heartbeats (every 10 s by default, and when they exit); workers
    every second. Read after the job has finished.
  - Over V(rest) and V(k8s_proxy) the counters are exact; the CLI prints byte counters rounded (C(290.47KB)),
    RV(exact) says which.
seealso:
  - module: alluxio_spark.k8s.alluxio_cluster_info
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Counters before the job
  alluxio_spark.k8s.alluxio_metrics_info:
    alluxio_transport: rest
    alluxio_master_url: http://alluxio-master-0.alluxio:19999
  register: before

- name: Counters after the job, as a difference
  alluxio_spark.k8s.alluxio_metrics_info:
    alluxio_transport: rest
    alluxio_master_url: http://alluxio-master-0.alluxio:19999
    baseline: "{{ before }}"
  register: after

- name: Say which path the bytes took
  ansible.builtin.debug:
    msg: "domain socket {{ after.read_paths_delta.domain_socket }} B, network {{ after.read_paths_delta.network }} B"

- name: Exact counters from the master pod, through the Kubernetes API server (no route to the pod network needed)
  alluxio_spark.k8s.alluxio_metrics_info:
    alluxio_transport: k8s_proxy
    alluxio_namespace: alluxio
    alluxio_pod: alluxio-master-0
    kubeconfig: ~/.kube/config
  register: counters
"""

RETURN = r"""
metrics:
  description: Every counter, by its current name.
  returned: always
  type: dict
  sample: {"Cluster.BytesReadDomain": 297442, "Cluster.BytesReadRemote": 0}
read_paths:
  description: Bytes read by path. Keys C(domain_socket), C(short_circuit_local), C(network), C(ufs).
  returned: always
  type: dict
  sample: {"domain_socket": 297442, "short_circuit_local": 0, "network": 0, "ufs": 0}
delta:
  description: RV(metrics) minus the baseline's, for every counter of RV(metrics).
  returned: when O(baseline) is given
  type: dict
  sample: {"Cluster.BytesReadDomain": 1048576}
read_paths_delta:
  description: RV(read_paths) minus the baseline's.
  returned: when O(baseline) is given
  type: dict
  sample: {"domain_socket": 1048576, "short_circuit_local": 0, "network": 0, "ufs": 0}
dominant_read_path:
  description: The read path with the most bytes (in RV(read_paths_delta) when a baseline is given), or V(none).
  returned: always
  type: str
  sample: domain_socket
workers:
  description:
    - Per worker host, its own counters without the C(Worker.) prefix (C(BytesReadDomain), C(BytesReadRemote),
      C(BytesReadCache)...). Worker counters are not cleared by O(reset).
  returned: when O(per_worker=true)
  type: dict
  sample: {"172.31.250.11": {"BytesReadDomain": 3145728, "BytesReadRemote": 0, "BytesReadCache": 3145728}}
exact:
  description: Whether byte counters are exact (V(rest), V(k8s_proxy)) or rounded by the CLI.
  returned: always
  type: bool
  sample: true
reset:
  description: Whether the counters were cleared (or would be, in check mode).
  returned: always
  type: bool
  sample: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.parsers import (
    canonical_metric_name,
    read_paths,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    client_from_module,
    transport_argument_spec,
)


def baseline_counters(baseline):
    """Accept a whole earlier result (with ``metrics``) or a bare ``{name: value}`` map."""
    source = baseline.get("metrics", baseline)
    if not isinstance(source, dict):
        raise AlluxioError("baseline must be an earlier result of alluxio_metrics_info or its 'metrics' dict")
    counters = {}
    for name, value in source.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AlluxioError("baseline value of %s is %r, not a number: pass the registered result itself"
                               % (name, value))
        counters[canonical_metric_name(name)] = value
    return counters


def dominant(paths):
    best = max(sorted(paths), key=lambda p: paths[p])
    return best if paths[best] > 0 else "none"


def run(module):
    params = module.params
    base = baseline_counters(params["baseline"]) if params["baseline"] is not None else None
    if params["per_worker"] and params["alluxio_transport"] != "rest":
        raise AlluxioError("per_worker needs the rest transport: it reads each worker's web port by URL (the CLI "
                           "transports report cluster counters only, and k8s_proxy reaches only the master pod)")
    client = client_from_module(module)
    if params["reset"] and not module.check_mode:
        client.clear_metrics()
    metrics = client.metrics()
    result = dict(metrics=metrics, read_paths=read_paths(metrics), exact=client.exact_metrics, reset=params["reset"],
                  changed=params["reset"])
    shown = result["read_paths"]
    if base is not None:
        result["delta"] = dict((name, value - base.get(name, 0)) for name, value in metrics.items()
                               if isinstance(value, (int, float)))
        before = read_paths(base)
        result["read_paths_delta"] = dict((path, shown[path] - before[path]) for path in shown)
        shown = result["read_paths_delta"]
    result["dominant_read_path"] = dominant(shown)
    if params["per_worker"]:
        result["workers"] = client.worker_metrics()
    return result


def main():
    module = AnsibleModule(
        argument_spec=transport_argument_spec(
            baseline=dict(type="dict"),
            reset=dict(type="bool", default=False),
            per_worker=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
