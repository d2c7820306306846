# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import re

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job import report

INPUTS = [{"name": "LICENSE", "path": "/spark/LICENSE", "length": 11562, "blocks": 1,
           "bytes_per_node": {"node2": 11562}}]


def cell(short_circuit, placement, node, **paths):
    return {"input": "LICENSE", "short_circuit": short_circuit, "placement": placement, "node": node,
            "node_bytes": 11562 if node == "node2" else 0, "wall_seconds": 40.5, "spark_job_seconds": 1.25,
            "counts_correct": True, "read_paths": paths}


CELLS = [cell(False, "data", "node2", network=11562), cell(False, "other", "node1", network=11562),
         cell(True, "data", "node2", domain_socket=11562), cell(True, "other", "node1", network=11562)]


def test_build_recomputes_each_verdict_and_keeps_the_given_keys():
    doc = report.build("t", INPUTS, CELLS)
    assert doc["schema"] == report.SCHEMA
    assert [c["verdict"]["path"] for c in doc["cells"]] == ["network", "network", "local", "network"]
    assert doc["cells"][2]["read_paths"] == {"domain_socket": 11562, "short_circuit_local": 0, "network": 0, "ufs": 0}
    assert doc["cells"][0]["wall_seconds"] == 40.5
    assert report.summary(doc)[2].startswith("LICENSE, short-circuit on, job on node2 (data node, holds 11.3 KiB): local:")


@pytest.mark.parametrize("cells, message", [
    ([], "non-empty list"),
    ([{"input": "LICENSE"}], "lacks short_circuit, placement, node, read_paths"),
    ([dict(CELLS[0], input="other")], "not among the inputs"),
])
def test_build_refuses_bad_cells(cells, message):
    with pytest.raises(report.ReportError, match=message):
        report.build("t", INPUTS, cells)


def test_rendering_is_deterministic_and_self_contained():
    if report.pyplot is None:
        pytest.skip("matplotlib is not installed here; the chart is tested where it is (make pytest installs it)")
    doc = report.build("A title & more", INPUTS, CELLS)
    svg, png = report.chart(doc)
    again_svg, again_png = report.chart(report.build("A title & more", INPUTS, CELLS))
    assert (svg, png) == (again_svg, again_png)
    assert svg.startswith("<svg") and png.startswith(b"\x89PNG")
    page = report.to_html(doc, svg)
    assert "A title &amp; more" in page and "<svg" in page
    # nothing is fetched from elsewhere (XML namespace names are not fetched)
    assert not re.search(r"""(src|href)=["'](https?:)?//|<link|@import|url\((?!#)""", page)
    assert json.loads(report.to_json(doc)) == doc
