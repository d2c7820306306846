# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired SparkApplication: merged from a definition (dict, YAML text or file) and the common-field options,
checked, and fingerprinted by a hash of what the user asked for (pure functions, no API access)."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any, Dict, Optional

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import SparkInputError

try:
    import yaml
except ImportError as exc:  # PyYAML ships with ansible-core; reported only when a YAML string or file is given
    yaml = None
    YAML_IMPORT_ERROR = exc
else:
    YAML_IMPORT_ERROR = None

GROUP = "sparkoperator.k8s.io"
VERSION = "v1beta2"
API_VERSION = GROUP + "/" + VERSION
KIND = "SparkApplication"
PLURAL = "sparkapplications"
DEFAULT_NAMESPACE = "default"
# Where the module keeps the fingerprint of the spec it submitted. The API server and the operator add defaults to
# the stored spec, so comparing stored with desired spec would see changes that nobody asked for.
HASH_ANNOTATION = "alluxio-spark.k8s/spec-hash"
# A batch job must not be restarted for ever: the operator's own default would be decided by its version.
DEFAULT_RESTART_POLICY = {"type": "Never"}

# Module option -> spec key it replaces when set.
SPEC_OPTIONS = (
    ("application_type", "type"),
    ("mode", "mode"),
    ("image", "image"),
    ("image_pull_policy", "imagePullPolicy"),
    ("main_class", "mainClass"),
    ("main_application_file", "mainApplicationFile"),
    ("arguments", "arguments"),
    ("spark_version", "sparkVersion"),
    ("spark_conf", "sparkConf"),
    ("hadoop_conf", "hadoopConf"),
    ("node_selector", "nodeSelector"),
    ("driver", "driver"),
    ("executor", "executor"),
    ("restart_policy", "restartPolicy"),
)
OPTION_FOR_SPEC_KEY = dict((key, option) for option, key in SPEC_OPTIONS)
# Maps the CRD types as map[string]string: Spark reads every value as a string.
_STRING_MAPS = ("sparkConf", "hadoopConf", "nodeSelector")
# Server-owned metadata a definition copied from `kubectl get -o yaml` or k8s_info may carry.
_SERVER_METADATA = ("uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
                    "deletionGracePeriodSeconds", "managedFields", "selfLink", "ownerReferences", "finalizers")


def load_definition(definition: Any = None, src: Optional[str] = None) -> Dict[str, Any]:
    """The SparkApplication given by ``definition`` (dict or YAML text) or the YAML file ``src``; ``{}`` for neither."""
    if definition is not None and src is not None:
        raise SparkInputError("definition and src are mutually exclusive: give the SparkApplication one way")
    if src is not None:
        try:
            with open(src, "r", encoding="utf-8") as handle:
                text = handle.read()
        except (IOError, OSError) as exc:
            raise SparkInputError("cannot read src %s: %s; give the path of a SparkApplication YAML file on the host "
                                  "that runs the module" % (src, exc))
        return _parse_yaml(text, "src %s" % src)
    if definition is None:
        return {}
    if isinstance(definition, str):
        return _parse_yaml(definition, "definition")
    if not isinstance(definition, dict):
        raise SparkInputError("definition must be a SparkApplication as a dict or as YAML text, got a %s"
                              % type(definition).__name__)
    return copy.deepcopy(definition)


def _parse_yaml(text: str, where: str) -> Dict[str, Any]:
    if yaml is None:
        raise SparkInputError("reading %s needs PyYAML (import error: %s)" % (where, YAML_IMPORT_ERROR))
    try:
        documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as exc:
        raise SparkInputError("%s is not valid YAML: %s" % (where, exc))
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise SparkInputError("%s must hold exactly one SparkApplication (a YAML mapping), found %s"
                              % (where, "%d documents" % len(documents) if len(documents) != 1 else "a "
                                 + type(documents[0]).__name__))
    return documents[0]


def _stringify_map(value: Any, key: str) -> Dict[str, str]:
    if not isinstance(value, dict):
        raise SparkInputError("spec.%s (option %s) must be a mapping of strings, got %s"
                              % (key, OPTION_FOR_SPEC_KEY[key], type(value).__name__))
    out = {}
    for name, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"  # what Spark and Hadoop expect, not Python's True
        elif isinstance(item, (int, float)):
            item = str(item)
        elif not isinstance(item, str):
            raise SparkInputError("spec.%s.%s (option %s) must be a string, number or boolean, got %s"
                                  % (key, name, OPTION_FOR_SPEC_KEY[key], type(item).__name__))
        out[str(name)] = item
    return out


