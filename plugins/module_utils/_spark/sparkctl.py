# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Submitting through the recipe's ``sparkctl create <file> --namespace <ns> [--kubeconfig <path>]``.

sparkctl 2.1.1 (its last release; it was removed from the operator in 2.2) prints client errors and still exits 0,
so the caller must check that the object exists afterwards; :func:`submit` only runs the command.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import SparkApiError, SparkInputError

try:
    import yaml
except ImportError:  # PyYAML ships with ansible-core
    yaml = None

# sparkctl loads the file, applies the operator's defaults and makes one create call.
SUBMIT_TIMEOUT = 120
# Auth options sparkctl cannot honour: it reads one kubeconfig file and uses its current context.
_UNSUPPORTED_AUTH = ("context", "host", "api_key", "username", "password", "client_cert", "client_key", "ca_cert",
                     "impersonate_user", "impersonate_groups", "proxy")


def _auth(params: Dict[str, Any], key: str) -> Any:
    """An auth option as kubernetes.core reads it: the parameter, else its K8S_AUTH_* environment variable."""
    value = params.get(key)
    return value if value is not None else os.environ.get("K8S_AUTH_" + key.upper())


def check_auth(params: Dict[str, Any]) -> Optional[str]:
    """The kubeconfig path to give sparkctl (``None``: its default), or an error before anything changes when
    sparkctl would talk to another cluster than the module's own client."""
    kubeconfig = _auth(params, "kubeconfig")
    if kubeconfig is not None and not isinstance(kubeconfig, str):
        raise SparkInputError("submitter=sparkctl needs kubeconfig as a file path (sparkctl --kubeconfig), not an "
                              "in-memory kubeconfig; write it to a file or use submitter=api")
    unsupported = sorted(key for key in _UNSUPPORTED_AUTH if _auth(params, key))
    if unsupported:
        raise SparkInputError("submitter=sparkctl cannot use the option(s) %s: sparkctl reads only a kubeconfig file "
                              "and its current context. Put them into a kubeconfig, or use submitter=api"
                              % ", ".join(unsupported))
    return kubeconfig


def argv(command: List[str], path: str, namespace: str, kubeconfig: Optional[str]) -> List[str]:
    """The recipe's command line: ``<command> create <path> --namespace <ns>`` (+ ``--kubeconfig <path>``)."""
    args = list(command) + ["create", path, "--namespace", namespace]
    if kubeconfig:
        args += ["--kubeconfig", os.path.expanduser(kubeconfig)]
    return args


def submit(command: List[str], body: Dict[str, Any], kubeconfig: Optional[str],
           timeout: float = SUBMIT_TIMEOUT) -> Tuple[List[str], int, str, str]:
    """Write ``body`` to a private temporary YAML file and run sparkctl on it; ``(argv, rc, stdout, stderr)``."""
    if not command:
        raise SparkInputError("sparkctl_command must name the sparkctl program, e.g. [sparkctl]")
    handle, path = tempfile.mkstemp(prefix="sparkapp-", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yaml.safe_dump(body, out, default_flow_style=False)
        args = argv(command, path, body["metadata"]["namespace"], kubeconfig)
        try:
            proc = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=timeout, check=False)
        except FileNotFoundError:
            raise SparkInputError("sparkctl_command %s: %s was not found. Install sparkctl (role "
                                  "alluxio_spark.k8s.sparkctl), give its full path, or use submitter=api"
                                  % (command, command[0]))
        except PermissionError as exc:
            raise SparkInputError("sparkctl_command %s cannot be run: %s" % (command, exc))
        except subprocess.TimeoutExpired:
            raise SparkApiError("%s did not finish within %s s; check that the API server answers"
                                % (" ".join(args), timeout))
        return (args, proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
    finally:
        os.unlink(path)
