# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``container_image_load`` does: find what is wanted, compare with what the runtime has, load or pull only
if needed.

The decision is made before the archive is read in full: from ``image_id`` and ``name`` when given (the archive
need not even exist yet), otherwise from the archive's manifest. A load reads the archive once: the bytes are
hashed as they go to the loader, and the loader is let finish only when the sha256 matches ``checksum``
(``receiver.feed_file``), so a bad archive changes nothing.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import archive as archives
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ArchiveError,
    ChecksumError,
    ImageError,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.receiver import (
    ChecksumMismatch,
    Sink,
    TransferError,
    feed_file,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import (
    normalize_id,
    same_reference,
    split_reference,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runtimes import Runtime

Wanted = List[Tuple[str, List[str]]]


def wanted_images(entries: List[archives.ImageEntry], name: Optional[str]) -> Wanted:
    """[(id, [names])] the runtime must hold after a load: every image of the archive, or the one called ``name``."""
    if name is None:
        untagged = [e.image_id for e in entries if not e.repo_tags]
        if untagged:
            raise ArchiveError("the archive holds an image without a name (%s); save images by name "
                               "(docker save repo:tag) or pass name" % ", ".join(untagged))
        return [(e.image_id, list(e.repo_tags)) for e in entries]
    chosen = [e for e in entries if any(same_reference(tag, name) for tag in e.repo_tags)]
    if not chosen:
        held = sorted(tag for e in entries for tag in e.repo_tags) or ["no named images"]
        raise ArchiveError("the archive holds no image named %s (it holds: %s)" % (name, ", ".join(held)))
    return [(e.image_id, [name]) for e in chosen]


def missing_names(runtime: Runtime, wanted: Wanted) -> List[Tuple[str, str, Optional[str]]]:
    """[(name, wanted id, current id or None)] for every name that does not point at its wanted ID."""
    missing = []
    for image_id, names in wanted:
        for name in names:
            current = runtime.image_id(runtime.stored_name(name))
            if current != image_id:
                missing.append((name, image_id, current))
    return missing


def _describe(missing: List[Tuple[str, str, Optional[str]]]) -> str:
    parts = []
    for name, want, current in missing:
        if current is None:
            parts.append("%s is not present" % name)
        else:
            parts.append("%s is %s, not %s" % (name, current[:19], want[:19]))
    return "; ".join(parts)


class LoadRequest:
    def __init__(self, source: str = "archive", path: Optional[str] = None, name: Optional[str] = None,
                 image_id: Optional[str] = None, checksum: Optional[str] = None, compression: str = "auto",
                 force: bool = False, zstd_path: Optional[str] = None, gzip_path: Optional[str] = None,
                 registry_username: Optional[str] = None, registry_password: Optional[str] = None,
                 registry_insecure: bool = False, load_timeout: float = 1800) -> None:
        self.source = source
        self.path = path
        self.name = name
        self.image_id = normalize_id(image_id) if image_id else None
        self.checksum = normalize_id(checksum, "checksum") if checksum else None
        self.compression = compression
        self.force = force
        self.zstd_path = zstd_path
        self.gzip_path = gzip_path
        self.registry_username = registry_username or None
        self.registry_password = registry_password or None
        self.registry_insecure = registry_insecure
        self.load_timeout = load_timeout
        if name is not None:
            split_reference(name)
        if load_timeout <= 0:
            raise ImageError("load_timeout must be a positive number of seconds, got %s" % load_timeout)
        if source == "registry":
            if not name:
                raise ImageError("source=registry needs name: the image reference to pull")
            if path or checksum:
                raise ImageError("path and checksum describe an archive; source=registry pulls name instead")
            if bool(self.registry_username) != bool(self.registry_password):
                raise ImageError("registry_username and registry_password go together")
        elif self.registry_username or self.registry_password or registry_insecure:
            raise ImageError("the registry_* options are for source=registry")
        elif self.image_id and not name:
            raise ImageError("image_id needs name: the ID alone does not say under which name the image must exist")


def run(request: LoadRequest, runtime: Runtime, check_mode: bool) -> Dict[str, Any]:
    """Plan and (unless ``check_mode``) load or pull; returns the module's result. Raises ImageError subclasses."""
    result: Dict[str, Any] = dict(changed=False, action="none", runtime=runtime.name, source=request.source)
    if getattr(runtime, "namespace", None):
        result["namespace"] = getattr(runtime, "namespace")
    if request.source == "registry":
        return _pull(request, runtime, check_mode, result)
    return _load(request, runtime, check_mode, result)


def _present_message(wanted: Wanted) -> str:
    return "already present: %s" % ", ".join("%s (%s)" % (n, i[:19]) for i, names in wanted for n in names)


def _pull(request: LoadRequest, runtime: Runtime, check_mode: bool, result: Dict[str, Any]) -> Dict[str, Any]:
    if request.name is None:
        raise ImageError("a pull needs the image's name")
    name = request.name
    current = runtime.image_id(runtime.stored_name(name))
    result["before"] = {name: current}
    present = current is not None and (request.image_id is None or current == request.image_id)
    if present and not request.force:
        result["images"] = [dict(id=current, names=[name])]
        result["msg"] = _present_message([(current or "", [name])])
        return result
    reason = "force=true" if present else _describe([(name, request.image_id or "", current)]) \
        if current else "%s is not present" % name
    result.update(changed=True, action="pull")
    if check_mode:
        result["images"] = [dict(id=request.image_id or current, names=[name])]
        result["msg"] = "would pull: %s" % reason
        return result
    runtime.pull(name, request.registry_username, request.registry_password, request.registry_insecure,
                 request.load_timeout)
    after = runtime.image_id(runtime.stored_name(name))
    if after is None or (request.image_id and after != request.image_id):
        raise ImageError("%s pulled %s, but afterwards it is %s, not %s (the registry holds another image under "
                         "that name: push the wanted one again)"
                         % (runtime.name, name, after or "absent", request.image_id))
    result["changed"] = after != current or request.force
    result["images"] = [dict(id=after, names=[name])]
    result["msg"] = "pulled: %s" % reason
    return result


def _load(request: LoadRequest, runtime: Runtime, check_mode: bool, result: Dict[str, Any]) -> Dict[str, Any]:
    result["path"] = request.path
    entries = None
    if request.image_id:
        wanted = [(request.image_id, [request.name or ""])]
    else:
        if not request.path:
            raise ImageError("path is required unless image_id and name say what to look for")
        compression, entries = archives.read_archive(request.path, request.compression, request.zstd_path)
        result["compression"] = compression
        wanted = wanted_images(entries, request.name)
    result["images"] = [dict(id=image_id, names=names) for image_id, names in wanted]
    missing = missing_names(runtime, wanted)
    result["before"] = {name: current for name, _want, current in missing}
    if not missing and not request.force:
        result["msg"] = _present_message(wanted)
        return result
    reason = _describe(missing) if missing else "force=true"
    result.update(changed=True, action="load")

    if not request.path or not os.path.exists(request.path):
        if check_mode and request.image_id:
            result["msg"] = "would load (%s); the archive %s does not exist yet" % (reason, request.path)
            return result
        raise ArchiveError("%s, and the archive %s does not exist on this host" % (reason, request.path))
    if "compression" not in result:
        result["compression"] = archives.detect_compression(request.path)
        if request.compression not in ("auto", result["compression"]):
            raise ArchiveError("the archive %s is %s-compressed, not %s as compression says" % (
                request.path, "not" if result["compression"] == "none" else result["compression"],
                request.compression))
    # A plain archive's structure is checked by reading its headers (cheap); a compressed one would need a whole
    # pass, which the checksum makes unnecessary: without one, check the structure before loading.
    if entries is None and (result["compression"] == "none" or not request.checksum):
        _compression, entries = archives.read_archive(request.path, request.compression, request.zstd_path)
    if entries is not None and request.image_id:
        held = [e.image_id for e in entries]
        if request.image_id not in held:
            raise ArchiveError("the archive %s does not hold image_id %s (it holds %s)"
                               % (request.path, request.image_id, ", ".join(held)))
        wanted_images(entries, request.name)
    if check_mode:
        if request.checksum:
            got = "sha256:" + archives.sha256_file(request.path)
            if got != request.checksum:
                raise ChecksumError("checksum mismatch for %s: expected %s, got %s (the archive is damaged or not "
                                    "the one meant; copy it again)" % (request.path, request.checksum, got))
            result["checksum"] = got
        result["msg"] = "would load: %s" % reason
        return result

    digest = _feed(request, runtime, result["compression"])
    if request.checksum:
        result["checksum"] = "sha256:" + digest
    still = missing_names(runtime, wanted)
    if still:
        raise ImageError("%s loaded %s, but afterwards %s" % (runtime.name, request.path, _describe(still)))
    result["msg"] = "loaded: %s" % reason
    return result


def _feed(request: LoadRequest, runtime: Runtime, compression: str) -> str:
    """Load the archive in one pass, hashing it on the way; the loader finishes only if the checksum matches."""
    if request.path is None:
        raise ImageError("a load needs the archive's path")
    sink = Sink(load=runtime.load_argv(),
                decompress=archives.decompressor_argv(compression, request.zstd_path, request.gzip_path),
                timeout=request.load_timeout)
    expected = request.checksum[len("sha256:"):] if request.checksum else None
    try:
        with open(request.path, "rb") as handle:
            digest, _count, _output = feed_file(handle, sink.start(), expected)
    except ChecksumMismatch as exc:
        raise ChecksumError("%s: %s (nothing was loaded; the archive is damaged or not the one meant: copy it "
                            "again)" % (request.path, exc))
    except TransferError as exc:
        raise ImageError("%s could not load %s: %s. Nothing was tagged; the archive may be corrupt or the runtime "
                         "unhealthy" % (runtime.name, request.path, exc))
    except OSError as exc:
        raise ArchiveError("cannot read the archive %s: %s" % (request.path, exc.strerror))
    return digest
