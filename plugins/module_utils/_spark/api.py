# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes calls the SparkApplication manager makes, each bounded by a request timeout, each failure turned
into a :class:`SparkApiError` that says what failed and what to do (422 invalid spec, 403 RBAC, missing CRD,
unreachable server)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec as spec_utils
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import SparkApiError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.status import DRIVER_CONTAINER, LABEL_APP_NAME

try:
    from kubernetes.client.exceptions import ApiException
except ImportError:  # the client builder reports the missing package before any call is made
    ApiException = None

# Seconds one API request may take (connect and read); the waits around them have their own bounds.
REQUEST_TIMEOUT = 30
RESOURCE = "sparkapplications.%s" % spec_utils.GROUP


def _status_body(exc: Any) -> Dict[str, Any]:
    try:
        body = json.loads(getattr(exc, "body", None) or "{}")
    except (TypeError, ValueError):
        return {}
    return body if isinstance(body, dict) else {}


def _invalid_detail(body: Dict[str, Any]) -> str:
    """The field errors of a 422 Status, each with the module option that sets the field when there is one."""
    causes = (body.get("details") or {}).get("causes") or []
    parts = []
    for cause in causes:
        field = cause.get("field") or ""
        text = "%s: %s" % (field, cause.get("message") or cause.get("reason") or "invalid") if field else \
            (cause.get("message") or "")
        key = field.split(".")[1].split("[")[0] if field.startswith("spec.") and "." in field else ""
        option = spec_utils.OPTION_FOR_SPEC_KEY.get(key)
        if option:
            text += " (set by the option %s)" % option
        parts.append(text)
    return "; ".join(parts) or body.get("message") or "invalid"


