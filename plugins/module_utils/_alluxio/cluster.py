# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alluxio's workers as alluxio_cluster_info returns them, and the bounded wait for enough of them."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, List

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioConnectionError,
    AlluxioError,
)

# A master that is starting (or a pod whose port is not open yet) refuses connections or does not answer: a wait
# goes on through these until its timeout. Any other error ends it at once.
RETRIED_REASONS = ("unreachable", "timeout")


def is_live(worker: Dict[str, Any], max_age: int) -> bool:
    age = worker.get("last_heartbeat")
    stale = isinstance(age, int) and age > max_age
    return worker.get("state") == "LIVE" and not stale


def summarize(workers: List[Dict[str, Any]], exact: bool, max_age: int) -> Dict[str, Any]:
    """Totals over live workers only: the CLI's own totals also count lost workers' capacity."""
    live = [w for w in workers if is_live(w, max_age)]
    tiers: Dict[str, Dict[str, int]] = {}
    for worker in live:
        for tier, sizes in worker["tiers"].items():
            for key, value in sizes.items():
                tiers.setdefault(tier, {}).setdefault(key, 0)
                tiers[tier][key] += value
    return dict(
        live_workers=len([w for w in live if w["capacity_bytes"] > 0]),
        capacity_bytes=sum(w["capacity_bytes"] for w in live),
        used_bytes=sum(w["used_bytes"] for w in live),
        tiers=tiers,
        workers=live,
        lost_workers=sorted(w["name"] for w in workers if not is_live(w, max_age)),
        exact=exact,
    )


def wait_for_workers(client: Any, count: int, timeout: float, sleep: float, max_age: int,
                     clock: Callable[[], float] = time.monotonic) -> Dict[str, Any]:
    """The cluster summary once ``count`` live workers report capacity (at once when ``count`` is 0).

    Retries while the master refuses connections or does not answer, up to ``timeout`` seconds in all; other errors
    end the wait at once.
    """
    for name, value in (("wait_for_workers", count), ("wait_timeout", timeout), ("wait_sleep", sleep),
                        ("max_heartbeat_age", max_age)):
        if value < 0:
            raise AlluxioError("%s must not be negative, got %s" % (name, value))
    start = clock()
    while True:
        waited = clock() - start
        try:
            result = summarize(client.cluster()["workers"], client.exact_metrics, max_age)
        except AlluxioConnectionError as exc:
            if not count or exc.reason not in RETRIED_REASONS:
                raise
            if waited >= timeout:
                raise AlluxioError("the Alluxio master did not answer within wait_timeout (%ds) while waiting for %d "
                                   "workers: %s" % (timeout, count, exc))
        else:
            if result["live_workers"] >= count:
                result["waited_seconds"] = round(waited, 1)
                return result
            if waited >= timeout:
                raise AlluxioError("only %d of the %d workers asked for report capacity after %ds (live: %s; not live: "
                                   "%s). Check the worker pods' logs and that they can reach the master."
                                   % (result["live_workers"], count, timeout,
                                      ", ".join(w["name"] for w in result["workers"]) or "none",
                                      ", ".join(result["lost_workers"]) or "none"))
        time.sleep(max(0.1, min(sleep, timeout - waited)))
