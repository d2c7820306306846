# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API failures become messages that say what failed and what to do; the bodies are the API server's own, captured."""

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import api as spark_api
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import SparkApiError
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import (
    captured_api_error,
    captured_json,
)

pytestmark = pytest.mark.skipif(spark_api.ApiException is None, reason="kubernetes client not installed")


def api_exception(name):
    status, body = captured_api_error(name)
    exc = spark_api.ApiException(status=status, reason="captured")
    exc.body = body
    return exc


class Raises:
    """A CustomObjectsApi / CoreV1Api whose every call raises ``exc`` (and records its keyword arguments)."""

    def __init__(self, exc):
        self.exc = exc
        self.kwargs = []
        self.api_client = type("C", (), {"configuration": type("Cfg", (), {"host": "https://172.31.250.10:6443"})()})()

    def __getattr__(self, name):
        def call(*_args, **kwargs):
            self.kwargs.append(kwargs)
            raise self.exc
        return call


def sparkapi(name):
    raiser = Raises(api_exception(name) if isinstance(name, str) else name)
    return spark_api.SparkApi(raiser, raiser), raiser


def body(name="capture-invalid", namespace="spark"):
    return {"apiVersion": spec.API_VERSION, "kind": spec.KIND, "metadata": {"name": name, "namespace": namespace},
            "spec": captured_json("completed-app.json")["spec"]}


def test_a_missing_application_is_none():
    api, raiser = sparkapi("missing")
    assert api.get("spark", "capture-no-such-app") is None
    assert raiser.kwargs[0]["_request_timeout"] == spark_api.REQUEST_TIMEOUT


def test_a_missing_crd_is_an_error_not_a_missing_application():
    api, _raiser = sparkapi("no-resource")
    with pytest.raises(SparkApiError, match=r"does not serve sparkoperator.k8s.io/v1beta2 sparkapplications.sparkop"
                                            r"erator.k8s.io .HTTP 404.*Install the Spark operator's CRDs"):
        api.get("spark", "x")


def test_an_invalid_spec_names_the_field_and_the_option_that_sets_it():
    api, raiser = sparkapi("invalid")
    with pytest.raises(SparkApiError) as info:
        api.create(body(), dry_run=True)
    assert raiser.kwargs[0]["dry_run"] == "All"
    assert str(info.value).startswith("the API server rejected the SparkApplication as invalid (HTTP 422), so nothing "
                                      "was submitted: spec.mainApplicationFile: Required value (set by the option "
                                      "main_application_file)")


def test_a_dry_run_against_the_existing_name_is_valid():
    api, _raiser = sparkapi("exists")
    assert api.create(body("capture-completed"), dry_run=True)["metadata"]["name"] == "capture-completed"
    with pytest.raises(SparkApiError, match="cannot create SparkApplication spark/capture-completed: HTTP 409"):
        api.create(body("capture-completed"))


def test_a_missing_namespace_says_to_create_it():
    api, _raiser = sparkapi("no-namespace")
    with pytest.raises(SparkApiError, match="namespace capture-no-such-ns does not exist. Create it first"):
        api.create(body("x", "capture-no-such-ns"), dry_run=True)


def test_forbidden_names_the_verb_resource_and_namespace():
    api, _raiser = sparkapi("forbidden")
    with pytest.raises(SparkApiError, match=r"cannot read SparkApplication spark/capture-completed: forbidden "
                                            r"\(HTTP 403\). The credentials need RBAC verb 'get' on "
                                            r"sparkapplications.sparkoperator.k8s.io in namespace spark "
                                            r"\(.*system:serviceaccount:spark:spark"):
        api.get("spark", "capture-completed")


def test_an_unreachable_server_says_where_and_what_to_check():
    from urllib3.exceptions import MaxRetryError

    api, _raiser = sparkapi(MaxRetryError(None, "/apis", "Connection refused"))
    with pytest.raises(SparkApiError, match=r"cannot list the pods of SparkApplication spark/x: the Kubernetes API "
                                            r"server at https://172.31.250.10:6443 was unreachable.*check host, "
                                            r"kubeconfig and context"):
        api.pods("spark", "x")


def test_a_driver_that_never_started_gives_no_log_lines():
    api, raiser = sparkapi("log-waiting")
    assert api.driver_log("spark", "capture-never-pull-driver", 10) == []
    assert raiser.kwargs[0]["container"] == "spark-kubernetes-driver" and raiser.kwargs[0]["tail_lines"] == 10
    assert api.driver_log("spark", "capture-never-pull-driver", 0) == []
