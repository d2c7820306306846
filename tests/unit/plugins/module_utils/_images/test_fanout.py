# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fan-out with real processes: a captured `docker save` archive stands in for the save (``cat``), the
receiving ends run ``receiver.py`` as the nodes do, and each "loader" writes what it got to a file (``out.part``,
renamed to ``out`` when its input ended, as a runtime creates the image only then)."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import fanout, runtimes
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import LocalHost
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    L1,
    L2,
    archive,
    ids,
    layers,
)


class SavedArchive(runtimes.DockerRuntime):
    """The controller's engine: ``save`` prints a captured archive."""

    def __init__(self, path):
        super().__init__(LocalHost(), "docker")
        self.path = path

    def save_argv(self, name):
        return ["cat", self.path]


class Filtered(LocalHost):
    """A node reached through a filter (a broken or tampering link): ``filter | receiver``."""

    def __init__(self, filter_code):
        self.filter_code = filter_code

    def command(self, argv):
        return ["sh", "-c", '"$0" -c "$1" | (shift; exec "$@")', sys.executable, self.filter_code] + list(argv)


def _loaded_id(path):
    """The image ID a loader would make of what it received (docker-archive or OCI layout)."""
    with tarfile.open(path) as tar:
        names = tar.getnames()
        if "index.json" in names:
            index = json.loads(tar.extractfile("index.json").read())
            digest = index["manifests"][0]["digest"]
            manifest = json.loads(tar.extractfile("blobs/sha256/" + digest.split(":")[1]).read())
            return manifest["config"]["digest"]
        manifest = json.loads(tar.extractfile("manifest.json").read())
        return "sha256:" + manifest[0]["Config"].split(".")[0]


def fake_runtime(kind, out_dir, host=None):
    base = {"docker": runtimes.DockerRuntime, "containerd": runtimes.ContainerdRuntime,
            "podman": runtimes.PodmanRuntime}[kind]

    class Fake(base):
        def load_argv(self):
            return ["sh", "-c", 'cat > "$0/out.part" && mv "$0/out.part" "$0/out"', str(out_dir)]

        def image_id(self, name):
            out = out_dir / "out"
            return _loaded_id(str(out)) if out.exists() else None

    return Fake(host or LocalHost())


def make_target(tmp_path, name, kind, present=None, host=None, dest=False):
    out_dir = tmp_path / name
    out_dir.mkdir()
    target = fanout.Target(name, fake_runtime(kind, out_dir, host), sys.executable,
                           str(out_dir / "out") if dest else None)
    target.present = present or []
    return target, out_dir


def run(targets, image=L1, source="layers.tar", partial=True):
    fan = fanout.FanOut(SavedArchive(archive(source)), image, runtimes.Image(ids()[image], layers()[image]),
                        targets, timeout=120)
    fan.run(partial)
    return fan


def members(path):
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def test_one_save_to_every_kind_of_node(tmp_path):
    targets = [make_target(tmp_path, "ctr", "containerd"), make_target(tmp_path, "dock", "docker"),
               make_target(tmp_path, "pod", "podman"), make_target(tmp_path, "file", "docker", dest=True)]
    fan = run([t for t, _d in targets])
    assert [t.result["status"] for t, _d in targets] == ["loaded", "loaded", "loaded", "written"]
    with open(archive("layers.tar"), "rb") as handle:
        original = handle.read()
    assert fan.save_bytes == len(original)
    # The file node holds docker save's bytes exactly; docker and podman get the same archive, reordered only
    # so that its metadata comes last.
    assert (tmp_path / "file" / "out").read_bytes() == original
    assert members(str(tmp_path / "dock" / "out")) == members(archive("layers.tar"))
    assert (tmp_path / "pod" / "out").read_bytes() == (tmp_path / "dock" / "out").read_bytes()
    assert list(members(str(tmp_path / "dock" / "out")))[-2:] == ["manifest.json", "repositories"]
    # containerd gets an OCI layout: every blob is named by its own digest, the layers by their diff IDs.
    oci = members(str(tmp_path / "ctr" / "out"))
    blobs = {name: data for name, data in oci.items() if name.startswith("blobs/")}
    assert all(name == "blobs/sha256/" + hashlib.sha256(data).hexdigest() for name, data in blobs.items())
    assert {"blobs/sha256/" + d.split(":")[1] for d in layers()[L1]} < set(blobs)
    assert list(oci)[-2:] == ["oci-layout", "index.json"]
    index = json.loads(oci["index.json"])["manifests"][0]
    assert index["annotations"]["io.containerd.image.name"] == "docker.io/" + L1
    # Each node's checksum is the sha256 of the bytes it got, the same on both ends.
    assert targets[0][0].result["sha256"] == "sha256:" + hashlib.sha256(
        (tmp_path / "ctr" / "out").read_bytes()).hexdigest()


