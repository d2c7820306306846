# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an argv in a pod through the Kubernetes API (the ``exec`` subresource), with stdin, exit code and timeout.

Unlike kubernetes.core's ``k8s_exec``, the command is an argv list (never split from a string), stdin can carry a
file, and a failure to reach the pod is a typed error instead of a guessed exit code. The client is built from
kubernetes.core's auth options, so ``module_defaults: group/k8s`` and ``K8S_AUTH_*`` apply to our modules too.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, List, Optional, Sequence, Tuple, Union

# core_v1_from_module and K8S_AUTH_ARG_SPEC lived here before client.py; they stay importable from this module.
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import (  # noqa: F401
    K8S_AUTH_ARG_SPEC,
    UNREACHABLE,
    api_host,
    core_v1_from_module,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.errors import MISSING_KUBERNETES_MSG, K8sError

try:
    from kubernetes.client.exceptions import ApiException
    from kubernetes.stream import stream
except ImportError as exc:
    ApiException = stream = None
    KUBERNETES_IMPORT_ERROR = exc
else:
    KUBERNETES_IMPORT_ERROR = None

STDIN_CHANNEL = 0
STDOUT_CHANNEL = 1
STDERR_CHANNEL = 2
ERROR_CHANNEL = 3
# Only the v5 protocol (Kubernetes >= 1.30 with kubernetes client >= 30) can tell the command that stdin ended.
V5_CHANNEL_PROTOCOL = "v5.channel.k8s.io"
STDIN_CHUNK_SIZE = 64 * 1024
_POLL_SECONDS = 1.0

_HANDSHAKE_STATUS = re.compile(r"Handshake status (\d{3})")


class K8sExecError(K8sError):
    """The command could not be run in the pod, or did not finish; ``reason`` says why, for callers that branch.

    ``reason`` is one of ``pod_not_found``, ``container_not_found``, ``forbidden``, ``unauthorized``,
    ``unreachable``, ``timeout``, ``stdin_not_closable``, ``exec_failed``, ``protocol``.
    """

    def __init__(self, message, reason="exec_failed"):
        super(K8sExecError, self).__init__(message)
        self.reason = reason


def _status_body(text):
    """The ``message`` of a Kubernetes Status object embedded in a websocket handshake error, if any."""
    match = re.search(r"\"message\"\s*:\s*\"((?:[^\"\\]|\\.)*)\"", text or "")
    return match.group(1).replace('\\"', '"') if match else ""


class K8sExecRunner(object):
    """Runs argv lists in one pod (and container) through ``CoreV1Api.connect_get_namespaced_pod_exec``."""

    def __init__(self, core_v1_api, namespace, pod, container=None):
        self.api = core_v1_api
        self.namespace = namespace
        self.pod = pod
        self.container = container

    def _where(self):
        where = "pod %s/%s" % (self.namespace, self.pod)
        if self.container:
            where += " container %s" % self.container
        return where

    def _api_host(self):
        try:
            return self.api.api_client.configuration.host
        except AttributeError:
            return "(unknown)"

    def run(self, argv, data=None, timeout=None, text=True):
        """Run ``argv`` (a list, never a shell string), feed it ``data`` (bytes or str) on stdin, then end stdin.

        Returns ``(rc, stdout, stderr)``; ``stdout``/``stderr`` are str (UTF-8, undecodable bytes replaced) or bytes
        with ``text=False``. A non-zero ``rc`` is returned, not raised. ``timeout`` is in seconds for the whole call
        (``None``: no limit). Raises :class:`K8sExecError` when the command could not run or did not finish.
        """
        return self._run(argv, data, timeout, text, needs_stdin_eof=data is not None)

    def put_file(self, path, data, timeout=None):
        """Write ``data`` (bytes) to ``path`` in the pod; works on API servers that cannot end stdin (v4 protocol).

        The command reads exactly ``len(data)`` bytes, so it needs no end-of-file. Returns ``(rc, stdout, stderr)``.
        """
        if not isinstance(data, bytes):
            data = data.encode("utf-8")
        argv = ["sh", "-c", 'head -c "$2" > "$1"', "sh", path, str(len(data))]
        return self._run(argv, data, timeout, True, needs_stdin_eof=False)

    def _open(self, argv, with_stdin):
        if KUBERNETES_IMPORT_ERROR is not None:
            raise K8sExecError("%s (import error: %s)" % (MISSING_KUBERNETES_MSG, KUBERNETES_IMPORT_ERROR), "protocol")
        if isinstance(argv, (str, bytes)) or not argv:
            raise K8sExecError("the command must be a non-empty argv list, got %r" % (argv,), "protocol")
        kwargs = {}
        if self.container:
            kwargs["container"] = self.container
        try:
            return stream(self.api.connect_get_namespaced_pod_exec, self.pod, self.namespace,
                          command=[str(arg) for arg in argv], stdin=with_stdin, stdout=True, stderr=True, tty=False,
                          binary=True, _preload_content=False, **kwargs)
        except ApiException as exc:
            raise self._translate(exc)
        except TypeError as exc:  # ApiTypeError is one: old clients do not know the binary stream mode
            if "binary" not in str(exc):
                raise
            raise K8sExecError("the installed kubernetes Python client is too old for binary exec streams (%s); "
                               "upgrade it: pip install 'kubernetes>=30'" % exc, "protocol")

    def _translate(self, exc):
        text = "%s %s" % (getattr(exc, "reason", "") or "", getattr(exc, "body", "") or "")
        status = getattr(exc, "status", 0) or 0
        match = _HANDSHAKE_STATUS.search(text)
        if match:
            status = int(match.group(1))
        detail = _status_body(text) or text.strip()[:500]
        where = self._where()
        if status == 404:
            return K8sExecError("%s not found: no pod %r in namespace %r (%s)" % (where, self.pod, self.namespace, detail),
                                "pod_not_found")
        if status == 400 and re.search(r"container .* is not valid|container not found|container name must be specified",
                                       detail):
            return K8sExecError("%s: container not found or not named (%s)" % (where, detail), "container_not_found")
        if status == 403:
            return K8sExecError("exec into %s forbidden (HTTP 403): the credentials need RBAC verbs 'create' and 'get' on "
                                "'pods/exec' in namespace %s (%s)" % (where, self.namespace, detail), "forbidden")
        if status == 401:
            return K8sExecError("exec into %s unauthorized (HTTP 401): the token or client certificate was refused"
                                % where, "unauthorized")
        if status == 0 and UNREACHABLE.search(text):
            return K8sExecError("exec into %s failed: the Kubernetes API server at %s was unreachable (%s); check host, "
                                "kubeconfig and context" % (where, self._api_host(), text.strip()[:500]), "unreachable")
        return K8sExecError("exec into %s failed: %s" % (where, detail or "HTTP %s" % status), "exec_failed")

    def _run(self, argv, data, timeout, text, needs_stdin_eof):
        deadline = None if timeout is None else time.monotonic() + timeout
        resp = self._open(argv, data is not None)
        try:
            if data is not None:
                self._send_stdin(resp, data, needs_stdin_eof)
            stdout, stderr = [], []
            while resp.is_open():
                wait = _POLL_SECONDS
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        raise K8sExecError("%r in %s did not finish within %s s" % (list(argv), self._where(), timeout),
                                           "timeout")
                resp.update(timeout=wait)
                self._drain(resp, stdout, stderr)
            self._drain(resp, stdout, stderr)
            rc = self._exit_code(resp.read_channel(ERROR_CHANNEL), argv)
        finally:
            resp.close()
        out, err = b"".join(stdout), b"".join(stderr)
        if text:
            out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        return rc, out, err

    def _send_stdin(self, resp, data, needs_stdin_eof):
        if not isinstance(data, bytes):
            data = data.encode("utf-8")
        can_close = getattr(resp, "subprotocol", None) == V5_CHANNEL_PROTOCOL and hasattr(resp, "close_channel")
        if needs_stdin_eof and not can_close:
            raise K8sExecError(
                "the API server (or the kubernetes Python client) speaks only the v4 exec protocol, which cannot end "
                "stdin, so a command reading to end-of-file would never finish; use Kubernetes >= 1.30 with kubernetes "
                "client >= 30, or a command that reads an exact byte count (K8sExecRunner.put_file)", "stdin_not_closable")
        for start in range(0, len(data), STDIN_CHUNK_SIZE):
            resp.write_stdin(data[start:start + STDIN_CHUNK_SIZE])
            # Buffer what the command printed so far: a full socket would stall it before it reads the rest.
            resp.update(timeout=0)
        if can_close:
            resp.close_channel(STDIN_CHANNEL)

    @staticmethod
    def _drain(resp, stdout, stderr):
        for channel, sink in ((STDOUT_CHANNEL, stdout), (STDERR_CHANNEL, stderr)):
            chunk = resp.read_channel(channel, timeout=0)
            if chunk:
                sink.append(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))

    def _exit_code(self, raw, argv):
        """The exit code from the error channel's Status: Success is 0, else the ``ExitCode`` cause."""
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        if not raw or not raw.strip():
            raise K8sExecError("%r in %s: the exec stream closed without an exit status (connection lost or pod "
                               "deleted?)" % (list(argv), self._where()), "protocol")
        try:
            status = json.loads(raw)
        except ValueError:
            raise K8sExecError("%r in %s: unreadable exit status %r" % (list(argv), self._where(), raw[:500]), "protocol")
        if status.get("status") == "Success":
            return 0
        for cause in (status.get("details") or {}).get("causes") or ():
            if cause.get("reason") == "ExitCode":
                try:
                    return int(cause.get("message"))
                except (TypeError, ValueError):
                    break
        # No exit code: the command did not start (not found, not executable) or the runtime failed.
        raise K8sExecError("%r in %s could not run: %s" % (list(argv), self._where(), status.get("message") or raw[:500]),
                           "exec_failed")
