# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``container_image_load`` does: find what is wanted, compare with what the runtime has, load only if needed.

The decision is made before the archive is read in full: from O(image_id) and O(name) when given (the archive need
not even exist yet), otherwise from the archive's manifest. The checksum and the archive's integrity are checked
only when a load is needed, and before it, so a bad archive changes nothing.
"""

from __future__ import annotations

import os

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import archive as archives
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ArchiveError, ImageError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import (
    normalize_id,
    same_reference,
    split_reference,
)


def wanted_images(entries, name):
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


def missing_names(runtime, wanted):
    """[(name, wanted id, current id or None)] for every name that does not point at its wanted ID."""
    missing = []
    for image_id, names in wanted:
        for name in names:
            current = runtime.image_id(runtime.stored_name(name))
            if current != image_id:
                missing.append((name, image_id, current))
    return missing


def _describe(missing):
    parts = []
    for name, want, current in missing:
        if current is None:
            parts.append("%s is not present" % name)
        else:
            parts.append("%s is %s, not %s" % (name, current[:19], want[:19]))
    return "; ".join(parts)


class LoadRequest(object):
    def __init__(self, path=None, name=None, image_id=None, checksum=None, compression="auto", force=False,
                 zstd_path=None, gzip_path=None):
        self.path = path
        self.name = name
        self.image_id = normalize_id(image_id) if image_id else None
        self.checksum = normalize_id(checksum, "checksum") if checksum else None
        self.compression = compression
        self.force = force
        self.zstd_path = zstd_path
        self.gzip_path = gzip_path
        if name is not None:
            split_reference(name)
        if self.image_id and not name:
            raise ImageError("image_id needs name: the ID alone does not say under which name the image must exist")


def run(request, runtime, check_mode):
    """Plan and (unless ``check_mode``) load; returns the module's result dict. Raises ImageError subclasses."""
    result = dict(changed=False, action="none", runtime=runtime.name, path=request.path)
    if getattr(runtime, "namespace", None):
        result["namespace"] = runtime.namespace
    entries = None
    if request.image_id:
        wanted = [(request.image_id, [request.name])]
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
        result["msg"] = "already present: %s" % ", ".join(
            "%s (%s)" % (n, i[:19]) for i, names in wanted for n in names)
        return result
    reason = _describe(missing) if missing else "force=true"
    result.update(changed=True, action="load")

    if not request.path or not os.path.exists(request.path):
        if check_mode and request.image_id:
            result["msg"] = "would load (%s); the archive %s does not exist yet" % (reason, request.path)
            return result
        raise ArchiveError("%s, and the archive %s does not exist on this host" % (reason, request.path))
    if entries is None:
        compression, entries = archives.read_archive(request.path, request.compression, request.zstd_path)
        result["compression"] = compression
        held = [e.image_id for e in entries]
        if request.image_id not in held:
            raise ArchiveError("the archive %s does not hold image_id %s (it holds %s)"
                               % (request.path, request.image_id, ", ".join(held)))
        wanted_images(entries, request.name)
    if request.checksum:
        result["checksum"] = "sha256:" + archives.verify_checksum(request.path, request.checksum)
    if check_mode:
        result["msg"] = "would load: %s" % reason
        return result

    runtime.load(request.path, archives.decompressor_argv(result["compression"], request.zstd_path,
                                                          request.gzip_path))
    still = missing_names(runtime, wanted)
    if still:
        raise ImageError("%s loaded %s, but afterwards %s" % (runtime.name, request.path, _describe(still)))
    result["msg"] = "loaded: %s" % reason
    return result
