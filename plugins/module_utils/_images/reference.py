# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image IDs and image references, compared the way the runtimes store them.

Docker reports IDs as ``sha256:<hex>``, podman as bare ``<hex>``; docker keeps the names of ``docker save``'s
``RepoTags`` as given (``local/app:1``), containerd stores them fully qualified (``docker.io/local/app:1``).
"""

from __future__ import annotations

import re

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import ImageError

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
DEFAULT_DOMAIN = "docker.io"
OFFICIAL_PREFIX = "library/"


def normalize_id(value, what="image id"):
    """``sha256:<hex>`` for any of ``<hex>``, ``sha256:<hex>`` (any case); ImageError for anything else."""
    text = (value or "").strip().lower()
    if text.startswith("sha256:"):
        text = text[len("sha256:"):]
    if not _HEX64.match(text):
        raise ImageError("%s %r is not a sha256 digest (64 hex digits, optionally prefixed with 'sha256:')"
                         % (what, value))
    return "sha256:" + text


def same_id(left, right):
    """Whether two IDs name the same image, whatever prefix and case each runtime printed."""
    try:
        return normalize_id(left) == normalize_id(right)
    except ImageError:
        return False


def split_reference(ref):
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


def normalize_reference(ref):
    """The fully qualified form (``docker.io/library/debian:latest``), as containerd stores names."""
    domain, path, tag, digest = split_reference(ref)
    text = "%s/%s" % (domain, path)
    if tag:
        text += ":" + tag
    if digest:
        text += "@" + digest
    return text


def same_reference(left, right):
    """Whether two names denote the same image in Docker's normalisation (``debian`` == ``docker.io/library/debian:latest``)."""
    try:
        return normalize_reference(left) == normalize_reference(right)
    except ImageError:
        return False
