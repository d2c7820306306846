#!/usr/bin/env python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image distribution to the lab's three nodes, measured side by side in one run and printed as ratios.

  make bench-images            # or: PYTHONPATH=.build/collections .venv/bin/python benchmarks/image_distribution.py [MiB]

A ~1 GB image (local/aslab-debian:bookworm plus random-data layers, built here once and kept) goes to aslab-node1..3
(Docker in each node) by:
  recipe      docker save -o, then per node in turn: scp, ssh docker load, rm (the manual recipe)
  raw bound   the same archive bytes piped to every node at once: cat archive | ssh node 'cat >/dev/null' (x3);
              no save, no disk write, no load: a floor for any copy-based method, not a method
  ours        the image_distribution role, archive mode (save once, parallel copy over ssh, sha256 check, load)
  ours-stream the role with image_distribution_stream (docker save | ssh node docker load, per node, in parallel)
  re-run      the role again when every node has the image
Before each method the image is removed from every node. Every number printed is measured in this run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.environ.get("ALLUXIO_SPARK_LAB_STATE", os.path.join(REPO, ".lab"))
SSH_CONFIG = os.path.join(STATE, "ssh_config")
NODES = ["aslab-node1", "aslab-node2", "aslab-node3"]
BASE = "local/aslab-debian:bookworm"
IMAGE = "local/aslab-bench:1g"
LAYERS = 4
PLAYBOOK = os.path.join(REPO, "tests", "integration", "targets", "image_distribution", "files", "distribute.yml")
BIN = os.path.dirname(sys.executable)


def sh(cmd, check=True, quiet=True):
    """Run a bash command; return stdout."""
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE if quiet else None, universal_newlines=True, check=False)
    if check and proc.returncode != 0:
        raise SystemExit("command failed (%d): %s\n%s" % (proc.returncode, cmd, (proc.stderr or "")[-2000:]))
    return proc.stdout


def ssh(node, command):
    return "ssh -F %s %s %s" % (shlex.quote(SSH_CONFIG), node, shlex.quote(command))


def timed(fn):
    start = time.monotonic()
    result = fn()
    return time.monotonic() - start, result


