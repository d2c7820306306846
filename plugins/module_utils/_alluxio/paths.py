# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of Alluxio paths given by users, before anything is sent to Alluxio."""

from __future__ import annotations

import posixpath

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError


def validate_alluxio_path(path, option, root="/"):
    """Return ``path`` normalised, or raise if it is relative, has ``..`` or lies outside ``root``."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise AlluxioError("%s must be an absolute Alluxio path such as /data/input.txt, got %r" % (option, path))
    if any(part == ".." for part in path.split("/")):
        raise AlluxioError("%s must not contain '..' segments: %r" % (option, path))
    if any(ord(char) < 32 for char in path):
        raise AlluxioError("%s contains control characters: %r" % (option, path))
    normal = posixpath.normpath(path)
    normal = "/" + normal.lstrip("/")
    root_normal = "/" + posixpath.normpath(root).lstrip("/")
    if root_normal != "/" and normal != root_normal and not normal.startswith(root_normal.rstrip("/") + "/"):
        raise AlluxioError("%s %s is outside the allowed root %s; change the path or the root option"
                           % (option, normal, root_normal))
    return normal
