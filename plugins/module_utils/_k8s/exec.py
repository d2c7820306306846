# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an argv in a pod through the Kubernetes API (the ``exec`` subresource), with stdin, exit code and timeout.

Unlike kubernetes.core's ``k8s_exec``, the command is an argv list (never split from a string), stdin can carry a
file (streamed in chunks), and a failure to reach the pod is a typed error instead of a guessed exit code. The
``CoreV1Api`` comes from :func:`client.core_v1_from_module` (kubernetes.core's auth options).

Public names: :class:`PodExec` (was ``K8sExecRunner``; ``put_file`` became :meth:`PodExec.run_reading_exact`),
:class:`PodExecError` (was ``K8sExecError``). ``core_v1_from_module`` and ``K8S_AUTH_ARG_SPEC`` now live in
:mod:`client` and are still importable from here.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any, Iterable, List, Optional, Sequence, Tuple, Union

# core_v1_from_module and K8S_AUTH_ARG_SPEC lived here before client.py; they stay importable from this module.
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import (  # noqa: F401 pylint: disable=unused-import
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


class PodExecError(K8sError):
    """The command could not be run in the pod, or did not finish; ``reason`` says why, for callers that branch.

    ``reason`` is one of ``pod_not_found``, ``container_not_found``, ``forbidden``, ``unauthorized``,
    ``unreachable``, ``timeout``, ``stdin_not_closable``, ``exec_failed``, ``protocol``.
    """

    def __init__(self, message: str, reason: str = "exec_failed") -> None:
        super().__init__(message)
        self.reason = reason


def _status_body(text: str) -> str:
    """The ``message`` of a Kubernetes Status object embedded in a websocket handshake error, if any."""
    match = re.search(r"\"message\"\s*:\s*\"((?:[^\"\\]|\\.)*)\"", text or "")
    return match.group(1).replace('\\"', '"') if match else ""


Stdin = Union[bytes, str, Iterable[bytes]]


class PodExec:
    """Runs argv lists in one pod (and container) through ``CoreV1Api.connect_get_namespaced_pod_exec``."""

    def __init__(self, core_v1_api: Any, namespace: str, pod: str, container: Optional[str] = None) -> None:
        self.api = core_v1_api
        self.namespace = namespace
        self.pod = pod
        self.container = container

    def _where(self) -> str:
        where = "pod %s/%s" % (self.namespace, self.pod)
        if self.container:
            where += " container %s" % self.container
        return where

    def run(self, argv: Sequence[str], data: Optional[Stdin] = None, timeout: Optional[float] = None,
            text: bool = True) -> Tuple[int, Any, Any]:
        """Run ``argv`` (a list, never a shell string), feed it ``data`` on stdin, then end stdin.

        ``data`` is bytes, str (sent as UTF-8) or an iterable of bytes chunks (sent as they come, so a large input
        never sits in memory whole). Returns ``(rc, stdout, stderr)``; ``stdout``/``stderr`` are str (UTF-8,
        undecodable bytes replaced) or bytes with ``text=False``. A non-zero ``rc`` is returned, not raised.
        ``timeout`` is in seconds for the whole call (``None``: no limit). Raises :class:`PodExecError` when the
        command could not run or did not finish.
        """
        return self._run(argv, data, timeout, text, needs_stdin_eof=data is not None)

    def run_reading_exact(self, argv: Sequence[str], data: Stdin, timeout: Optional[float] = None
                          ) -> Tuple[int, str, str]:
        """Like :meth:`run` for a command that reads exactly the bytes it is sent (``head -c N``), so it needs no
        end-of-file: it works on API servers that cannot end stdin (the v4 exec protocol) too."""
        return self._run(argv, data, timeout, True, needs_stdin_eof=False)

    def _open(self, argv: Sequence[str], with_stdin: bool) -> Any:
        if KUBERNETES_IMPORT_ERROR is not None:
            raise PodExecError("%s (import error: %s)" % (MISSING_KUBERNETES_MSG, KUBERNETES_IMPORT_ERROR), "protocol")
        if isinstance(argv, (str, bytes)) or not argv:
            raise PodExecError("the command must be a non-empty argv list, got %r" % (argv,), "protocol")
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
            raise PodExecError("the installed kubernetes Python client is too old for binary exec streams (%s); "
                               "upgrade it: pip install 'kubernetes>=30'" % exc, "protocol")

    def _translate(self, exc: Any) -> PodExecError:
        text = "%s %s" % (getattr(exc, "reason", "") or "", getattr(exc, "body", "") or "")
        status = getattr(exc, "status", 0) or 0
        match = _HANDSHAKE_STATUS.search(text)
        if match:
            status = int(match.group(1))
        detail = _status_body(text) or text.strip()[:500]
        where = self._where()
        if status == 404:
            return PodExecError("%s not found: no pod %r in namespace %r (%s)" % (where, self.pod, self.namespace, detail),
                                "pod_not_found")
        if status == 400 and re.search(r"container .* is not valid|container not found|container name must be specified",
                                       detail):
            return PodExecError("%s: container not found or not named (%s)" % (where, detail), "container_not_found")
        if status == 403:
            return PodExecError("exec into %s forbidden (HTTP 403): the credentials need RBAC verbs 'create' and 'get' on "
                                "'pods/exec' in namespace %s (%s)" % (where, self.namespace, detail), "forbidden")
        if status == 401:
            return PodExecError("exec into %s unauthorized (HTTP 401): the token or client certificate was refused"
                                % where, "unauthorized")
        if status == 0 and UNREACHABLE.search(text):
            return PodExecError("exec into %s failed: the Kubernetes API server at %s was unreachable (%s); check host, "
                                "kubeconfig and context" % (where, api_host(self.api), text.strip()[:500]), "unreachable")
        return PodExecError("exec into %s failed: %s" % (where, detail or "HTTP %s" % status), "exec_failed")

    def _run(self, argv: Sequence[str], data: Optional[Stdin], timeout: Optional[float], text: bool,
             needs_stdin_eof: bool) -> Tuple[int, Any, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        resp = self._open(argv, data is not None)
        try:
            if data is not None:
                self._send_stdin(resp, argv, data, needs_stdin_eof, deadline, timeout)
            stdout, stderr = [], []
            while resp.is_open():
                wait = _POLL_SECONDS
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        raise PodExecError("%r in %s did not finish within %s s" % (list(argv), self._where(), timeout),
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

    def _send_stdin(self, resp: Any, argv: Sequence[str], data: Stdin, needs_stdin_eof: bool,
                    deadline: Optional[float], timeout: Optional[float]) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        can_close = getattr(resp, "subprotocol", None) == V5_CHANNEL_PROTOCOL and hasattr(resp, "close_channel")
        if needs_stdin_eof and not can_close:
            raise PodExecError(
                "the API server (or the kubernetes Python client) speaks only the v4 exec protocol, which cannot end "
                "stdin, so a command reading to end-of-file would never finish; use Kubernetes >= 1.30 with kubernetes "
                "client >= 30, or a command that reads an exact byte count (PodExec.run_reading_exact)", "stdin_not_closable")
        for chunk in ([data] if isinstance(data, bytes) else data):
            for start in range(0, len(chunk), STDIN_CHUNK_SIZE):
                if deadline is not None and time.monotonic() > deadline:
                    raise PodExecError("%r in %s did not read its input within %s s"
                                       % (list(argv), self._where(), timeout), "timeout")
                resp.write_stdin(chunk[start:start + STDIN_CHUNK_SIZE])
                # Buffer what the command printed so far: a full socket would stall it before it reads the rest.
                resp.update(timeout=0)
        # A command that reads an exact byte count may have exited, and the server closed the stream, as soon as the
        # last chunk arrived: closing stdin then fails with "socket is already closed" (seen with a 256 MiB upload on
        # a loaded machine). It needs no end-of-file, so its stdin is left to end with the stream.
        if can_close and needs_stdin_eof:
            resp.close_channel(STDIN_CHANNEL)

    @staticmethod
    def _drain(resp: Any, stdout: List[bytes], stderr: List[bytes]) -> None:
        for channel, sink in ((STDOUT_CHANNEL, stdout), (STDERR_CHANNEL, stderr)):
            chunk = resp.read_channel(channel, timeout=0)
            if chunk:
                sink.append(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))

    def _exit_code(self, raw: Any, argv: Sequence[str]) -> int:
        """The exit code from the error channel's Status: Success is 0, else the ``ExitCode`` cause."""
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        if not raw or not raw.strip():
            raise PodExecError("%r in %s: the exec stream closed without an exit status (connection lost or pod "
                               "deleted?)" % (list(argv), self._where()), "protocol")
        try:
            status = json.loads(raw)
        except ValueError:
            raise PodExecError("%r in %s: unreadable exit status %r" % (list(argv), self._where(), raw[:500]), "protocol")
        if status.get("status") == "Success":
            return 0
        for cause in (status.get("details") or {}).get("causes") or ():
            if cause.get("reason") == "ExitCode":
                try:
                    return int(cause.get("message"))
                except (TypeError, ValueError):
                    break
        # No exit code: the command did not start (not found, not executable) or the runtime failed.
        raise PodExecError("%r in %s could not run: %s" % (list(argv), self._where(), status.get("message") or raw[:500]),
                           "exec_failed")