def test_nodes_get_only_the_layers_they_lack(tmp_path):
    held = [True, True, False]
    ctr, ctr_dir = make_target(tmp_path, "ctr", "containerd", held)
    dock, dock_dir = make_target(tmp_path, "dock", "docker", held)
    pod, pod_dir = make_target(tmp_path, "pod", "podman", held)
    full, full_dir = make_target(tmp_path, "full", "containerd")
    run([ctr, dock, pod, full], image=L2, source="layers-rebuilt.tar")
    top = layers()[L2][2]
    assert (ctr.result["layers_sent"], ctr.result["layers_skipped"]) == (1, 2)
    oci = members(str(ctr_dir / "out"))
    assert [n for n in oci if n.startswith("blobs/") and n[13:] in [d[7:] for d in layers()[L2]]] == \
        ["blobs/sha256/" + top[7:]]
    # The manifest still names all three layers: containerd finds the two it holds by digest.
    manifest = json.loads(oci["blobs/sha256/" + json.loads(oci["index.json"])["manifests"][0]["digest"][7:]])
    assert [layer["digest"] for layer in manifest["layers"]] == layers()[L2]
    docker_members = members(str(dock_dir / "out"))
    assert sum(name.endswith("/layer.tar") for name in docker_members) == 1
    # podman cannot take a partial archive: it gets every layer.
    assert sum(name.endswith("/layer.tar") for name in members(str(pod_dir / "out"))) == 3
    assert full.result["layers_sent"] == 3 and full.result["bytes_sent"] > ctr.result["bytes_sent"]


def test_a_corrupted_byte_fails_that_node_alone(tmp_path):
    flip = ("import sys\nd = sys.stdin.buffer.read()\n"
            "sys.stdout.buffer.write(d[:9000] + bytes([d[9000] ^ 1]) + d[9001:])")
    bad, bad_dir = make_target(tmp_path, "bad", "containerd", host=Filtered(flip))
    good, good_dir = make_target(tmp_path, "good", "containerd")
    run([bad, good])
    assert bad.result["status"] == "failed" and "checksum mismatch" in bad.result["msg"]
    assert not (bad_dir / "out").exists()
    assert good.result["status"] == "loaded" and (good_dir / "out").exists()


def test_a_connection_cut_midway_fails_that_node_alone(tmp_path):
    cut = "import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read(20000))"
    bad, bad_dir = make_target(tmp_path, "bad", "docker", host=Filtered(cut))
    good, good_dir = make_target(tmp_path, "good", "docker")
    run([bad, good])
    assert bad.result["status"] == "failed" and "stopped" in bad.result["msg"]
    assert not (bad_dir / "out").exists()
    assert good.result["status"] == "loaded"


def test_an_unidentified_layer_goes_to_everyone(tmp_path):
    """A v1 JSON that proves nothing (changed here) makes the fan-out send that layer even where it is held."""
    source = tmp_path / "tampered.tar"
    with tarfile.open(archive("layers-rebuilt.tar")) as tar, tarfile.open(str(source), "w") as out:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        base_dir = manifest[0]["Layers"][0].split("/")[0]
        for member in tar.getmembers():
            data = tar.extractfile(member).read() if member.isfile() else None
            if member.name == base_dir + "/json":
                data = data.replace(b'"os":"linux"', b'"os":"linux","comment":"x"')
                member.size = len(data)
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    ctr, ctr_dir = make_target(tmp_path, "ctr", "containerd", [True, True, False])
    run([ctr], image=L2, source=str(source))
    assert ctr.result["status"] == "loaded"
    blobs = [n for n in members(str(ctr_dir / "out")) if n.startswith("blobs/")]
    assert "blobs/unidentified/%s-layer.tar" % base_dir in blobs
    assert "blobs/sha256/" + layers()[L2][2][7:] in blobs


def test_a_failing_save_fails_every_node(tmp_path):
    target, out_dir = make_target(tmp_path, "ctr", "containerd")
    with pytest.raises(ImageError, match="ends early"):
        run([target], source=archive("truncated.tar"))
    assert not (out_dir / "out").exists()
