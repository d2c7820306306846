# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One parser per Alluxio output format, each returning plain data.

Every CLI parser accepts the real column-aligned output and the same output with its whitespace collapsed (as it
arrives through some log collectors or ``kubectl exec`` wrappers): they split on runs of spaces, never on columns.
The JSON shapes of the master web port and the proxy are normalised to the same data as the CLI ones.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

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

# The read paths a client can take, and the cluster counter that counts each. ``local`` is the sum of the two
# paths that read on the worker's own host: which of the two a local read takes depends on the Alluxio release and
# its settings (a worker with a domain socket gets domain_socket; without one, or in releases that prefer the
# short-circuit file, short_circuit_local), so a verdict "read locally" compares ``local``, never one of them.
READ_PATH_METRICS = {
    "domain_socket": ("Cluster.BytesReadDomain",),
    "short_circuit_local": ("Cluster.BytesReadLocal",),
    "local": ("Cluster.BytesReadDomain", "Cluster.BytesReadLocal"),
    "network": ("Cluster.BytesReadRemote",),
    "ufs": ("Cluster.BytesReadUfsAll",),
}
# What dominant_read_path chooses from: every byte counted once.
VERDICT_PATHS = ("local", "network", "ufs")

# One vocabulary for a worker's state, whatever printed it: the 2.9 CLI says ACTIVE, other releases' master REST
# "In Service", some CLI reports have no state column at all (a listed worker is then live).
WORKER_STATES = {
    "": "LIVE", "ACTIVE": "LIVE", "LIVE": "LIVE", "IN SERVICE": "LIVE",
    "LOST": "LOST", "OUT OF SERVICE": "LOST",
    "DECOMMISSIONED": "DECOMMISSIONED", "DISABLED": "DISABLED",
}


def canonical_metric_name(name: str) -> str:
    """One name per metric whatever the transport: the name as the CLI prints it.

    The master's JSON escapes the UFS path in a name (``UFS:%2Fdata``), the CLI unescapes it (``UFS:/data``); this
    applies Alluxio's own ``MetricsSystem.unescape``, then maps pre-2.5 names (``Cluster.BytesReadAlluxio``) forward.
    """
    name = name.replace("%2F", "/").replace("%2E", ".").replace("%25", "%")
    for canonical, olds in METRIC_ALIASES.items():
        if name in olds:
            return canonical
    return name


def worker_state(reported: Any) -> str:
    """``LIVE``, ``LOST``, ``DECOMMISSIONED`` or ``DISABLED`` for a state as any Alluxio 2.x prints it."""
    text = " ".join(str(reported or "").split()).upper()
    return WORKER_STATES.get(text, text.replace(" ", "_"))


def _to_int(value: Any, field: str, default: Optional[int] = 0) -> Optional[int]:
    """An integer from a JSON number or an integral string; anything else is a protocol error naming ``field``."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise AlluxioParseError("%s is %r, not a number" % (field, value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    raise AlluxioParseError("%s is %r, not an integer" % (field, value))


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def _dict(value: Any, field: str) -> Dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AlluxioParseError("%s is a %s (%r), expected an object" % (field, type(value).__name__, value))
    return value


def _list(value: Any, field: str) -> List[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AlluxioParseError("%s is a %s (%r), expected a list" % (field, type(value).__name__, value))
    return value


def _location(raw: Any, field: str) -> Dict[str, Any]:
    """One block replica, from the toString form (``address``) or the JSON form (``workerAddress``)."""
    raw = _dict(raw, field)
    address = _dict(raw.get("address") or raw.get("workerAddress"), field + ".address")
    return {
        "worker_id": _to_int(raw.get("workerId"), field + ".workerId", None),
        "host": str(address.get("host") or ""),
        "container_host": str(address.get("containerHost") or ""),
        "tier": str(raw.get("tierAlias") or ""),
        "domain_socket_path": str(address.get("domainSocketPath") or ""),
    }


def normalize_file_info(info: Any) -> Dict[str, Any]:
    """Turn a FileInfo/URIStatus (toString dict or proxy JSON) into this collection's file status."""
    info = _dict(info, "file status")
    if isinstance(info.get("info"), dict):
        info = info["info"]
    path = str(info.get("path") or "")
    where = "file status of %s" % (path or "(no path)")
    blocks = []
    for index, fbi in enumerate(_list(info.get("fileBlockInfos"), where + ": fileBlockInfos")):
        field = "%s: fileBlockInfos[%d]" % (where, index)
        fbi = _dict(fbi, field)
        block = _dict(fbi.get("blockInfo"), field + ".blockInfo")
        blocks.append({
            "id": _to_int(block.get("blockId", block.get("id")), field + ".blockInfo.id"),
            "offset": _to_int(fbi.get("offset"), field + ".offset"),
            "length": _to_int(block.get("length"), field + ".blockInfo.length"),
            "locations": [_location(loc, "%s.locations[%d]" % (field, i))
                          for i, loc in enumerate(_list(block.get("locations"), field + ".blockInfo.locations"))],
        })
    return {
        "path": path,
        "name": str(info.get("name") or ""),
        "is_dir": _to_bool(info.get("folder", False)),
        "length": _to_int(info.get("length"), where + ": length"),
        "block_size": _to_int(info.get("blockSizeBytes"), where + ": blockSizeBytes"),
        "block_ids": [_to_int(b, where + ": blockIds") for b in _list(info.get("blockIds"), where + ": blockIds")],
        "blocks": blocks,
        "in_alluxio_percentage": _to_int(info.get("inAlluxioPercentage"), where + ": inAlluxioPercentage"),
        "in_memory_percentage": _to_int(info.get("inMemoryPercentage"), where + ": inMemoryPercentage"),
        "completed": _to_bool(info.get("completed", False)),
        "persisted": _to_bool(info.get("persisted", False)),
        "persistence_state": str(info.get("persistenceState") or ""),
        "last_modification_time_ms": _to_int(info.get("lastModificationTimeMs", info.get("lastModificationTimesMs")),
                                             where + ": lastModificationTimeMs"),
    }


