# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alluxio paths given by users, checked before anything is sent to Alluxio, and the temporary sibling names an
upload writes under."""

from __future__ import annotations

import posixpath
import re
import uuid
from typing import Any

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError

# The alluxio CLI expands these in every path argument (`fs rm -R /data/*` empties /data), the REST proxy does not:
# refused everywhere, so a path means the same on every transport.
GLOB_CHARACTERS = "*?["
TEMP_MARK = ".ansible-tmp-"


def validate_alluxio_path(path: Any, option: str, root: str = "/") -> str:
    """Return ``path`` normalised, or raise if it is relative, has ``..``, a glob character, or lies outside ``root``."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise AlluxioError("%s must be an absolute Alluxio path such as /data/input.txt, got %r" % (option, path))
    if any(part == ".." for part in path.split("/")):
        raise AlluxioError("%s must not contain '..' segments: %r" % (option, path))
    if any(ord(char) < 32 for char in path):
        raise AlluxioError("%s contains control characters: %r" % (option, path))
    globs = sorted(set(GLOB_CHARACTERS) & set(path))
    if globs:
        raise AlluxioError("%s %r contains the wildcard character(s) %s, which the alluxio CLI would expand to other "
                           "paths; name one path without * ? or [" % (option, path, " ".join(globs)))
    normal = "/" + posixpath.normpath(path).lstrip("/")
    root_normal = "/" + posixpath.normpath(root).lstrip("/")
    if root_normal != "/" and normal != root_normal and not normal.startswith(root_normal.rstrip("/") + "/"):
        raise AlluxioError("%s %s is outside the allowed root %s; change the path or the root option"
                           % (option, normal, root_normal))
    return normal


def parent_of(path: str) -> str:
    return posixpath.dirname(path.rstrip("/")) or "/"


def temp_name(path: str) -> str:
    """A new sibling of ``path`` to write into before the rename that makes the result visible."""
    return posixpath.join(parent_of(path), ".%s%s%s" % (posixpath.basename(path.rstrip("/")), TEMP_MARK,
                                                        uuid.uuid4().hex[:12]))


def is_temp_of(candidate: str, path: str) -> bool:
    """Whether ``candidate`` is a name :func:`temp_name` made for ``path`` (left behind by an interrupted run)."""
    if parent_of(candidate) != parent_of(path):
        return False
    pattern = r"\.%s%s[0-9a-f]{12}" % (re.escape(posixpath.basename(path.rstrip("/"))), re.escape(TEMP_MARK))
    return re.fullmatch(pattern, posixpath.basename(candidate)) is not None
