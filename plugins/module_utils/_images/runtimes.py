# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything the collection knows about Docker, containerd (``ctr``) and podman: how to ask one for an image and
its layers, how to make it load an archive, how to make it pull, and which archives it accepts.

A runtime runs its commands on a :class:`~.commands.CommandHost` (this host, or a node over ssh), every one with a
timeout. No other file builds a runtime's argv or parses its output.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import shutil
import tempfile
import time
from typing import Dict, List, Optional, Sequence, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import (
    CommandHost,
    LocalHost,
    communicate,
    spawn,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ImageError,
    RuntimeCommandError,
    RuntimeMissingError,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.layout import chain_ids, config_diff_ids
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import (
    normalize_id,
    normalize_reference,
    split_reference,
)

RUNTIMES = ("docker", "containerd", "podman")
BINARIES = {"docker": "docker", "containerd": "ctr", "podman": "podman"}

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm",
         "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}


def host_arch() -> str:
    machine = platform.machine().lower()
    return _ARCH.get(machine, machine)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")


class Image:
    """What a runtime holds under a name: the image ID (config digest) and its layers' diff IDs, base first."""

    def __init__(self, image_id: str, layers: Sequence[str]) -> None:
        self.image_id = image_id
        self.layers = list(layers)


class Runtime:
    name = ""
    # The archive layout the fan-out sends it, and whether that archive may leave out layers the runtime holds.
    stream_format = "docker-archive"
    partial_archive = False
    absent_markers: Tuple[str, ...] = ()

    def __init__(self, host: CommandHost, binary: Optional[str] = None, global_args: Sequence[str] = (),
                 timeout: float = 60) -> None:
        self.host = host
        self.binary = binary or BINARIES[self.name]
        self.global_args = list(global_args)
        self.timeout = timeout

    def argv(self, *args: str) -> List[str]:
        return [self.binary] + self.global_args + list(args)

    def _run(self, argv: Sequence[str], timeout: Optional[float] = None, data: Optional[bytes] = None,
             env: Optional[Dict[str, str]] = None) -> Tuple[int, str, str]:
        rc, out, err = self.host.run(argv, timeout or self.timeout, data=data, env=env)
        if rc == 127 and b"not found" in err:
            raise RuntimeMissingError("%s is not installed on %s (%s); install it, choose another runtime, or set "
                                      "the path of its CLI" % (self.binary, self.host.where, _text(err).strip()))
        return rc, _text(out), _text(err)

    def _failed(self, argv: Sequence[str], rc: int, out: str, err: str, hint: Optional[str] = None):
        return RuntimeCommandError(argv, rc, err or out, self.unreachable_hint() if hint is None else hint)

    def stored_name(self, name: str) -> str:
        """The name under which the runtime keeps (and is asked for) the image called ``name``."""
        return name

    def inspect(self, name: str, layers: bool = False) -> Optional[Image]:
        """The image stored as ``name`` (by name or ID), or None; its layers only when asked (may cost a call)."""
        raise NotImplementedError

    def image_id(self, name: str) -> Optional[str]:
        image = self.inspect(name)
        return image.image_id if image else None

    def present_layers(self, diff_ids: Sequence[str]) -> List[bool]:
        """For each layer of an image (its diff IDs, base first): whether this runtime holds it in a way its loader
        can reuse (see the subclasses)."""
        raise NotImplementedError

    def load_argv(self) -> List[str]:
        """argv loading an uncompressed archive from stdin."""
        raise NotImplementedError

    def pull(self, ref: str, username: Optional[str], password: Optional[str], insecure: bool,
             timeout: float) -> str:
        raise NotImplementedError

    def unreachable_hint(self) -> str:
        return "Is the %s service running on %s?" % (self.name, self.host.where)

    def _absent(self, argv: Sequence[str], rc: int, out: str, err: str) -> None:
        if any(marker in (err or out).lower() for marker in self.absent_markers):
            return None
        raise self._failed(argv, rc, out, err)


class DockerRuntime(Runtime):
    """Docker's classic image store: IDs are config digests, layers are kept by chain ID.

    ``docker load`` reuses a layer whose chain ID it holds without opening the archive's file for it (so a partial
    archive loads), but only as part of the same chain: a layer counts as present when an image on the host has
    the same layers below it.
    """

    name = "docker"
    partial_archive = True
    absent_markers = ("no such image", "no such object")
    _FORMAT = "{{.Id}}{{range .RootFS.Layers}} {{.}}{{end}}"

    def inspect(self, name: str, layers: bool = False) -> Optional[Image]:
        argv = self.argv("image", "inspect", "--format", self._FORMAT, name)
        rc, out, err = self._run(argv)
        if rc != 0:
            return self._absent(argv, rc, out, err)
        lines = [line.split() for line in out.splitlines() if line.strip()]
        if len(lines) != 1:
            raise ImageError("unexpected output of '%s': %r" % (" ".join(argv), out[:500]))
        fields = lines[0]
        return Image(normalize_id(fields[0], "ID printed by %s" % self.name), fields[1:])

    def _all_image_layers(self) -> List[List[str]]:
        argv = self.argv("image", "ls", "--all", "--quiet", "--no-trunc")
        rc, out, err = self._run(argv)
        if rc != 0:
            raise self._failed(argv, rc, out, err)
        ids = sorted(set(out.split()))
        found = []
        for start in range(0, len(ids), 100):
            argv = self.argv("image", "inspect", "--format", "{{range .RootFS.Layers}}{{.}} {{end}}",
                             *ids[start:start + 100])
            rc, out, err = self._run(argv)
            if rc != 0:
                raise self._failed(argv, rc, out, err)
            found.extend(line.split() for line in out.splitlines())
        return found

    def present_layers(self, diff_ids: Sequence[str]) -> List[bool]:
        held = set()
        for layers in self._all_image_layers():
            held.update(chain_ids(layers))
        return [chain in held for chain in chain_ids(diff_ids)]

    def load_argv(self) -> List[str]:
        return self.argv("load", "--quiet")

    def save_argv(self, name: str) -> List[str]:
        """argv writing ``name`` as an uncompressed archive to stdout."""
        return self.argv("save", name)

    def _auth_file(self, ref: str, username: str, password: str, directory: str, filename: str) -> str:
        """An auth file (mode 0600, in a private directory) in the format docker and podman read."""
        domain = split_reference(ref)[0]
        token = base64.b64encode(("%s:%s" % (username, password)).encode("utf-8")).decode("ascii")
        path = os.path.join(directory, filename)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"auths": {domain: {"auth": token}}}, handle)
        return path

    def _pull_argv(self, ref: str, auth_dir: Optional[str], insecure: bool) -> List[str]:
        if auth_dir:
            return [self.binary, "--config", auth_dir] + self.global_args + ["pull", "--quiet", ref]
        return self.argv("pull", "--quiet", ref)

    def pull(self, ref: str, username: Optional[str], password: Optional[str], insecure: bool,
             timeout: float) -> str:
        if insecure:
            self._wait_insecure(split_reference(ref)[0])
        if not isinstance(self.host, LocalHost):
            raise ImageError("internal error: pulls run on the node itself")
        auth_dir = tempfile.mkdtemp(prefix="image-pull-") if username else None
        try:
            if auth_dir:
                self._auth_file(ref, username or "", password or "", auth_dir, self._auth_filename())
            argv = self._pull_argv(ref, auth_dir, insecure)
            rc, out, err = self._run(argv, timeout=timeout)
        finally:
            if auth_dir:
                shutil.rmtree(auth_dir, ignore_errors=True)
        if rc != 0:
            raise self._failed(argv, rc, out, err, "Check the name, that %s can reach the registry, and the "
                                                   "registry credentials" % self.host.where)
        return out

    def _auth_filename(self) -> str:
        return "config.json"

    def _wait_insecure(self, registry: str, wait: float = 30) -> None:
        """dockerd takes a plain-HTTP registry from its configuration (reloaded asynchronously): wait until it does."""
        argv = self.argv("info", "--format", "{{json .RegistryConfig.IndexConfigs}}")
        deadline = time.monotonic() + min(wait, self.timeout)
        while True:
            rc, out, err = self._run(argv)
            if rc != 0:
                raise self._failed(argv, rc, out, err)
            try:
                configs = json.loads(out or "{}") or {}
            except ValueError:
                raise ImageError("unexpected output of '%s': %r" % (" ".join(argv), out[:300]))
            if registry in configs and configs[registry].get("Secure") is False:
                return
            if time.monotonic() > deadline:
                raise ImageError("dockerd on %s does not treat %s as an insecure (plain-HTTP) registry: add it to "
                                 "insecure-registries in /etc/docker/daemon.json and reload dockerd (the "
                                 "image_distribution role does both)" % (self.host.where, registry))
            time.sleep(1)


