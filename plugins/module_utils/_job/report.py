# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The short-circuit experiment's report: the JSON document, its chart (SVG and PNG, one matplotlib figure) and a
self-contained HTML page. Rendering is deterministic, so the same measurements give byte-identical files."""

from __future__ import annotations

import html
import io
import json
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.readpath import PATHS, human_bytes, verdict

SCHEMA = "alluxio_spark.k8s/short-circuit-experiment/v1"
PATH_LABELS = {
    "domain_socket": "domain socket",
    "short_circuit_local": "short-circuit file",
    "network": "network",
    "ufs": "UFS (cache misses)",
}
PATH_COLOURS = {"domain_socket": "#1b9e77", "short_circuit_local": "#66c2a5", "network": "#d95f02", "ufs": "#7570b3"}

try:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
except ImportError as exc:  # the module says so when a chart is asked for
    pyplot = None
    MATPLOTLIB_IMPORT_ERROR: Optional[ImportError] = exc
else:
    MATPLOTLIB_IMPORT_ERROR = None


class ReportError(CollectionError):
    """The measurements cannot make a report (a field is missing or has the wrong type)."""


_CELL_KEYS = ("input", "short_circuit", "placement", "node", "read_paths")


def build(title: str, inputs: List[Dict[str, Any]], cells: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The report document: the inputs, and every cell with its verdict recomputed from its counters."""
    if not isinstance(cells, list) or not cells:
        raise ReportError("cells must be a non-empty list of measured cells")
    names = [i.get("name") for i in inputs or []]
    lengths = dict((i.get("name"), int(i.get("length") or 0)) for i in inputs or [])
    out_cells = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise ReportError("cells[%d] is %s, not a dict" % (index, type(cell).__name__))
        missing = [k for k in _CELL_KEYS if k not in cell]
        if missing:
            raise ReportError("cells[%d] lacks %s" % (index, ", ".join(missing)))
        if cell["input"] not in names:
            raise ReportError("cells[%d] names input %r, which is not among the inputs (%s)"
                              % (index, cell["input"], ", ".join(map(str, names))))
        read_paths = dict((p, int(cell["read_paths"].get(p) or 0)) for p in PATHS)
        out = dict(cell)
        out["read_paths"] = read_paths
        out["verdict"] = verdict(read_paths, lengths.get(cell["input"], 0))
        out_cells.append(out)
    return {"schema": SCHEMA, "title": title, "inputs": inputs, "cells": out_cells}


def summary(report: Dict[str, Any]) -> List[str]:
    """One line per cell: the input, short-circuit, where the job ran, and its verdict."""
    return ["%s, short-circuit %s, job on %s (%s node, holds %s): %s" % (
        cell["input"], "on" if cell["short_circuit"] else "off", cell["node"], cell["placement"],
        human_bytes(cell.get("node_bytes") or 0), cell["verdict"]["line"]) for cell in report["cells"]]


def to_json(report: Dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=True) + "\n"


def _cell_label(cell: Dict[str, Any]) -> str:
    state = "on" if cell["short_circuit"] else "off"
    return "short-circuit %s, %s node\n(%s)" % (state, "data" if cell["placement"] == "data" else "other", cell["node"])


def chart(report: Dict[str, Any]) -> Tuple[str, bytes]:
    """One figure (a row per input: bytes by path, and seconds, per cell) as SVG text and PNG bytes."""
    if pyplot is None:
        raise ReportError("the report's chart needs matplotlib on the host that writes it: pip install matplotlib "
                          "(import error: %s); or ask only for the json format" % MATPLOTLIB_IMPORT_ERROR)
    inputs = report["inputs"]
    with matplotlib.rc_context({"svg.hashsalt": "alluxio_spark.k8s", "font.size": 9, "svg.fonttype": "none"}):
        figure, axes = pyplot.subplots(len(inputs), 2, figsize=(12, 3.6 * len(inputs)), squeeze=False,
                                       gridspec_kw={"width_ratios": [3, 2]})
        try:
            for row, item in enumerate(inputs):
                cells = [c for c in report["cells"] if c["input"] == item["name"]]
                _bytes_panel(axes[row][0], item, cells)
                _time_panel(axes[row][1], item, cells)
            figure.tight_layout()
            svg, png = io.StringIO(), io.BytesIO()
            figure.savefig(svg, format="svg", metadata={"Date": None})
            figure.savefig(png, format="png", dpi=110, metadata={"Software": None})
        finally:
            pyplot.close(figure)
    text = svg.getvalue()
    return text[text.index("<svg"):], png.getvalue()


