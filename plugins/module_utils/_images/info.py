# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``container_image_info`` reports: an image a runtime holds, and which of a list of layers it could reuse."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.reference import (
    describe_reference,
    normalize_id,
)
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.runtimes import Runtime


def image_info(runtime: Runtime, name: Optional[str], image_id: Optional[str] = None,
               layers: Optional[List[str]] = None) -> Dict[str, Any]:
    """The module's result (read-only): see container_image_info's RETURN."""
    if not name and not image_id:
        raise ImageError("give name or image_id: what to look for")
    wanted = normalize_id(image_id) if image_id else None
    asked = [normalize_id(layer, "layer") for layer in layers] if layers is not None else None
    result: Dict[str, Any] = dict(changed=False, runtime=runtime.name, partial_archive=runtime.partial_archive)
    if getattr(runtime, "namespace", None):
        result["namespace"] = getattr(runtime, "namespace")
    if name:
        result["reference"] = describe_reference(name)
    lookup = runtime.stored_name(name or wanted or "")
    result["stored_name"] = lookup
    image = runtime.inspect(lookup, layers=True)
    result.update(exists=image is not None, image_id=image.image_id if image else None,
                  layers=image.layers if image else [])
    if wanted:
        result["present"] = image is not None and image.image_id == wanted
    if asked is not None:
        flags = [True] * len(asked) if image is not None and image.layers == asked else runtime.present_layers(asked)
        result["layers_present"] = [layer for layer, held in zip(asked, flags) if held]
        result["layers_missing"] = [layer for layer, held in zip(asked, flags) if not held]
    if image is None:
        result["msg"] = "%s holds no image %s" % (runtime.name, lookup)
    elif wanted and not result["present"]:
        result["msg"] = "%s is %s in %s, not %s" % (lookup, image.image_id[:19], runtime.name, wanted[:19])
    else:
        result["msg"] = "%s is %s in %s" % (lookup, image.image_id[:19], runtime.name)
    return result
