# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Memory stays bounded by a chunk whatever the size of the data: a file about four times larger than the whole
address space the process may use (RLIMIT_AS, as ``ulimit -v``) is uploaded over REST, checksummed over REST, and
streamed into a pod as tar for k8s_exec, in a child process that has that limit.

The far ends are stand-ins that only count and hash what they receive (an HTTP sink for the proxy, a reader of the
tar stream for the pod): what is measured is this side's memory.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

FILE_SIZE = 768 * 1024 * 1024
HEADROOM = 96 * 1024 * 1024
_ZEROS_MD5 = None


def zeros_md5(size):
    digest = hashlib.md5()
    block = b"\0" * (8 * 1024 * 1024)
    for dummy in range(size // len(block)):
        digest.update(block)
    digest.update(b"\0" * (size % len(block)))
    return digest.hexdigest()


class Sink(http.server.BaseHTTPRequestHandler):
    """Alluxio proxy paths and streams for one file: writes are hashed, a read streams FILE_SIZE zero bytes."""

    def do_POST(self):  # noqa: N802  # the name http.server calls
        length = int(self.headers.get("Content-Length") or 0)
        digest = self.server.digest
        left = length
        while left:
            chunk = self.rfile.read(min(left, 1 << 20))
            left -= len(chunk)
            if self.path.endswith("/write"):
                digest.update(chunk)
                self.server.received += len(chunk)
        if self.path.endswith("/create-file") or self.path.endswith("/open-file"):
            return self._send(b"7")
        if self.path.endswith("/read"):
            self.send_response(200)
            self.send_header("Content-Length", str(FILE_SIZE))
            self.end_headers()
            block = b"\0" * (1 << 20)
            for dummy in range(FILE_SIZE // len(block)):
                self.wfile.write(block)
            return None
        return self._send(b"%d" % length)

    def _send(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def log_message(self, *args):
        pass


CHILD = textwrap.dedent('''
    import hashlib, json, resource, sys
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.cli import PodCliHost
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.http import UrlEndpoint
    from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.rest import RestClient

    url, path, headroom = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open("/proc/self/status") as status:
        vm_size = int(status.read().split("VmSize:")[1].split()[0]) * 1024
    limit = vm_size + headroom
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    class PodReader:
        namespace, pod = "ns", "pod"
        def __init__(self):
            self.digest, self.size = hashlib.md5(), 0
        def run_reading_exact(self, argv, chunks, timeout=None):
            for chunk in chunks:
                self.digest.update(chunk)
                self.size += len(chunk)
            assert self.size == int(argv[-1])
            return 0, "/tmp/.ansible-alluxio-1-%s" % argv[-2], ""
        def run(self, argv, data=None, timeout=None):
            return 0, "", ""

    client = RestClient(UrlEndpoint(url, "master web port", 60), UrlEndpoint(url, "REST proxy", 60))
    client.upload(path, "/big.bin")
    checksum = client.checksum("/big.bin")
    pod = PodReader()
    PodCliHost(pod, 60).stage(path)
    print(json.dumps({"limit": limit, "checksum": checksum, "tar_bytes": pod.size}))
''')


@pytest.mark.timeout(300)
def test_a_file_larger_than_the_memory_limit(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:  # sparse: no disk, reads as zeros
        handle.truncate(FILE_SIZE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    server.digest, server.received = hashlib.md5(), 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        proc = subprocess.run([sys.executable, "-c", CHILD, "http://127.0.0.1:%d" % server.server_address[1],
                               str(big), str(HEADROOM)], capture_output=True, text=True, env=env, timeout=280,
                              check=False)
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    expected = zeros_md5(FILE_SIZE)
    assert FILE_SIZE > 3 * result["limit"]
    assert server.received == FILE_SIZE and server.digest.hexdigest() == expected
    assert result["checksum"] == expected
    assert result["tar_bytes"] > FILE_SIZE
