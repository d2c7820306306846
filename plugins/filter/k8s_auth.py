# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn a role's Kubernetes connection dict into module options (docs: k8s_auth_options.yml, ...)."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

# The connection options kubernetes.core.helm (and helm_info) accept, out of the k8s modules' set.
HELM_AUTH_KEYS = ("kubeconfig", "context", "host", "api_key", "validate_certs", "ca_cert")


def k8s_auth_options(auth, inline_kubeconfig_path=""):
    """The options that are set: empty strings and nulls are dropped, so module defaults and K8S_AUTH_* still apply.

    An inline kubeconfig (a dict) never comes out as an option: kubernetes.core's action plugins copy a failed task's
    arguments, unmasked, into the -vvv output. It is replaced by inline_kubeconfig_path, its private copy.
    """
    if auth is None:
        return {}
    if not isinstance(auth, Mapping):
        raise AnsibleFilterError("k8s_auth_options expects a dict of kubernetes.core connection options, got %s"
                                 % type(auth).__name__)
    options = dict((key, value) for key, value in auth.items() if value is not None and value != "")
    if isinstance(options.get("kubeconfig"), Mapping):
        if not inline_kubeconfig_path:
            # Names the fix, never the content.
            raise AnsibleFilterError(
                "k8s_auth_options got an inline kubeconfig (a dict) and no path of its private copy: a module option "
                "would show it in the -vvv output of a failed task. Write it with the role "
                "alluxio_spark.k8s.inline_kubeconfig (tasks_from: write) and pass "
                "inline_kubeconfig_path=inline_kubeconfig_path")
        options["kubeconfig"] = inline_kubeconfig_path
    return options


def k8s_helm_auth_options(auth, inline_kubeconfig_path=""):
    """The subset of :func:`k8s_auth_options` that kubernetes.core.helm takes."""
    return dict((key, value) for key, value in k8s_auth_options(auth, inline_kubeconfig_path).items()
                if key in HELM_AUTH_KEYS)


class FilterModule:
    def filters(self):
        return {
            "k8s_auth_options": k8s_auth_options,
            "k8s_helm_auth_options": k8s_helm_auth_options,
        }
