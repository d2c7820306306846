# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.alluxio_spark.k8s.plugins.filter.k8s_auth import k8s_auth_options, k8s_helm_auth_options


def test_unset_options_are_dropped_and_set_ones_kept():
    auth = {"kubeconfig": "/k", "context": "", "host": None, "validate_certs": False, "api_key": "t"}
    assert k8s_auth_options(auth) == {"kubeconfig": "/k", "validate_certs": False, "api_key": "t"}


def test_none_is_no_options():
    assert k8s_auth_options(None) == {}


def test_a_non_dict_is_refused_by_name():
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        k8s_auth_options(["kubeconfig"])


def test_helm_gets_only_the_options_it_knows():
    auth = {"kubeconfig": "/k", "impersonate_user": "u", "proxy": "http://p", "context": "c", "ca_cert": ""}
    assert k8s_helm_auth_options(auth) == {"kubeconfig": "/k", "context": "c"}


INLINE = {"apiVersion": "v1", "kind": "Config", "users": [{"name": "u", "user": {"token": "secret-token-value"}}]}


def test_an_inline_kubeconfig_is_replaced_by_the_path_of_its_private_copy():
    auth = {"kubeconfig": INLINE, "context": "c"}
    assert k8s_auth_options(auth, inline_kubeconfig_path="/tmp/d/kubeconfig") == {
        "kubeconfig": "/tmp/d/kubeconfig", "context": "c"}


def test_an_inline_kubeconfig_without_a_private_copy_is_refused_without_showing_it():
    with pytest.raises(AnsibleFilterError, match="inline_kubeconfig") as raised:
        k8s_auth_options({"kubeconfig": INLINE})
    assert "secret-token-value" not in str(raised.value)


def test_a_kubeconfig_path_is_kept_whatever_the_private_copy():
    assert k8s_auth_options({"kubeconfig": "/k"}, inline_kubeconfig_path="/tmp/d/kubeconfig") == {"kubeconfig": "/k"}
    assert k8s_auth_options({"host": "https://h"}, inline_kubeconfig_path="/tmp/d/kubeconfig") == {"host": "https://h"}


def test_helm_gets_the_private_copy_too():
    assert k8s_helm_auth_options({"kubeconfig": INLINE, "proxy": "http://p"}, "/tmp/d/kubeconfig") == {
        "kubeconfig": "/tmp/d/kubeconfig"}
