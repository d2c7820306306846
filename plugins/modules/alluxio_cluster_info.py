#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: alluxio_cluster_info
short_description: Alluxio workers, their capacity per tier, and lost workers
version_added: 0.1.0
description:
  - Returns every Alluxio worker with its address, capacity and used bytes per storage tier (the data of
    C(alluxio fsadmin report capacity)), the lost workers, and cluster totals.
  - With O(wait_for_workers), waits until that many workers are live and report a non-zero capacity, which is how
    a deployment knows Alluxio is ready for data. While it waits, a master that refuses connections or does not
    answer yet (it is starting) is asked again until O(wait_timeout); any other error ends the wait at once.
  - A worker's RV(workers[].state) is one word whatever the transport and the release (2.9.6 prints C(ACTIVE) on
    every transport, other releases other words such as C(In Service), some CLI reports no state at all) - V(LIVE), V(LOST), V(DECOMMISSIONED) or
    V(DISABLED) - and RV(workers[].reported_state) keeps what Alluxio printed.
  - Over the V(rest) and V(k8s_proxy) transports byte counts are exact; the CLI prints them rounded to two decimals.
extends_documentation_fragment:
  - alluxio_spark.k8s.alluxio_transport
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
  - alluxio_spark.k8s.attributes.alluxio_group
  - alluxio_spark.k8s.attributes.INFO_MODULE
options:
  wait_for_workers:
    description:
      - Wait until at least this many live workers report capacity. V(0) does not wait.
    type: int
    default: 0
  wait_timeout:
    description:
      - Seconds to wait for O(wait_for_workers) before failing.
    type: int
    default: 300
  wait_sleep:
    description:
      - Seconds between two looks while waiting.
    type: int
    default: 3
  max_heartbeat_age:
    description:
      - A worker whose last heartbeat is older than this many seconds counts as lost, even while the master still
        lists it as active (a restarted worker leaves its old registration behind for a while).
    type: int
    default: 30
requirements:
  - kubernetes >= 24.2.0 (for the V(k8s_exec) and V(k8s_proxy) transports)
notes:
  - Read-only; always returns RV(ignore:changed=false).
seealso:
  - module: alluxio_spark.k8s.alluxio_file_info
  - module: alluxio_spark.k8s.alluxio_metrics_info
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Wait until the three workers report capacity
  alluxio_spark.k8s.alluxio_cluster_info:
    alluxio_transport: k8s_exec
    alluxio_namespace: alluxio
    wait_for_workers: 3
    wait_timeout: 600

- name: Read the cluster from the master web port
  alluxio_spark.k8s.alluxio_cluster_info:
    alluxio_transport: rest
    alluxio_master_url: http://alluxio-master-0.alluxio:19999
  register: cluster

- name: The same, exact, through the Kubernetes API server's pod proxy
  alluxio_spark.k8s.alluxio_cluster_info:
    alluxio_transport: k8s_proxy
    alluxio_namespace: alluxio
  register: cluster
"""

RETURN = r"""
live_workers:
  description: Number of live workers that report a capacity above zero.
  returned: always
  type: int
  sample: 3
capacity_bytes:
  description: Total capacity of the live workers, in bytes (the CLI's own total also counts lost workers).
  returned: always
  type: int
  sample: 805306368
used_bytes:
  description: Bytes used on the live workers.
  returned: always
  type: int
  sample: 4194304
tiers:
  description: Capacity and used bytes per tier alias, summed over live workers.
  returned: always
  type: dict
  sample: {"MEM": {"capacity_bytes": 805306368, "used_bytes": 4194304}}
workers:
  description: The live workers (totals and RV(live_workers) count only these).
  returned: always
  type: list
  elements: dict
  sample:
    - name: 172.31.250.11
      capacity_bytes: 268435456
      used_bytes: 1048576
      tiers: {"MEM": {"capacity_bytes": 268435456, "used_bytes": 1048576}}
      state: LIVE
      reported_state: ACTIVE
  contains:
    name:
      description: The worker's name as Alluxio lists it (its host).
      type: str
      sample: 172.31.250.11
    capacity_bytes:
      description: The worker's capacity, in bytes.
      type: int
      sample: 268435456
    used_bytes:
      description: Bytes the worker uses.
      type: int
      sample: 1048576
    tiers:
      description: Capacity and used bytes per tier alias.
      type: dict
      sample: {"MEM": {"capacity_bytes": 268435456, "used_bytes": 1048576}}
    state:
      description:
        - V(LIVE), V(LOST), V(DECOMMISSIONED) or V(DISABLED), whatever the transport and the release.
        - Only V(LIVE) workers are listed here; the others are in RV(lost_workers).
      type: str
      choices: [LIVE, LOST, DECOMMISSIONED, DISABLED]
      sample: LIVE
    reported_state:
      description: The state as Alluxio printed it (C(ACTIVE) from 2.9.6 over the CLI and REST; other words, such as
        C(In Service), from other releases; empty when the CLI report has no state column).
      type: str
      sample: ACTIVE
lost_workers:
  description:
    - Names of the workers that are not live - listed by the master as lost (or in another state than V(LIVE)), or
      with a heartbeat older than O(max_heartbeat_age).
  returned: always
  type: list
  elements: str
  sample: []
exact:
  description: Whether the byte counts are exact (V(rest), V(k8s_proxy)) or rounded by the CLI.
  returned: always
  type: bool
  sample: true
waited_seconds:
  description: Seconds spent waiting for O(wait_for_workers).
  returned: always
  type: float
  sample: 4.2
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.cluster import wait_for_workers
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.transport import (
    client_from_module,
    transport_argument_spec,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module


def run(module):
    params = module.params
    return wait_for_workers(client_from_module(module), params["wait_for_workers"], params["wait_timeout"],
                            params["wait_sleep"], params["max_heartbeat_age"])


def main():
    module = AnsibleModule(
        argument_spec=transport_argument_spec(
            wait_for_workers=dict(type="int", default=0),
            wait_timeout=dict(type="int", default=300),
            wait_sleep=dict(type="int", default=3),
            max_heartbeat_age=dict(type="int", default=30),
        ),
        supports_check_mode=True,
    )
    run_module(module, run, read_only=True)


if __name__ == "__main__":
    main()
