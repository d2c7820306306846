# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The exec runner against a fake websocket stream; the end-to-end test against a real API server is separate."""

from __future__ import annotations

import json
import time

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s import exec as k8s_exec
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.exec import PodExecError, PodExec

pytestmark = pytest.mark.skipif(k8s_exec.KUBERNETES_IMPORT_ERROR is not None, reason="kubernetes client not installed")

SUCCESS = json.dumps({"metadata": {}, "status": "Success"}).encode()
EXIT_3 = json.dumps({
    "metadata": {}, "status": "Failure", "message": "command terminated with non-zero exit code: exit status 3",
    "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}}).encode()
NOT_FOUND_EXEC = json.dumps({
    "metadata": {}, "status": "Failure", "reason": "InternalError", "code": 500,
    "message": "failed to exec in container: exec: \"alluxioo\": executable file not found in $PATH"}).encode()


class FakeStream:
    """Behaves like kubernetes.stream.ws_client.WSClient in binary mode: frames arrive one per update()."""

    def __init__(self, frames, subprotocol="v5.channel.k8s.io", never_closes=False):
        self.frames = list(frames)
        self.subprotocol = subprotocol
        self.never_closes = never_closes
        self.channels = {}
        self.stdin = []
        self.closed_channels = []
        self.closed = False
        self.open = True

    def is_open(self):
        return self.open

    def update(self, timeout=0):
        if self.frames:
            channel, data = self.frames.pop(0)
            self.channels[channel] = self.channels.get(channel, b"") + data
        elif not self.never_closes:
            self.open = False

    def read_channel(self, channel, timeout=0):
        return self.channels.pop(channel, b"")

    def write_stdin(self, data):
        assert isinstance(data, bytes)
        self.stdin.append(data)

    def close_channel(self, channel):
        self.closed_channels.append(channel)

    def close(self):
        self.closed = True
        self.open = False


class FakeConfiguration:
    host = "https://127.0.0.1:6443"


class FakeApi:
    class api_client:  # pylint: disable=invalid-name
        configuration = FakeConfiguration()

    def connect_get_namespaced_pod_exec(self, *args, **kwargs):
        raise AssertionError("called through stream() only")


def runner_with(monkeypatch, result, container=None):
    calls = []

    def fake_stream(method, pod, namespace, **kwargs):
        calls.append((method, pod, namespace, kwargs))
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(k8s_exec, "stream", fake_stream)
    return PodExec(FakeApi(), "alluxio", "alluxio-master-0", container), calls


def test_rc_zero_collects_stdout_and_stderr(monkeypatch):
    fake = FakeStream([(1, b"Alluxio version: "), (2, b"warn\n"), (1, b"2.9.4\n"), (3, SUCCESS)])
    runner, calls = runner_with(monkeypatch, fake, container="alluxio-master")
    assert runner.run(["alluxio", "version"]) == (0, "Alluxio version: 2.9.4\n", "warn\n")
    method, pod, namespace, kwargs = calls[0]
    assert (pod, namespace) == ("alluxio-master-0", "alluxio")
    assert kwargs["command"] == ["alluxio", "version"] and kwargs["container"] == "alluxio-master"
    assert kwargs["_preload_content"] is False and kwargs["stdin"] is False and kwargs["tty"] is False
    assert fake.closed


def test_no_container_lets_the_server_pick(monkeypatch):
    runner, calls = runner_with(monkeypatch, FakeStream([(3, SUCCESS)]))
    runner.run(["true"])
    assert "container" not in calls[0][3]


def test_non_zero_exit_code_is_returned(monkeypatch):
    runner, dummy = runner_with(monkeypatch, FakeStream([(2, b"Path /x does not exist\n"), (3, EXIT_3)]))
    assert runner.run(["alluxio", "fs", "stat", "/x"]) == (3, "", "Path /x does not exist\n")


def test_command_that_cannot_start_raises(monkeypatch):
    runner, dummy = runner_with(monkeypatch, FakeStream([(3, NOT_FOUND_EXEC)]))
    with pytest.raises(PodExecError, match="executable file not found") as err:
        runner.run(["alluxioo"])
    assert err.value.reason == "exec_failed"


def test_stream_closed_without_status_raises(monkeypatch):
    runner, dummy = runner_with(monkeypatch, FakeStream([(1, b"partial")]))
    with pytest.raises(PodExecError, match="without an exit status"):
        runner.run(["sleep", "100"])


def test_stdin_is_sent_in_chunks_then_closed(monkeypatch):
    data = bytes(bytearray(range(256))) * 1024 + b"tail"  # 256 KiB + 4 bytes: five chunks
    fake = FakeStream([(3, SUCCESS)])
    runner, calls = runner_with(monkeypatch, fake)
    assert runner.run(["sh", "-c", 'cat > "$1"', "sh", "/tmp/x"], data=data) == (0, "", "")
    assert calls[0][3]["stdin"] is True
    assert [len(chunk) for chunk in fake.stdin] == [k8s_exec.STDIN_CHUNK_SIZE] * 4 + [4]
    assert b"".join(fake.stdin) == data
    assert fake.closed_channels == [k8s_exec.STDIN_CHANNEL]


def test_text_stdin_is_utf8(monkeypatch):
    fake = FakeStream([(3, SUCCESS)])
    runner, dummy = runner_with(monkeypatch, fake)
    runner.run(["cat"], data=u"gr\u00fc\u00df")
    assert fake.stdin == [u"gr\u00fc\u00df".encode("utf-8")]


def test_stdin_needing_eof_on_v4_is_refused(monkeypatch):
    fake = FakeStream([(3, SUCCESS)], subprotocol="v4.channel.k8s.io")
    runner, dummy = runner_with(monkeypatch, fake)
    with pytest.raises(PodExecError, match="v4 exec protocol") as err:
        runner.run(["sh", "-c", "cat > /tmp/x"], data=b"abc")
    assert err.value.reason == "stdin_not_closable" and fake.stdin == [] and fake.closed


def test_reading_an_exact_byte_count_works_on_v4(monkeypatch):
    fake = FakeStream([(3, SUCCESS)], subprotocol="v4.channel.k8s.io")
    runner, calls = runner_with(monkeypatch, fake)
    argv = ["sh", "-c", 'head -c "$2" > "$1"', "sh", "/tmp/a b", "5"]
    assert runner.run_reading_exact(argv, b"hello") == (0, "", "")
    assert calls[0][3]["command"] == argv
    assert fake.stdin == [b"hello"] and fake.closed_channels == []


def test_stdin_from_an_iterable_is_sent_as_it_comes(monkeypatch):
    fake = FakeStream([(3, SUCCESS)])
    runner, dummy = runner_with(monkeypatch, fake)
    sent = []

    def chunks():
        for index in range(3):
            sent.append(index)
            yield bytes([index]) * (k8s_exec.STDIN_CHUNK_SIZE + 1)

    runner.run(["sh", "-c", "cat > /dev/null"], data=chunks())
    assert sent == [0, 1, 2]
    assert [len(c) for c in fake.stdin] == [k8s_exec.STDIN_CHUNK_SIZE, 1] * 3
    assert fake.closed_channels == [k8s_exec.STDIN_CHANNEL]


def test_stdin_that_is_not_read_in_time_times_out(monkeypatch):
    fake = FakeStream([(3, SUCCESS)])
    runner, dummy = runner_with(monkeypatch, fake)

    def slow():
        yield b"a"
        time.sleep(0.2)
        yield b"b"

    with pytest.raises(PodExecError, match="did not read its input within 0.1 s") as err:
        runner.run_reading_exact(["head", "-c", "2"], slow(), timeout=0.1)
    assert err.value.reason == "timeout" and fake.closed


def test_timeout(monkeypatch):
    fake = FakeStream([], never_closes=True)
    runner, dummy = runner_with(monkeypatch, fake)
    with pytest.raises(PodExecError, match="did not finish within 0.05 s") as err:
        runner.run(["sleep", "60"], timeout=0.05)
    assert err.value.reason == "timeout" and fake.closed


def test_argv_must_be_a_list(monkeypatch):
    runner, calls = runner_with(monkeypatch, FakeStream([]))
    with pytest.raises(PodExecError, match="argv list"):
        runner.run("alluxio fs ls /")
    assert calls == []


def handshake_error(status_line, message):
    body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message})
    return k8s_exec.ApiException(status=0, reason="Handshake status %s -+-+- {'content-type': 'application/json'} "
                                                  "-+-+- b'%s'" % (status_line, body))


