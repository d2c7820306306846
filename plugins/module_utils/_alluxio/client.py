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

from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.urls import open_url

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


def _http_error(method, url, code, text):
    """Alluxio answers errors with JSON ``{"statusCode": ..., "message": ...}``; anything else is not Alluxio."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict) or "statusCode" not in body:
        return AlluxioProtocolError("%s answered HTTP %s with something that is not an Alluxio error (%r): is it the "
                                    "Alluxio master web port (19999) or proxy (39999)?" % (url, code, text[:120]))
    if body["statusCode"] == "NOT_FOUND":
        return AlluxioNotFoundError(body.get("message") or url)
    return AlluxioCommandError([method, url], "%s %s" % (code, body["statusCode"]), body.get("message") or "")


class RestClient(object):
    """The master web port (``/api/v1/master``) for cluster data and exact counters, the proxy for paths."""

    exact_metrics = True

    def __init__(self, master_url, proxy_url, timeout=30, validate_certs=True):
        self.master_url = master_url.rstrip("/")
        self.proxy_url = proxy_url.rstrip("/")
        self.timeout = timeout
        self.validate_certs = validate_certs

    def _request(self, url, method="GET", body=None, content_type="application/json"):
        try:
            response = open_url(url, method=method, data=body, timeout=self.timeout, validate_certs=self.validate_certs,
                                headers={"Content-Type": content_type} if body is not None or method == "POST" else {})
            return response.read()
        except Exception as exc:  # pylint: disable=broad-exception-caught
            code = getattr(exc, "code", None)
            if code is not None:
                payload = exc.read() if hasattr(exc, "read") else b""
                raise _http_error(method, url, code, payload.decode("utf-8", "replace"))
            raise AlluxioConnectionError("cannot reach %s: %s. Check the URL and that the Alluxio %s is running."
                                         % (url, exc, "master" if url.startswith(self.master_url) else "proxy"))

    def _json(self, url, method="GET", body=None):
        raw = self._request(url, method, None if body is None else json.dumps(body).encode("utf-8"))
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            raise AlluxioProtocolError("%s did not answer with JSON (%r): is it an Alluxio port?" % (url, raw[:80]))

    def master_info(self):
        info = self._json(self.master_url + "/api/v1/master/info")
        if not isinstance(info, dict) or "version" not in info or "workers" not in info:
            raise AlluxioProtocolError("%s answered, but not as an Alluxio master web port (no version/workers)"
                                       % self.master_url)
        return info

    def _path(self, path, action, body=None, query=""):
        url = "%s/api/v1/paths/%s/%s%s" % (self.proxy_url, quote(path, safe="/"), action, query)
        return self._json(url, "POST", body if body is not None else {})

    def version(self):
        return self.master_info()["version"]

    def status(self, path):
        try:
            answer = self._path(path, "get-status")
        except AlluxioNotFoundError:
            return None
        if not isinstance(answer, dict) or "path" not in answer:
            raise AlluxioProtocolError("%s answered get-status without a file status: is it an Alluxio proxy?"
                                       % self.proxy_url)
        return parsers.normalize_file_info(answer)

    def tree(self, path):
        """``(is_dir, files)`` from one ``list-status`` call (recursive): a file lists itself, a directory its tree."""
        entries = self._path(path, "list-status", {"recursive": True})
        if not isinstance(entries, list):
            raise AlluxioProtocolError("%s answered list-status without a list: is it an Alluxio proxy?" % self.proxy_url)
        statuses = [parsers.normalize_file_info(e) for e in entries]
        is_dir = not (len(statuses) == 1 and statuses[0]["path"] == path and not statuses[0]["is_dir"])
        files = [s for s in statuses if not s["is_dir"]]
        return is_dir, sorted(files, key=lambda f: f["path"])

    def checksum(self, path):
        digest = hashlib.md5()
        stream = self._path(path, "open-file")
        try:
            digest.update(self._request("%s/api/v1/streams/%s/read" % (self.proxy_url, stream), "POST", b""))
        finally:
            self._request("%s/api/v1/streams/%s/close" % (self.proxy_url, stream), "POST", b"")
        return digest.hexdigest()

    def cluster(self):
        return {"workers": parsers.workers_from_master_info(self.master_info())}

    def metrics(self):
        return parsers.metrics_from_json(self.master_info())

    def worker_metrics(self):
        """Per-worker counters from each live worker's web port (``Worker.<name>.<host>``), by worker host."""
        result = {}
        scheme = self.master_url.split("://", 1)[0]
        for worker in parsers.workers_from_master_info(self.master_info()):
            if worker["state"] == "LOST" or not worker["host"]:
                continue
            url = "%s://%s:%s/metrics/json/" % (scheme, worker["host"], worker.get("web_port") or 30000)
            result[worker["host"]] = parsers.worker_counters(self._json(url), worker["host"])
        return result

    def clear_metrics(self):
        raise AlluxioError("clearing metrics needs the alluxio CLI ('fsadmin metrics clear'): use the local or "
                           "k8s_exec transport, or pass a baseline instead of reset")

    def mkdir(self, path):
        self._path(path, "create-directory", {"recursive": True, "allowExists": True})

    def remove(self, path, recursive=False):
        self._path(path, "delete", {"recursive": recursive, "unchecked": recursive})

    def rename(self, src, dst):
        self._path(src, "rename", query="?dst=" + quote(dst, safe="/"))

    def upload(self, local_path, dest):
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

    def _upload_file(self, local_path, dest):
        stream = self._path(dest, "create-file", {"writeType": "CACHE_THROUGH", "recursive": True})
        base = "%s/api/v1/streams/%s" % (self.proxy_url, stream)
        try:
            with open(local_path, "rb") as handle:
                while True:
                    chunk = handle.read(8 * 1024 * 1024)
                    if not chunk:
                        break
                    self._request(base + "/write", "POST", chunk, "application/octet-stream")
        finally:
            self._request(base + "/close", "POST", b"")