def build_desired(params: Dict[str, Any]) -> Dict[str, Any]:
    """The SparkApplication to submit, from the module's parameters.

    The definition (``definition`` or ``src``) is the base; every common-field option that is set replaces its spec
    key; ``name``/``namespace`` options replace the definition's metadata. apiVersion and kind default to
    sparkoperator.k8s.io/v1beta2 SparkApplication, ``spec.restartPolicy`` to ``{type: Never}``. Server-owned
    metadata and ``status`` are dropped. The result carries the spec hash in :data:`HASH_ANNOTATION`.
    """
    body = load_definition(params.get("definition"), params.get("src"))
    api_version = body.get("apiVersion") or API_VERSION
    kind = body.get("kind") or KIND
    if api_version != API_VERSION or kind != KIND:
        raise SparkInputError("the definition is a %s %s; this module submits only %s %s (Spark operator 2.x)"
                              % (api_version, kind, API_VERSION, KIND))
    metadata = body.get("metadata") or {}
    spec = body.get("spec") or {}
    if not isinstance(metadata, dict) or not isinstance(spec, dict):
        raise SparkInputError("the definition's metadata and spec must be mappings")
    metadata = dict((key, value) for key, value in metadata.items() if key not in _SERVER_METADATA)
    spec = copy.deepcopy(spec)

    name = params.get("name") or metadata.get("name")
    namespace = params.get("namespace") or metadata.get("namespace") or DEFAULT_NAMESPACE
    if metadata.get("generateName") and not name:
        raise SparkInputError("metadata.generateName cannot be tracked across runs: set a fixed name")
    if not name:
        raise SparkInputError("no name: set the name option, or metadata.name in the definition")
    metadata.pop("generateName", None)
    metadata["name"], metadata["namespace"] = str(name), str(namespace)

    for option, key in SPEC_OPTIONS:
        if params.get(option) is not None:
            spec[key] = copy.deepcopy(params[option])
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = copy.deepcopy(DEFAULT_RESTART_POLICY)
    for key in _STRING_MAPS:
        if spec.get(key) is not None:
            spec[key] = _stringify_map(spec[key], key)
    for key in ("labels", "annotations"):
        if metadata.get(key) is not None:
            metadata[key] = _stringify_map_meta(metadata[key], key)

    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(HASH_ANNOTATION, None)
    digest = spec_hash(spec, metadata.get("labels") or {}, annotations)
    annotations[HASH_ANNOTATION] = digest
    metadata["annotations"] = annotations
    return {"apiVersion": API_VERSION, "kind": KIND, "metadata": metadata, "spec": spec}


def _stringify_map_meta(value: Any, key: str) -> Dict[str, str]:
    if not isinstance(value, dict):
        raise SparkInputError("metadata.%s must be a mapping, got %s" % (key, type(value).__name__))
    return dict((str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in value.items())


def spec_hash(spec: Dict[str, Any], labels: Dict[str, str], annotations: Dict[str, str]) -> str:
    """sha256 of what the user asked for: the spec, the labels (they reach the pods) and the other annotations."""
    canonical = json.dumps({"spec": spec, "labels": labels, "annotations": annotations}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_hash(app: Optional[Dict[str, Any]]) -> Optional[str]:
    """The spec hash an existing SparkApplication was submitted with by this module, or ``None``."""
    return (((app or {}).get("metadata") or {}).get("annotations") or {}).get(HASH_ANNOTATION)


def desired_hash(desired: Dict[str, Any]) -> str:
    return desired["metadata"]["annotations"][HASH_ANNOTATION]


def identity(body: Dict[str, Any]) -> str:
    """``namespace/name``, how every message names the application."""
    return "%s/%s" % (body["metadata"]["namespace"], body["metadata"]["name"])


def retries_submission(spec: Dict[str, Any]) -> bool:
    """Whether the operator retries a failed submission (so SUBMISSION_FAILED is not final) under this spec."""
    policy = spec.get("restartPolicy") or {}
    if policy.get("type") == "Always":
        return True
    return policy.get("type") == "OnFailure" and bool(policy.get("onSubmissionFailureRetries"))