def _bytes_panel(ax: Any, item: Dict[str, Any], cells: List[Dict[str, Any]]) -> None:
    labels = [_cell_label(c) for c in cells]
    left = [0.0] * len(cells)
    scale, unit = _unit(max([sum(c["read_paths"].values()) for c in cells] + [1]))
    for path in PATHS:
        values = [c["read_paths"][path] / scale for c in cells]
        ax.barh(labels, values, left=left, color=PATH_COLOURS[path], label=PATH_LABELS[path])
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlabel("bytes read through Alluxio, by path (%s)" % unit)
    ax.set_title("%s (%s): where the bytes came from" % (item["name"], human_bytes(item.get("length", 0))))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8, frameon=False)


def _time_panel(ax: Any, item: Dict[str, Any], cells: List[Dict[str, Any]]) -> None:
    labels = [_cell_label(c) for c in cells]
    wall = [float(c.get("wall_seconds") or 0) for c in cells]
    job = [float(c.get("spark_job_seconds") or 0) for c in cells]
    positions = list(range(len(cells)))
    ax.barh([p - 0.2 for p in positions], wall, height=0.4, color="#999999", label="application (submit to end)")
    ax.barh([p + 0.2 for p in positions], job, height=0.4, color="#377eb8", label="Spark job (read + count)")
    ax.set_yticks(positions)
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel("seconds")
    ax.set_title("%s: time per cell" % item["name"])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8, frameon=False)


def _unit(largest: float) -> Tuple[float, str]:
    for scale, unit in ((1024.0 ** 3, "GiB"), (1024.0 ** 2, "MiB"), (1024.0, "KiB")):
        if largest >= scale:
            return scale, unit
    return 1.0, "B"


def to_html(report: Dict[str, Any], svg: str) -> str:
    """A self-contained page: the verdict per cell, the chart inline, the measured numbers."""
    esc = html.escape
    rows = []
    for cell in report["cells"]:
        rp = cell["read_paths"]
        rows.append("<tr>%s</tr>" % "".join("<td>%s</td>" % v for v in (
            esc(cell["input"]), "on" if cell["short_circuit"] else "off",
            esc("%s (%s)" % (cell["node"], "holds %s" % human_bytes(cell.get("node_bytes") or 0))),
            esc(cell["verdict"]["path"]), human_bytes(rp["domain_socket"]), human_bytes(rp["short_circuit_local"]),
            human_bytes(rp["network"]), human_bytes(rp["ufs"]),
            "%.1f" % float(cell.get("wall_seconds") or 0),
            "-" if cell.get("spark_job_seconds") is None else "%.2f" % float(cell["spark_job_seconds"]),
            {True: "right", False: "WRONG", None: "not checked"}[cell.get("counts_correct")])))
    inputs = "".join("<li><code>%s</code> &mdash; %s in %s block(s); bytes per node: %s</li>" % (
        esc(i.get("path", i["name"])), human_bytes(i.get("length", 0)), esc(str(i.get("blocks", "?"))),
        esc(", ".join("%s %s" % (n, human_bytes(b)) for n, b in sorted((i.get("bytes_per_node") or {}).items()))))
        for i in report["inputs"])
    verdicts = "".join("<li>%s</li>" % esc("%s, short-circuit %s, job on %s: %s" % (
        c["input"], "on" if c["short_circuit"] else "off", c["node"], c["verdict"]["line"])) for c in report["cells"])
    return _PAGE % {
        "title": esc(report["title"]), "inputs": inputs, "verdicts": verdicts, "svg": svg, "rows": "\n".join(rows),
        "json": esc(to_json(report)),
    }


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>%(title)s</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child, td:nth-child(3), td:nth-child(4) { text-align: left; }
svg { max-width: 100%%; height: auto; }
details pre { background: #f6f6f6; padding: 1em; overflow: auto; }
</style>
</head>
<body>
<h1>%(title)s</h1>
<p>Bytes by read path are the change of Alluxio's own cluster counters around each job (domain socket:
<code>Cluster.BytesReadDomain</code>; short-circuit file: <code>Cluster.BytesReadLocal</code>; network:
<code>Cluster.BytesReadRemote</code>, <code>BytesReadAlluxio</code> before 2.5; UFS: <code>Cluster.BytesReadUfsAll</code>).</p>
<h2>Inputs</h2>
<ul>%(inputs)s</ul>
<h2>Verdicts</h2>
<ul>%(verdicts)s</ul>
%(svg)s
<h2>Measurements</h2>
<table>
<tr><th>input</th><th>short-circuit</th><th>job on node</th><th>path</th><th>domain socket</th><th>short-circuit file</th>
<th>network</th><th>UFS</th><th>application s</th><th>Spark job s</th><th>word count</th></tr>
%(rows)s
</table>
<details><summary>report.json</summary><pre>%(json)s</pre></details>
</body>
</html>
"""
