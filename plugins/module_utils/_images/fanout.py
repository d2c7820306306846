# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One ``docker save``, many streams: an image read once on this host and sent to many nodes at once.

The save is read member by member (``tarstream``). Nodes that need the same bytes form a *group*; each group's
output is built as the save flows - passed through for docker and podman, rearranged into an OCI layout for
containerd, a node's layers left out when its runtime can reuse them - and its sha256 is computed once, as the
bytes pass. Every node of a group gets the same frames through its own ssh connection and bounded queue; at the
node, ``receiver.py`` hashes again while it feeds the runtime's loader and lets the loader finish only if the two
checksums agree. A node whose connection breaks is dropped from its group and reported; the others go on.

Memory stays bounded: at most ``QUEUE_CHUNKS`` chunks of ``CHUNK`` bytes per node plus the archive's metadata.
"""

from __future__ import annotations

import hashlib
import json
import pkgutil
import queue
import resource
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import layout
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import (
    CommandHost,
    LocalHost,
    SshHost,
    kill_group,
    pipe_reader,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError, ImageError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.receiver import DATA, END, FRAME, HOLD, MAGIC
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import normalize_id, split_reference
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runtimes import (
    DockerRuntime,
    Image,
    Runtime,
    make_runtime,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.tarstream import (
    END_OF_ARCHIVE,
    Member,
    TarReader,
    file_header,
    padding,
)

CHUNK = 1 << 20
QUEUE_CHUNKS = 16
_SENTINEL = None


def receiver_source() -> str:
    """The source of ``receiver.py``, sent to the nodes (it imports nothing from the collection)."""
    data = pkgutil.get_data(__name__.rsplit(".", 1)[0], "receiver.py")
    if not data:
        raise ImageError("internal error: receiver.py is missing from the collection")
    return data.decode("utf-8")


class Target:
    """One node: where to reach it, its runtime there, and what it got."""

    def __init__(self, name: str, runtime: Runtime, python: str = "python3", dest: Optional[str] = None) -> None:
        self.name = name
        self.runtime = runtime
        self.python = python
        self.dest = dest
        self.present: List[bool] = []
        self.before: Optional[str] = None
        self.result: Dict[str, Any] = {"status": "pending"}
        self.group: Optional["_Group"] = None
        self.proc: Optional["subprocess.Popen[bytes]"] = None
        self.queue: "queue.Queue[Optional[Tuple[bytes, bytes]]]" = queue.Queue(QUEUE_CHUNKS)
        self.broken: Optional[str] = None
        self.threads: List[threading.Thread] = []
        self.stdout = b""
        self.stderr = b""

    @property
    def host(self) -> CommandHost:
        return self.runtime.host

    @property
    def format(self) -> str:
        return "file" if self.dest else self.runtime.stream_format

    def fail(self, msg: str) -> None:
        self.result = {"status": "failed", "msg": msg}


class _Group:
    """Targets that get byte-identical streams: same format, same layers left out."""

    def __init__(self, fmt: str, skipped: Set[int]) -> None:
        self.format = fmt
        self.skipped = skipped
        self.targets: List[Target] = []
        self.digest = hashlib.sha256()
        self.count = 0
        self.layers_sent: Set[int] = set()
        self.held: List[bytes] = []
        self.holding = False

    def send(self, data: bytes, kind: bytes = DATA) -> None:
        if not data:
            return
        if kind == DATA and self.holding:
            raise ImageError("internal error: data after the held part")
        self.holding = self.holding or kind == HOLD
        self.digest.update(data)
        self.count += len(data)
        for target in self.targets:
            if not target.broken:
                target.queue.put((kind, data))

    def end(self) -> None:
        info = json.dumps({"sha256": self.digest.hexdigest(), "bytes": self.count}).encode()
        for target in self.targets:
            if not target.broken:
                target.queue.put((END, info))


class _Save:
    """What the save told so far: which member holds which layer (by position), sizes, config and manifest."""

    def __init__(self, image: Image) -> None:
        self.image = image
        self.chains = layout.chain_ids(image.layers)
        self.positions: Dict[str, List[int]] = {}
        for position, diff_id in enumerate(image.layers):
            self.positions.setdefault(diff_id, []).append(position)
        self.dir_position: Dict[str, int] = {}
        self.member_positions: Dict[str, List[int]] = {}
        self.member_size: Dict[str, int] = {}
        self.config: Optional[bytes] = None
        self.config_name = ""
        self.docker_manifest: Optional[bytes] = None

    def classify(self, member: Member) -> Tuple[str, Optional[List[int]]]:
        """(kind, layer positions or None when unknown): kind is layer, config, v1json, metadata, dir or other."""
        name = member.name
        if not member.is_file:
            return "dir", None
        if name in layout.METADATA:
            return "metadata", None
        head, _sep, tail = name.partition("/")
        if name.startswith("blobs/sha256/"):
            digest = "sha256:" + name[len("blobs/sha256/"):]
            if digest == self.image.image_id:
                return "config", None
            if digest in self.positions:
                return "layer", self.positions[digest]
            return "other", None
        if tail == "layer.tar":
            position = self.dir_position.get(head)
            return "layer", None if position is None else [position]
        if tail == "json":
            return "v1json", None
        if not tail and name.endswith(".json") and "sha256:" + name[:-len(".json")] == self.image.image_id:
            return "config", None
        return "other", None

    def learn_v1(self, member: Member, content: bytes) -> None:
        directory = member.name.partition("/")[0]
        position = layout.legacy_layer_position(directory, content, self.chains)
        if position is not None:
            self.dir_position[directory] = position

    def layer_sizes(self) -> List[Tuple[str, int]]:
        """(diff ID, size) of every layer, in order, from what the whole save showed."""
        if self.docker_manifest is not None and self.config_name:
            names = layout.docker_manifest_layers(self.docker_manifest, self.config_name)
            if len(names) != len(self.image.layers):
                raise ArchiveError("the save's manifest.json lists %d layers, the image has %d"
                                   % (len(names), len(self.image.layers)))
            for position, name in enumerate(names):
                known = self.member_positions.get(name)
                if known is not None and position not in known:
                    raise ArchiveError("the save's manifest.json puts %s at layer %d, not where its v1 ID said"
                                       % (name, position))
                self.member_positions[name] = [position]
        sizes: Dict[int, int] = {}
        for name, positions in self.member_positions.items():
            for position in positions:
                sizes[position] = self.member_size[name]
        missing = [self.image.layers[p][:19] for p in range(len(self.image.layers)) if p not in sizes]
        if missing:
            raise ArchiveError("the save did not include the layers %s" % ", ".join(missing))
        return [(diff_id, sizes[position]) for position, diff_id in enumerate(self.image.layers)]


class FanOut:
    """Distribute ``name`` (image ``image``) from ``source`` (this host's Docker) to ``targets``."""

    def __init__(self, source: DockerRuntime, name: str, image: Image, targets: Sequence[Target],
                 timeout: float) -> None:
        self.source = source
        self.name = name
        self.image = image
        self.targets = list(targets)
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.save_bytes = 0
        self.expired = False
        self.save_proc: Optional["subprocess.Popen[bytes]"] = None

    # --- planning
    def groups(self, partial: bool) -> List[_Group]:
        groups: Dict[Tuple[str, frozenset], _Group] = {}
        for target in self.targets:
            skipped: frozenset = frozenset()
            if partial and target.runtime.partial_archive and not target.dest:
                skipped = frozenset(p for p, held in enumerate(target.present) if held)
            key = (target.format, skipped)
            if key not in groups:
                groups[key] = _Group(target.format, set(skipped))
            groups[key].targets.append(target)
            target.group = groups[key]
        return list(groups.values())

    # --- the nodes' ends
    def _spec(self, target: Target) -> Dict[str, Any]:
        if target.dest:
            return {"path": target.dest, "timeout": int(self.timeout)}
        return {"load": target.runtime.load_argv(), "timeout": int(self.timeout)}

    def _start(self, target: Target, code: str) -> None:
        argv = [target.python, "-c", code, json.dumps(self._spec(target))]
        target.proc = target.host.start(argv)
        readers = [threading.Thread(target=self._collect, args=(target, "stdout")),
                   threading.Thread(target=self._collect, args=(target, "stderr")),
                   threading.Thread(target=self._write, args=(target,))]
        for thread in readers:
            thread.daemon = True
            thread.start()
        target.threads = readers

    @staticmethod
    def _collect(target: Target, stream: str) -> None:
        if target.proc is None:
            raise ImageError("%s: no transfer was started" % target.name)
        setattr(target, stream, pipe_reader(getattr(target.proc, stream), 256 << 10))

    @staticmethod
    def _write(target: Target) -> None:
        if target.proc is None or target.proc.stdin is None:
            raise ImageError("%s: no transfer was started" % target.name)
        pipe = target.proc.stdin
        try:
            pipe.write(MAGIC)
            while True:
                item = target.queue.get()
                if item is _SENTINEL:
                    break
                kind, data = item
                pipe.write(FRAME.pack(kind, len(data)))
                pipe.write(data)
            pipe.flush()
        except (OSError, ValueError) as exc:
            target.broken = "the connection broke while sending (%s)" % exc
            while target.queue.get() is not _SENTINEL:
                pass
        finally:
            try:
                pipe.close()
            except (OSError, ValueError):
                pass

    def _expire(self) -> None:
        self.expired = True
        for proc in [self.save_proc] + [t.proc for t in self.targets]:
            if proc is not None:
                kill_group(proc)

    # --- the stream
    def run(self, partial: bool = True) -> None:
        """Stream to every target; each target's ``result`` says what happened. Raises ImageError only when the
        save itself failed (then every target failed)."""
        groups = self.groups(partial)
        code = receiver_source()
        for target in self.targets:
            try:
                self._start(target, code)
            except ImageError as exc:
                target.broken = str(exc)
        timer = threading.Timer(max(self.deadline - time.monotonic(), 0), self._expire)
        timer.daemon = True
        timer.start()
        try:
            try:
                save = self._save(groups)
            except BaseException:
                for target in self.targets:
                    target.broken = target.broken or "the save failed"
                    if target.proc is not None:
                        kill_group(target.proc)
                raise
            finally:
                for target in self.targets:
                    target.queue.put(_SENTINEL)
            self._finish(groups, save)
        finally:
            timer.cancel()

    def _save(self, groups: List[_Group]) -> _Save:
        argv = self.source.save_argv(self.name)
        self.save_proc = self.source.host.start(argv, stdin=subprocess.DEVNULL)
        if self.save_proc.stdout is None or self.save_proc.stderr is None:
            raise ImageError("'%s' was started without pipes" % " ".join(argv))
        errors: List[bytes] = []
        reader_thread = threading.Thread(target=lambda: errors.append(pipe_reader(self.save_proc.stderr)))
        reader_thread.daemon = True
        reader_thread.start()
        raw = [g for g in groups if g.format == "file"]
        shaped = [g for g in groups if g.format != "file"]
        tap = _Tap(self.save_proc.stdout.read, raw)
        reader = TarReader(tap.read, "the output of '%s'" % " ".join(argv))
        save = _Save(self.image)
        try:
            while True:
                member = reader.next()
                if member is None:
                    break
                self._route(member, reader, save, shaped)
                tap.flush()
            drained = reader.drain()
            tap.flush()
        except ArchiveError as exc:
            kill_group(self.save_proc)
            self.save_proc.wait()
            reader_thread.join(10)
            detail = b"".join(errors).decode("utf-8", "replace").strip()
            if self.expired:
                raise ImageError("the distribution of %s did not finish within %s s" % (self.name, self.timeout))
            raise ImageError("%s%s" % (exc, (": " + detail[-1000:]) if detail else ""))
        rc = self.save_proc.wait()
        reader_thread.join(10)
        if rc != 0:
            raise ImageError("'%s' failed with exit code %s: %s"
                             % (" ".join(argv), rc, b"".join(errors).decode("utf-8", "replace")[-1000:]))
        self.save_bytes = reader.offset + drained
        for group in shaped:
            self._tail(group, save)
        for group in groups:
            group.end()
        return save

    def _route(self, member: Member, reader: TarReader, save: _Save, groups: List[_Group]) -> None:
        kind, positions = save.classify(member)
        if kind == "layer":
            save.member_size[member.name] = member.size
            if positions is not None:
                save.member_positions[member.name] = positions
            # A layer nobody could identify goes to everyone: more bytes, never a missing layer.
            sending = [g for g in groups if positions is None or not g.skipped.issuperset(positions)]
            digest = self.image.layers[positions[0]] if positions else None
            for group in sending:
                if group.format == "docker-archive":
                    group.send(member.header)
                else:
                    group.send(file_header(layout.blob_name(digest) if digest else
                                           "blobs/unidentified/" + member.name.replace("/", "-"), member.size))
                group.layers_sent.update(positions or ())
            for piece in reader.data(CHUNK):
                for group in sending:
                    group.send(piece)
            return
        content = reader.read_whole(member)
        whole = member.header + content + b"\0" * padding(member.size)
        if kind == "v1json":
            save.learn_v1(member, content)
        elif kind == "config":
            save.config, save.config_name = content, member.name
        elif kind == "metadata" and member.name == "manifest.json":
            save.docker_manifest = content
        for group in groups:
            if group.format == "docker-archive":
                if kind == "metadata":
                    group.held.append(whole)
                else:
                    group.send(whole)
            elif kind == "config":
                group.send(file_header(layout.blob_name(self.image.image_id), member.size) + content
                           + b"\0" * padding(member.size))

    def _tail(self, group: _Group, save: _Save) -> None:
        """The held part: a docker archive's metadata, or the OCI manifest, index and layout; then the end."""
        if group.format == "oci":
            if save.config is None:
                raise ArchiveError("the save of %s holds no config %s" % (self.name, self.image.image_id))
            _domain, _path, tag, _digest = split_reference(self.name)
            manifest, digest, index = layout.oci_documents(
                self.image.image_id, len(save.config), save.layer_sizes(), self.source_name_for(group), tag,
                layout.config_platform(save.config))
            group.held = [file_header(layout.blob_name(digest), len(manifest)) + manifest
                          + b"\0" * padding(len(manifest)),
                          file_header("oci-layout", len(layout.OCI_LAYOUT)) + layout.OCI_LAYOUT
                          + b"\0" * padding(len(layout.OCI_LAYOUT)),
                          file_header("index.json", len(index)) + index + b"\0" * padding(len(index))]
        for piece in group.held + [END_OF_ARCHIVE]:
            group.send(piece, HOLD)

    def source_name_for(self, group: _Group) -> str:
        return group.targets[0].runtime.stored_name(self.name) if group.targets else self.name

    def _finish(self, groups: List[_Group], save: _Save) -> None:
        for target in self.targets:
            for thread in target.threads:
                thread.join(max(self.deadline - time.monotonic(), 1))
            if target.proc is not None:
                try:
                    target.proc.wait(max(self.deadline - time.monotonic(), 1))
                except subprocess.TimeoutExpired:
                    kill_group(target.proc)
                    target.proc.wait()
                    target.broken = target.broken or "the node did not finish within %s s" % self.timeout
            self._judge(target, save)

    def _judge(self, target: Target, save: _Save) -> None:
        group = target.group
        if group is None:
            raise ImageError("%s: judged before it was given a group" % target.name)
        lines = [line for line in target.stdout.decode("utf-8", "replace").splitlines() if line.startswith("{")]
        answer: Dict[str, Any] = {}
        if lines:
            try:
                answer = json.loads(lines[-1])
            except ValueError:
                answer = {}
        if not answer.get("ok"):
            reason = answer.get("error") or target.broken or target.stderr.decode("utf-8", "replace").strip()[-1000:]
            if self.expired:
                reason = "did not finish within %s s (%s)" % (self.timeout, reason)
            target.fail("%s got nothing%s: %s" % (target.name, "" if target.dest else " loaded", reason
                                                  or "the connection ended without an answer (rc %s)"
                                                  % (target.proc.returncode if target.proc else "?")))
            return
        if answer.get("sha256") != group.digest.hexdigest():
            target.fail("%s: the node's checksum differs from the one sent" % target.name)
            return
        result = {"status": "written" if target.dest else "loaded", "bytes_sent": group.count,
                  "sha256": "sha256:" + group.digest.hexdigest(), "format": group.format,
                  "layers_sent": len(group.layers_sent), "layers_skipped": len(group.skipped),
                  "output": answer.get("output", "")}
        if not target.dest:
            try:
                after = target.runtime.image_id(target.runtime.stored_name(self.name))
            except ImageError as exc:
                target.fail("%s: loaded, but the check afterwards failed: %s" % (target.name, exc))
                return
            if after != self.image.image_id:
                target.fail("%s: %s loaded the stream, but %s is %s afterwards, not %s" % (
                    target.name, target.runtime.name, self.name, after or "absent", self.image.image_id))
                return
        target.result = result


class _Tap:
    """Reads from the save and copies every raw byte to the groups that want the archive as it is."""

    def __init__(self, read: Any, groups: List[_Group]) -> None:
        self._read = read
        self.groups = groups
        self.buffer = bytearray()

    def read(self, count: int) -> bytes:
        data = self._read(count)
        if self.groups and data:
            self.buffer += data
            if len(self.buffer) >= CHUNK:
                self.flush()
        return data

    def flush(self) -> None:
        if self.buffer:
            data = bytes(self.buffer)
            self.buffer = bytearray()
            for group in self.groups:
                group.send(data)


def probe(targets: Sequence[Target], name: str, image: Image, partial: bool, force: bool,
          workers: int = 16) -> None:
    """Ask every target, in parallel, whether it holds the image (and which layers), filling ``before`` and
    ``present``; a target that cannot be asked is failed."""

    def ask(target: Target) -> None:
        if target.dest:
            return
        try:
            target.before = target.runtime.image_id(target.runtime.stored_name(name))
            if target.before == image.image_id and not force:
                target.result = {"status": "present"}
                return
            if partial and target.runtime.partial_archive:
                target.present = target.runtime.present_layers(image.layers)
        except ImageError as exc:
            target.fail("%s: %s" % (target.name, exc))

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets)))) as pool:
        list(pool.map(ask, targets))