@pytest.mark.parametrize("error, reason, text", [
    (handshake_error("404 Not Found", 'pods "alluxio-master-0" not found'), "pod_not_found",
     "pod alluxio/alluxio-master-0 not found"),
    (handshake_error("400 Bad Request", "container nope is not valid for pod alluxio-master-0"), "container_not_found",
     "container nope is not valid"),
    (handshake_error("403 Forbidden", 'pods "alluxio-master-0" is forbidden: User "x" cannot create resource'),
     "forbidden", "'create' and 'get' on 'pods/exec' in namespace alluxio"),
    (k8s_exec.ApiException(status=0, reason="[Errno 111] Connection refused"), "unreachable",
     "API server at https://127.0.0.1:6443 was unreachable"),
])
def test_open_errors_are_typed(monkeypatch, error, reason, text):
    runner, dummy = runner_with(monkeypatch, error)
    with pytest.raises(PodExecError) as err:
        runner.run(["alluxio", "version"])
    assert err.value.reason == reason
    assert text in str(err.value)


def test_old_client_without_binary_streams(monkeypatch):
    runner, dummy = runner_with(monkeypatch, TypeError("Got an unexpected keyword argument 'binary' to method x"))
    with pytest.raises(PodExecError, match="kubernetes>=30"):
        runner.run(["true"])


def test_exact_reader_stdin_is_not_closed_after_the_command_ended(monkeypatch):
    # v5 protocol: the command read its exact byte count and exited, and the server closed the stream with the last
    # chunk; closing stdin then would fail ("socket is already closed"), so it is not done.
    class ClosedAfterLastChunk(FakeStream):
        def close_channel(self, channel):
            raise RuntimeError("socket is already closed.")

    fake = ClosedAfterLastChunk([(3, SUCCESS)])
    runner, dummy = runner_with(monkeypatch, fake)
    assert runner.run_reading_exact(["head", "-c", "5"], b"hello") == (0, "", "")
    assert fake.stdin == [b"hello"]
