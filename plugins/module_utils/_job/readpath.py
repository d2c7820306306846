# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which path the bytes of a read took, from the change of Alluxio's counters, in one sentence.

"Local" is the short-circuit family: the domain socket (a worker with a socket; Alluxio >= 2.x with
``domain.socket.address``) and the short-circuit file read (a worker without one, or releases that count a read on
the worker's own host as ``BytesReadLocal``). The verdict adds the two, so it does not depend on which of the two
counters a release moves.
"""

from __future__ import annotations

from typing import Any, Dict

PATHS = ("domain_socket", "short_circuit_local", "network", "ufs")


def human_bytes(size: float) -> str:
    size = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return ("%d %s" % (size, unit)) if unit == "B" else ("%.1f %s" % (size, unit))
        size /= 1024.0
    return "%.1f TiB" % size  # not reached


def verdict(read_paths_delta: Dict[str, Any], expected_bytes: int = 0) -> Dict[str, Any]:
    """``path`` (local | network | mixed | none), the byte counts, ``complete`` and ``line``, e.g.

    ``"local: 11.4 KiB over the domain socket, 0 B short-circuit file, 0 B over the network, 0 B from the UFS"``.
    UFS bytes are the cache misses the workers filled from the under storage (they also count on the path that
    served them).

    ``expected_bytes`` (the input's length; 0: unknown): a job that read the whole input moved the counters by at
    least that much. Less means the reading missed bytes that were still on their way to the master (they arrive
    with the workers' heartbeats), so ``complete`` is false and the line says so.
    """
    delta = dict((path, int((read_paths_delta or {}).get(path) or 0)) for path in PATHS)
    local = delta["domain_socket"] + delta["short_circuit_local"]
    network = delta["network"]
    if local > 0 and network == 0:
        path = "local"
    elif network > 0 and local == 0:
        path = "network"
    elif local > 0 and network > 0:
        path = "mixed"
    else:
        path = "none"
    served = local + network
    detail = "%s over the domain socket, %s short-circuit file, %s over the network, %s from the UFS" % (
        human_bytes(delta["domain_socket"]), human_bytes(delta["short_circuit_local"]), human_bytes(network),
        human_bytes(delta["ufs"]))
    if path == "mixed":
        head = "mixed (%d%% local)" % round(100.0 * local / served)
    elif path == "none":
        head = "no bytes read through Alluxio"
    else:
        head = path
    expected = int(expected_bytes or 0)
    complete = served >= expected
    line = "%s: %s" % (head, detail)
    if not complete:
        line += " (INCOMPLETE: the counters show %s of the input's %s; read them again later)" % (
            human_bytes(served), human_bytes(expected))
    return {"path": path, "local_bytes": local, "network_bytes": network, "ufs_bytes": delta["ufs"],
            "served_bytes": served, "complete": complete, "line": line}
