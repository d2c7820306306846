# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runtimes' queries and load commands, answered with outputs captured from the lab's runtimes."""

from __future__ import annotations

import json

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import runtimes
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError, RuntimeCommandError
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import ids, runtime_output

A = "local/aslab-fixture:1"
MISSING = "local/aslab-fixture:missing"


class Replay(object):
    """Answers each expected argv with a captured (rc, out, err)."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def __call__(self, argv, stdin_argv=None):
        self.calls.append((list(argv), stdin_argv))
        key = tuple(argv)
        if key not in self.answers:
            raise AssertionError("unexpected command %r" % (argv,))
        return self.answers[key]


def test_docker_present_and_missing():
    runner = Replay({
        ("docker", "image", "inspect", "--format", "{{.Id}}", A): runtime_output("docker-inspect"),
        ("docker", "image", "inspect", "--format", "{{.Id}}", MISSING): runtime_output("docker-inspect-missing"),
    })
    docker = runtimes.make_runtime("docker", "docker", runner)
    assert docker.image_id(A) == ids()[A]
    assert docker.image_id(MISSING) is None


def test_podman_present_and_missing_with_global_args():
    args = ["--root", "/r"]
    runner = Replay({
        ("podman", "--root", "/r", "image", "inspect", "--format", "{{.Id}}", A): runtime_output("podman-inspect"),
        ("podman", "--root", "/r", "image", "inspect", "--format", "{{.Id}}", MISSING):
            runtime_output("podman-inspect-missing"),
    })
    podman = runtimes.make_runtime("podman", "podman", runner, args)
    assert podman.image_id(A) == ids()[A]
    assert podman.image_id(MISSING) is None


def test_containerd_id_is_the_config_digest_behind_the_manifest():
    listing = runtime_output("ctr-list")
    digest = listing[1].decode().splitlines()[1].split()[2]
    runner = Replay({
        ("ctr", "--namespace", "k8s.io", "images", "list", "name==docker.io/" + A): listing,
        ("ctr", "--namespace", "k8s.io", "content", "get", digest): runtime_output("ctr-content-manifest"),
        ("ctr", "--namespace", "k8s.io", "images", "list", "name==docker.io/" + MISSING):
            runtime_output("ctr-list-missing"),
    })
    ctr = runtimes.make_runtime("containerd", "ctr", runner)
    assert ctr.stored_name(A) == "docker.io/" + A
    # The manifest digest containerd lists is not the image ID; the config digest it names is.
    assert digest != ids()[A]
    assert ctr.image_id(ctr.stored_name(A)) == ids()[A]
    assert ctr.image_id(ctr.stored_name(MISSING)) is None


def test_containerd_walks_an_index_to_this_platform():
    manifest_digest = "sha256:" + "1" * 64
    index = {"schemaVersion": 2, "mediaType": runtimes.INDEX_TYPES[0], "manifests": [
        {"mediaType": runtimes.MANIFEST_TYPES[0], "digest": "sha256:" + "2" * 64,
         "platform": {"os": "linux", "architecture": "arm64"}},
        {"mediaType": runtimes.MANIFEST_TYPES[0], "digest": manifest_digest,
         "platform": {"os": "linux", "architecture": "amd64"}}]}
    listing = ("REF TYPE DIGEST SIZE PLATFORMS LABELS\ndocker.io/x/y:1 %s sha256:%s 1 KiB linux/amd64,linux/arm64 -\n"
               % (runtimes.INDEX_TYPES[0], "3" * 64)).encode()
    runner = Replay({
        ("ctr", "--namespace", "k8s.io", "images", "list", "name==docker.io/x/y:1"): (0, listing, b""),
        ("ctr", "--namespace", "k8s.io", "content", "get", "sha256:" + "3" * 64): (0, json.dumps(index).encode(), b""),
        ("ctr", "--namespace", "k8s.io", "content", "get", manifest_digest): runtime_output("ctr-content-manifest"),
    })
    ctr = runtimes.ContainerdRuntime("ctr", runner, arch="amd64")
    assert ctr.image_id("docker.io/x/y:1") == ids()[A]
    with pytest.raises(ImageError, match="no manifest for linux/s390x"):
        runtimes.select_platform_manifest(index, "s390x", "x/y:1")


def test_a_daemon_that_does_not_answer_is_an_error_not_absence():
    runner = Replay({("docker", "image", "inspect", "--format", "{{.Id}}", A): (
        1, b"", b"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")})
    with pytest.raises(RuntimeCommandError, match="Is the docker service running"):
        runtimes.make_runtime("docker", "docker", runner).image_id(A)


def test_load_commands_read_a_file_or_a_decompressor():
    runner = Replay({
        ("docker", "load", "--quiet", "--input", "/a.tar"): runtime_output("docker-load"),
        ("ctr", "--namespace", "ns", "images", "import", "-"): runtime_output("ctr-import"),
        ("podman", "load", "--quiet", "--input", "/a.tar"): runtime_output("podman-load"),
    })
    runtimes.make_runtime("docker", "docker", runner).load("/a.tar")
    runtimes.make_runtime("containerd", "ctr", runner, namespace="ns").load("/a.tar.gz", ["gzip", "-d", "-c"])
    runtimes.make_runtime("podman", "podman", runner).load("/a.tar")
    assert runner.calls[1] == (["ctr", "--namespace", "ns", "images", "import", "-"], ["gzip", "-d", "-c", "/a.tar.gz"])


def test_a_failed_load_says_so():
    runner = Replay({("ctr", "--namespace", "k8s.io", "images", "import", "/a.tar"): (
        1, b"", b"ctr: archive/tar: invalid tar header")})
    with pytest.raises(RuntimeCommandError, match="invalid tar header.*Nothing was tagged"):
        runtimes.make_runtime("containerd", "ctr", runner).load("/a.tar")


def test_ctr_listing_header_is_checked():
    assert runtimes.parse_ctr_images(runtime_output("ctr-list-missing")[1].decode()) == []
    with pytest.raises(ImageError, match="unexpected header"):
        runtimes.parse_ctr_images("NAME ID\nfoo bar\n")
