#!/usr/bin/env python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Block-to-host resolution for a directory of many files, measured side by side on the lab's real Alluxio.

  naive:     what the recipe does by hand: `alluxio fs ls -R`, then `alluxio fs stat` per file (a JVM per file)
  ours/cli:  alluxio_file_info's CLI path: one exec, a wildcard `fs stat` per directory level
  ours/rest: alluxio_file_info's REST path: one proxy `list-status` call
  bound:     one `alluxio fs stat` of the directory (one JVM that talks to the master: no CLI path can beat it;
             ours/cli needs one per directory level plus one)

Needs `make lab-up`. Run it with `make bench-resolution [BENCH_FILES=24]`.
Prints wall times and ratios from this one run; the three paths must agree block for block.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import parsers
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.cli import CliClient
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.http import UrlEndpoint
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.rest import RestClient

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = [os.path.join(REPO, "lab", "alluxio", "alluxio")]
MASTER = "http://172.31.250.10:19999"
PROXY = "http://172.31.250.10:39999"
DEST = "/bench/tree"


class Host:
    """Where the CLI runs: here (the module's LocalCliHost without the module around it)."""

    def run(self, argv, data=None):
        proc = subprocess.run(argv, input=data, capture_output=True, check=False)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def cli(*args):
    proc = subprocess.run(CLI + list(args), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("alluxio %s failed: %s" % (" ".join(args), proc.stdout + proc.stderr))
    return proc.stdout


def timed(func):
    start = time.monotonic()
    result = func()
    return time.monotonic() - start, result


def hosts_by_path(files):
    return dict((f["path"], [[loc["host"] for loc in b["locations"]] for b in f["blocks"]]) for f in files)


def naive():
    listing = parsers.parse_ls(cli("fs", "ls", "-R", DEST))
    files = [e["path"] for e in listing if not e["is_dir"]]
    return [parsers.parse_stat(cli("fs", "stat", path))[0] for path in files]


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, "tree")
        for index in range(count):
            sub = os.path.join(tree, "part-%d" % (index % 3))
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, "f%03d.bin" % index), "wb") as handle:
                handle.write(os.urandom(1536 * 1024))
        subprocess.run(CLI + ["fs", "rm", "-R", "-U", "/bench"], capture_output=True, check=False)
        cli("fs", "mkdir", "/bench")
        cli("fs", "copyFromLocal", tree, DEST)

    t_bound, dummy = timed(lambda: cli("fs", "stat", DEST))
    t_naive, naive_files = timed(naive)
    t_cli, (dummy, cli_files) = timed(lambda: CliClient(Host(), CLI).tree(DEST))
    rest = RestClient(UrlEndpoint(MASTER, "master web port", 120), UrlEndpoint(PROXY, "REST proxy", 120))
    t_rest, (dummy, rest_files) = timed(lambda: rest.tree(DEST))

    expected = hosts_by_path(naive_files)
    for name, files in (("ours/cli", cli_files), ("ours/rest", rest_files)):
        if hosts_by_path(files) != expected:
            raise SystemExit("%s disagrees with the naive per-file stat" % name)
    blocks = sum(len(f["blocks"]) for f in naive_files)
    print("block-to-host resolution: %d files, %d blocks, 2 directory levels, one run" % (len(naive_files), blocks))
    print("  %-10s %8.2f s" % ("naive", t_naive))
    print("  %-10s %8.2f s   naive/ours = %.1fx" % ("ours/cli", t_cli, t_naive / t_cli))
    print("  %-10s %8.2f s   naive/ours = %.1fx" % ("ours/rest", t_rest, t_naive / t_rest))
    print("  %-10s %8.2f s   ours/cli = %.1fx one CLI call" % ("bound", t_bound, t_cli / t_bound))
    cli("fs", "rm", "-R", "-U", "/bench")


if __name__ == "__main__":
    main()
