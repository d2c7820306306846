# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two clients with one interface: the ``alluxio`` CLI (run by a runner: locally or in a pod) and the REST ports.

Both return the data of :mod:`parsers`: file statuses, worker lists, counters. Callers never see which transport
answered, except through ``exact_metrics`` (the CLI rounds byte counters, the REST ports do not).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid

from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import parsers
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioCommandError,
    AlluxioConnectionError,
    AlluxioError,
    AlluxioNotFoundError,
    AlluxioProtocolError,
)

_NOT_FOUND = re.compile(r"does not exist|FileDoesNotExistException|NOT_FOUND|not found", re.IGNORECASE)
_MD5 = re.compile(r"md5sum:\s*([0-9a-f]{32})")
_VERSION = re.compile(r"(\d+\.\d+\.\d+\S*)")


def temp_name(path):
    """A sibling of ``path`` to write into before the rename that makes the result visible."""
    parent, dummy, name = path.rstrip("/").rpartition("/")
    return "%s/.%s.ansible-tmp-%s" % (parent, name, uuid.uuid4().hex[:12])


class CliClient(object):
    """The ``alluxio`` command, run through a runner with ``run(argv, data=None) -> (rc, stdout, stderr)``."""

    exact_metrics = False

    def __init__(self, runner, cli=("alluxio",)):
        self.runner = runner
        self.cli = list(cli)

    def _run(self, args, allow_missing=False):
        argv = self.cli + list(args)
        rc, out, err = self.runner.run(argv)
        if rc != 0:
            text = "%s\n%s" % (out, err)
            if allow_missing and _NOT_FOUND.search(text):
                return None
            raise AlluxioCommandError(argv, rc, text)
        return out

    def version(self):
        out = self._run(["version"])
        match = _VERSION.search(out)
        if not match:
            raise AlluxioProtocolError("'alluxio version' printed no version: %r" % out[:200])
        return match.group(1)

    def status(self, path):
        out = self._run(["fs", "stat", path], allow_missing=True)
        if out is None:
            return None
        return parsers.parse_stat(out)[0]

    def tree(self, path):
        """``(is_dir, files)``: every file at or below ``path`` with its blocks, in one exec round trip.

        One ``fs stat`` of the path, then one ``fs stat`` with a wildcard per directory level (``/d/*``, ``/d/*/*``...)
        until a level matches nothing, all in one shell: the JVMs started grow with the tree's depth, not with its
        number of files. The paths and the CLI are passed as arguments, never spliced into the script.
        """
        argv = ["sh", "-c", _TREE_SCRIPT, "sh", path] + self.cli
        rc, out, err = self.runner.run(argv)
        if rc != 0:
            text = "%s\n%s" % (out, err)
            if _NOT_FOUND.search(text) and "is a " not in out:
                raise AlluxioNotFoundError("%s does not exist in Alluxio" % path)
            raise AlluxioCommandError(["sh", "-c", "<stat by level>", path], rc, text)
        statuses = parsers.parse_stat(out)
        top = statuses[0]
        files = [s for s in statuses if not s["is_dir"]]
        return top["is_dir"], sorted(files, key=lambda f: f["path"])

    def checksum(self, path):
        out = self._run(["fs", "checksum", path])
        match = _MD5.search(out)
        if not match:
            raise AlluxioProtocolError("'alluxio fs checksum' printed no md5sum: %r" % out[:200])
        return match.group(1)

    def cluster(self):
        return parsers.parse_capacity(self._run(["fsadmin", "report", "capacity"]))

    def metrics(self):
        parsed = parsers.parse_metrics(self._run(["fsadmin", "report", "metrics"]))
        return dict((name, entry["value"]) for name, entry in parsed.items())

    def clear_metrics(self):
        self._run(["fsadmin", "metrics", "clear"])

    def mkdir(self, path):
        self._run(["fs", "mkdir", path])

    def remove(self, path, recursive=False):
        # -U: do not refuse when the UFS copy of a directory was changed behind Alluxio's back.
        self._run(["fs", "rm"] + (["-R", "-U"] if recursive else []) + [path])

    def rename(self, src, dst):
        self._run(["fs", "mv", src, dst])

    def upload(self, local_path, dest):
        """copyFromLocal of a file or directory tree on the module's host (staged into the pod for k8s_exec)."""
        staged = self.runner.stage(local_path)
        try:
            self._run(["fs", "copyFromLocal", staged, dest])
        finally:
            self.runner.cleanup(staged)


# $1 is the path, the rest is the alluxio command. A level that matches nothing ends the walk; other errors fail it.
_TREE_SCRIPT = r"""
base=$1; shift
"$@" fs stat "$base" || exit $?
pattern=${base%/}
while :; do
  pattern="$pattern/*"
  out=$("$@" fs stat "$pattern"); rc=$?
  if [ "$rc" -ne 0 ]; then
    case "$out" in *"$pattern does not exist."*) exit 0 ;; esac
    printf '%s\n' "$out"; exit "$rc"
  fi
  printf '%s\n' "$out"
done
"""


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


_CHUNK = 8 * 1024 * 1024


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
        return self._json(self.proxy, "POST", "/api/v1/paths/%s/%s%s" % (quote(path, safe="/"), action, query),
                          body if body is not None else {})

    def _stream(self, stream: Any, action: str, body: bytes = b"") -> Any:
        return self._open(self.proxy, "POST", "/api/v1/streams/%s/%s" % (stream, action), body,
                          "application/octet-stream")

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

    def checksum(self, path: str) -> str:
        """MD5 of the file's bytes, read through the proxy in chunks (never the whole file in memory)."""
        digest = hashlib.md5()
        stream = self._path(path, "open-file")
        try:
            answer = self._stream(stream, "read")
            try:
                for chunk in iter(lambda: answer.read(_CHUNK), b""):
                    digest.update(chunk)
            finally:
                answer.close()
        finally:
            self._stream(stream, "close").close()
        return digest.hexdigest()

    def cluster(self) -> Dict[str, Any]:
        return {"workers": parsers.workers_from_master_info(self.master_info())}

    def metrics(self) -> Dict[str, Any]:
        return parsers.metrics_from_json(self.master_info())

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

    def remove(self, path: str, recursive: bool = False) -> None:
        self._path(path, "delete", {"recursive": recursive, "unchecked": recursive})

    def rename(self, src: str, dst: str) -> None:
        self._path(src, "rename", query="?dst=" + quote(dst, safe="/"))

    def upload(self, local_path: str, dest: str) -> None:
        """Write a file, or every file of a directory tree, through the proxy's streams."""
        if os.path.isdir(local_path):
            self.mkdir(dest)
            for top, dirs, names in os.walk(local_path):
                dirs.sort()
                rel = os.path.relpath(top, local_path)
                base = dest if rel == "." else "%s/%s" % (dest, rel.replace(os.sep, "/"))
                for name in dirs:
                    self.mkdir("%s/%s" % (base, name))
                for name in sorted(names):
                    self._upload_file(os.path.join(top, name), "%s/%s" % (base, name))
        else:
            self._upload_file(local_path, dest)

    def _upload_file(self, local_path: str, dest: str) -> None:
        stream = self._path(dest, "create-file", {"writeType": "CACHE_THROUGH", "recursive": True})
        try:
            with open(local_path, "rb") as handle:
                for chunk in iter(lambda: handle.read(_CHUNK), b""):
                    self._stream(stream, "write", chunk).close()
        finally:
            self._stream(stream, "close").close()
