#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alluxio_metrics_info
short_description: Alluxio cluster counters, bytes by read path, and deltas against a baseline
version_added: 0.1.0
description:
  - Reads every counter of the Alluxio master (metrics of type C(COUNTER)) as an integer. Gauges, timers and meters
    are not returned (their values can be words, maps or rates, which no difference makes sense of).
  - A counter has one name on every transport, the name the C(alluxio) CLI prints. The master's JSON escapes a UFS
    path inside a name (C(Cluster.BytesReadPerUfs.UFS:%2Fdata)); it is returned unescaped
    (C(Cluster.BytesReadPerUfs.UFS:/data)). The pre-2.5 C(Cluster.BytesReadAlluxio) is returned as
    C(Cluster.BytesReadRemote).
  - Summarises the bytes read by path (RV(read_paths)) - domain socket (short-circuit through the worker's socket),
    short-circuit local file, both together as C(local), network, UFS - which is how to tell whether a job read its
    data locally.
  - With O(baseline), also returns the difference to an earlier result of this module, read over any transport.
  - With O(reset), clears the counters first (C(alluxio fsadmin metrics clear)); that is a change, and check mode
    only reports it.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
  - alluxio_spark.k8s.attributes.alluxio_group
options:
  baseline:
    description:
      - A previous result of this module (or its RV(metrics)); RV(delta) and RV(read_paths_delta) are computed
        against it.
      - Values in it that are not numbers are ignored; a counter missing from it counts as zero (Alluxio registers
        a counter on first use).
    type: dict
  reset:
    description:
      - Clear the master's and workers' counters before reading (C(alluxio fsadmin metrics clear)). Needs the V(local)
        or V(k8s_exec) transport (the CLI).
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
  - Which counter a read on the worker's own host moves depends on the Alluxio release and its settings. With a
    domain socket it is C(Cluster.BytesReadDomain); without one, or where the short-circuit file read is preferred,
    it is C(Cluster.BytesReadLocal). To tell whether data was read locally, compare RV(read_paths.local) (their sum), as
    RV(dominant_read_path) does. Nothing here uses C(Cluster.BytesReadCache), which some 2.x releases lack.
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
    msg: "local {{ after.read_paths_delta.local }} B, network {{ after.read_paths_delta.network }} B, mostly {{ after.dominant_read_path }}"

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
  description: Every counter (integers), by its name as the CLI prints it.
  returned: always
  type: dict
  sample: {"Cluster.BytesReadDomain": 297442, "Cluster.BytesReadRemote": 0, "Cluster.BytesReadPerUfs.UFS:/data": 0}
read_paths:
  description:
    - Bytes read by path. C(domain_socket) (C(Cluster.BytesReadDomain)), C(short_circuit_local)
      (C(Cluster.BytesReadLocal)), C(local) (the sum of those two, so every read on the worker's own host), C(network)
      (C(Cluster.BytesReadRemote)), C(ufs) (C(Cluster.BytesReadUfsAll)). A counter the master does not have counts as
      zero.
  returned: always
  type: dict
  sample: {"domain_socket": 297442, "short_circuit_local": 0, "local": 297442, "network": 0, "ufs": 0}
  contains:
    domain_socket:
      description: C(Cluster.BytesReadDomain), bytes read over a worker's domain socket.
      type: int
      sample: 297442
    short_circuit_local:
      description: C(Cluster.BytesReadLocal), bytes read as a short-circuit file on the worker's host.
      type: int
      sample: 0
    local:
      description: The sum of C(domain_socket) and C(short_circuit_local), every read on the worker's own host.
      type: int
      sample: 297442
    network:
      description: C(Cluster.BytesReadRemote), bytes read from a worker over the network.
      type: int
      sample: 0
    ufs:
      description: C(Cluster.BytesReadUfsAll), bytes the workers read from the under storage (cache misses).
      type: int
      sample: 0
delta:
  description: RV(metrics) minus the baseline's, for every counter of RV(metrics) (a counter missing from the
    baseline counts as zero there).
  returned: when O(baseline) is given
  type: dict
  sample: {"Cluster.BytesReadDomain": 1048576}
read_paths_delta:
  description: RV(read_paths) minus the baseline's.
  returned: when O(baseline) is given
  type: dict
  sample: {"domain_socket": 1048576, "short_circuit_local": 0, "local": 1048576, "network": 0, "ufs": 0}
dominant_read_path:
  description:
    - The read path with the most bytes, of C(local), C(network) and C(ufs) (in RV(read_paths_delta) when a baseline
      is given), or V(none) when no byte was read.
  returned: always
  type: str
  choices: [local, network, ufs, none]
  sample: local
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

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.metrics import baseline_counters, summarize
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    CLI_TRANSPORTS,
    client_from_module,
    transport_argument_spec,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module


def run(module):
    params = module.params
    transport = params["alluxio_transport"]
    if params["baseline"] is not None:
        baseline_counters(params["baseline"])  # a bad baseline fails before Alluxio is asked
    if params["per_worker"] and transport != "rest":
        raise AlluxioError("per_worker needs the rest transport: it reads each worker's web port by URL (the CLI "
                           "transports report cluster counters only, and k8s_proxy reaches only the master pod)")
    if params["reset"] and transport not in CLI_TRANSPORTS:
        raise AlluxioError("reset needs the alluxio CLI ('fsadmin metrics clear'): use the local or k8s_exec "
                           "transport, or pass a baseline instead of reset")
    client = client_from_module(module)
    if params["reset"] and not module.check_mode:
        client.clear_metrics()
    result = summarize(client.metrics(), params["baseline"])
    result.update(exact=client.exact_metrics, reset=params["reset"], changed=params["reset"])
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