def peak_rss_bytes() -> int:
    """The peak resident memory of this process (the module), in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def target_from_params(spec: Dict[str, Any], timeout: float, control_dir: Optional[str] = None) -> Target:
    """A :class:`Target` from one entry of container_image_stream's ``targets``."""
    python = spec.get("python") or "python3"
    if spec.get("connection") == "local":
        host: CommandHost = LocalHost()
        python = sys.executable
    else:
        ssh = dict(spec.get("ssh") or {})
        ssh["host"] = ssh.get("host") or spec["name"]
        host = SshHost(ssh, connect_timeout=int(min(timeout, 30)), control_dir=control_dir)
    runtime = make_runtime(spec.get("runtime") or "docker", host, spec.get("runtime_path"),
                           spec.get("runtime_args") or [], spec.get("namespace") or "k8s.io", timeout)
    return Target(spec["name"], runtime, python, spec.get("dest"))


def stream(source: DockerRuntime, name: str, image_id: Optional[str], targets: List[Target], partial: bool,
           force: bool, load_timeout: float, check_mode: bool) -> Dict[str, Any]:
    """container_image_stream's result: probe every target, stream to those that lack the image, check them."""
    names = [target.name for target in targets]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ImageError("targets name the same node twice: %s" % ", ".join(duplicates))
    image = source.inspect(name, layers=True)
    if image is None:
        raise ImageError("%s is not in the Docker engine on this host; build or pull it first" % name)
    if image_id and normalize_id(image_id) != image.image_id:
        raise ImageError("%s is %s in the Docker engine on this host, not the expected %s (it changed since it was "
                         "read: run again)" % (name, image.image_id, normalize_id(image_id)))
    probe(targets, name, image, partial, force)
    needing = [t for t in targets if t.result["status"] == "pending"]
    result: Dict[str, Any] = dict(changed=bool(needing), image=name, image_id=image.image_id, layers=image.layers,
                                  save_bytes=0)
    if check_mode:
        for target in needing:
            target.result = {"status": "would_load" if not target.dest else "would_write"}
    elif needing:
        fan = FanOut(source, name, image, needing, load_timeout)
        try:
            fan.run(partial)
        except ImageError as exc:
            for target in needing:
                target.fail("%s got nothing: %s" % (target.name, exc))
        result["save_bytes"] = fan.save_bytes
    result["targets"] = {}
    for target in targets:
        entry = dict(target.result, before=target.before)
        if target.present:
            entry["layers_held"] = sum(1 for held in target.present if held)
        result["targets"][target.name] = entry
    failed = [t.name for t in targets if t.result["status"] == "failed"]
    done = [t.name for t in targets if t.result["status"] in ("loaded", "written", "would_load", "would_write")]
    result["changed"] = bool(done)
    result["failed_targets"] = failed
    result["peak_rss_bytes"] = peak_rss_bytes()
    verb = "would send" if check_mode else "sent"
    result["msg"] = "%s %s to %s; present on %s%s" % (
        verb, name, ", ".join(done) or "no node", ", ".join(t.name for t in targets
                                                            if t.result["status"] == "present") or "no node",
        ("; FAILED on " + "; ".join(t.result["msg"] for t in targets if t.result["status"] == "failed"))
        if failed else "")
    return result
