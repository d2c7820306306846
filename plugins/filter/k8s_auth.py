# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn a role's Kubernetes connection dict into module options (docs: k8s_auth_options.yml, ...)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# The connection options kubernetes.core.helm (and helm_info) accept, out of the k8s modules' set.
HELM_AUTH_KEYS = ("kubeconfig", "context", "host", "api_key", "validate_certs", "ca_cert")


def k8s_auth_options(auth):
    """The options that are set: empty strings and nulls are dropped, so module defaults and K8S_AUTH_* still apply."""
    if auth is None:
        return {}
    if not isinstance(auth, dict):
        raise AnsibleFilterError("k8s_auth_options expects a dict of kubernetes.core connection options, got %s"
                                 % type(auth).__name__)
    return dict((key, value) for key, value in auth.items() if value is not None and value != "")


def k8s_helm_auth_options(auth):
    """The subset of :func:`k8s_auth_options` that kubernetes.core.helm takes."""
    return dict((key, value) for key, value in k8s_auth_options(auth).items() if key in HELM_AUTH_KEYS)


class FilterModule:
    def filters(self):
        return {
            "k8s_auth_options": k8s_auth_options,
            "k8s_helm_auth_options": k8s_helm_auth_options,
        }