def parse_stat(text: str) -> List[Dict[str, Any]]:
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


def _size(token: str) -> int:
    try:
        return parse_size(token)[0]
    except SizeParseError as exc:
        raise AlluxioParseError(str(exc))


_TIER_LINE = re.compile(r"^Tier:\s*(?P<tier>\S+)\s+Size:\s*(?P<size>\S+)")


def parse_capacity(text: str) -> Dict[str, Any]:
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


def _header_tokens(line: str) -> List[str]:
    """Column names of the worker table; ``Worker Name`` and ``Last Heartbeat`` are two words each."""
    line = line.replace("Worker Name", "Worker_Name").replace("Last Heartbeat", "Last_Heartbeat")
    return line.split()


def _worker_row(tokens: List[str], header: List[str]) -> Dict[str, Any]:
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
        heartbeat = worker["last_heartbeat"]
        worker["last_heartbeat"] = int(heartbeat) if heartbeat.isdigit() else heartbeat
    worker["reported_state"] = worker.get("state", "")
    worker["state"] = worker_state(worker["reported_state"])
    return worker


def _add_storage_row(worker: Dict[str, Any], tokens: List[str], header: List[str]) -> None:
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


def parse_metrics(text: str) -> Dict[str, Dict[str, Any]]:
    """Parse ``alluxio fsadmin report metrics`` into ``{name: {"type", "value", "exact"}}``, every type.

    Byte metrics are printed rounded (``290.47KB``): ``exact`` says whether ``value`` is the true counter. Other
    integral values are printed with thousands separators (``1,234``). A gauge may print a word or a map
    (``Master.FileSize``): its value stays the text. Names are :func:`canonical_metric_name`.
    """
    metrics = {}
    for line in text.splitlines():
        match = _METRIC_LINE.match(line.strip())
        if not match:
            continue
        value, exact = _metric_value(match.group("value").strip())
        metrics[canonical_metric_name(match.group("name"))] = {"type": match.group("type"), "value": value,
                                                               "exact": exact}
    if not metrics:
        raise AlluxioParseError("'alluxio fsadmin report metrics' printed no metric line: %r" % text[:300])
    return metrics


def _metric_value(raw: str) -> Tuple[Any, bool]:
    try:
        return parse_size(raw)
    except SizeParseError:
        pass
    plain = raw.replace(",", "")
    if re.fullmatch(r"-?\d+", plain):
        return int(plain), True
    try:
        return float(plain), True
    except ValueError:
        return raw, False