class SparkApi:
    """SparkApplications and their pods in one cluster, through a CustomObjectsApi and a CoreV1Api."""

    def __init__(self, custom_api: Any, core_api: Any) -> None:
        self.custom = custom_api
        self.core = core_api

    def host(self) -> str:
        try:
            return self.core.api_client.configuration.host
        except AttributeError:
            return "(unknown)"

    def _fail(self, exc: Exception, doing: str, namespace: str, verb: str, resource: str = RESOURCE) -> SparkApiError:
        """A typed error for ``exc`` raised while ``doing`` (e.g. "create SparkApplication spark/wc").

        ``verb`` and ``resource`` name the RBAC permission the call needs.
        """
        if ApiException is None or not isinstance(exc, ApiException):
            return SparkApiError("cannot %s: the Kubernetes API server at %s was unreachable or did not answer within "
                                 "%s s (%s); check host, kubeconfig and context, and that the server runs"
                                 % (doing, self.host(), REQUEST_TIMEOUT, str(exc)[:300]))
        body = _status_body(exc)
        message = body.get("message") or (getattr(exc, "reason", "") or "")
        status = exc.status
        if status == 422:
            return SparkApiError("the API server rejected the SparkApplication as invalid (HTTP 422), so nothing was "
                                 "submitted: %s. Fix the definition or the options" % _invalid_detail(body))
        if status == 403:
            return SparkApiError("cannot %s: forbidden (HTTP 403). The credentials need RBAC verb '%s' on %s in "
                                 "namespace %s (%s)" % (doing, verb, resource, namespace, message))
        if status == 401:
            return SparkApiError("cannot %s: unauthorized (HTTP 401) by %s; the token or client certificate was "
                                 "refused" % (doing, self.host()))
        kind = (body.get("details") or {}).get("kind")
        if status == 404 and kind == "namespaces":
            return SparkApiError("cannot %s: namespace %s does not exist. Create it first (the spark_operator role "
                                 "creates its job namespaces with the driver's service account)" % (doing, namespace))
        if status == 404 and kind not in ("sparkapplications", "pods"):
            return SparkApiError("cannot %s: the API server at %s does not serve %s %s (HTTP 404: %s). Install the "
                                 "Spark operator's CRDs (role alluxio_spark.k8s.spark_operator) or check the context"
                                 % (doing, self.host(), spec_utils.API_VERSION, RESOURCE, message))
        return SparkApiError("cannot %s: HTTP %s %s" % (doing, status, message[:500]))

    def get(self, namespace: str, name: str) -> Optional[Dict[str, Any]]:
        """The SparkApplication, or ``None`` when it does not exist (a missing CRD is an error, not ``None``)."""
        try:
            return self.custom.get_namespaced_custom_object(spec_utils.GROUP, spec_utils.VERSION, namespace,
                                                            spec_utils.PLURAL, name, _request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:
            if ApiException is not None and isinstance(exc, ApiException) and exc.status == 404 \
                    and (_status_body(exc).get("details") or {}).get("name") == name:
                return None
            raise self._fail(exc, "read SparkApplication %s/%s" % (namespace, name), namespace, "get")

    def create(self, body: Dict[str, Any], dry_run: bool = False) -> Dict[str, Any]:
        """Create ``body``; ``dry_run`` has the server validate it (schema, admission) without storing anything."""
        namespace = body["metadata"]["namespace"]
        kwargs = {"dry_run": "All"} if dry_run else {}
        try:
            return self.custom.create_namespaced_custom_object(spec_utils.GROUP, spec_utils.VERSION, namespace,
                                                               spec_utils.PLURAL, body,
                                                               _request_timeout=REQUEST_TIMEOUT, **kwargs)
        except Exception as exc:
            if dry_run and ApiException is not None and isinstance(exc, ApiException) and exc.status == 409:
                return body  # valid; the name is taken by the object about to be replaced
            raise self._fail(exc, "create SparkApplication %s" % spec_utils.identity(body), namespace, "create")

    def delete(self, namespace: str, name: str) -> bool:
        """Delete the application (its pods go by garbage collection); ``False`` when it was already gone."""
        try:
            self.custom.delete_namespaced_custom_object(spec_utils.GROUP, spec_utils.VERSION, namespace,
                                                        spec_utils.PLURAL, name, propagation_policy="Background",
                                                        _request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:
            if ApiException is not None and isinstance(exc, ApiException) and exc.status == 404 \
                    and (_status_body(exc).get("details") or {}).get("name") == name:
                return False
            raise self._fail(exc, "delete SparkApplication %s/%s" % (namespace, name), namespace, "delete")
        return True

    def pods(self, namespace: str, name: str) -> List[Dict[str, Any]]:
        """The application's driver and executor pods (label sparkoperator.k8s.io/app-name), as plain dicts."""
        try:
            listing = self.core.list_namespaced_pod(namespace, label_selector="%s=%s" % (LABEL_APP_NAME, name),
                                                    _request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:
            raise self._fail(exc, "list the pods of SparkApplication %s/%s" % (namespace, name), namespace, "list",
                             "pods")
        return self.core.api_client.sanitize_for_serialization(listing).get("items") or []

    def delete_pod(self, namespace: str, pod: str) -> None:
        try:
            self.core.delete_namespaced_pod(pod, namespace, _request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:
            if ApiException is not None and isinstance(exc, ApiException) and exc.status == 404:
                return
            raise self._fail(exc, "delete pod %s/%s" % (namespace, pod), namespace, "delete", "pods")

    def driver_log(self, namespace: str, pod: str, lines: int) -> List[str]:
        """The last ``lines`` lines of the driver container's log; ``[]`` when there is none (yet, or any more)."""
        if lines <= 0 or not pod:
            return []
        try:
            text = self.core.read_namespaced_pod_log(pod, namespace, container=DRIVER_CONTAINER, tail_lines=lines,
                                                     _request_timeout=REQUEST_TIMEOUT)
        except Exception as exc:
            # 400: the container has not started (image missing, pending); 404: the pod is gone. No log to give.
            if ApiException is not None and isinstance(exc, ApiException) and exc.status in (400, 404):
                return []
            raise self._fail(exc, "read the log of driver pod %s/%s" % (namespace, pod), namespace, "get", "pods/log")
        return (text or "").splitlines()[-lines:]
