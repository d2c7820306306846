# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alluxio's REST API as a client: the master web port for cluster data and exact counters, the REST proxy for paths.

Returns the data of :mod:`parsers`, the same as :class:`cli.CliClient`. The ports are endpoints of :mod:`http`: a URL
(``rest``) or a pod's port through the Kubernetes API server (``k8s_proxy``); this client does not know which.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import localfs, parsers
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioCommandError,
    AlluxioError,
    AlluxioNotFoundError,
    AlluxioProtocolError,
)


def _http_error(method: str, where: str, code: int, text: str) -> AlluxioError:
    """Alluxio answers errors with JSON ``{"statusCode": ..., "message": ...}``; anything else is not Alluxio."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict) or "statusCode" not in body:
        return AlluxioProtocolError("%s answered HTTP %s with something that is not an Alluxio error (%r): is it the "
                                    "Alluxio master web port (19999) or proxy (39999)?" % (where, code, text[:120]))
    if body["statusCode"] == "NOT_FOUND":
        return AlluxioNotFoundError(body.get("message") or where)
    return AlluxioCommandError([method, where], "%s %s" % (code, body["statusCode"]), body.get("message") or "")


class RestClient:
    """Alluxio's REST API: the master web port (``/api/v1/master``) for cluster data and exact counters, the proxy
    (``/api/v1/paths``, ``/api/v1/streams``) for paths. Each is an endpoint of :mod:`http`: a URL, or a pod's port
    through the Kubernetes API server; this class does not know which."""

    exact_metrics = True

    def __init__(self, master: Any, proxy: Any, worker_endpoint: Optional[Callable[[str, int], Any]] = None) -> None:
        self.master = master
        self.proxy = proxy
        self.worker_endpoint = worker_endpoint

    def _open(self, endpoint: Any, method: str, path: str, body: Optional[bytes] = None,
              content_type: Optional[str] = None) -> Any:
        """An answer with a 2xx status (its body unread); an Alluxio error answer becomes a typed error."""
        if body is None and method == "POST":
            body, content_type = b"", content_type or "application/json"
        answer = endpoint.open(method, path, body, content_type)
        if answer.status >= 300:
            text = answer.text()
            answer.close()
            raise _http_error(method, "%s%s" % (endpoint, path), answer.status, text)
        return answer

    def _request(self, endpoint: Any, method: str, path: str, body: Optional[bytes] = None,
                 content_type: Optional[str] = None) -> bytes:
        answer = self._open(endpoint, method, path, body, content_type)
        try:
            return answer.read()
        finally:
            answer.close()

    def _json(self, endpoint: Any, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        raw = self._request(endpoint, method, path, data, "application/json" if data is not None else None)
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            raise AlluxioProtocolError("%s%s did not answer with JSON (%r): is it an Alluxio port?"
                                       % (endpoint, path, raw[:80]))

    def master_info(self) -> Dict[str, Any]:
        info = self._json(self.master, "GET", "/api/v1/master/info")
        if not isinstance(info, dict) or "version" not in info or "workers" not in info:
            raise AlluxioProtocolError("%s answered, but not as an Alluxio master web port (no version/workers)"
                                       % self.master)
        return info

    def _path(self, path: str, action: str, body: Any = None, query: str = "") -> Any:
        # The path goes in as an alluxio: URI (/api/v1/paths/alluxio:/data/x/ACTION), not as //data/x: the Kubernetes
        # API server's pod proxy merges that double slash, and Alluxio then reads the relative path data/x. The root
        # has no such form (alluxio: alone is no URI); alluxio:// names it, but only where nothing merges slashes.
        if path == "/" and getattr(self.proxy, "merges_slashes", False):
            raise AlluxioError("the Alluxio root / cannot be named through %s: the API server's proxy merges the "
                               "slashes of alluxio://. Use a path below a directory (/data/x, not /x), or the rest or "
                               "k8s_exec transport" % self.proxy)
        return self._json(self.proxy, "POST", "/api/v1/paths/alluxio:%s/%s%s" % (quote(path, safe="/"), action, query),
                          body if body is not None else {})

    def _stream(self, stream: Any, action: str, data: Optional[bytes] = None) -> Any:
        """``write`` sends ``data`` as octets; ``read`` and ``close`` take no body (and refuse an octet-stream one)."""
        path = "/api/v1/streams/%s/%s" % (stream, action)
        if data is None:
            return self._open(self.proxy, "POST", path)
        return self._open(self.proxy, "POST", path, data, "application/octet-stream")

    def status(self, path: str) -> Optional[Dict[str, Any]]:
        try:
            answer = self._path(path, "get-status")
        except AlluxioNotFoundError:
            return None
        if not isinstance(answer, dict) or "path" not in answer:
            raise AlluxioProtocolError("%s answered get-status without a file status: is it an Alluxio proxy?"
                                       % self.proxy)
        return parsers.normalize_file_info(answer)

    def tree(self, path: str) -> Tuple[bool, List[Dict[str, Any]]]:
        """``(is_dir, files)`` from one ``list-status`` call (recursive): a file lists itself, a directory its tree."""
        entries = self._path(path, "list-status", {"recursive": True})
        if not isinstance(entries, list):
            raise AlluxioProtocolError("%s answered list-status without a list: is it an Alluxio proxy?" % self.proxy)
        statuses = [parsers.normalize_file_info(e) for e in entries]
        is_dir = not (len(statuses) == 1 and statuses[0]["path"] == path and not statuses[0]["is_dir"])
        files = [s for s in statuses if not s["is_dir"]]
        return is_dir, sorted(files, key=lambda f: f["path"])

    def children(self, path: str) -> List[Dict[str, Any]]:
        """The entries directly below directory ``path`` (``[]`` when it is missing)."""
        try:
            entries = self._path(path, "list-status")
        except AlluxioNotFoundError:
            return []
        if not isinstance(entries, list):
            raise AlluxioProtocolError("%s answered list-status without a list: is it an Alluxio proxy?" % self.proxy)
        return [parsers.normalize_file_info(e) for e in entries]

    def checksum(self, path: str) -> str:
        """MD5 of the file's bytes, read through the proxy in chunks (never the whole file in memory)."""
        digest = hashlib.md5()
        stream = self._path(path, "open-file")
        try:
            answer = self._stream(stream, "read")
            try:
                for chunk in iter(lambda: answer.read(localfs.CHUNK_SIZE), b""):
                    digest.update(chunk)
            finally:
                answer.close()
        finally:
            self._stream(stream, "close").close()
        return digest.hexdigest()

    def cluster(self) -> Dict[str, Any]:
        return {"workers": parsers.workers_from_master_info(self.master_info())}

    def metrics(self) -> Dict[str, int]:
        """Every counter of the master's metrics servlet (``/metrics/json/``: counters typed as such, exact)."""
        return parsers.counters_from_json(self._json(self.master, "GET", "/metrics/json/"), str(self.master))

    def worker_metrics(self) -> Dict[str, Dict[str, int]]:
        """Per-worker counters from each live worker's web port (``Worker.<name>.<host>``), by worker host."""
        if self.worker_endpoint is None:
            raise AlluxioError("per_worker needs the rest transport (the workers' web ports reached directly)")
        result = {}
        for worker in parsers.workers_from_master_info(self.master_info()):
            if worker["state"] == "LOST" or not worker["host"]:
                continue
            endpoint = self.worker_endpoint(worker["host"], worker.get("web_port") or 30000)
            result[worker["host"]] = parsers.worker_counters(self._json(endpoint, "GET", "/metrics/json/"),
                                                             worker["host"])
        return result

    def clear_metrics(self) -> None:
        raise AlluxioError("clearing metrics needs the alluxio CLI ('fsadmin metrics clear'): use the local or "
                           "k8s_exec transport, or pass a baseline instead of reset")

    def mkdir(self, path: str) -> None:
        self._path(path, "create-directory", {"recursive": True, "allowExists": True})

    def load(self, path: str) -> None:
        raise AlluxioError("loading %s into Alluxio's cache needs the alluxio CLI ('fs load'): use the local or "
                           "k8s_exec transport for cache=true" % path)

    def remove(self, path: str, recursive: bool = False) -> None:
        self._path(path, "delete", {"recursive": recursive, "unchecked": recursive})

    def rename(self, src: str, dst: str) -> None:
        self._path(src, "rename", query="?dst=" + quote(dst, safe="/"))

    def upload(self, local_path: str, dest: str) -> None:
        """Write a file, or every directory and file of a tree, through the proxy's streams, one chunk at a time.

        Special files and unreadable ones are refused before anything is written; the caller removes what a failure
        leaves under ``dest`` (a temporary name).
        """
        is_dir, entries = localfs.scan(local_path)
        if is_dir:
            self.mkdir(dest)
        for entry in entries:
            target = dest if not entry.rel else "%s/%s" % (dest, entry.rel)
            if entry.is_dir:
                self.mkdir(target)
            else:
                self._upload_file(entry.path, entry.size, target)

    def _upload_file(self, local_path: str, size: int, dest: str) -> None:
        stream = self._path(dest, "create-file", {"writeType": "CACHE_THROUGH", "recursive": True})
        try:
            for chunk in localfs.read_chunks(local_path, size):
                self._stream(stream, "write", chunk).close()
        finally:
            self._stream(stream, "close").close()
