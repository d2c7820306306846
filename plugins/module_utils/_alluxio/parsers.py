# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One parser per Alluxio output format, each returning plain data.

Every CLI parser accepts the real column-aligned output and the same output with its whitespace collapsed (as it
arrives through some log collectors or ``kubectl exec`` wrappers): they split on runs of spaces, never on columns.
The JSON shapes of the master web port and the proxy are normalised to the same data as the CLI ones.
"""

from __future__ import annotations

import re

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioParseError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.tostring import (
    ToStringParseError,
    parse_tostring,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.units import (
    SizeParseError,
    parse_size,
)


# Metric names that changed between Alluxio versions: canonical (current) name -> older names.
METRIC_ALIASES = {
    "Cluster.BytesReadRemote": ("Cluster.BytesReadAlluxio",),
    "Cluster.BytesReadRemoteThroughput": ("Cluster.BytesReadAlluxioThroughput",),
}

# The read paths a client can take, and the cluster counter that counts each.
READ_PATH_METRICS = {
    "domain_socket": "Cluster.BytesReadDomain",
    "short_circuit_local": "Cluster.BytesReadLocal",
    "network": "Cluster.BytesReadRemote",
    "ufs": "Cluster.BytesReadUfsAll",
}


def canonical_metric_name(name):
    """Return the current name of a metric, mapping pre-2.5 names (``Cluster.BytesReadAlluxio``) forward."""
    for canonical, olds in METRIC_ALIASES.items():
        if name in olds:
            return canonical
    return name


def _to_int(value, default=0):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        return int(float(value))


def _to_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def _location(raw):
    """One block replica, from the toString form (``address``) or the JSON form (``workerAddress``)."""
    address = raw.get("address") or raw.get("workerAddress") or {}
    return {
        "worker_id": _to_int(raw.get("workerId"), None),
        "host": address.get("host") or "",
        "container_host": address.get("containerHost") or "",
        "tier": raw.get("tierAlias") or "",
        "domain_socket_path": address.get("domainSocketPath") or "",
    }


def normalize_file_info(info):
    """Turn a FileInfo/URIStatus (toString dict or proxy JSON) into this collection's file status."""
    if "info" in info and isinstance(info["info"], dict):
        info = info["info"]
    folder = _to_bool(info.get("folder", False))
    blocks = []
    for fbi in info.get("fileBlockInfos") or []:
        block = fbi.get("blockInfo") or {}
        blocks.append({
            "id": _to_int(block.get("blockId", block.get("id"))),
            "offset": _to_int(fbi.get("offset")),
            "length": _to_int(block.get("length")),
            "locations": [_location(loc) for loc in block.get("locations") or []],
        })
    return {
        "path": info.get("path") or "",
        "name": info.get("name") or "",
        "is_dir": folder,
        "length": _to_int(info.get("length")),
        "block_size": _to_int(info.get("blockSizeBytes")),
        "block_ids": [_to_int(b) for b in info.get("blockIds") or []],
        "blocks": blocks,
        "in_alluxio_percentage": _to_int(info.get("inAlluxioPercentage")),
        "in_memory_percentage": _to_int(info.get("inMemoryPercentage")),
        "completed": _to_bool(info.get("completed", False)),
        "persisted": _to_bool(info.get("persisted", False)),
        "persistence_state": info.get("persistenceState") or "",
        "last_modification_time_ms": _to_int(info.get("lastModificationTimeMs", info.get("lastModificationTimesMs"))),
    }


def parse_stat(text):
    """Parse ``alluxio fs stat PATH`` (one or several, as a wildcard prints them) into a list of file statuses."""
    statuses = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("URIStatus{") or stripped.startswith("FileInfo{"):
            try:
                statuses.append(normalize_file_info(parse_tostring(stripped)))
            except ToStringParseError as exc:
                raise AlluxioParseError("cannot read 'alluxio fs stat' output: %s" % exc)
    if not statuses:
        raise AlluxioParseError("'alluxio fs stat' printed no URIStatus line: %r" % text[:300])
    return statuses


_LOCATION_HEAD = re.compile(r"^(?P<path>.+?) with file id (?P<id>-?\d+) is on nodes:\s*$")


def parse_location(text):
    """Parse ``alluxio fs location PATH``: ``{"path", "file_id", "hosts"}`` (a host per block replica)."""
    result = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        head = _LOCATION_HEAD.match(stripped)
        if head:
            result = {"path": head.group("path"), "file_id": int(head.group("id")), "hosts": []}
        elif result is not None:
            result["hosts"].append(stripped)
    if result is None:
        raise AlluxioParseError("'alluxio fs location' printed no '... is on nodes:' line: %r" % text[:300])
    return result


