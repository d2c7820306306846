# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image IDs and image references, compared the way the runtimes store them.

Docker reports IDs as ``sha256:<hex>``, podman as bare ``<hex>``; docker keeps the names of ``docker save``'s
``RepoTags`` as given (``local/app:1``), containerd stores them fully qualified (``docker.io/local/app:1``).
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_DOMAIN = "docker.io"
OFFICIAL_PREFIX = "library/"


def normalize_id(value: Optional[str], what: str = "image id") -> str:
    """``sha256:<hex>`` for any of ``<hex>``, ``sha256:<hex>`` (any case); ImageError for anything else."""
    text = (value or "").strip().lower()
    if text.startswith("sha256:"):
        text = text[len("sha256:"):]
    if not _HEX64.match(text):
        raise ImageError("%s %r is not a sha256 digest (64 hex digits, optionally prefixed with 'sha256:')"
                         % (what, value))
    return "sha256:" + text


def split_reference(ref: Optional[str]) -> Tuple[str, str, Optional[str], Optional[str]]:
    """(domain, path, tag, digest) of an image reference, with Docker's defaults filled in.

    The first component is a registry domain when it contains ``.`` or ``:`` or is ``localhost`` (Docker's rule);
    otherwise the domain is docker.io, where single-component names live under ``library/``.
    """
    text = (ref or "").strip()
    if not text or any(c.isspace() for c in text) or text != text.strip("/"):
        raise ImageError("image name %r is not a valid reference (repository[:tag][@digest])" % ref)
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
        normalize_id(digest, "digest of %s" % ref)
    first, sep, rest = text.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        domain, remainder = first, rest
    else:
        domain, remainder = DEFAULT_DOMAIN, text
    tag = None
    last_slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > last_slash:
        remainder, tag = remainder[:colon], remainder[colon + 1:]
        if not re.match(r"^[\w][\w.-]{0,127}$", tag):
            raise ImageError("image name %r has an invalid tag %r" % (ref, tag))
    simple = remainder.replace("__", "_")
    if not remainder or remainder != remainder.lower() or not re.match(r"^[a-z0-9]+([._/-][a-z0-9]+)*$", simple):
        raise ImageError("image name %r has an invalid repository %r (lower-case letters, digits, . _ - /)"
                         % (ref, remainder))
    if domain == DEFAULT_DOMAIN and "/" not in remainder:
        remainder = OFFICIAL_PREFIX + remainder
    if tag is None and digest is None:
        tag = "latest"
    return domain, remainder, tag, digest


def normalize_reference(ref: str) -> str:
    """The fully qualified form (``docker.io/library/debian:latest``), as containerd stores names."""
    domain, path, tag, digest = split_reference(ref)
    text = "%s/%s" % (domain, path)
    if tag:
        text += ":" + tag
    if digest:
        text += "@" + digest
    return text


def same_reference(left: str, right: str) -> bool:
    """Whether two names denote the same image in Docker's normalisation (``debian`` == ``docker.io/library/debian:latest``)."""
    try:
        return normalize_reference(left) == normalize_reference(right)
    except ImageError:
        return False


def describe_reference(ref: str) -> Dict[str, Optional[str]]:
    """The parts of a reference, for composing other names from it without parsing it again.

    ``repository`` is the path as Docker shows it (``app``, ``local/app``: the default domain and ``library/`` left
    out), the part to put after another registry's address.
    """
    domain, path, tag, digest = split_reference(ref)
    repository = path
    if domain == DEFAULT_DOMAIN and path.startswith(OFFICIAL_PREFIX) and path.count("/") == 1:
        repository = path[len(OFFICIAL_PREFIX):]
    return dict(name=ref, normalized=normalize_reference(ref), domain=domain, path=path, repository=repository,
                tag=tag, digest=digest)
