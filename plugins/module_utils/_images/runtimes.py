# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three runtimes an image can be loaded into: how to ask one for an image's ID, and how to load an archive.

Every command is an argv list run without a shell. ``runner(argv, stdin_argv=None)`` returns ``(rc, out, err)``;
with ``stdin_argv`` the first command's stdout feeds the second's stdin (decompression into the loader).
"""

from __future__ import annotations

import json
import platform

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ImageError,
    RuntimeCommandError,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import (
    normalize_id,
    normalize_reference,
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


def host_arch():
    machine = platform.machine().lower()
    return _ARCH.get(machine, machine)


def _text(data):
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")


class Runtime(object):
    name = None
    absent_markers = ()

    def __init__(self, binary, runner, global_args=None):
        self.binary = binary
        self.runner = runner
        self.global_args = list(global_args or [])

    def argv(self, *args):
        return [self.binary] + self.global_args + list(args)

    def stored_name(self, name):
        """The name under which the runtime keeps (and is asked for) the image called ``name``."""
        return name

    def _run(self, argv, stdin_argv=None, hint=""):
        rc, out, err = self.runner(argv, stdin_argv=stdin_argv)
        return rc, _text(out), _text(err)

    def image_id(self, name):
        """The ID of the image stored as ``name``, or None when there is none."""
        raise NotImplementedError

    def load_argv(self, path):
        """argv loading the uncompressed archive at ``path``, or from stdin when ``path`` is None."""
        raise NotImplementedError

    def load(self, path, decompress_argv=None):
        if decompress_argv:
            rc, out, err = self._run(self.load_argv(None), stdin_argv=decompress_argv + [path])
        else:
            rc, out, err = self._run(self.load_argv(path))
        if rc != 0:
            raise RuntimeCommandError(self.load_argv(None if decompress_argv else path), rc, err or out,
                                      "Nothing was tagged; the archive may be corrupt or the runtime unhealthy")
        return out

    def _query_failed(self, argv, rc, out, err):
        text = (err or out).lower()
        if any(marker in text for marker in self.absent_markers):
            return None
        raise RuntimeCommandError(argv, rc, err or out, self.unreachable_hint())

    def unreachable_hint(self):
        return "Is the %s service running on this host?" % self.name


class DockerRuntime(Runtime):
    name = "docker"
    absent_markers = ("no such image", "no such object")

    def image_id(self, name):
        argv = self.argv("image", "inspect", "--format", "{{.Id}}", name)
        rc, out, err = self._run(argv)
        if rc != 0:
            return self._query_failed(argv, rc, out, err)
        return parse_id_line(out, argv)

    def load_argv(self, path):
        return self.argv("load", "--quiet", "--input", path) if path else self.argv("load", "--quiet")


class PodmanRuntime(DockerRuntime):
    """Podman speaks Docker's CLI for inspecting and loading images; only its messages differ."""

    name = "podman"
    absent_markers = ("image not known", "no such image")

    def unreachable_hint(self):
        return "Check podman's storage configuration (podman info); runtime_args can set --root or --storage-driver"


class ContainerdRuntime(Runtime):
    """containerd through ``ctr``, in one namespace (``k8s.io`` is the one kubelet's CRI plugin uses).

    containerd stores fully qualified names and the digest of a manifest (or index), not the image ID: the ID is the
    config digest that manifest names, read back with ``ctr content get``.
    """

    name = "containerd"

    def __init__(self, binary, runner, global_args=None, namespace="k8s.io", arch=None):
        super(ContainerdRuntime, self).__init__(binary, runner, global_args)
        self.namespace = namespace
        self.arch = arch or host_arch()

    def argv(self, *args):
        return [self.binary] + self.global_args + ["--namespace", self.namespace] + list(args)

    def stored_name(self, name):
        return normalize_reference(name)

    def image_id(self, name):
        ref = self.stored_name(name)
        argv = self.argv("images", "list", "name==%s" % ref)
        rc, out, err = self._run(argv)
        if rc != 0:
            raise RuntimeCommandError(argv, rc, err or out, self.unreachable_hint())
        rows = [row for row in parse_ctr_images(out) if row["ref"] == ref]
        if not rows:
            return None
        digest, media_type = rows[0]["digest"], rows[0]["type"]
        for _depth in range(3):
            blob = self._content(digest)
            if media_type in INDEX_TYPES or (media_type not in MANIFEST_TYPES and "manifests" in blob):
                digest, media_type = select_platform_manifest(blob, self.arch, ref)
                continue
            return config_digest(blob, ref)
        raise ImageError("%s: nested indexes deeper than expected" % ref)

    def _content(self, digest):
        argv = self.argv("content", "get", digest)
        rc, out, err = self._run(argv)
        if rc != 0:
            raise RuntimeCommandError(argv, rc, err or out, "The image's content is incomplete in containerd")
        try:
            return json.loads(out)
        except ValueError as exc:
            raise ImageError("%s is not a JSON manifest: %s" % (digest, exc))

    def load_argv(self, path):
        return self.argv("images", "import", path or "-")

    def unreachable_hint(self):
        return "Is containerd running, and is runtime_args' --address (default /run/containerd/containerd.sock) right?"


def parse_id_line(out, argv):
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    if len(lines) != 1:
        raise ImageError("unexpected output of '%s': %r" % (" ".join(argv), out[:500]))
    return normalize_id(lines[0], "ID printed by '%s'" % " ".join(argv))


def parse_ctr_images(out):
    """Rows of ``ctr images list``: ref, type, digest (columns are separated by runs of spaces)."""
    rows = []
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


def select_platform_manifest(index, arch, ref, os_name="linux"):
    """(digest, mediaType) of the manifest for ``os_name/arch`` in an image index."""
    manifests = index.get("manifests") or []
    for item in manifests:
        plat = item.get("platform") or {}
        if plat.get("os") == os_name and plat.get("architecture") == arch:
            return item["digest"], item.get("mediaType", MANIFEST_TYPES[0])
    found = ["%s/%s" % ((m.get("platform") or {}).get("os"), (m.get("platform") or {}).get("architecture"))
             for m in manifests]
    raise ImageError("%s has no manifest for %s/%s (platforms: %s)" % (ref, os_name, arch, ", ".join(found) or "none"))


def config_digest(manifest, ref):
    try:
        return normalize_id(manifest["config"]["digest"], "config digest of %s" % ref)
    except (KeyError, TypeError):
        raise ImageError("the manifest of %s names no config" % ref)


def make_runtime(kind, binary, runner, global_args=None, namespace="k8s.io"):
    if kind == "docker":
        return DockerRuntime(binary, runner, global_args)
    if kind == "podman":
        return PodmanRuntime(binary, runner, global_args)
    if kind == "containerd":
        return ContainerdRuntime(binary, runner, global_args, namespace)
    raise ImageError("unknown runtime %r (choose one of %s)" % (kind, ", ".join(RUNTIMES)))