class PodmanRuntime(DockerRuntime):
    """Podman speaks Docker's CLI for inspecting, loading and pulling images; its messages and flags differ.

    ``podman load`` needs every layer file its archive's manifest names (containers/image refuses an archive whose
    layer files are missing), so it is always sent the whole image.
    """

    name = "podman"
    partial_archive = False
    absent_markers = ("image not known", "no such image")

    def _pull_argv(self, ref: str, auth_dir: Optional[str], insecure: bool) -> List[str]:
        extra = ["--tls-verify=false"] if insecure else []
        if auth_dir:
            extra += ["--authfile", os.path.join(auth_dir, self._auth_filename())]
        return self.argv("pull", "--quiet", *extra) + [ref]

    def _auth_filename(self) -> str:
        return "auth.json"

    def _wait_insecure(self, registry: str, wait: float = 30) -> None:
        return None

    def unreachable_hint(self) -> str:
        return ("Check podman's storage configuration (podman info) on %s; runtime_args can set --root or "
                "--storage-driver" % self.host.where)


class ContainerdRuntime(Runtime):
    """containerd through ``ctr``, in one namespace (``k8s.io`` is the one kubelet's CRI plugin uses).

    containerd stores fully qualified names and the digest of a manifest (or index), not the image ID: the ID is the
    config digest that manifest names, read back with ``ctr content get``. Its importer writes every archive member
    as a blob by its own digest, so the fan-out sends it an OCI layout whose manifest may name layer blobs the
    namespace already has (a layer counts as present when its uncompressed blob, digest = diff ID, is there).
    """

    name = "containerd"
    stream_format = "oci"
    partial_archive = True

    def __init__(self, host: CommandHost, binary: Optional[str] = None, global_args: Sequence[str] = (),
                 timeout: float = 60, namespace: str = "k8s.io", arch: Optional[str] = None) -> None:
        super().__init__(host, binary, global_args, timeout)
        self.namespace = namespace
        self.arch = arch or host_arch()

    def argv(self, *args: str) -> List[str]:
        return [self.binary] + self.global_args + ["--namespace", self.namespace] + list(args)

    def stored_name(self, name: str) -> str:
        if name.startswith("sha256:"):
            return normalize_id(name)
        return normalize_reference(name)

    def inspect(self, name: str, layers: bool = False) -> Optional[Image]:
        ref = self.stored_name(name)
        argv = self.argv("images", "list", "name==%s" % ref)
        rc, out, err = self._run(argv)
        if rc != 0:
            raise self._failed(argv, rc, out, err)
        rows = [row for row in parse_ctr_images(out) if row["ref"] == ref]
        if not rows:
            return None
        digest, media_type = rows[0]["digest"], rows[0]["type"]
        for _depth in range(3):
            blob = self._content(digest)
            if media_type in INDEX_TYPES or (media_type not in MANIFEST_TYPES and "manifests" in blob):
                digest, media_type = select_platform_manifest(blob, self.arch, ref)
                continue
            image_id = config_digest(blob, ref)
            if not layers:
                return Image(image_id, [])
            argv = self.argv("content", "get", image_id)
            rc, out, err = self._run(argv)
            if rc != 0:
                raise self._failed(argv, rc, out, err, "The image's config is missing from containerd")
            return Image(image_id, config_diff_ids(out.encode("utf-8")))
        raise ImageError("%s: nested indexes deeper than expected" % ref)

    def _content(self, digest: str) -> dict:
        argv = self.argv("content", "get", digest)
        rc, out, err = self._run(argv)
        if rc != 0:
            raise self._failed(argv, rc, out, err, "The image's content is incomplete in containerd")
        try:
            return json.loads(out)
        except ValueError as exc:
            raise ImageError("%s is not a JSON manifest: %s" % (digest, exc))

    def present_layers(self, diff_ids: Sequence[str]) -> List[bool]:
        argv = self.argv("content", "ls", "--quiet")
        rc, out, err = self._run(argv)
        if rc != 0:
            raise self._failed(argv, rc, out, err)
        held = set(out.split())
        return [diff_id in held for diff_id in diff_ids]

    def load_argv(self) -> List[str]:
        return self.argv("images", "import", "-")

    def pull(self, ref: str, username: Optional[str], password: Optional[str], insecure: bool,
             timeout: float) -> str:
        """``ctr images pull``; a password is typed into ctr's prompt through a pseudo-terminal, never put in argv."""
        argv = self.argv("images", "pull", *(["--plain-http"] if insecure else []),
                         *(["--user", username] if username else []), self.stored_name(ref))
        if not username:
            rc, out, err = self._run(argv, timeout=timeout)
        else:
            if not isinstance(self.host, LocalHost):
                raise ImageError("internal error: pulls run on the node itself")
            rc, out, err = _run_with_password(argv, password or "", timeout, self.host.where)
        if rc != 0:
            raise self._failed(argv, rc, out, err, "Check the name, that %s can reach the registry (plain HTTP "
                                                   "needs registry_insecure), and the credentials"
                               % self.host.where)
        return out

    def unreachable_hint(self) -> str:
        return ("Is containerd running on %s, and is runtime_args' --address (default "
                "/run/containerd/containerd.sock) right?" % self.host.where)


