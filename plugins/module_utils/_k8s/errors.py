# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors of the Kubernetes helpers; modules turn them into ``fail_json(msg=...)`` once, in ``main()``."""

from __future__ import annotations

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.errors import CollectionError

MISSING_KUBERNETES_MSG = ("this module needs the kubernetes Python package (the Kubernetes client) on the host that runs it: "
                          "install it with 'pip install kubernetes' into the interpreter Ansible uses there")


class K8sError(CollectionError):
    """Base class: the message says what went wrong and what to do."""


class K8sClientError(K8sError):
    """No API client could be built from the auth options (kubeconfig, context, host, token, certificates)."""
