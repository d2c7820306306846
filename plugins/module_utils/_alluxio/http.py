# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two ways to send one HTTP request to an Alluxio port: straight to a URL, or through the Kubernetes API server's
pod proxy (``/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy/{path}``).

:class:`client.RestClient` speaks Alluxio's REST API through either; it never knows which. An endpoint answers
:meth:`open` with an :class:`Answer` (status, body stream) whatever the status, and raises
:class:`AlluxioConnectionError` only when nothing answered: the message names the endpoint and what to check.
"""

from __future__ import annotations

import io
import json
import socket
from typing import Any, Optional
from urllib.parse import quote

from ansible.module_utils.urls import open_url

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioConnectionError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import UNREACHABLE, api_host

try:
    import urllib3
except ImportError:  # only the pod proxy needs it, and the kubernetes client that brings it
    urllib3 = None


class Answer:
    """A response whose body is read in pieces (``read(size)``), so a large file never sits in memory whole.

    A connection that breaks or stalls while the body is read is an :class:`AlluxioConnectionError` naming ``where``.
    """

    def __init__(self, status: int, body: Any, where: str = "") -> None:
        self.status = status
        self._body = body
        self.where = where

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._body.read() if size is None or size < 0 else self._body.read(size)
        except Exception as exc:  # pylint: disable=broad-exception-caught  # socket, http.client and urllib3 errors
            timed_out = isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc)
            raise AlluxioConnectionError("reading the answer of %s failed: %s" % (self.where, exc),
                                         reason="timeout" if timed_out else "unreachable")
        return data or b""

    def text(self, limit: int = 64 * 1024) -> str:
        return self.read(limit).decode("utf-8", "replace")

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()


class UrlEndpoint:
    """An Alluxio web port reached directly: ``http(s)://host:port``."""

    merges_slashes = False

    def __init__(self, base_url: str, what: str, timeout: float, validate_certs: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.what = what
        self.timeout = timeout
        self.validate_certs = validate_certs

    def __str__(self) -> str:
        return self.base_url

    def open(self, method: str, path: str, body: Optional[bytes] = None,
             content_type: Optional[str] = None) -> Answer:
        url = self.base_url + path
        headers = {"Content-Type": content_type} if content_type else {}
        try:
            return Answer(200, open_url(url, method=method, data=body, headers=headers, timeout=self.timeout,
                                        validate_certs=self.validate_certs), url)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            code = getattr(exc, "code", None)
            if isinstance(code, int) and hasattr(exc, "read"):  # urllib's HTTPError: an answer, not a failure
                return Answer(code, exc, url)
            if isinstance(exc, (socket.timeout, TimeoutError)) or "timed out" in str(exc):
                raise AlluxioConnectionError("%s did not answer within %s s (alluxio_timeout): is the Alluxio %s "
                                             "overloaded or hung?" % (url, self.timeout, self.what), reason="timeout")
            raise AlluxioConnectionError("cannot reach %s: %s. Check the URL and that the Alluxio %s is running."
                                         % (url, exc, self.what), reason="unreachable")


class PodProxyEndpoint:
    """A port of one pod, reached through the API server's ``pods/proxy`` subresource (RBAC: ``get`` and ``create``
    on ``pods/proxy``). Uses the ``ApiClient``'s own connection pool, TLS settings and credentials.

    The API server cleans the path it forwards: ``//`` becomes ``/`` and ``%2F`` is decoded first (measured on
    kube-apiserver 1.34), so ``merges_slashes`` tells callers that a path must not rely on either.
    """

    merges_slashes = True

    def __init__(self, api_client: Any, namespace: str, pod: str, port: int, what: str, option: str,
                 timeout: float) -> None:
        self.api_client = api_client
        self.namespace = namespace
        self.pod = pod
        self.port = port
        self.what = what
        self.option = option
        self.timeout = timeout

    def __str__(self) -> str:
        return "port %s of pod %s/%s (through the Kubernetes API server)" % (self.port, self.namespace, self.pod)

    def _url(self, path: str) -> str:
        return "%s/api/v1/namespaces/%s/pods/%s:%s/proxy%s" % (
            self.api_client.configuration.host.rstrip("/"), quote(self.namespace, safe=""), quote(self.pod, safe=""),
            self.port, path)

    def _headers(self, content_type: Optional[str]) -> dict:
        headers = dict(self.api_client.default_headers)
        headers["Accept"] = "*/*"
        if content_type:
            headers["Content-Type"] = content_type
        # The same credentials the generated API methods send (a bearer token, refreshed by an exec plugin's hook).
        for setting in self.api_client.configuration.auth_settings().values():
            if setting.get("in") == "header" and setting.get("value"):
                headers[setting["key"]] = setting["value"]
        return headers

    def open(self, method: str, path: str, body: Optional[bytes] = None,
             content_type: Optional[str] = None) -> Answer:
        if urllib3 is None:
            raise AlluxioConnectionError("the k8s_proxy transport needs the kubernetes Python package (and urllib3): "
                                         "pip install kubernetes", reason="unreachable")
        try:
            response = self.api_client.rest_client.pool_manager.request(
                method, self._url(path), body=body, headers=self._headers(content_type), preload_content=False,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout), retries=False, redirect=False)
        except urllib3.exceptions.TimeoutError as exc:
            raise AlluxioConnectionError("%s did not answer within %s s (alluxio_timeout): %s"
                                         % (self, self.timeout, exc), reason="timeout")
        except Exception as exc:  # pylint: disable=broad-exception-caught  # urllib3, socket and TLS errors
            raise AlluxioConnectionError("cannot reach the Kubernetes API server at %s for %s: %s. Check host, "
                                         "kubeconfig and context." % (api_host(self.api_client), self, exc),
                                         reason="unreachable")
        if response.status < 400:
            return Answer(response.status, response, str(self))
        # An error: from the API server itself (a Status object) or from the pod, passed through. Read it whole
        # (bounded) to tell which.
        raw = Answer(response.status, response, str(self)).read(64 * 1024)
        response.release_conn()
        status = _api_server_status(response.headers.get("Content-Type", ""), raw)
        if status is None:
            return Answer(response.status, io.BytesIO(raw), str(self))
        raise self._status_error(response.status, status.get("message") or "")

    def _status_error(self, code: int, message: str) -> AlluxioConnectionError:
        where = "pod %s/%s" % (self.namespace, self.pod)
        if code == 404:
            return AlluxioConnectionError("%s not found (%s): set alluxio_namespace and alluxio_pod to the Alluxio "
                                          "master pod" % (where, message), reason="pod_not_found")
        if code == 403:
            return AlluxioConnectionError("proxy to %s forbidden (HTTP 403): the credentials need RBAC verbs 'get' and "
                                          "'create' on 'pods/proxy' in namespace %s (%s)"
                                          % (where, self.namespace, message), reason="forbidden")
        if code == 401:
            return AlluxioConnectionError("proxy to %s unauthorized (HTTP 401): the token or client certificate was "
                                          "refused" % where, reason="unauthorized")
        if UNREACHABLE.search(message) or "error trying to reach" in message or code in (502, 503):
            return AlluxioConnectionError("nothing answers on port %s of %s (the Alluxio %s, %s): %s. Check that the "
                                          "pod runs it on that port." % (self.port, where, self.what, self.option,
                                                                         message or "HTTP %s" % code),
                                          reason="unreachable")
        return AlluxioConnectionError("proxy to port %s of %s failed: HTTP %s %s" % (self.port, where, code, message),
                                      reason="proxy_failed")


def _api_server_status(content_type: str, raw: bytes) -> Optional[dict]:
    """The API server's own ``Status`` object (``kind: Status``), or ``None`` when the pod answered."""
    if "json" not in (content_type or ""):
        return None
    try:
        body = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("kind") == "Status" and body.get("apiVersion") == "v1":
        return body
    return None
