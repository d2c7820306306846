# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runtimes' queries, answered with outputs captured from the lab's runtimes; their commands and timeouts."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import commands, runtimes
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.commands import LocalHost, SshHost
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ImageError,
    RuntimeCommandError,
)
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    A,
    Replay,
    ids,
    layers,
    runtime_output,
)

MISSING = "local/aslab-fixture:missing"
FORMAT = "{{.Id}}{{range .RootFS.Layers}} {{.}}{{end}}"
PODMAN = ["podman", "--root", "/var/tmp/aslab-fixture-podman/root", "--runroot", "/run/aslab-fixture-podman",
          "--storage-driver", "vfs"]


def test_docker_present_and_missing():
    host = Replay({
        ("docker", "image", "inspect", "--format", FORMAT, A): runtime_output("docker-inspect"),
        ("docker", "image", "inspect", "--format", FORMAT, MISSING): runtime_output("docker-inspect-missing"),
    })
    docker = runtimes.make_runtime("docker", host)
    image = docker.inspect(A)
    assert (image.image_id, image.layers) == (ids()[A], layers()[A])
    assert docker.inspect(MISSING) is None


def test_podman_present_and_missing_with_global_args():
    host = Replay({
        tuple(PODMAN + ["image", "inspect", "--format", FORMAT, A]): runtime_output("podman-inspect"),
        tuple(PODMAN + ["image", "inspect", "--format", FORMAT, MISSING]): runtime_output("podman-inspect-missing"),
    })
    podman = runtimes.make_runtime("podman", host, "podman", PODMAN[1:])
    # podman prints the ID without its sha256: prefix; it is the same image.
    assert not runtime_output("podman-inspect")[1].startswith(b"sha256:")
    assert podman.image_id(A) == ids()[A]
    assert podman.inspect(MISSING) is None
    assert not podman.partial_archive


def _containerd_host():
    listing = runtime_output("ctr-list")
    digest = listing[1].decode().splitlines()[1].split()[2]
    return digest, Replay({
        ("ctr", "--namespace", "k8s.io", "images", "list", "name==docker.io/" + A): listing,
        ("ctr", "--namespace", "k8s.io", "content", "get", digest): runtime_output("ctr-content-manifest"),
        ("ctr", "--namespace", "k8s.io", "content", "get", ids()[A]): runtime_output("ctr-content-config"),
        ("ctr", "--namespace", "k8s.io", "images", "list", "name==docker.io/" + MISSING):
            runtime_output("ctr-list-missing"),
        ("ctr", "--namespace", "k8s.io", "content", "ls", "--quiet"): runtime_output("ctr-content-ls"),
    })


def test_containerd_id_is_the_config_digest_behind_the_manifest():
    digest, host = _containerd_host()
    ctr = runtimes.make_runtime("containerd", host)
    assert ctr.stored_name(A) == "docker.io/" + A
    # The manifest digest containerd lists is not the image ID; the config digest it names is.
    assert digest != ids()[A]
    assert ctr.image_id(ctr.stored_name(A)) == ids()[A]
    assert len(host.calls) == 2
    image = ctr.inspect(ctr.stored_name(A), layers=True)
    assert image.layers == layers()[A]
    assert ctr.inspect(ctr.stored_name(MISSING)) is None


def test_containerd_present_layers_are_its_uncompressed_blobs():
    _digest, host = _containerd_host()
    ctr = runtimes.make_runtime("containerd", host)
    # After importing the docker save archive, the layer blob is there under its diff ID.
    other = "sha256:" + "0" * 64
    assert ctr.present_layers(layers()[A] + [other]) == [True, False]


def test_docker_present_layers_need_the_same_layers_below():
    image_ids = sorted(set(runtime_output("docker-image-ls")[1].decode().split()))
    host = Replay({
        ("docker", "image", "ls", "--all", "--quiet", "--no-trunc"): runtime_output("docker-image-ls"),
        tuple(["docker", "image", "inspect", "--format", "{{range .RootFS.Layers}}{{.}} {{end}}"] + image_ids):
            runtime_output("docker-image-layers"),
    })
    docker = runtimes.make_runtime("docker", host)
    base = layers()[A][0]
    other = "sha256:" + "0" * 64
    # A's layer is held as a base layer; the same layer on top of another one is a different chain.
    assert docker.present_layers([base]) == [True]
    assert docker.present_layers([other, base]) == [False, False]


def test_containerd_walks_an_index_to_this_platform():
    manifest_digest = "sha256:" + "1" * 64
    index = {"schemaVersion": 2, "mediaType": runtimes.INDEX_TYPES[0], "manifests": [
        {"mediaType": runtimes.MANIFEST_TYPES[0], "digest": "sha256:" + "2" * 64,
         "platform": {"os": "linux", "architecture": "arm64"}},
        {"mediaType": runtimes.MANIFEST_TYPES[0], "digest": manifest_digest,
         "platform": {"os": "linux", "architecture": "amd64"}}]}
    listing = ("REF TYPE DIGEST SIZE PLATFORMS LABELS\ndocker.io/x/y:1 %s sha256:%s 1 KiB linux/amd64,linux/arm64 -\n"
               % (runtimes.INDEX_TYPES[0], "3" * 64)).encode()
    host = Replay({
        ("ctr", "--namespace", "k8s.io", "images", "list", "name==docker.io/x/y:1"): (0, listing, b""),
        ("ctr", "--namespace", "k8s.io", "content", "get", "sha256:" + "3" * 64): (0, json.dumps(index).encode(), b""),
        ("ctr", "--namespace", "k8s.io", "content", "get", manifest_digest): runtime_output("ctr-content-manifest"),
    })
    ctr = runtimes.ContainerdRuntime(host, arch="amd64")
    assert ctr.image_id("docker.io/x/y:1") == ids()[A]
    with pytest.raises(ImageError, match="no manifest for linux/s390x"):
        runtimes.select_platform_manifest(index, "s390x", "x/y:1")