def counters_from_report(text: str) -> Dict[str, int]:
    """The counters (type ``COUNTER``) of ``alluxio fsadmin report metrics``, as integers (byte counters as the CLI
    rounded them). Gauges, timers and meters are left out, as the master's JSON keeps them apart."""
    counters = {}
    for name, entry in parse_metrics(text).items():
        if entry["type"] != "COUNTER":
            continue
        value = entry["value"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            raise AlluxioParseError("counter %s printed %r, not a number" % (name, value))
        counters[name] = value
    return counters


def counters_from_json(document: Any, where: str = "the master") -> Dict[str, int]:
    """Exact counters from a metrics servlet (``/metrics/json/``: ``counters.<name>.count``) or from the master's
    ``/api/v1/master/info`` (``metrics.<name>``), by :func:`canonical_metric_name`."""
    document = _dict(document, "the answer of %s" % where)
    if isinstance(document.get("counters"), dict):
        return dict((canonical_metric_name(k), _to_int(_dict(v, "counters.%s" % k).get("count"), "counters.%s" % k))
                    for k, v in document["counters"].items())
    if isinstance(document.get("metrics"), dict):
        return dict((canonical_metric_name(k), _to_int(v, "metrics.%s" % k)) for k, v in document["metrics"].items())
    raise AlluxioParseError("%s answered JSON with neither 'counters' (metrics servlet) nor 'metrics' (master info)"
                            % where)


def read_paths(counters: Dict[str, Any]) -> Dict[str, int]:
    """Bytes read per path from a counter map; a counter that is missing or not a number counts as zero."""
    def value(name: str) -> int:
        number = counters.get(name)
        return number if isinstance(number, int) and not isinstance(number, bool) else 0

    return dict((path, sum(value(name) for name in names)) for path, names in READ_PATH_METRICS.items())


def workers_from_master_info(document: Any) -> List[Dict[str, Any]]:
    """Workers of ``/api/v1/master/info`` in the shape :func:`parse_capacity` returns (exact bytes).

    A field of the wrong type is an :class:`AlluxioParseError` (an :class:`AlluxioProtocolError`) naming it.
    """
    document = _dict(document, "master info")
    result = []
    for key in ("workers", "lostWorkers"):
        for index, worker in enumerate(_list(document.get(key), "master info field '%s'" % key)):
            field = "master info field '%s[%d]'" % (key, index)
            worker = _dict(worker, field)
            address = _dict(worker.get("address"), field + ".address")
            tiers = {}
            for kind, source in (("capacity_bytes", "capacityBytesOnTiers"), ("used_bytes", "usedBytesOnTiers")):
                for tier, size in _dict(worker.get(source), "%s.%s" % (field, source)).items():
                    tiers.setdefault(tier, {})[kind] = _to_int(size, "%s.%s.%s" % (field, source, tier))
            reported = "LOST" if key == "lostWorkers" else str(worker.get("state") or "")
            result.append({
                "name": str(address.get("host") or ""),
                "host": str(address.get("host") or ""),
                "container_host": str(address.get("containerHost") or ""),
                "rpc_port": _to_int(address.get("rpcPort"), field + ".address.rpcPort", None),
                "web_port": _to_int(address.get("webPort"), field + ".address.webPort", None),
                "domain_socket_path": str(address.get("domainSocketPath") or ""),
                "capacity_bytes": _to_int(worker.get("capacityBytes"), field + ".capacityBytes"),
                "used_bytes": _to_int(worker.get("usedBytes"), field + ".usedBytes"),
                "tiers": tiers,
                "last_heartbeat": _to_int(worker.get("lastContactSec"), field + ".lastContactSec", None),
                "reported_state": reported,
                "state": worker_state(reported),
            })
    return result


_LS_ROW = re.compile(r"(?P<size>\d+)\s+(?P<state>[A-Z_]+)\s+(?P<date>\S+\s+\S+)\s+(?P<pct>\d+%|DIR)\s+(?P<path>/.*?)\s*$")


def parse_ls(text: str) -> List[Dict[str, Any]]:
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


def worker_counters(document: Any, host: str) -> Dict[str, int]:
    """A worker's ``/metrics/json/`` counters without the ``Worker.`` prefix and the ``.<host>`` suffix, e.g.
    ``{"BytesReadDomain": 3145728, "BytesReadRemote": 0, "BytesReadCache": 3145728}``."""
    counters = counters_from_json(document, "the worker at %s" % host)
    prefix, suffix = "Worker.", "." + host
    return dict((name[len(prefix):-len(suffix)], value) for name, value in counters.items()
                if name.startswith(prefix) and name.endswith(suffix))
