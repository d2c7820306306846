# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where to run a job so that it reads its data locally: a pinned node, or node affinity weighted by bytes held."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional

_MAX_WEIGHT = 100  # the Kubernetes limit of a preferred scheduling term's weight (1-100)


class PlacementError(ValueError):
    """The data's placement does not allow what was asked (no node holds a byte, a node is unknown)."""


def preferred_affinity(bytes_per_node: Dict[str, int]) -> Dict[str, Any]:
    """A pod ``affinity`` that prefers the nodes holding the data, weighted by the bytes each holds.

    The node holding the most gets weight 100, the others proportionally (at least 1), so the scheduler still places
    the pod elsewhere when those nodes are full or unready: unlike a nodeSelector, it never blocks the job. Nodes
    holding nothing get no term. Terms match the node's name (``matchFields`` on ``metadata.name``), which is what
    block resolution returns, whatever the node's labels say. Raises :class:`PlacementError` when no node holds a
    byte.
    """
    held = dict((node, int(size)) for node, size in (bytes_per_node or {}).items() if int(size) > 0)
    if not held:
        raise PlacementError("no node holds a byte of the input in Alluxio, so there is nothing to prefer")
    most = max(held.values())
    terms = []
    for node in sorted(held, key=lambda n: (-held[n], n)):
        weight = max(1, int(round(_MAX_WEIGHT * held[node] / float(most))))
        terms.append({
            "weight": weight,
            "preference": {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]},
        })
    return {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": terms}}


def data_and_other_node(bytes_per_node: Dict[str, int], candidates: Iterable[str]) -> Dict[str, Optional[str]]:
    """The node holding the most bytes (``data``) and, among ``candidates``, the one holding the fewest (``other``).

    Ties go to the smaller name. ``other`` is never ``data``; it is ``None`` when no other candidate exists.
    ``other_bytes`` says how much it holds (0 for a node without any of the data).
    """
    held = dict((node, int(size)) for node, size in (bytes_per_node or {}).items())
    nodes = sorted(set(candidates))
    if not any(size > 0 for size in held.values()):
        raise PlacementError("no node holds a byte of the input in Alluxio (is it cached? alluxio fs free empties it)")
    data = min((n for n in held if held[n] > 0), key=lambda n: (-held[n], n))
    others: List[str] = [n for n in nodes if n != data]
    other = min(others, key=lambda n: (held.get(n, 0), n)) if others else None
    return {"data": data, "data_bytes": held[data], "other": other,
            "other_bytes": held.get(other, 0) if other else None}


def experiment_cells(inputs: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The 2 x 2 matrix per input: short-circuit off/on x the data's node/another node, each with its application name.

    Names are ``wc-<input>-sc-<on|off>-<data|other>``: lower-case DNS labels of at most 52 characters (the driver pod
    adds ``-driver``), unique per cell.
    """
    cells = []
    seen = set()
    for item in inputs or ():
        base = re.sub(r"[^a-z0-9]+", "-", str(item.get("name", "")).lower()).strip("-") or "input"
        for short_circuit in (False, True):
            for node in ("data", "other"):
                suffix = "-sc-%s-%s" % ("on" if short_circuit else "off", node)
                app = "wc-%s%s" % (base[:52 - 3 - len(suffix)].rstrip("-"), suffix)
                if app in seen:
                    raise PlacementError("two inputs give the same application name %s: give them other names" % app)
                seen.add(app)
                cells.append({"input": item, "short_circuit": short_circuit, "node": node, "app": app})
    return cells


# Spark selects the container of a pod template by name (or takes the first): a template must name it, or spark-submit
# fails with "Could not load pod from template file" (a NullPointerException in selectSparkContainer).
SPARK_CONTAINERS = {"driver": "spark-kubernetes-driver", "executor": "spark-kubernetes-executor"}


def pod_templates(affinity: Optional[Dict[str, Any]] = None,
                  supplemental_groups: Optional[List[int]] = None) -> Dict[str, Dict[str, Any]]:
    """The ``template`` of the SparkApplication's driver and executor specs (``{}`` each when nothing is needed).

    A pod template is how the Spark operator passes pod fields Spark's properties do not cover without its webhook:
    the node ``affinity`` of placement ``prefer``, and the ``supplementalGroups`` that let Spark's user into the
    workers' domain-socket directory.
    """
    spec: Dict[str, Any] = {}
    if affinity:
        spec["affinity"] = affinity
    groups = [int(g) for g in supplemental_groups or [] if str(g) != ""]
    if groups:
        spec["securityContext"] = {"supplementalGroups": groups}
    if not spec:
        return {"driver": {}, "executor": {}}
    return dict((role, {"template": {"spec": dict(spec, containers=[{"name": name}])}})
                for role, name in SPARK_CONTAINERS.items())