def test_a_daemon_that_does_not_answer_is_an_error_not_absence():
    host = Replay({("docker", "image", "inspect", "--format", FORMAT, A): (
        1, b"", b"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")})
    with pytest.raises(RuntimeCommandError, match="Is the docker service running on the replayed node"):
        runtimes.make_runtime("docker", host).image_id(A)


def test_a_runtime_that_hangs_is_killed_after_its_timeout(tmp_path):
    hanging = tmp_path / "docker"
    hanging.write_text("#!/bin/sh\nsleep 30\n")
    hanging.chmod(hanging.stat().st_mode | stat.S_IXUSR)
    docker = runtimes.make_runtime("docker", LocalHost(), str(hanging), timeout=1)
    with pytest.raises(RuntimeCommandError, match="killed after 1 s.*raise the timeout option"):
        docker.image_id(A)


def test_loader_and_save_commands():
    host = LocalHost()
    assert runtimes.make_runtime("docker", host, "/usr/bin/docker", ["--host", "h"]).load_argv() == \
        ["/usr/bin/docker", "--host", "h", "load", "--quiet"]
    assert runtimes.make_runtime("containerd", host, namespace="ns").load_argv() == \
        ["ctr", "--namespace", "ns", "images", "import", "-"]
    assert runtimes.make_runtime("podman", host).load_argv() == ["podman", "load", "--quiet"]
    assert runtimes.DockerRuntime(host).save_argv("a:1") == ["docker", "save", "a:1"]


def test_ctr_listing_header_is_checked():
    assert runtimes.parse_ctr_images(runtime_output("ctr-list-missing")[1].decode()) == []
    with pytest.raises(ImageError, match="unexpected header"):
        runtimes.parse_ctr_images("NAME ID\nfoo bar\n")


def test_commands_on_a_node_go_through_ssh_one_quoted_argument_each():
    host = SshHost({"host": "10.0.0.5", "port": 2222, "user": "root", "private_key_file": "/k",
                    "common_args": "-o StrictHostKeyChecking=no -o 'ProxyCommand=ssh -W %h:%p jump'",
                    "extra_args": "-C", "args": ["-F", "/etc/ssh cfg"]})
    argv = host.command(["docker", "image", "inspect", "--format", FORMAT, "a b"])
    assert argv[:8] == ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-p", "2222", "-l"]
    assert argv[8:] == ["root", "-i", "/k", "-o", "StrictHostKeyChecking=no", "-o", "ProxyCommand=ssh -W %h:%p jump",
                        "-C", "-F", "/etc/ssh cfg", "--", "10.0.0.5",
                        "docker image inspect --format '%s' 'a b'" % FORMAT]
    with pytest.raises(ImageError, match="cannot be split"):
        SshHost({"host": "h", "common_args": "-o 'unclosed"})


def test_credentials_go_into_a_private_auth_file(tmp_path):
    docker = runtimes.DockerRuntime(LocalHost())
    path = docker._auth_file("registry.example.com:5000/app:1", "u", "s3cret", str(tmp_path), "config.json")
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    with open(path) as handle:
        auth = json.load(handle)["auths"]["registry.example.com:5000"]["auth"]
    assert auth == "dTpzM2NyZXQ="
    argv = docker._pull_argv("registry.example.com:5000/app:1", str(tmp_path), False)
    assert "s3cret" not in " ".join(argv) and argv[:3] == ["docker", "--config", str(tmp_path)]
    podman = runtimes.PodmanRuntime(LocalHost())
    argv = podman._pull_argv("r:5000/app:1", str(tmp_path), True)
    assert argv == ["podman", "pull", "--quiet", "--tls-verify=false", "--authfile",
                    os.path.join(str(tmp_path), "auth.json"), "r:5000/app:1"]


def test_ctr_gets_the_password_through_its_prompt_not_argv(tmp_path):
    """ctr reads a password from its terminal when --user has no ':'; here a stand-in ctr proves stdin is one."""
    fake = tmp_path / "ctr"
    fake.write_text('#!/bin/sh\n[ -t 0 ] || { echo "stdin is not a terminal" >&2; exit 9; }\n'
                    'IFS= read -r secret\necho "pulled with $*, secret of ${#secret} chars"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    ctr = runtimes.make_runtime("containerd", LocalHost(), str(fake))
    out = ctr.pull("r:5000/app:1", "puller", "s3cret", True, 30)
    assert "secret of 6 chars" in out and "s3cret" not in out
    assert "--plain-http --user puller docker.io" not in out and "--user puller r:5000/app:1" in out


def test_short_commands_share_a_connection_and_a_stream_has_its_own(tmp_path, monkeypatch):
    host = SshHost({"host": "n1"}, control_dir=str(tmp_path))
    query = host.command(["ctr", "version"])
    assert query[-3:] == ["--", "n1", "ctr version"]
    assert "ControlPath=%s/%%C" % tmp_path in query and "ControlMaster=auto" in query
    started = []
    monkeypatch.setattr(commands, "spawn", lambda argv, **_kw: started.append(argv))
    host.start(["python3", "-c", "pass"])
    assert "ControlPath=none" in started[0] and "ControlMaster=no" in started[0]
    assert started[0][-3:] == ["--", "n1", "python3 -c pass"]
    host.close()
    assert len(started) == 1, "nothing to close: no shared connection was made"
