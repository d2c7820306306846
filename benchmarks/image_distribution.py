#!/usr/bin/env python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image distribution to the lab's three nodes, measured side by side in one run and printed with every figure used.

  make bench-images            # or: PYTHONPATH=.build/collections .venv/bin/python benchmarks/image_distribution.py \
                               #        [--mib 1024] [--runtime containerd|docker]

A ~1 GiB image (local/aslab-debian:bookworm plus four random-data layers, built here once and kept) goes to
aslab-node1..3 (containerd's k8s.io namespace by default, the runtime kubelet uses; or the Docker in each node):

  save        docker save of the image to /dev/null on the controller (what every save-based method pays once)
  recipe      docker save -o, then per node in turn: scp, ssh load, rm (the manual recipe)
  floor_copy  the same archive piped to every node at once: cat | ssh node 'cat >/dev/null' (no save, no load)
  floor_load  every node loading the archive from its own disk, all at once (copied there untimed first): the lab's
              shared-disk bound
  floor       max(floor_copy, floor_load)
  floor_cpu   the machine's busy CPU time during save, floor_copy and floor_load, over its cores: on separate
              machines those steps overlap, here they share the cores, so no method can beat this either
  floor_play  a play of one command per node: what any run of the role pays (ansible-playbook, ssh), the re-run's floor
  stream_whole the image_distribution role, stream mode, every node sent the whole image (partial off)
  stream      the same with the defaults: a node is not sent the layers it already holds (the base image's, when a
              node holds them from other images; the bytes per node show whether it did)
  rebuild     the image rebuilt with one new 10 MiB layer, streamed (nodes hold the rest); bytes per node printed
  re-run      the role again when every node is current
  archive     the role, archive mode (ssh transfer)
  registry    the role, registry mode, through a registry started here with empty storage (a registry that already
              holds the layers would make the push free); then the rebuild through it

Before each full method the image is removed from every node. Only the benchmark's own images are touched.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATE = os.environ.get("ALLUXIO_SPARK_LAB_STATE", os.path.join(REPO, ".lab"))
SSH_CONFIG = os.path.join(STATE, "ssh_config")
NODES = ["aslab-node1", "aslab-node2", "aslab-node3"]
BASE = "local/aslab-debian:bookworm"
IMAGE = "local/aslab-bench:1g"
REBUILT = "local/aslab-bench:1g-rebuilt"
LAYERS = 4
REBUILD_MIB = 10
PLAYBOOK = os.path.join(REPO, "tests", "integration", "targets", "image_distribution_role", "files", "distribute.yml")
BIN = os.path.dirname(sys.executable)
GATEWAY = "172.31.250.1"
REGISTRY_PORT = 5001


def sh(cmd, check=True):
    """Run a bash command (pipefail); return stdout."""
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, check=False, timeout=3600)
    if check and proc.returncode != 0:
        raise SystemExit("command failed (%d): %s\n%s" % (proc.returncode, cmd, (proc.stderr or "")[-2000:]))
    return proc.stdout


def ssh(node, command):
    return "ssh -F %s %s %s" % (shlex.quote(SSH_CONFIG), node, shlex.quote(command))


def timed(fn):
    start = time.monotonic()
    result = fn()
    return time.monotonic() - start, result


def cpu_seconds():
    """CPU time the whole machine has spent busy (user, nice, system, irq, softirq, steal), from /proc/stat. The
    lab's nodes are containers on this kernel, so their work is in it too."""
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / float(os.sysconf("SC_CLK_TCK"))


# CPU seconds by program name during the steps cpu_timed sampled: {step: {program: seconds}}.
BY_PROGRAM = {}
SAMPLE_SECONDS = 1.0


def process_cpu():
    """{pid: (program name, CPU seconds so far)} of every process on the machine (the nodes' too)."""
    found = {}
    tick = float(os.sysconf("SC_CLK_TCK"))
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as handle:
                data = handle.read()
        except OSError:
            continue
        head, rest = data.rsplit(")", 1)
        fields = rest.split()
        found[pid] = (head.partition("(")[2], (int(fields[11]) + int(fields[12])) / tick)
    return found