def _run_with_password(argv: Sequence[str], password: str, timeout: float, where: str) -> Tuple[int, str, str]:
    import pty  # pylint: disable=import-outside-toplevel  # only this path needs a terminal

    master, slave = pty.openpty()
    try:
        proc = spawn(argv, stdin=slave)
    finally:
        os.close(slave)
    try:
        os.write(master, password.encode("utf-8") + b"\n")
        rc, out, err = communicate(proc, argv, timeout, where)
    finally:
        os.close(master)
    return rc, _text(out), _text(err)


def parse_ctr_images(out: str) -> List[Dict[str, str]]:
    """Rows of ``ctr images list``: ref, type, digest (columns are separated by runs of spaces)."""
    rows: List[Dict[str, str]] = []
    lines = out.splitlines()
    if not lines:
        return rows
    header = lines[0].split()
    if header[:3] != ["REF", "TYPE", "DIGEST"]:
        raise ImageError("unexpected header of ctr images list: %r" % lines[0][:200])
    for line in lines[1:]:
        fields = line.split()
        if len(fields) >= 3:
            rows.append(dict(ref=fields[0], type=fields[1], digest=fields[2]))
    return rows


def select_platform_manifest(index: dict, arch: str, ref: str, os_name: str = "linux") -> Tuple[str, str]:
    """(digest, mediaType) of the manifest for ``os_name/arch`` in an image index."""
    manifests = index.get("manifests") or []
    for item in manifests:
        plat = item.get("platform") or {}
        if plat.get("os") == os_name and plat.get("architecture") == arch:
            return item["digest"], item.get("mediaType", MANIFEST_TYPES[0])
    found = ["%s/%s" % ((m.get("platform") or {}).get("os"), (m.get("platform") or {}).get("architecture"))
             for m in manifests]
    raise ImageError("%s has no manifest for %s/%s (platforms: %s)" % (ref, os_name, arch, ", ".join(found) or "none"))


def config_digest(manifest: dict, ref: str) -> str:
    try:
        return normalize_id(manifest["config"]["digest"], "config digest of %s" % ref)
    except (KeyError, TypeError):
        raise ImageError("the manifest of %s names no config" % ref)


def make_runtime(kind: str, host: CommandHost, binary: Optional[str] = None, global_args: Sequence[str] = (),
                 namespace: str = "k8s.io", timeout: float = 60) -> Runtime:
    if kind == "docker":
        return DockerRuntime(host, binary, global_args, timeout)
    if kind == "podman":
        return PodmanRuntime(host, binary, global_args, timeout)
    if kind == "containerd":
        return ContainerdRuntime(host, binary, global_args, timeout, namespace)
    raise ImageError("unknown runtime %r (choose one of %s)" % (kind, ", ".join(RUNTIMES)))
