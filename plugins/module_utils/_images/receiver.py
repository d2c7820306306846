# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Feeding image bytes to a runtime's loader while hashing them, so a bad byte never becomes an image.

The bytes go to the *sink* (the loader's stdin, optionally through a decompressor, or a new file) as they arrive,
and are hashed as they pass: one pass, no temporary copy. The end of the input - the part without which no loader
can make an image (an archive's metadata and end-of-archive blocks) - is held back until the sha256 of everything
is known and matches; if it does not, or the input stops short, the loader is killed before it saw that part, so it
makes no image. ``docker load``, ``podman load`` and ``ctr images import`` all read their input to the end of the
archive before they create an image.

Two users:

- ``container_image_load`` calls :func:`feed_file` to load an archive with its checksum checked in the same pass.
- ``container_image_stream`` sends this file's source to each node and runs it there as
  ``python3 -c <source> <spec>``: :func:`main` reads the framed stream from stdin (:func:`receive`) and prints a JSON
  result. That is why this file uses the standard library only, runs on any Python 3.6+, and raises its own
  :class:`TransferError` (the callers turn it into the collection's typed errors).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import struct
import subprocess
import sys
import threading

MAGIC = b"ALLUXIO-SPARK-K8S-IMAGE-STREAM-1\n"
# A frame: kind (1 byte), payload length (8 bytes, big endian), payload.
FRAME = struct.Struct(">cQ")
DATA = b"D"  # forward now
HOLD = b"H"  # forward only after the checksum matched; always after every DATA frame
END = b"E"  # payload: JSON {"sha256": hex, "bytes": n} of DATA + HOLD payloads, in order
CHUNK = 1 << 20
MAX_HOLD = 64 << 20
# feed_file holds back the last bytes of a file: more than an archive's end-of-archive blocks and record padding.
FILE_TAIL = 1 << 20
_OUTPUT_KEPT = 64 << 10


class TransferError(Exception):
    """The bytes did not arrive whole, did not match, or the loader refused them; nothing was loaded."""


class ChecksumMismatch(TransferError):
    pass


class _Tail:
    """The last bytes a process printed, read by a thread so the process never blocks on a full pipe."""

    def __init__(self, handle):
        self.data = b""
        self.thread = threading.Thread(target=self._read, args=(handle,))
        self.thread.daemon = True
        self.thread.start()

    def _read(self, handle):
        for chunk in iter(lambda: handle.read(65536), b""):
            self.data = (self.data + chunk)[-_OUTPUT_KEPT:]
        handle.close()

    def text(self, wait=5.0):
        self.thread.join(wait)
        return self.data.decode("utf-8", "replace").strip()


def _kill(proc):
    if proc is not None and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass


class Sink:
    """Where the bytes go: ``load`` (argv reading an archive on stdin), optionally behind ``decompress`` (argv
    decompressing stdin to stdout), or ``path`` (a file created here, mode 0600, never an existing one).

    ``timeout`` bounds the whole transfer: when it passes, the processes are killed, which fails the transfer.
    """

    def __init__(self, load=None, decompress=None, path=None, timeout=None):
        if bool(load) == bool(path):
            raise TransferError("internal error: a sink takes a loader command or a file path")
        self.load = list(load or [])
        self.decompress = list(decompress or [])
        self.path = path
        self.timeout = timeout
        self.first = self.loader = self.file = self.input = None
        self.outputs = []
        self.timer = None
        self.timed_out = False

    def start(self):
        if self.path:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            try:
                self.file = os.fdopen(os.open(self.path, flags, 0o600), "wb")
            except OSError as exc:
                raise TransferError("cannot create %s: %s" % (self.path, exc.strerror))
            self.input = self.file
            return self
        try:
            if self.decompress:
                self.first = subprocess.Popen(self.decompress, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, start_new_session=True)
                self.outputs.append(_Tail(self.first.stderr))
            self.loader = subprocess.Popen(self.load, stdin=self.first.stdout if self.first else subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                           start_new_session=True)
        except OSError as exc:
            self.abort()
            raise TransferError("cannot run %s: %s" % ((self.decompress or self.load)[0], exc.strerror))
        if self.first:
            self.first.stdout.close()
        self.outputs.append(_Tail(self.loader.stdout))
        self.input = self.first.stdin if self.first else self.loader.stdin
        if self.timeout:
            self.timer = threading.Timer(self.timeout, self._expire)
            self.timer.daemon = True
            self.timer.start()
        return self

    def _expire(self):
        self.timed_out = True
        _kill(self.first)
        _kill(self.loader)

    def output(self):
        return "\n".join(tail.text() for tail in self.outputs if tail.text())

    def _failed(self, what):
        if self.timed_out:
            return TransferError("the load did not finish within %s s and was stopped" % self.timeout)
        return TransferError("%s: %s" % (what, self.output()[-2000:] or "(no output)"))

    def write(self, data):
        try:
            self.input.write(data)
        except (OSError, ValueError) as exc:
            if self.file is not None:
                raise TransferError("cannot write %s: %s" % (self.path, exc))
            raise self._failed("%s stopped reading its input" % self.load[0])

    def commit(self):
        """Finish: close the input, wait for the loader; TransferError if it failed. Returns its output."""
        if self.file is not None:
            try:
                self.file.flush()
                os.fsync(self.file.fileno())
                self.file.close()
            except OSError as exc:
                self.abort()
                raise TransferError("cannot write %s: %s" % (self.path, exc))
            return ""
        try:
            self.input.close()
        except OSError:
            pass
        codes = [proc.wait() for proc in (self.first, self.loader) if proc is not None]
        if self.timer:
            self.timer.cancel()
        if any(codes):
            names = " | ".join(argv[0] for argv in (self.decompress, self.load) if argv)
            raise self._failed("%s exited with %s" % (names, "/".join(str(code) for code in codes)))
        return self.output()

    def abort(self):
        """Stop without finishing: kill the loader (before it could make an image), or remove the file."""
        if self.timer:
            self.timer.cancel()
        for proc in (self.first, self.loader):
            _kill(proc)
        for proc in (self.first, self.loader):
            if proc is not None:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    pass
        try:
            if self.input is not None:
                self.input.close()
        except (OSError, ValueError):
            pass  # buffered bytes for a loader that is gone
        if self.file is not None and self.path:
            try:
                os.unlink(self.path)
            except OSError:
                pass


def _check(digest, count, expected, expected_bytes=None):
    if expected_bytes is not None and count != expected_bytes:
        raise ChecksumMismatch("received %d bytes, the sender sent %d" % (count, expected_bytes))
    if expected and digest != expected:
        raise ChecksumMismatch("checksum mismatch: expected sha256:%s, got sha256:%s" % (expected, digest))


def feed_file(handle, sink, expected=None):
    """Feed an open file to a started sink, holding back its last FILE_TAIL bytes until its sha256 is known; commit
    if it matches ``expected`` (hex; None checks nothing), else abort. Returns (sha256 hex, bytes, loader output)."""
    digest = hashlib.sha256()
    count = 0
    pending = b""
    try:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            count += len(chunk)
            pending += chunk
            if len(pending) > FILE_TAIL:
                sink.write(pending[:-FILE_TAIL])
                pending = pending[-FILE_TAIL:]
        _check(digest.hexdigest(), count, expected)
        sink.write(pending)
        output = sink.commit()
    except BaseException:
        sink.abort()
        raise
    return digest.hexdigest(), count, output


def _exact(stream, count, what):
    parts = []
    while count:
        piece = stream.read(min(count, CHUNK))
        if not piece:
            raise TransferError("the stream stopped %s: the sender or the connection failed" % what)
        parts.append(piece)
        count -= len(piece)
    return b"".join(parts)


def receive(stream, sink):
    """Read a framed stream into a started sink; commit only when the END frame's checksum matches.

    Returns {sha256, bytes, output}. On any failure the sink is aborted and TransferError raised.
    """
    digest = hashlib.sha256()
    count = 0
    held = []
    held_size = 0
    try:
        if _exact(stream, len(MAGIC), "before it began") != MAGIC:
            raise TransferError("the input is not an image stream")
        while True:
            kind, length = FRAME.unpack(_exact(stream, FRAME.size, "after %d bytes, before its end" % count))
            if kind == END:
                info = json.loads(_exact(stream, length, "in its end frame").decode("utf-8"))
                _check(digest.hexdigest(), count, info.get("sha256"), info.get("bytes"))
                for piece in held:
                    sink.write(piece)
                output = sink.commit()
                return {"sha256": digest.hexdigest(), "bytes": count, "output": output[-4000:]}
            if kind not in (DATA, HOLD) or (kind == DATA and held):
                raise TransferError("the stream is malformed (frame %r after %d bytes)" % (kind, count))
            if kind == HOLD:
                held_size += length
                if held_size > MAX_HOLD:
                    raise TransferError("the stream holds back more than %d bytes" % MAX_HOLD)
            left = length
            while left:
                piece = _exact(stream, min(left, CHUNK), "after %d bytes, in the middle of a frame" % count)
                left -= len(piece)
                digest.update(piece)
                count += len(piece)
                if kind == DATA:
                    sink.write(piece)
                else:
                    held.append(piece)
    except BaseException:
        sink.abort()
        raise


class _Stop(Exception):
    pass


def _stop(signum, _frame):
    raise _Stop("stopped by signal %d" % signum)


def main(args):
    """``python3 -c <this source> '<spec JSON>'``: spec = {load, decompress, path, timeout}. Prints one JSON line."""
    spec = json.loads(args[0])
    timeout = int(spec.get("timeout") or 0)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGALRM):
        signal.signal(signum, _stop)
    if timeout:
        signal.alarm(timeout)
    try:
        sink = Sink(load=spec.get("load"), decompress=spec.get("decompress"), path=spec.get("path"))
        result = dict(receive(sys.stdin.buffer, sink.start()), ok=True)
    except _Stop as exc:
        result = {"ok": False, "error": "the receiver was %s (timeout %s s)" % (exc, timeout)}
    except (TransferError, ValueError, OSError) as exc:
        result = {"ok": False, "error": str(exc), "mismatch": isinstance(exc, ChecksumMismatch)}
    signal.alarm(0)
    try:
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    except OSError:
        pass  # the sender is gone (its connection broke): nobody to tell
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
