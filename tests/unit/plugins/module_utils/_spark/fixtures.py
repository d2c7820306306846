# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The captured SparkApplications, pods, driver logs and API errors (tests/unit/fixtures/spark/capture.sh)."""

from __future__ import annotations

import json
import os

CAPTURED = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "spark", "captured"))


def captured_path(name):
    return os.path.join(CAPTURED, name)


def captured_json(name):
    with open(captured_path(name)) as handle:
        return json.load(handle)


def captured_pods(prefix):
    """The ``items`` of ``<prefix>-pods.json`` (a PodList, as the module's pod listing returns them)."""
    return captured_json("%s-pods.json" % prefix)["items"]


def captured_lines(name):
    with open(captured_path(name)) as handle:
        return handle.read().splitlines()


def captured_api_error(name):
    """``(status, body)`` of a failed API call."""
    with open(captured_path("api-%s.status" % name)) as handle:
        status = int(handle.read().strip())
    with open(captured_path("api-%s.body" % name)) as handle:
        return status, handle.read()
