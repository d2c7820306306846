# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-ins that answer with what the real Alluxio 2.9.6 answered (tests/unit/fixtures/alluxio-2.9.6, captured by
capture.sh): an ``alluxio`` command for the CLI transports and an HTTP server for the REST ones.

They replay; they do not emulate. A call that was not planned answers with an error that says so, and every call is
recorded, so a test can assert what was (or was not) asked.
"""

from __future__ import annotations

import http.server
import json
import os
import stat
import sys
import threading

FIXTURES = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "fixtures", "alluxio-2.9.6"))


def fixture(name: str) -> str:
    with open(os.path.join(FIXTURES, name + ".out")) as handle:
        return handle.read()


def fixture_rc(name: str) -> int:
    with open(os.path.join(FIXTURES, name + ".rc")) as handle:
        return int(handle.read().strip())


_CLI = r'''#!%(python)s
import json, sys, time
plan = json.load(open(%(plan)r))
key = " ".join(sys.argv[1:])
with open(%(log)r, "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\n")
answer = plan.get(key, plan.get("*"))
if answer is None:
    sys.stdout.write("replay: no answer planned for 'alluxio %%s'\n" %% key)
    sys.exit(97)
time.sleep(answer.get("sleep", 0))
sys.stdout.write(answer.get("out", ""))
sys.stderr.write(answer.get("err", ""))
sys.exit(answer.get("rc", 0))
'''


class ReplayCli:
    """An executable ``alluxio`` in ``directory``: ``answer(args, ...)`` plans what ``alluxio ARGS`` prints."""

    def __init__(self, directory) -> None:
        self.path = os.path.join(str(directory), "alluxio")
        self.plan_path = os.path.join(str(directory), "alluxio-plan.json")
        self.log_path = os.path.join(str(directory), "alluxio-calls.log")
        self.plan = {}
        with open(self.path, "w") as handle:
            handle.write(_CLI % {"python": sys.executable, "plan": self.plan_path, "log": self.log_path})
        os.chmod(self.path, os.stat(self.path).st_mode | stat.S_IXUSR)
        self._save()

    def _save(self) -> None:
        with open(self.plan_path, "w") as handle:
            json.dump(self.plan, handle)

    def answer(self, args, capture=None, out="", rc=None, err="", sleep=0):
        """``alluxio ARGS`` prints the captured ``capture`` (with its exit code) or ``out``; ``args="*"`` for any."""
        if capture is not None:
            out, rc = fixture(capture), fixture_rc(capture) if rc is None else rc
        key = args if isinstance(args, str) else " ".join(args)
        self.plan[key] = {"out": out, "rc": rc or 0, "err": err, "sleep": sleep}
        self._save()
        return self

    @property
    def calls(self):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as handle:
            return [json.loads(line) for line in handle]


class _Handler(http.server.BaseHTTPRequestHandler):
    def _reply(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.calls.append((self.command, self.path, body))
        code, payload = self.server.routes.get((self.command, self.path), (404, b"<html>Error 404 Not Found</html>"))
        if callable(payload):
            payload = payload(body)
        self.send_response(code)
        self.send_header("Content-Type", "application/json" if payload[:1] in (b"{", b"[") else "text/html")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _reply

    def log_message(self, *args):
        pass


class ReplayHttp:
    """A local HTTP server: ``route(method, path, capture=...)`` plans the captured body (and status) for a request."""

    def __init__(self, port: int = 0) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.routes = {}
        self.server.calls = []
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]

    def route(self, method, path, capture=None, body=b"", code=200):
        if capture is not None:
            body, code = fixture(capture).encode(), fixture_rc(capture)
        self.server.routes[(method, path)] = (code, body)
        return self

    @property
    def calls(self):
        return self.server.calls

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
