# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place where a module's typed errors become ``fail_json``: every module's ``main()`` ends here."""

from __future__ import annotations

from typing import Any, Callable, Dict

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError


def run_module(module: Any, run: Callable[[Any], Dict[str, Any]], read_only: bool = False) -> None:
    """Call ``run(module)``, fail once with the message (and ``details``) of a :class:`CollectionError`, else exit.

    ``read_only`` modules always report ``changed: false``.
    """
    try:
        result = run(module)
    except CollectionError as exc:
        module.fail_json(msg=str(exc), **exc.details)
    if read_only:
        result["changed"] = False
    module.exit_json(**result)
