#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: read_path_report
short_description: Write the short-circuit experiment's report (JSON, a self-contained HTML page, a PNG chart)
version_added: 0.1.0
description:
  - Takes the measured cells of a read-path experiment (a job run with short-circuit off or on, on the node that holds
    the data or on another one) and writes C(report.json), C(report.html) (the chart inline, no external file or
    network access) and C(report.png) into O(dest).
  - Each cell's C(verdict) (in RV(report.cells)) is computed from its counters - V(local) when bytes came over the
    domain socket or the short-circuit file and none over the network, V(network) for the opposite, V(mixed) or
    V(none).
  - The files are rendered deterministically and written only when their content changes, so the same measurements
    report no change.
  - The playbook C(alluxio_spark.k8s.short_circuit_experiment) collects the cells; the JSON schema is in
    C(docs/report.md).
options:
  dest:
    description: Directory for the files (created when missing).
    type: path
    required: true
  title:
    description: Title of the page and of the document.
    type: str
    default: Spark on Alluxio - short-circuit experiment
  inputs:
    description:
      - The files the jobs read; each a dict with C(name) (what cells refer to), C(path) (the Alluxio path),
        C(length) (bytes), C(blocks) and C(bytes_per_node).
    type: list
    elements: dict
    required: true
  cells:
    description:
      - The measured cells; each a dict with C(input) (an input's C(name)), C(short_circuit) (bool), C(placement)
        (V(data) or V(other)), C(node), C(read_paths) (bytes by path, as RV(alluxio_spark.k8s.alluxio_metrics_info#module:read_paths_delta)),
        and optionally C(node_bytes), C(wall_seconds), C(spark_job_seconds), C(counts_correct), C(application),
        C(driver_node), C(executor_nodes) and any other key, kept as given.
    type: list
    elements: dict
    required: true
  formats:
    description: Which files to write. V(html) and V(png) need matplotlib on the host that runs the module.
    type: list
    elements: str
    choices: [json, html, png]
    default: [json, html, png]
  mode:
    description: Permissions of the files written.
    type: raw
    default: "0644"
extends_documentation_fragment:
  - alluxio_spark.k8s.attributes
attributes:
  check_mode:
    support: full
    details:
      - Renders the files in memory and reports which would change; writes nothing.
  diff_mode:
    support: none
  idempotent:
    support: full
requirements:
  - matplotlib (for O(formats=html) and O(formats=png))
seealso:
  - module: alluxio_spark.k8s.alluxio_metrics_info
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Write the report of two cells
  alluxio_spark.k8s.read_path_report:
    dest: /tmp/experiment
    inputs:
      - {name: LICENSE, path: /spark/LICENSE, length: 11358, blocks: 1, bytes_per_node: {node2: 11358}}
    cells:
      - {input: LICENSE, short_circuit: false, placement: data, node: node2, wall_seconds: 41.2,
         read_paths: {domain_socket: 0, short_circuit_local: 0, network: 11358, ufs: 0}}
      - {input: LICENSE, short_circuit: true, placement: data, node: node2, wall_seconds: 40.3,
         read_paths: {domain_socket: 11358, short_circuit_local: 0, network: 0, ufs: 0}}
"""

RETURN = r"""
files:
  description: The files of the report, by format.
  returned: always
  type: dict
  sample: {"json": "/tmp/experiment/report.json", "html": "/tmp/experiment/report.html",
           "png": "/tmp/experiment/report.png"}
written:
  description: The formats whose file was (or, in check mode, would be) written because its content changed.
  returned: always
  type: list
  elements: str
  sample: [json, html, png]
summary:
  description: One line per cell - the input, short-circuit on or off, the node the job ran on, and the verdict.
  returned: always
  type: list
  elements: str
  sample: ["LICENSE, short-circuit off, job on node2 (data node, holds 11.1 KiB): network: 0 B over the domain socket,
            0 B short-circuit file, 11.1 KiB over the network, 0 B from the UFS"]
report:
  description: The report document (what C(report.json) holds), with every cell's verdict.
  returned: always
  type: dict
  contains:
    schema:
      description: The schema's name and version.
      type: str
      sample: alluxio_spark.k8s/short-circuit-experiment/v1
    cells:
      description: The cells as given, each with C(read_paths) normalised and a C(verdict).
      type: list
      elements: dict
      sample: [{"input": "LICENSE", "node": "node2", "placement": "data", "short_circuit": true,
                "read_paths": {"domain_socket": 11358, "network": 0, "short_circuit_local": 0, "ufs": 0},
                "verdict": {"path": "local", "line": "local: 11.1 KiB over the domain socket, 0 B short-circuit file,
                0 B over the network, 0 B from the UFS", "local_bytes": 11358, "network_bytes": 0,
                "served_bytes": 11358, "ufs_bytes": 0}}]
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job import report as report_mod


def _current(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def run(module):
    params = module.params
    document = report_mod.build(params["title"], params["inputs"], params["cells"])
    contents = {}
    if "json" in params["formats"]:
        contents["json"] = report_mod.to_json(document).encode("utf-8")
    if "html" in params["formats"] or "png" in params["formats"]:
        svg, png = report_mod.chart(document)
        if "html" in params["formats"]:
            contents["html"] = report_mod.to_html(document, svg).encode("utf-8")
        if "png" in params["formats"]:
            contents["png"] = png
    dest = params["dest"]
    files = dict((fmt, os.path.join(dest, "report." + fmt)) for fmt in contents)
    written = sorted(fmt for fmt, data in contents.items() if _current(files[fmt]) != data)
    if written and not module.check_mode:
        os.makedirs(dest, exist_ok=True)
        for fmt in written:
            handle, tmp = tempfile.mkstemp(dir=dest, prefix=".report.%s." % fmt)
            with os.fdopen(handle, "wb") as out:
                out.write(contents[fmt])
            module.atomic_move(tmp, files[fmt])
    modes_changed = False
    for fmt, path in files.items():
        if os.path.exists(path):  # in check mode a file to write may not exist yet
            file_args = module.load_file_common_arguments(dict(mode=params["mode"]), path=path)
            modes_changed = module.set_fs_attributes_if_different(file_args, modes_changed)
    verb = "would write" if module.check_mode else "wrote"
    msg = ("%s %s in %s" % (verb, ", ".join("report." + f for f in written), dest)) if written else \
        "the report in %s is current" % dest
    return dict(changed=bool(written) or modes_changed, written=written, files=files, report=document,
                summary=report_mod.summary(document), msg=msg)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type="path", required=True),
            title=dict(type="str", default="Spark on Alluxio - short-circuit experiment"),
            inputs=dict(type="list", elements="dict", required=True),
            cells=dict(type="list", elements="dict", required=True),
            formats=dict(type="list", elements="str", choices=["json", "html", "png"], default=["json", "html", "png"]),
            mode=dict(type="raw", default="0644"),
        ),
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()
