# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-flight checksum: the loader (a real process) finishes only when every byte arrived and matched.

The loader here is a shell that, like the runtimes' loaders, makes its result only after its input ended: it
writes what it reads to ``out.part`` and renames it to ``out`` at the end. A loader that was killed leaves no
``out``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import receiver
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import archive


def loader(tmp_path):
    return ["sh", "-c", 'cat > "$0/out.part" && mv "$0/out.part" "$0/out"', str(tmp_path)]


def frames(data, hold=b"", digest=None, count=None):
    out = [receiver.MAGIC]
    for start in range(0, len(data), 4096):
        piece = data[start:start + 4096]
        out.append(receiver.FRAME.pack(receiver.DATA, len(piece)) + piece)
    if hold:
        out.append(receiver.FRAME.pack(receiver.HOLD, len(hold)) + hold)
    whole = data + hold
    end = json.dumps({"sha256": digest or hashlib.sha256(whole).hexdigest(),
                      "bytes": len(whole) if count is None else count}).encode()
    out.append(receiver.FRAME.pack(receiver.END, len(end)) + end)
    return b"".join(out)


def tiny():
    with open(archive("tiny.tar"), "rb") as handle:
        return handle.read()


def test_a_whole_stream_reaches_the_loader(tmp_path):
    data = tiny()
    result = receiver.receive(io.BytesIO(frames(data[:-1024], data[-1024:])),
                              receiver.Sink(load=loader(tmp_path)).start())
    assert result["sha256"] == hashlib.sha256(data).hexdigest() and result["bytes"] == len(data)
    assert (tmp_path / "out").read_bytes() == data


def test_a_corrupted_byte_is_detected_and_nothing_is_loaded(tmp_path):
    data = bytearray(tiny())
    stream = bytearray(frames(bytes(data[:-1024]), bytes(data[-1024:])))
    # One byte of the layer flipped in flight: the END frame still carries the sender's checksum.
    stream[len(receiver.MAGIC) + receiver.FRAME.size + 3000] ^= 0x01
    with pytest.raises(receiver.ChecksumMismatch, match="checksum mismatch"):
        receiver.receive(io.BytesIO(bytes(stream)), receiver.Sink(load=loader(tmp_path)).start())
    assert not (tmp_path / "out").exists()


def test_a_stream_cut_off_midway_loads_nothing(tmp_path):
    stream = frames(tiny()[:-1024], tiny()[-1024:])
    with pytest.raises(receiver.TransferError, match="stopped"):
        receiver.receive(io.BytesIO(stream[:5000]), receiver.Sink(load=loader(tmp_path)).start())
    assert not (tmp_path / "out").exists()


def test_missing_bytes_are_detected_even_with_a_matching_digest(tmp_path):
    data = tiny()
    with pytest.raises(receiver.ChecksumMismatch, match="received"):
        receiver.receive(io.BytesIO(frames(data, count=len(data) + 1)), receiver.Sink(load=loader(tmp_path)).start())
    assert not (tmp_path / "out").exists()


def test_data_after_the_held_part_is_refused(tmp_path):
    stream = receiver.MAGIC + receiver.FRAME.pack(receiver.HOLD, 3) + b"abc" + receiver.FRAME.pack(
        receiver.DATA, 3) + b"def"
    with pytest.raises(receiver.TransferError, match="malformed"):
        receiver.receive(io.BytesIO(stream), receiver.Sink(load=loader(tmp_path)).start())


def test_a_loader_that_fails_fails_the_transfer(tmp_path):
    sink = receiver.Sink(load=["sh", "-c", "cat >/dev/null; echo 'no space left' >&2; exit 3"]).start()
    with pytest.raises(receiver.TransferError, match="exited with 3: no space left"):
        receiver.receive(io.BytesIO(frames(tiny())), sink)


def test_a_file_sink_never_overwrites_and_is_removed_on_failure(tmp_path):
    target = tmp_path / "image.tar"
    target.write_bytes(b"old")
    with pytest.raises(receiver.TransferError, match="cannot create"):
        receiver.Sink(path=str(target)).start()
    assert target.read_bytes() == b"old"
    fresh = tmp_path / "fresh.tar"
    with pytest.raises(receiver.ChecksumMismatch):
        receiver.receive(io.BytesIO(frames(tiny(), digest="0" * 64)), receiver.Sink(path=str(fresh)).start())
    assert not fresh.exists()
    receiver.receive(io.BytesIO(frames(tiny())), receiver.Sink(path=str(fresh)).start())
    assert fresh.read_bytes() == tiny() and oct(fresh.stat().st_mode & 0o777) == "0o600"


def test_feed_file_checks_in_the_same_pass(tmp_path):
    data = tiny()
    good = hashlib.sha256(data).hexdigest()
    with open(archive("tiny.tar"), "rb") as handle:
        with pytest.raises(receiver.ChecksumMismatch):
            receiver.feed_file(handle, receiver.Sink(load=loader(tmp_path)).start(), "1" * 64)
    assert not (tmp_path / "out").exists()
    with open(archive("tiny.tar"), "rb") as handle:
        digest, count, _output = receiver.feed_file(handle, receiver.Sink(load=loader(tmp_path)).start(), good)
    assert (digest, count) == (good, len(data)) and (tmp_path / "out").read_bytes() == data


def test_a_decompressor_in_front_of_the_loader(tmp_path):
    with open(archive("tiny.tar.gz"), "rb") as handle:
        expected = hashlib.sha256(open(archive("tiny.tar.gz"), "rb").read()).hexdigest()
        receiver.feed_file(handle, receiver.Sink(load=loader(tmp_path), decompress=["gzip", "-d", "-c"]).start(),
                           expected)
    assert (tmp_path / "out").read_bytes() == tiny()


def test_a_loader_that_hangs_is_stopped_by_the_timeout(tmp_path):
    sink = receiver.Sink(load=["sh", "-c", "sleep 30"], timeout=1).start()
    with pytest.raises(receiver.TransferError, match="did not finish within 1 s"):
        sink.write(b"x" * (1 << 20))
        sink.write(b"x" * (1 << 20))
        sink.commit()


def test_main_runs_as_the_node_side_program(tmp_path):
    """What the fan-out runs on a node: python3 -c <source> <spec>, the stream on stdin, one JSON line out."""
    with open(receiver.__file__) as handle:
        source = handle.read()
    spec = json.dumps({"load": loader(tmp_path), "timeout": 60})
    good = subprocess.run([sys.executable, "-c", source, spec], input=frames(tiny()), stdout=subprocess.PIPE,
                          check=False, timeout=60)
    assert good.returncode == 0 and json.loads(good.stdout)["ok"] and (tmp_path / "out").read_bytes() == tiny()
    os.unlink(tmp_path / "out")
    cut = subprocess.run([sys.executable, "-c", source, spec], input=frames(tiny())[:3000], stdout=subprocess.PIPE,
                         check=False, timeout=60)
    answer = json.loads(cut.stdout)
    assert cut.returncode == 1 and not answer["ok"] and "stopped" in answer["error"]
    assert not (tmp_path / "out").exists()
