# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runtime options shared by the image modules (mirrored by the ``container_runtime`` doc fragment), and the
runtime they describe on the host that runs the module."""

from __future__ import annotations

import copy
import os
from typing import Any, Dict

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import LocalHost
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError, RuntimeMissingError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runtimes import (
    BINARIES,
    RUNTIMES,
    Runtime,
    make_runtime,
)

RUNTIME_OPTIONS: Dict[str, Dict[str, Any]] = dict(
    runtime=dict(type="str", default="docker", choices=list(RUNTIMES)),
    namespace=dict(type="str", default="k8s.io"),
    runtime_path=dict(type="path"),
    runtime_args=dict(type="list", elements="str", default=[]),
    timeout=dict(type="int", default=60),
)


def runtime_argument_spec(**extra: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    """A fresh copy of the runtime options, plus a module's own."""
    spec = copy.deepcopy(RUNTIME_OPTIONS)
    spec.update(extra)
    return spec


def positive(value: int, name: str) -> int:
    if value <= 0:
        raise ImageError("%s must be a positive number of seconds, got %s" % (name, value))
    return value


def find_binary(module: Any, name: str, given: str = None) -> str:
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            raise RuntimeMissingError("%s does not exist or is not executable on this host" % given)
        return given
    found = module.get_bin_path(name)
    if not found:
        raise RuntimeMissingError("%s is not installed on this host (not found on PATH); install it, choose another "
                                  "runtime, or set runtime_path" % name)
    return found


def local_runtime(module: Any) -> Runtime:
    """The runtime the module's options describe, on the host that runs the module."""
    params = module.params
    timeout = positive(params["timeout"], "timeout")
    binary = find_binary(module, BINARIES[params["runtime"]], params["runtime_path"])
    return make_runtime(params["runtime"], LocalHost(), binary, params["runtime_args"], params["namespace"],
                        timeout)
