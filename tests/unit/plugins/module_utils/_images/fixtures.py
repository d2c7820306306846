# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paths of the captured archives and runtime outputs (tests/unit/fixtures/images/capture.sh), and a command host
that answers with them."""

from __future__ import annotations

import os

CAPTURED = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "images",
                                         "captured"))
A = "local/aslab-fixture:1"
A2 = "local/aslab-fixture:extra"
B = "local/aslab-fixture-b:1"
L1 = "local/aslab-fixture-layers:1"
L2 = "local/aslab-fixture-layers:2"


def archive(name):
    return os.path.join(CAPTURED, name)


def _table(name):
    with open(archive(name)) as handle:
        return dict(line.rstrip("\n").split("\t") for line in handle if line.strip())


def ids():
    """name -> ID as `docker image inspect` reported it when the archives were saved."""
    return _table("ids.tsv")


def layers():
    """name -> its diff IDs, base first, as `docker image inspect` reported them."""
    return {name: value.split() for name, value in _table("layers.tsv").items()}


def runtime_output(name):
    """(rc, stdout, stderr) of a captured runtime command."""
    base = os.path.join(CAPTURED, "runtime", name)

    def read(ext):
        path = "%s.%s" % (base, ext)
        if not os.path.exists(path):
            return b""
        with open(path, "rb") as handle:
            return handle.read()

    return int(read("rc").strip() or 0), read("out"), read("err")


class Replay:
    """A command host that answers each expected argv with a captured (rc, out, err) and records the calls."""

    where = "the replayed node"

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def run(self, argv, timeout, data=None, env=None):
        self.calls.append(list(argv))
        key = tuple(argv)
        if key not in self.answers:
            raise AssertionError("unexpected command %r" % (argv,))
        answer = self.answers[key]
        return answer(argv) if callable(answer) else answer