def _size(token):
    try:
        return parse_size(token)[0]
    except SizeParseError as exc:
        raise AlluxioParseError(str(exc))


_TIER_LINE = re.compile(r"^Tier:\s*(?P<tier>\S+)\s+Size:\s*(?P<size>\S+)")


def parse_capacity(text):
    """Parse ``alluxio fsadmin report capacity``.

    Returns totals (``capacity_bytes``, ``used_bytes``, per tier) and ``workers``: name, capacity and used bytes per
    tier, and any other column the version prints (``state``, ``last_heartbeat``, ``version``...), found by the
    header's tokens rather than by fixed columns. Byte values are as exact as the CLI prints them (two decimals).
    """
    lines = [ln.rstrip() for ln in text.splitlines()]
    if any(ln.strip() == "No workers found." for ln in lines):
        return {"capacity_bytes": 0, "used_bytes": 0, "tiers": {}, "workers": []}
    totals = {"capacity_bytes": None, "used_bytes": None, "tiers": {}}
    section = None
    header = None
    workers = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if header is None:
            if stripped.startswith("Total Capacity:"):
                section = "capacity"
                totals["capacity_bytes"] = _size(stripped.split(":", 1)[1].strip())
            elif stripped.startswith("Used Capacity:"):
                section = "used"
                totals["used_bytes"] = _size(stripped.split(":", 1)[1].strip())
            elif _TIER_LINE.match(stripped) and section:
                tier = _TIER_LINE.match(stripped)
                totals["tiers"].setdefault(tier.group("tier"), {})[section + "_bytes"] = _size(tier.group("size"))
            elif stripped.startswith("Worker Name"):
                header = _header_tokens(stripped)
            continue
        tokens = stripped.split()
        if tokens[0] in ("capacity", "used"):
            if not workers:
                raise AlluxioParseError("a %r row before any worker row: %r" % (tokens[0], line))
            _add_storage_row(workers[-1], tokens, header)
        else:
            workers.append(_worker_row(tokens, header))
    if header is None or totals["capacity_bytes"] is None:
        raise AlluxioParseError("'alluxio fsadmin report capacity' output has no totals or no worker table: %r"
                                % text[:300])
    totals["workers"] = workers
    return totals


def _header_tokens(line):
    """Column names of the worker table; ``Worker Name`` and ``Last Heartbeat`` are two words each."""
    line = line.replace("Worker Name", "Worker_Name").replace("Last Heartbeat", "Last_Heartbeat")
    return line.split()


def _worker_row(tokens, header):
    """First row of a worker: values for every header column up to ``Storage``, then the capacity row."""
    worker = {"name": tokens[0], "capacity_bytes": 0, "used_bytes": 0, "tiers": {}}
    storage_at = header.index("Storage") if "Storage" in header else None
    if storage_at is None or storage_at >= len(tokens):
        raise AlluxioParseError("worker row does not match the header %r: %r" % (header, tokens))
    for index, column in enumerate(header[1:storage_at], start=1):
        worker[column.lower()] = tokens[index]
    _add_storage_row(worker, tokens[storage_at:], header)
    # Columns after the tiers (Version, Revision in newer 2.x) follow the tier values on the capacity row.
    tiers = header[storage_at + 1:]
    extra = [c for c in tiers if c in ("Version", "Revision")]
    rest = tokens[storage_at + 1 + (len(tiers) - len(extra)):]
    for column, value in zip(extra, rest):
        worker[column.lower()] = value
    if "last_heartbeat" in worker:
        worker["last_heartbeat"] = _to_int(worker["last_heartbeat"], worker["last_heartbeat"])
    return worker


def _add_storage_row(worker, tokens, header):
    kind = tokens[0]
    if kind not in ("capacity", "used"):
        raise AlluxioParseError("expected a 'capacity' or 'used' row, got %r" % (tokens,))
    storage_at = header.index("Storage")
    tiers = [c for c in header[storage_at + 1:] if c not in ("Version", "Revision")]
    values = tokens[1:]
    total = 0
    for tier, value in zip(tiers, values):
        if value.startswith("("):
            break
        size = _size(value)
        worker["tiers"].setdefault(tier, {})[kind + "_bytes"] = size
        total += size
    worker[kind + "_bytes"] = total


_METRIC_LINE = re.compile(r"^(?P<name>\S+)\s+\(Type:\s*(?P<type>\w+),\s*Value:\s*(?P<value>[^)]*)\)\s*$")


