# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ID and name comparison across the runtimes' spellings."""

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import (
    describe_reference,
    normalize_id,
    normalize_reference,
    same_reference,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import runtime_output

HEX = "36572980d8c4e14c891ddc2711b61e0af740110b3cadcc2fc442707c24725f4b"


def test_docker_and_podman_ids_are_the_same_image():
    docker_id = runtime_output("docker-inspect")[1].decode().strip()
    podman_id = runtime_output("podman-inspect")[1].decode().strip()
    assert docker_id.split()[0].startswith("sha256:") and not podman_id.startswith("sha256:")
    assert normalize_id(podman_id.split()[0]) == docker_id.split()[0]


@pytest.mark.parametrize("bad", ["", "sha256:", "sha256:abc", "md5:" + HEX, HEX + "0", "g" * 64, None])
def test_bad_ids(bad):
    with pytest.raises(ImageError):
        normalize_id(bad)


@pytest.mark.parametrize("ref,full", [
    ("debian", "docker.io/library/debian:latest"),
    ("debian:bookworm", "docker.io/library/debian:bookworm"),
    ("local/aslab-fixture:1", "docker.io/local/aslab-fixture:1"),
    ("docker.io/local/aslab-fixture:1", "docker.io/local/aslab-fixture:1"),
    ("172.31.250.1:5000/lab/app:2", "172.31.250.1:5000/lab/app:2"),
    ("localhost/app", "localhost/app:latest"),
    ("registry.example.com/a/b/c:v1.2-rc_3", "registry.example.com/a/b/c:v1.2-rc_3"),
    ("app@sha256:" + HEX, "docker.io/library/app@sha256:" + HEX),
])
def test_normalize_reference(ref, full):
    assert normalize_reference(ref) == full
    assert same_reference(ref, full)


def test_the_name_containerd_printed_is_the_normalized_one():
    ref = runtime_output("ctr-list")[1].decode().splitlines()[1].split()[0]
    assert ref == normalize_reference("local/aslab-fixture:1")


@pytest.mark.parametrize("bad", ["", "UPPER/case:1", "a b", "/lead", "trail/", "app:bad tag", "app:", "app@sha256:x"])
def test_bad_references(bad):
    with pytest.raises(ImageError):
        normalize_reference(bad)


@pytest.mark.parametrize("ref,repository,tag", [
    ("spark-alluxio:3.5.5", "spark-alluxio", "3.5.5"),
    ("local/aslab-fixture:1", "local/aslab-fixture", "1"),
    ("docker.io/library/debian", "debian", "latest"),
    ("172.31.250.1:5000/lab/app:2", "lab/app", "2"),
    ("app@sha256:" + HEX, "app", None),
])
def test_describe_reference_gives_the_parts_to_compose_with(ref, repository, tag):
    parts = describe_reference(ref)
    assert (parts["repository"], parts["tag"], parts["normalized"]) == (repository, tag, normalize_reference(ref))
