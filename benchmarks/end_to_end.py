#!/usr/bin/env python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole recipe on the lab, measured: site.yml's first run against its second (nothing to do), and the large
input's word count with short-circuit off against on, on the node that holds the most of it.

  benchmarks/end_to_end.py              remove the recipe's state from the lab (its SparkApplications, the Spark
                                        operator, Alluxio), then run site.yml twice and time both runs
  benchmarks/end_to_end.py --recorded   use the two runs `make test` timed (make demo's first run, the recipe
                                        target's second), written to $LAB_STATE/timings/

Either way the job times come from the experiment's report.json of the same lab ($LAB_STATE/report). Ratios are of
figures measured in one run; nothing is estimated. Needs `make lab-images` (and make demo for --recorded).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.environ.get("ALLUXIO_SPARK_LAB_STATE") or os.path.join(REPO, ".lab")
TIMINGS = os.path.join(STATE, "timings")
INVENTORY = os.path.join(REPO, "inventory", "lab")


def playbook(*args):
    argv = ["ansible-playbook", "-i", INVENTORY] + list(args)
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit("%s failed:\n%s" % (" ".join(argv), (proc.stdout + proc.stderr)[-4000:]))
    recap = [line for line in proc.stdout.splitlines() if " : ok=" in line]
    return {"seconds": round(seconds, 1), "recap": recap}


def fresh_runs():
    """Take the recipe off the lab, then time site.yml twice (the lab's binary mirror serves stage 1)."""
    env_lines = subprocess.run([os.path.join(REPO, "lab", "bin", "serve.sh"), "start"], capture_output=True,
                               text=True, check=True).stdout.splitlines()
    os.environ.update(dict(line.split("=", 1) for line in env_lines if line.startswith("ASLAB_")))
    try:
        print("removing the recipe's state from the lab (applications, operator, Alluxio)...", flush=True)
        kubernetes = subprocess.run([os.path.join(REPO, "lab", "k8s", "build.sh"), "path", "kubernetes"],
                                    capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run([os.path.join(kubernetes, "kubectl"), "--kubeconfig", os.path.join(STATE, "kubeconfig"),
                        "delete", "sparkapplications", "--all", "-n", "spark", "--wait=true", "--ignore-not-found",
                        "--timeout=300s"], check=False, capture_output=True)
        playbook("alluxio_spark.k8s.deploy_spark_operator", "-e", "spark_operator_state=absent")
        playbook("alluxio_spark.k8s.deploy_alluxio", "-e", "alluxio_state=absent")
        print("site.yml, first run...", flush=True)
        first = playbook("alluxio_spark.k8s.site")
        print("site.yml, second run...", flush=True)
        second = playbook("alluxio_spark.k8s.site")
    finally:
        subprocess.run([os.path.join(REPO, "lab", "bin", "serve.sh"), "stop"], check=False, capture_output=True)
    return first, second


def recorded_runs():
    runs = []
    for name in ("site-first.json", "site-second.json"):
        path = os.path.join(TIMINGS, name)
        if not os.path.exists(path):
            sys.exit("%s is missing: run make demo, then the recipe integration target (make test does both)" % path)
        with open(path) as handle:
            runs.append(json.load(handle))
    return runs


def mib(size):
    return "%.1f MiB" % (size / 1048576.0)


def main():
    first, second = recorded_runs() if "--recorded" in sys.argv[1:] else fresh_runs()
    with open(os.path.join(STATE, "report", "report.json")) as handle:
        report = json.load(handle)
    changed = [line for line in second["recap"] if " changed=0 " not in line]
    timed = "runs timed by make test" if "--recorded" in sys.argv[1:] else "both runs timed now"
    print("\nend-to-end on the lab (%d cores), %s" % (os.cpu_count(), timed))
    print("  site.yml first run   %7.1f s" % first["seconds"])
    print("  site.yml second run  %7.1f s   %.2fx the first; %s" % (
        second["seconds"], second["seconds"] / first["seconds"],
        "changed=0 on every host" if not changed else "CHANGED: %s" % changed))
    largest = max(report["inputs"], key=lambda item: item["length"])
    cells = dict(((c["short_circuit"], c["placement"]), c) for c in report["cells"] if c["input"] == largest["name"])
    off, on = cells.get((False, "data")), cells.get((True, "data"))
    if not (off and on):
        sys.exit("the report has no data-node cells for %s" % largest["name"])
    print("  %s (%s in %d blocks), job pinned to %s, which holds %s:" % (
        largest["name"], mib(largest["length"]), largest["blocks"], on["node"], mib(on["node_bytes"])))
    for label, cell in (("off", off), ("on ", on)):
        paths = cell["read_paths"]
        print("    short-circuit %s: Spark job %6.1f s, application %6.1f s; %s domain socket, %s network, %s UFS" % (
            label, cell["spark_job_seconds"] or 0, cell["wall_seconds"], mib(paths["domain_socket"]),
            mib(paths["network"]), mib(paths["ufs"])))
    if off["spark_job_seconds"] and on["spark_job_seconds"]:
        print("    on / off: Spark job %.2fx, application %.2fx" % (
            on["spark_job_seconds"] / off["spark_job_seconds"], on["wall_seconds"] / off["wall_seconds"]))
    print("  (the lab's nodes share one host, so its \"network\" is a local bridge: the gap is smaller than between "
          "machines)")


if __name__ == "__main__":
    main()
