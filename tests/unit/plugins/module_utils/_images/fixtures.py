# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paths of the captured archives and runtime outputs (tests/unit/fixtures/images/capture.sh)."""

from __future__ import annotations

import os

CAPTURED = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "images",
                                         "captured"))


def archive(name):
    return os.path.join(CAPTURED, name)


def ids():
    """name -> ID as `docker image inspect` reported it when the archives were saved."""
    with open(archive("ids.tsv")) as handle:
        return dict(line.rstrip("\n").split("\t") for line in handle if line.strip())


def runtime_output(name):
    """(rc, stdout, stderr) of a captured runtime command."""
    base = os.path.join(CAPTURED, "runtime", name)

    def read(ext):
        path = "%s.%s" % (base, ext)
        return open(path, "rb").read() if os.path.exists(path) else b""

    return int(read("rc").strip() or 0), read("out"), read("err")
