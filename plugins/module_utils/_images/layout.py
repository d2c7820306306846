# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two archive layouts a runtime loads, and how to tell which layer a ``docker save`` member holds.

``docker save`` (Docker before 25) writes the *docker-archive* layout: one directory per layer named by a legacy
"v1 ID" (``<v1id>/VERSION``, ``<v1id>/json``, ``<v1id>/layer.tar``), the image config ``<id>.json``, and
``manifest.json`` - in name order, so ``manifest.json``, which maps directories to layers, comes after every layer.
To decide *before* a layer's bytes flow whether a node needs them, :func:`legacy_layer_position` recomputes the v1 ID
from the ``<v1id>/json`` member (which precedes ``layer.tar``) for each candidate layer: the one whose recomputed ID
equals the directory name is the layer (a sha256 match, so never a wrong guess). Docker 25 and later write
``blobs/sha256/<digest>`` members, where an uncompressed layer's digest is its diff ID and no recomputation is needed.

The *OCI image layout* (``oci-layout``, ``index.json``, ``blobs/sha256/<digest>``) is what the fan-out sends to
containerd: its manifest names layers by digest, so it can name a layer the node already holds without carrying it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError

OCI_LAYOUT = b'{"imageLayoutVersion":"1.0.0"}'
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
# containerd names an imported image after this annotation of its index entry.
CONTAINERD_NAME = "io.containerd.image.name"
OCI_REF_NAME = "org.opencontainers.image.ref.name"
# The archive's metadata: small, and what every loader needs last. The fan-out holds these back until the stream's
# checksum is verified.
METADATA = ("manifest.json", "repositories", "index.json", "oci-layout")


def chain_ids(diff_ids: Sequence[str]) -> List[str]:
    """The chain ID of every layer prefix (the ID under which Docker and containerd store an applied layer)."""
    chains: List[str] = []
    for diff_id in diff_ids:
        chains.append(diff_id if not chains else
                      "sha256:" + hashlib.sha256(("%s %s" % (chains[-1], diff_id)).encode()).hexdigest())
    return chains


def _go_json(value: Any) -> bytes:
    """JSON as Go's encoding/json writes it (compact, HTML characters escaped, other text as UTF-8)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text.encode("utf-8")


def legacy_layer_position(directory: str, v1_json: bytes, chains: Sequence[str]) -> Optional[int]:
    """Which layer (index into ``chains``) the docker-archive directory ``directory`` holds, or None if no
    candidate reproduces its name.

    Docker's save computes a directory's name as the sha256 of the layer's v1 JSON without ``id`` (and, for every
    layer but the last, without ``os``, which it adds afterwards), with ``layer_id`` (the chain ID) and ``parent``
    (``sha256:`` + the parent directory) added, keys sorted.
    """
    try:
        doc = json.loads(v1_json.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    doc.pop("id", None)
    parent = doc.pop("parent", None)
    variants = [doc]
    if "os" in doc:
        variants.append({key: value for key, value in doc.items() if key != "os"})
    for variant in variants:
        for position, chain in enumerate(chains):
            candidate = dict(variant, layer_id=chain)
            if parent:
                candidate["parent"] = "sha256:" + parent
            if hashlib.sha256(_go_json({key: candidate[key] for key in sorted(candidate)})).hexdigest() == directory:
                return position
    return None


def docker_manifest_layers(manifest_json: bytes, config_name: str) -> List[str]:
    """The layer member names, in layer order, of the image whose config member is ``config_name``."""
    try:
        entries = json.loads(manifest_json.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveError("manifest.json of the saved image is not JSON: %s" % exc)
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("Config") == config_name:
            layers = entry.get("Layers")
            if isinstance(layers, list) and all(isinstance(name, str) for name in layers):
                return layers
    raise ArchiveError("manifest.json of the saved image does not list its config %s" % config_name)


def _descriptor(media_type: str, digest: str, size: int, annotations: Optional[Dict[str, str]] = None) -> dict:
    desc: Dict[str, Any] = {"mediaType": media_type, "digest": digest, "size": size}
    if annotations:
        desc["annotations"] = annotations
    return desc


def oci_documents(config_digest: str, config_size: int, layers: Sequence[Tuple[str, int]], name: str,
                  tag: Optional[str], platform: Dict[str, str]) -> Tuple[bytes, str, bytes]:
    """(manifest, its digest, index.json) of an OCI layout for one image whose layers are uncompressed tars."""
    manifest = _go_json({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": _descriptor(OCI_CONFIG, config_digest, config_size),
        "layers": [_descriptor(OCI_LAYER_TAR, digest, size) for digest, size in layers],
    })
    manifest_digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
    annotations = {CONTAINERD_NAME: name}
    if tag:
        annotations[OCI_REF_NAME] = tag
    entry = _descriptor(OCI_MANIFEST, manifest_digest, len(manifest), annotations)
    entry["platform"] = platform
    index = _go_json({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [entry]})
    return manifest, manifest_digest, index


def blob_name(digest: str) -> str:
    algorithm, _sep, hexdigest = digest.partition(":")
    return "blobs/%s/%s" % (algorithm, hexdigest)


def config_platform(config: bytes) -> Dict[str, str]:
    """The platform an image config declares (what containerd matches when it unpacks)."""
    try:
        doc = json.loads(config.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveError("the image config is not JSON: %s" % exc)
    platform = {"architecture": doc.get("architecture") or "amd64", "os": doc.get("os") or "linux"}
    if doc.get("variant"):
        platform["variant"] = doc["variant"]
    return platform


def config_diff_ids(config: bytes) -> List[str]:
    try:
        doc = json.loads(config.decode("utf-8"))
        diff_ids = doc["rootfs"]["diff_ids"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ArchiveError("the image config names no layers (rootfs.diff_ids): %s" % exc)
    if not isinstance(diff_ids, list) or not all(isinstance(d, str) for d in diff_ids):
        raise ArchiveError("the image config's rootfs.diff_ids is not a list of digests")
    return diff_ids