class ProgramSampler(threading.Thread):
    """Reads every process's CPU time each SAMPLE_SECONDS while a step runs; a process that lived less than that
    between two readings is missed, so the sums are a lower bound."""

    def __init__(self):
        super().__init__(daemon=True)
        self.start_values = process_cpu()
        self.last = dict(self.start_values)
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(SAMPLE_SECONDS):
            self.last.update(process_cpu())

    def stop(self):
        self.done.set()
        self.join()
        self.last.update(process_cpu())
        sums = {}
        for pid, (name, seconds) in self.last.items():
            used = seconds - self.start_values.get(pid, (name, 0.0))[1]
            sums[name] = sums.get(name, 0.0) + max(used, 0.0)
        return sums


def cpu_timed(fn, step=None):
    """(wall seconds, busy CPU seconds of the machine, result) of fn; with a step name, also its CPU by program in
    BY_PROGRAM."""
    sampler = ProgramSampler() if step else None
    if sampler:
        sampler.start()
    cpu = cpu_seconds()
    try:
        seconds, result = timed(fn)
    finally:
        if sampler:
            BY_PROGRAM[step] = sampler.stop()
    return seconds, cpu_seconds() - cpu, result


def qualified(name):
    """The name as containerd stores it."""
    first = name.split("/")[0]
    return name if ("." in first or ":" in first) and "/" in name else "docker.io/" + name


class Runtime:
    """The node-side commands of the two runtimes the benchmark can use (the recipe's commands, typed as a user
    would; the role never sees these)."""

    def __init__(self, kind):
        self.kind = kind

    def load(self, path):
        if self.kind == "docker":
            return "docker load -q -i %s >/dev/null" % path
        return "ctr -n k8s.io images import %s >/dev/null" % path

    def remove(self, name, image_id):
        if self.kind == "docker":
            return "docker rmi -f %s >/dev/null 2>&1; true" % name
        return "ctr -n k8s.io images rm --sync %s %s >/dev/null 2>&1; true" % (qualified(name), image_id)

    def has(self, name, image_id):
        """A command that prints "yes" when the node holds ``name`` as ``image_id``."""
        if self.kind == "docker":
            return "[ \"$(docker image inspect -f '{{.Id}}' %s 2>/dev/null)\" = %s ] && echo yes" % (name, image_id)
        return ("[ $(ctr -n k8s.io images list -q | grep -c -x -e %s -e %s) = 2 ] && echo yes"
                % (qualified(name), image_id))


