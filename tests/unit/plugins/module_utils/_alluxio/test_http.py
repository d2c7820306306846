# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two HTTP endpoints: a URL (against a real local HTTP server) and a pod port through the API server's proxy
(against a stand-in for the kubernetes client's connection pool; the lab's integration test uses a real one).

The API server answers in the bodies below are what kube-apiserver 1.34 sends (Status objects, ``kind: Status``).
"""

from __future__ import annotations

import http.server
import io
import json
import socket
import threading

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import http as alluxio_http
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.rest import RestClient
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioConnectionError,
    AlluxioError,
    AlluxioNotFoundError,
)

urllib3 = pytest.importorskip("urllib3")


def status(code, reason, message):
    return json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                       "message": message, "reason": reason, "code": code}).encode()


class FakeResponse(io.BytesIO):
    def __init__(self, code, body, content_type="application/json"):
        super().__init__(body)
        self.status = code
        self.headers = {"Content-Type": content_type}
        self.released = False

    def release_conn(self):
        self.released = True


class FakePool:
    def __init__(self, answer):
        self.answer = answer
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class FakeConfiguration:
    host = "https://10.0.0.1:6443"

    def auth_settings(self):
        return {"BearerToken": {"in": "header", "key": "authorization", "value": "Bearer t0ken"}}


class FakeApiClient:
    def __init__(self, answer):
        self.configuration = FakeConfiguration()
        self.default_headers = {"User-Agent": "test"}
        self.rest_client = type("Rest", (), {})()
        self.rest_client.pool_manager = FakePool(answer)


def endpoint(answer, port=19999):
    api = FakeApiClient(answer)
    return alluxio_http.PodProxyEndpoint(api, "alluxio", "alluxio-master-0", port, "master web port",
                                         "alluxio_web_port", 7), api.rest_client.pool_manager


def test_request_goes_to_the_pod_proxy_with_the_client_credentials():
    ep, pool = endpoint(FakeResponse(200, b'{"version": "2.9.6"}'))
    answer = ep.open("GET", "/api/v1/master/info")
    assert answer.status == 200 and json.loads(answer.read()) == {"version": "2.9.6"}
    method, url, kwargs = pool.calls[0]
    assert (method, url) == ("GET", "https://10.0.0.1:6443/api/v1/namespaces/alluxio/pods/alluxio-master-0:19999"
                                    "/proxy/api/v1/master/info")
    assert kwargs["headers"]["authorization"] == "Bearer t0ken" and kwargs["headers"]["User-Agent"] == "test"
    assert kwargs["preload_content"] is False and kwargs["retries"] is False
    assert kwargs["timeout"].connect_timeout == 7 and kwargs["timeout"].read_timeout == 7


def test_body_and_content_type_are_sent():
    ep, pool = endpoint(FakeResponse(200, b"3"))
    ep.open("POST", "/api/v1/streams/3/write", b"\x00\x01", "application/octet-stream")
    kwargs = pool.calls[0][2]
    assert kwargs["body"] == b"\x00\x01" and kwargs["headers"]["Content-Type"] == "application/octet-stream"


@pytest.mark.parametrize("code, reason, message, expected, why", [
    (404, "NotFound", 'pods "alluxio-master-0" not found', "pod alluxio/alluxio-master-0 not found", "pod_not_found"),
    (403, "Forbidden", 'pods "alluxio-master-0" is forbidden: User "u" cannot get resource "pods/proxy"',
     "'get' and 'create' on 'pods/proxy' in namespace alluxio", "forbidden"),
    (401, "Unauthorized", "Unauthorized", "unauthorized (HTTP 401)", "unauthorized"),
    (503, "ServiceUnavailable", "error trying to reach service: dial tcp 10.244.1.5:19999: connect: connection refused",
     "nothing answers on port 19999 of pod alluxio/alluxio-master-0 (the Alluxio master web port, alluxio_web_port)",
     "unreachable"),
])
def test_api_server_refusals_are_typed(code, reason, message, expected, why):
    ep, dummy = endpoint(FakeResponse(code, status(code, reason, message)))
    with pytest.raises(AlluxioConnectionError) as err:
        ep.open("GET", "/api/v1/master/info")
    assert expected in str(err.value) and err.value.reason == why


def test_an_alluxio_error_from_the_pod_is_passed_through():
    body = b'{"statusCode":"NOT_FOUND","message":"Path \\"/x\\" does not exist."}'
    ep, dummy = endpoint(FakeResponse(500, body))
    answer = ep.open("POST", "/api/v1/paths//x/get-status", b"{}", "application/json")
    assert answer.status == 500 and answer.read() == body


def test_the_rest_client_reads_a_missing_path_through_the_pod_proxy():
    body = b'{"statusCode":"NOT_FOUND","message":"Path \\"/x\\" does not exist."}'
    ep, dummy = endpoint(FakeResponse(500, body), port=39999)
    assert RestClient(ep, ep).status("/x") is None
    ep, dummy = endpoint(FakeResponse(500, body), port=39999)
    with pytest.raises(AlluxioNotFoundError):
        RestClient(ep, ep).tree("/x")


def test_the_rest_client_cannot_load_and_says_what_can():
    ep, dummy = endpoint(FakeResponse(200, b"{}"), port=39999)
    with pytest.raises(AlluxioError, match=r"needs the alluxio CLI \('fs load'\): use the local or k8s_exec"):
        RestClient(ep, ep).load("/x")
    assert dummy.calls == []


def test_an_unreachable_api_server_names_it():
    ep, dummy = endpoint(urllib3.exceptions.MaxRetryError(None, "/", "Connection refused"))
    with pytest.raises(AlluxioConnectionError, match="cannot reach the Kubernetes API server at https://10.0.0.1:6443"):
        ep.open("GET", "/api/v1/master/info")


def test_a_silent_pod_times_out():
    ep, dummy = endpoint(urllib3.exceptions.ReadTimeoutError(None, "/", "Read timed out."))
    with pytest.raises(AlluxioConnectionError, match="did not answer within 7 s") as err:
        ep.open("GET", "/api/v1/master/info")
    assert err.value.reason == "timeout"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  # the name http.server calls
        if self.path == "/api/v1/master/info":
            body, code = b'{"version": "2.9.6", "workers": []}', 200
        else:
            body, code = b"<html>Error 404 Not Found</html>", 404
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_url_endpoint_answers_with_every_status(server):
    ep = alluxio_http.UrlEndpoint(server, "master web port", 5)
    assert json.loads(ep.open("GET", "/api/v1/master/info").read())["version"] == "2.9.6"
    missing = ep.open("GET", "/nope")
    assert missing.status == 404 and b"404" in missing.read()


def test_url_endpoint_says_what_to_check_when_nothing_listens():
    with socket.socket() as sock:  # a port that was free a moment ago and that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ep = alluxio_http.UrlEndpoint("http://127.0.0.1:%d" % port, "master web port", 5)
    with pytest.raises(AlluxioConnectionError, match="cannot reach http://127.0.0.1:.*Alluxio master web port is running"):
        ep.open("GET", "/api/v1/master/info")
