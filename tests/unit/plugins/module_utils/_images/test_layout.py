# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which layer a docker-archive directory holds, recomputed from its v1 JSON; the OCI documents we write."""

from __future__ import annotations

import hashlib
import json
import tarfile

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import layout
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._images.fixtures import (
    L1,
    L2,
    archive,
    ids,
    layers,
)


def _directories(name):
    """{directory: v1 json bytes} and the manifest's layer order of a captured save."""
    with tarfile.open(archive(name)) as tar:
        jsons = {m.name.split("/")[0]: tar.extractfile(m).read() for m in tar.getmembers()
                 if m.name.endswith("/json")}
        manifest = json.loads(tar.extractfile("manifest.json").read())
    return jsons, [entry.split("/")[0] for entry in manifest[0]["Layers"]]


@pytest.mark.parametrize("name,image", [("layers.tar", L1), ("layers-rebuilt.tar", L2), ("tiny.tar",
                                                                                         "local/aslab-fixture:1")])
def test_every_directory_is_found_where_the_manifest_puts_it(name, image):
    jsons, order = _directories(name)
    chains = layout.chain_ids(layers()[image])
    found = {directory: layout.legacy_layer_position(directory, content, chains)
             for directory, content in jsons.items()}
    assert found == {directory: position for position, directory in enumerate(order)}


def test_a_rebuild_keeps_the_lower_directories():
    """The base and middle layers of a rebuild have the same v1 directories: only the top one is new."""
    first, order1 = _directories("layers.tar")
    second, order2 = _directories("layers-rebuilt.tar")
    assert order1[:2] == order2[:2] and order1[2] != order2[2]
    assert layers()[L1][:2] == layers()[L2][:2] and layers()[L1][2] != layers()[L2][2]


def test_a_json_that_matches_no_layer_is_not_guessed():
    jsons, order = _directories("layers.tar")
    chains = layout.chain_ids(layers()[L1])
    doc = json.loads(jsons[order[1]])
    doc["created"] = "2001-01-01T00:00:00Z"
    assert layout.legacy_layer_position(order[1], json.dumps(doc).encode(), chains) is None
    assert layout.legacy_layer_position(order[1], b"not json", chains) is None
    # The right JSON under another directory name proves nothing either.
    assert layout.legacy_layer_position(order[0], jsons[order[1]], chains) is None


def test_chain_ids_follow_the_oci_definition():
    diff = layers()[L1]
    chains = layout.chain_ids(diff)
    assert chains[0] == diff[0]
    assert chains[1] == "sha256:" + hashlib.sha256(("%s %s" % (diff[0], diff[1])).encode()).hexdigest()


def test_oci_documents():
    config = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
    manifest, digest, index = layout.oci_documents(ids()[L1], 123, [("sha256:" + "a" * 64, 2048)],
                                                   "docker.io/local/x:1", "1", layout.config_platform(config))
    assert digest == "sha256:" + hashlib.sha256(manifest).hexdigest()
    doc = json.loads(manifest)
    assert doc["config"] == {"mediaType": layout.OCI_CONFIG, "digest": ids()[L1], "size": 123}
    assert doc["layers"] == [{"mediaType": layout.OCI_LAYER_TAR, "digest": "sha256:" + "a" * 64, "size": 2048}]
    entry = json.loads(index)["manifests"][0]
    assert entry["digest"] == digest and entry["size"] == len(manifest)
    assert entry["annotations"][layout.CONTAINERD_NAME] == "docker.io/local/x:1"
    assert entry["platform"] == {"architecture": "amd64", "os": "linux"}