def build_images(mib):
    wanted = "%d" % mib
    found = sh("docker image inspect -f '{{ index .Config.Labels \"aslab.bench-mib\" }}' %s 2>/dev/null || true"
               % IMAGE)
    ctx = tempfile.mkdtemp(prefix="aslab-bench-")
    try:
        if found.strip() != wanted:
            print("building %s: %s + %d random layers of %d MiB (once; kept for later runs)"
                  % (IMAGE, BASE, LAYERS, mib // LAYERS), flush=True)
            lines = ["FROM %s" % BASE, "LABEL aslab.bench-mib=%s" % wanted]
            for i in range(LAYERS):
                sh("head -c %dM /dev/urandom > %s/random%d.bin" % (mib // LAYERS, ctx, i))
                lines.append("COPY random%d.bin /data/random%d.bin" % (i, i))
            with open(os.path.join(ctx, "Dockerfile"), "w") as handle:
                handle.write("\n".join(lines) + "\n")
            sh("DOCKER_BUILDKIT=0 docker build -q -t %s %s" % (IMAGE, ctx))
        # The rebuild gets a new random layer every run, so no node can hold it yet.
        sh("head -c %dM /dev/urandom > %s/changed.bin" % (REBUILD_MIB, ctx))
        with open(os.path.join(ctx, "Dockerfile"), "w") as handle:
            handle.write("FROM %s\nCOPY changed.bin /data/changed.bin\n" % IMAGE)
        sh("DOCKER_BUILDKIT=0 docker build -q -t %s %s" % (REBUILT, ctx))
    finally:
        shutil.rmtree(ctx, ignore_errors=True)


def clean_nodes(runtime, ids):
    """No copy of the benchmark's images on any node, no leftover archive."""
    for node in NODES:
        sh(ssh(node, "; ".join([runtime.remove(name, image_id) for name, image_id in ids.items()]
                               + ["rm -f /var/tmp/bench.tar; rm -rf /var/tmp/image-distribution.*"])))
        for name, image_id in ids.items():
            if sh(ssh(node, runtime.has(name, image_id)), check=False).strip():
                raise SystemExit("%s still has %s" % (node, name))


def nodes_have(runtime, name, image_id):
    for node in NODES:
        if sh(ssh(node, runtime.has(name, image_id)), check=False).strip() != "yes":
            raise SystemExit("%s does not have %s as %s after the run" % (node, name, image_id))


def recipe(runtime, archive):
    sh("docker save -o %s %s" % (archive, IMAGE))
    for node in NODES:
        sh("scp -q -F %s %s %s:/var/tmp/bench.tar" % (shlex.quote(SSH_CONFIG), archive, node))
        sh(ssh(node, "%s && rm -f /var/tmp/bench.tar" % runtime.load("/var/tmp/bench.tar")))


def floor_copy(archive):
    sh(" & ".join("cat %s | %s" % (archive, ssh(node, "cat >/dev/null")) for node in NODES) + " & wait")


def floor_load(runtime, archive):
    """Copy the archive to every node (not timed), then time the three loads from local disk, all at once."""
    for node in NODES:
        sh("cat %s | %s" % (archive, ssh(node, "cat > /var/tmp/bench.tar")))
    loads = " & ".join(ssh(node, runtime.load("/var/tmp/bench.tar")) for node in NODES) + " & wait"
    seconds, cpu = cpu_timed(lambda: sh(loads), "floor_load")[:2]
    for node in NODES:
        sh(ssh(node, "rm -f /var/tmp/bench.tar"))
    return seconds, cpu


def trivial_playbook(work):
    """A play with one command per node and nothing else: what every run of the role pays at least."""
    path = os.path.join(work, "trivial.yml")
    with open(path, "w") as handle:
        handle.write("- hosts: nodes\n  gather_facts: false\n  tasks:\n"
                     "    - ansible.builtin.command: 'true'\n      changed_when: false\n")
    return path


def role(inventory, extra, playbook=PLAYBOOK):
    """Run the role (or another playbook); return (seconds, the parsed JSON callback output)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, ".build", "collections"),
               ANSIBLE_FORKS="10", ANSIBLE_DEPRECATION_WARNINGS="false", ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
               ANSIBLE_CALLBACK_RESULT_FORMAT="json")
    argv = [os.path.join(BIN, "ansible-playbook"), "-i", inventory, playbook, "-e", json.dumps(extra)]
    start = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=env,
                          check=False, timeout=3600)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit("the role failed:\n%s" % proc.stdout[-4000:])
    return seconds, json.loads(proc.stdout)


def task_result(run, name):
    for task in run["plays"][0]["tasks"]:
        if name in task["task"]["name"]:
            return next(iter(task["hosts"].values()))
    raise SystemExit("no task %r in the run" % name)


def changed(run):
    return {host: stats["changed"] for host, stats in run["stats"].items() if host in NODES}


class Registry:
    """A docker-registry (Debian's CNCF distribution) with empty storage on :5001, for the registry mode."""

    def __init__(self, work):
        self.dir = os.path.join(work, "registry")
        os.makedirs(os.path.join(self.dir, "data"))
        self.procs = []

    def __enter__(self):
        for addr in ("127.0.0.1", GATEWAY):
            config = os.path.join(self.dir, "config-%s.yml" % addr)
            with open(config, "w") as handle:
                handle.write("version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\n"
                             "http:\n  addr: %s:%d\n  secret: aslab-bench-not-a-secret\n"
                             % (os.path.join(self.dir, "data"), addr, REGISTRY_PORT))
            self.procs.append(subprocess.Popen(["docker-registry", "serve", config], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))
        for _attempt in range(50):
            if sh("curl -fsS -m 2 http://127.0.0.1:%d/v2/ >/dev/null && curl -fsS -m 2 http://%s:%d/v2/ >/dev/null"
                  " && echo ok" % (REGISTRY_PORT, GATEWAY, REGISTRY_PORT), check=False).strip() == "ok":
                return self
            time.sleep(0.2)
        raise SystemExit("the benchmark's registry did not start")

    def __exit__(self, *_exc):
        for proc in self.procs:
            proc.terminate()
            proc.wait(10)
        sh("docker rmi 127.0.0.1:%d/%s 127.0.0.1:%d/%s >/dev/null 2>&1 || true"
           % (REGISTRY_PORT, IMAGE, REGISTRY_PORT, REBUILT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--runtime", choices=["containerd", "docker"], default="containerd")
    args = parser.parse_args()
    runtime = Runtime(args.runtime)
    print("load average before: %s" % open("/proc/loadavg").read().strip(), flush=True)
    build_images(args.mib)
    image_id = sh("docker image inspect -f '{{.Id}}' %s" % IMAGE).strip()
    rebuilt_id = sh("docker image inspect -f '{{.Id}}' %s" % REBUILT).strip()
    ids = {IMAGE: image_id, REBUILT: rebuilt_id}
    work = tempfile.mkdtemp(prefix="aslab-bench-", dir="/var/tmp")
    archive = os.path.join(work, "bench.tar")
    inventory = os.path.join(work, "inventory.yml")
    with open(inventory, "w") as handle:
        handle.write("all:\n  hosts:\n    localhost: {ansible_connection: local, ansible_python_interpreter: %s}\n"
                     "  children:\n    nodes:\n      hosts: {%s}\n      vars: {ansible_user: root, "
                     "ansible_python_interpreter: /usr/bin/python3, ansible_ssh_common_args: '-F %s'}\n"
                     % (sys.executable, ", ".join("%s: {}" % n for n in NODES), SSH_CONFIG))
    common = {"image_distribution_image": IMAGE, "image_distribution_runtime": args.runtime}
    figures = {}
    try:
        clean_nodes(runtime, ids)
        cpu = {}
        figures["save"], cpu["save"] = cpu_timed(lambda: sh("docker save %s > /dev/null" % IMAGE), "save")[:2]
        figures["recipe"] = timed(lambda: recipe(runtime, archive))[0]
        nodes_have(runtime, IMAGE, image_id)
        size = os.path.getsize(archive)
        figures["floor_copy"], cpu["floor_copy"] = cpu_timed(lambda: floor_copy(archive), "floor_copy")[:2]
        clean_nodes(runtime, ids)
        figures["floor_load"], cpu["floor_load"] = floor_load(runtime, archive)
        figures["floor"] = max(figures["floor_copy"], figures["floor_load"])
        # On separate machines save, copy and load overlap; here they share the machine's cores, so the busy CPU
        # time of the three, spread over every core, is a floor too (measured, the same steps as above).
        figures["floor_cpu"] = (cpu["save"] + cpu["floor_copy"] + cpu["floor_load"]) / (os.cpu_count() or 1)
        # The fixed cost of any play against the nodes: ansible-playbook starting, one task per node over ssh.
        figures["floor_play"] = role(inventory, {}, playbook=trivial_playbook(work))[0]
        os.unlink(archive)

        # The whole image to every node (the nodes' own copies of the base layer not reused): the full distribution.
        clean_nodes(runtime, ids)
        whole = dict(common, image_distribution_partial=False)
        figures["stream_whole"], cpu["stream_whole"], (_seconds, run) = cpu_timed(lambda: role(inventory, whole),
                                                                                  "stream_whole")
        nodes_have(runtime, IMAGE, image_id)
        whole_bytes = [t["bytes_sent"] for t in task_result(run, "Stream the image from the controller")
                       ["targets"].values()]

        # The default: a node that holds some of the layers (the base image's, from other images) is not sent them.
        clean_nodes(runtime, ids)
        figures["stream"], run = role(inventory, dict(common, image_distribution_mode="stream"))
        nodes_have(runtime, IMAGE, image_id)
        stream = task_result(run, "Stream the image from the controller")
        peak_rss = stream["peak_rss_bytes"]
        full_bytes = [t["bytes_sent"] for t in stream["targets"].values()]

        figures["rebuild"], run = role(inventory, dict(common, image_distribution_image=REBUILT))
        nodes_have(runtime, REBUILT, rebuilt_id)
        rebuild = task_result(run, "Stream the image from the controller")
        rebuild_bytes = {node: t["bytes_sent"] for node, t in rebuild["targets"].items()}
        rebuild_layers = {node: (t["layers_sent"], t["layers_skipped"]) for node, t in rebuild["targets"].items()}

        figures["rerun"], run = role(inventory, dict(common, image_distribution_image=REBUILT))
        if any(changed(run).values()):
            raise SystemExit("the re-run reported changes: %s" % changed(run))

        clean_nodes(runtime, ids)
        figures["archive"] = role(inventory, dict(common, image_distribution_mode="archive"))[0]
        nodes_have(runtime, IMAGE, image_id)

        clean_nodes(runtime, ids)
        with Registry(work):
            registry = dict(common, image_distribution_mode="registry",
                            image_distribution_registry="127.0.0.1:%d" % REGISTRY_PORT,
                            image_distribution_registry_pull="%s:%d" % (GATEWAY, REGISTRY_PORT),
                            image_distribution_registry_insecure=True)
            figures["registry"] = role(inventory, registry)[0]
            pulled = "%s:%d/%s" % (GATEWAY, REGISTRY_PORT, IMAGE)
            nodes_have(runtime, pulled, image_id)
            figures["registry_rebuild"] = role(inventory, dict(registry, image_distribution_image=REBUILT))[0]
            pulled_rebuilt = "%s:%d/%s" % (GATEWAY, REGISTRY_PORT, REBUILT)
            nodes_have(runtime, pulled_rebuilt, rebuilt_id)
            for node in NODES:
                sh(ssh(node, "%s; %s" % (runtime.remove(pulled, image_id), runtime.remove(pulled_rebuilt, rebuilt_id))))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        clean_nodes(runtime, ids)

    f = figures
    print()
    print("image %s: %.0f MiB archive, %s, to %d nodes (%s in each), %d CPUs; load average after: %s" % (
        IMAGE, size / 1048576.0, image_id[:19], len(NODES), args.runtime, os.cpu_count() or 0,
        open("/proc/loadavg").read().strip()))
    for label, key in [("save (docker save > /dev/null)", "save"),
                       ("recipe (save, then scp + load per node)", "recipe"),
                       ("floor_copy (cat | ssh, 3 nodes at once)", "floor_copy"),
                       ("floor_load (3 nodes load a local archive at once)", "floor_load"),
                       ("floor = max(floor_copy, floor_load)", "floor"),
                       ("floor_cpu (busy CPU of save+copy+load / %d cores)" % (os.cpu_count() or 1), "floor_cpu"),
                       ("floor_play (a play of one command per node)", "floor_play"),
                       ("role, stream mode, whole image (partial off)", "stream_whole"),
                       ("role, stream mode (default: held layers skipped)", "stream"),
                       ("role, archive mode", "archive"),
                       ("role, registry mode (empty registry)", "registry"),
                       ("rebuild: one new %d MiB layer, stream mode" % REBUILD_MIB, "rebuild"),
                       ("rebuild: one new %d MiB layer, registry mode" % REBUILD_MIB, "registry_rebuild"),
                       ("re-run, every node current", "rerun")]:
        print("  %-55s %7.1f s" % (label, f[key]))
    print("  %-55s %s" % ("busy CPU seconds (machine)", ", ".join(
        "%s %.1f" % (key, cpu[key]) for key in ["save", "floor_copy", "floor_load", "stream_whole"])))
    print("  %-55s %7.1f MiB" % ("controller peak RSS during stream mode", peak_rss / 1048576.0))
    print("  %-55s %s" % ("bytes per node, whole-image stream", ", ".join("%.1f MiB" % (b / 1048576.0)
                                                                          for b in whole_bytes)))
    print("  %-55s %s" % ("bytes per node, default stream", ", ".join("%.1f MiB" % (b / 1048576.0)
                                                                      for b in full_bytes)))
    print("  %-55s %s" % ("bytes per node, rebuild (layers sent/skipped)", ", ".join(
        "%s %.2f MiB (%d/%d)" % (node, rebuild_bytes[node] / 1048576.0, *rebuild_layers[node])
        for node in sorted(rebuild_bytes))))
    print("targets (issue 12), measured in this run:")
    full = f["stream_whole"]
    rows = [
        ("stream (whole) / recipe", full / f["recipe"], "<= 0.6", full <= 0.6 * f["recipe"]),
        ("stream (whole) / (save + floor)", full / (f["save"] + f["floor"]), "<= 1.3",
         full <= 1.3 * (f["save"] + f["floor"])),
        ("stream (default) / recipe", f["stream"] / f["recipe"], "< 1", f["stream"] < f["recipe"]),
        ("archive / recipe", f["archive"] / f["recipe"], "< 1", f["archive"] < f["recipe"]),
        ("registry / recipe", f["registry"] / f["recipe"], "< 1", f["registry"] < f["recipe"]),
        ("rebuild / stream (whole)", f["rebuild"] / full, "<= 0.2", f["rebuild"] <= 0.2 * full),
        ("rebuild (registry) / registry", f["registry_rebuild"] / f["registry"], "<= 0.2",
         f["registry_rebuild"] <= 0.2 * f["registry"]),
        ("rebuild bytes per node / layer", max(rebuild_bytes.values()) / (REBUILD_MIB * 1048576.0), "<= 2",
         max(rebuild_bytes.values()) <= 2 * REBUILD_MIB * 1048576),
        ("re-run seconds", f["rerun"], "<= 3", f["rerun"] <= 3),
    ]
    for label, value, target, met in rows:
        print("  %-32s %7.2f   target %-6s %s" % (label, value, target, "met" if met else "NOT met"))
    print("what is in the way, measured in this run:")
    print("  the full distribution cannot take less than the largest floor: %.1f s (%s); the role's whole-image stream"
          " took %.1f s, %.2fx that" % (max(f["floor"], f["floor_cpu"]),
                                        "floor_cpu" if f["floor_cpu"] > f["floor"] else "floor", full,
                                        full / max(f["floor"], f["floor_cpu"])))
    print("  the whole-image stream kept the machine's CPU %.0f%% busy (%.1f CPU s in %.1f s on %d cores)" % (
        100.0 * cpu["stream_whole"] / (full * (os.cpu_count() or 1)), cpu["stream_whole"], full, os.cpu_count() or 1))
    steps = ["save", "floor_copy", "floor_load", "stream_whole"]
    programs = sorted({name for step in steps for name in BY_PROGRAM[step]},
                      key=lambda name: -max(BY_PROGRAM[step].get(name, 0.0) for step in steps))[:12]
    print("  CPU seconds by program (every process sampled each %.0f s; the lab's idle load included):"
          % SAMPLE_SECONDS)
    print("    %-18s %s" % ("program", " ".join("%12s" % step for step in steps)))
    for name in programs:
        print("    %-18s %s" % (name, " ".join("%12.1f" % BY_PROGRAM[step].get(name, 0.0) for step in steps)))
    print("  a re-run took %.1f s, of which %.1f s is the cost of any play against the nodes (floor_play)" % (
        f["rerun"], f["floor_play"]))


if __name__ == "__main__":
    main()
