# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Counters as alluxio_metrics_info returns them: by read path, against a baseline, and the dominant path."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.parsers import (
    VERDICT_PATHS,
    canonical_metric_name,
    read_paths,
)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def baseline_counters(baseline: Dict[str, Any]) -> Dict[str, Any]:
    """The counters of an earlier result (with ``metrics``) or of a bare ``{name: value}`` map, by current name.

    Values that are not numbers (a gauge printed as a word or a map, kept by another tool) are left out, so they never
    break a delta.
    """
    source = baseline.get("metrics", baseline)
    if not isinstance(source, dict):
        raise AlluxioError("baseline must be an earlier result of alluxio_metrics_info or its 'metrics' dict, got a "
                           "%s in 'metrics'" % type(source).__name__)
    return dict((canonical_metric_name(name), value) for name, value in source.items() if _is_number(value))


def dominant(paths: Dict[str, int]) -> str:
    """The path of :data:`VERDICT_PATHS` with the most bytes (ties: alphabetical), or ``none`` when nothing was read."""
    best = max(sorted(VERDICT_PATHS), key=lambda p: paths[p])
    return best if paths[best] > 0 else "none"


def summarize(counters: Dict[str, int], baseline: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """``metrics``, ``read_paths``, ``dominant_read_path`` and, against a baseline, ``delta`` and
    ``read_paths_delta``. A counter missing from the baseline was zero then (Alluxio registers one on first use)."""
    result: Dict[str, Any] = dict(metrics=counters, read_paths=read_paths(counters))
    shown = result["read_paths"]
    if baseline is not None:
        base = baseline_counters(baseline)
        result["delta"] = dict((name, value - base.get(name, 0)) for name, value in counters.items())
        before = read_paths(base)
        result["read_paths_delta"] = dict((path, shown[path] - before[path]) for path in shown)
        shown = result["read_paths_delta"]
    result["dominant_read_path"] = dominant(shown)
    return result