def build_image(mib):
    wanted = "%d" % mib
    found = sh("docker image inspect -f '{{ index .Config.Labels \"aslab.bench-mib\" }}' %s 2>/dev/null || true" % IMAGE)
    if found.strip() == wanted:
        return
    print("building %s: %s + %d random layers of %d MiB (once; kept for later runs)"
          % (IMAGE, BASE, LAYERS, mib // LAYERS))
    ctx = tempfile.mkdtemp(prefix="aslab-bench-")
    try:
        lines = ["FROM %s" % BASE, "LABEL aslab.bench-mib=%s" % wanted]
        for i in range(LAYERS):
            sh("head -c %dM /dev/urandom > %s/random%d.bin" % (mib // LAYERS, ctx, i))
            lines.append("COPY random%d.bin /data/random%d.bin" % (i, i))
        with open(os.path.join(ctx, "Dockerfile"), "w") as handle:
            handle.write("\n".join(lines) + "\n")
        sh("DOCKER_BUILDKIT=0 docker build -q -t %s %s" % (IMAGE, ctx))
    finally:
        sh("rm -rf %s" % shlex.quote(ctx))


def clean_nodes():
    """No copy of the image (nor its base) on any node, no leftover archive."""
    for node in NODES:
        # Only the benchmark's image (its layers go with it); other images on the nodes are left alone.
        sh(ssh(node, "docker rmi -f %s >/dev/null 2>&1; "
                     "rm -f /var/tmp/bench.tar /var/tmp/.image-distribution-*; true" % IMAGE))
    for node in NODES:
        if sh(ssh(node, "docker images -q %s" % IMAGE)).strip():
            raise SystemExit("%s still has %s" % (node, IMAGE))


def nodes_have(image_id):
    for node in NODES:
        got = sh(ssh(node, "docker image inspect -f '{{.Id}}' %s" % IMAGE), check=False).strip()
        if got != image_id:
            raise SystemExit("%s does not have %s after the run (%r)" % (node, image_id, got))


def recipe(archive):
    sh("docker save -o %s %s" % (archive, IMAGE))
    for node in NODES:
        sh("scp -q -F %s %s %s:/var/tmp/bench.tar" % (shlex.quote(SSH_CONFIG), archive, node))
        sh(ssh(node, "docker load -q -i /var/tmp/bench.tar && rm -f /var/tmp/bench.tar"))


def raw_bound(archive):
    sh(" & ".join("cat %s | %s" % (archive, ssh(node, "cat >/dev/null")) for node in NODES) + " & wait")


def role(inventory, extra):
    extra = dict({"image_distribution_image": IMAGE}, **extra)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".build", "collections"),
               ANSIBLE_FORKS="10", ANSIBLE_DEPRECATION_WARNINGS="false")
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", inventory, PLAYBOOK, "-e", json.dumps(extra)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=env,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit("the role failed:\n%s" % proc.stdout[-4000:])
    return proc.stdout


def main():
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    build_image(mib)
    image_id = sh("docker image inspect -f '{{.Id}}' %s" % IMAGE).strip()
    work = tempfile.mkdtemp(prefix="aslab-bench-", dir="/var/tmp")
    archive = os.path.join(work, "bench.tar")
    inventory = os.path.join(work, "inventory.yml")
    with open(inventory, "w") as handle:
        handle.write("all:\n  hosts:\n    localhost: {ansible_connection: local, ansible_python_interpreter: %s}\n"
                     "  children:\n    nodes:\n      hosts: {%s}\n      vars: {ansible_user: root, "
                     "ansible_python_interpreter: /usr/bin/python3, ansible_ssh_common_args: '-F %s'}\n"
                     % (sys.executable, ", ".join("%s: {}" % n for n in NODES), SSH_CONFIG))
    try:
        clean_nodes()
        t_recipe = timed(lambda: recipe(archive))[0]
        nodes_have(image_id)
        size = os.path.getsize(archive)
        t_raw = timed(lambda: raw_bound(archive))[0]
        os.unlink(archive)

        clean_nodes()
        t_ours = timed(lambda: role(inventory, {}))[0]
        nodes_have(image_id)
        t_rerun, out = timed(lambda: role(inventory, {}))
        recap = re.findall(r"^(aslab-node\d)\s+:.*changed=(\d+)", out, re.M)
        if len(recap) != len(NODES) or any(int(changed) for _node, changed in recap):
            raise SystemExit("the re-run reported changes:\n%s" % out[-3000:])

        clean_nodes()
        t_stream = timed(lambda: role(inventory, {"image_distribution_stream": True}))[0]
        nodes_have(image_id)
    finally:
        sh("rm -rf %s" % shlex.quote(work))
        clean_nodes()

    print()
    print("image %s: %.0f MiB archive, %s, to %d nodes (Docker in each), %d CPUs" % (
        IMAGE, size / 1048576.0, image_id[:19], len(NODES), os.cpu_count() or 0))
    rows = [("recipe (save, then scp + load per node)", t_recipe),
            ("raw parallel copy bound (cat | ssh, no save/load)", t_raw),
            ("ours: role, archive mode", t_ours),
            ("ours: role, stream mode", t_stream),
            ("ours: re-run, every node has it", t_rerun)]
    for label, seconds in rows:
        print("  %-52s %7.1f s" % (label, seconds))
    print("ratios:")
    print("  ours / raw bound          %5.2fx   (target <= 1.25x)" % (t_ours / t_raw))
    print("  ours-stream / raw bound   %5.2fx" % (t_stream / t_raw))
    print("  recipe / ours             %5.2fx   (target >= 2.5x)" % (t_recipe / t_ours))
    print("  recipe / ours-stream      %5.2fx" % (t_recipe / t_stream))
    print("  re-run                    %5.1f s  (target: seconds)" % t_rerun)


if __name__ == "__main__":
    main()