def parse_metrics(text):
    """Parse ``alluxio fsadmin report metrics`` into ``{name: {"type", "value", "exact"}}``.

    Byte metrics are printed rounded (``290.47KB``): ``exact`` says whether ``value`` is the true counter. Other
    integral values are printed with thousands separators (``1,234``). Pre-2.5 names are mapped to current ones.
    """
    metrics = {}
    for line in text.splitlines():
        match = _METRIC_LINE.match(line.strip())
        if not match:
            continue
        raw = match.group("value").strip()
        value, exact = _metric_value(raw)
        entry = {"type": match.group("type"), "value": value, "exact": exact}
        metrics[canonical_metric_name(match.group("name"))] = entry
    if not metrics:
        raise AlluxioParseError("'alluxio fsadmin report metrics' printed no metric line: %r" % text[:300])
    return metrics


def _metric_value(raw):
    try:
        return parse_size(raw)
    except SizeParseError:
        pass
    plain = raw.replace(",", "")
    try:
        if re.match(r"^-?\d+$", plain):
            return int(plain), True
        return float(plain), True
    except ValueError:
        return raw, False


def metrics_from_json(document):
    """Exact counters from the master's ``/api/v1/master/info`` (``metrics``) or ``/metrics/json/`` (``counters``)."""
    if "metrics" in document and isinstance(document["metrics"], dict):
        source = document["metrics"]
        return dict((canonical_metric_name(k), _to_int(v)) for k, v in source.items())
    if "counters" in document and isinstance(document["counters"], dict):
        return dict((canonical_metric_name(k), _to_int(v.get("count"))) for k, v in document["counters"].items())
    raise AlluxioParseError("JSON has neither 'metrics' (master info) nor 'counters' (metrics servlet)")


def read_paths(counters):
    """Bytes read per path from a ``{name: int}`` counter map; missing counters count as zero."""
    return dict((path, _to_int(counters.get(name))) for path, name in READ_PATH_METRICS.items())


def workers_from_master_info(document):
    """Workers of ``/api/v1/master/info`` in the shape :func:`parse_capacity` returns (exact bytes)."""
    result = []
    for key, state in (("workers", "LIVE"), ("lostWorkers", "LOST")):
        for worker in document.get(key) or []:
            address = worker.get("address") or {}
            tiers = {}
            for tier, size in (worker.get("capacityBytesOnTiers") or {}).items():
                tiers.setdefault(tier, {})["capacity_bytes"] = _to_int(size)
            for tier, size in (worker.get("usedBytesOnTiers") or {}).items():
                tiers.setdefault(tier, {})["used_bytes"] = _to_int(size)
            result.append({
                "name": address.get("host") or "",
                "host": address.get("host") or "",
                "container_host": address.get("containerHost") or "",
                "rpc_port": _to_int(address.get("rpcPort"), None),
                "web_port": _to_int(address.get("webPort"), None),
                "domain_socket_path": address.get("domainSocketPath") or "",
                "capacity_bytes": _to_int(worker.get("capacityBytes")),
                "used_bytes": _to_int(worker.get("usedBytes")),
                "tiers": tiers,
                "last_heartbeat": _to_int(worker.get("lastContactSec"), None),
                "state": state if state == "LOST" else (worker.get("state") or state),
            })
    return result


_LS_ROW = re.compile(r"(?P<size>\d+)\s+(?P<state>[A-Z_]+)\s+(?P<date>\S+\s+\S+)\s+(?P<pct>\d+%|DIR)\s+(?P<path>/.*?)\s*$")


def parse_ls(text):
    """Parse ``alluxio fs ls [-R]`` rows into ``{"path", "is_dir", "length", "persistence_state",
    "in_alluxio_percentage"}`` (rows with or without the permission/owner/group columns)."""
    entries = []
    for line in text.splitlines():
        match = _LS_ROW.search(line)
        if not match:
            continue
        pct = match.group("pct")
        entries.append({
            "path": match.group("path"),
            "is_dir": pct == "DIR" or line.lstrip().startswith("d"),
            "length": int(match.group("size")),
            "persistence_state": match.group("state"),
            "in_alluxio_percentage": None if pct == "DIR" else int(pct.rstrip("%")),
        })
    return entries


def worker_counters(document, host):
    """A worker's ``/metrics/json/`` counters without the ``Worker.`` prefix and the ``.<host>`` suffix, e.g.
    ``{"BytesReadDomain": 3145728, "BytesReadRemote": 0, "BytesReadCache": 3145728}``."""
    counters = metrics_from_json(document)
    prefix, suffix = "Worker.", "." + host
    return dict((name[len(prefix):-len(suffix)], value) for name, value in counters.items()
                if name.startswith(prefix) and name.endswith(suffix))
