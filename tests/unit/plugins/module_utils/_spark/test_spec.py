# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Building the desired SparkApplication: definition sources, option precedence, defaults, the spec hash."""

from __future__ import annotations

import json

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark import spec
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.errors import SparkInputError
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.module_utils._spark.fixtures import captured_json

OPTIONS = [option for option, _key in spec.SPEC_OPTIONS]


def params(**kw):
    base = dict((option, None) for option in OPTIONS)
    base.update(name=None, namespace=None, definition=None, src=None)
    base.update(kw)
    return base


def completed_definition():
    """The spec of the application the capture script ran, with the server's metadata and status still in it."""
    return captured_json("completed-app.json")


def test_a_captured_object_is_accepted_back_without_its_server_fields():
    desired = spec.build_desired(params(definition=completed_definition()))
    meta = desired["metadata"]
    assert (meta["name"], meta["namespace"]) == ("capture-completed", "spark")
    assert "status" not in desired
    assert not set(meta) & {"uid", "resourceVersion", "managedFields", "creationTimestamp", "generation"}
    assert desired["spec"]["mainClass"] == "org.apache.spark.examples.JavaWordCount"
    assert meta["annotations"][spec.HASH_ANNOTATION] == spec.desired_hash(desired)


def test_yaml_text_and_file_give_the_same_object_as_the_dict(tmp_path):
    import yaml

    definition = completed_definition()
    text = yaml.safe_dump(definition)
    path = tmp_path / "app.yaml"
    path.write_text(text)
    from_dict = spec.build_desired(params(definition=definition))
    assert spec.build_desired(params(definition=text)) == from_dict
    assert spec.build_desired(params(src=str(path))) == from_dict


def test_options_replace_spec_keys_and_metadata():
    desired = spec.build_desired(params(definition=completed_definition(), name="other", namespace="jobs",
                                        image="img:2", arguments=["a", "b"], node_selector={"kubernetes.io/hostname": "n3"},
                                        driver={"cores": 2}))
    assert (desired["metadata"]["name"], desired["metadata"]["namespace"]) == ("other", "jobs")
    assert desired["spec"]["image"] == "img:2"
    assert desired["spec"]["arguments"] == ["a", "b"]
    assert desired["spec"]["nodeSelector"] == {"kubernetes.io/hostname": "n3"}
    assert desired["spec"]["driver"] == {"cores": 2}  # replaced whole, not merged
    assert desired["spec"]["executor"]["instances"] == 1  # untouched


def test_every_option_maps_to_its_spec_key():
    values = dict((option, "v-" + option) for option in OPTIONS)
    for option in ("spark_conf", "hadoop_conf", "node_selector", "driver", "executor", "restart_policy"):
        values[option] = {"k": option}
    values["arguments"] = ["x"]
    desired = spec.build_desired(params(name="a", **values))
    assert desired["spec"] == dict((key, values[option]) for option, key in spec.SPEC_OPTIONS)
    assert desired["metadata"]["namespace"] == "default"
    assert (desired["apiVersion"], desired["kind"]) == ("sparkoperator.k8s.io/v1beta2", "SparkApplication")


def test_restart_policy_defaults_to_never_but_a_given_one_stays():
    assert spec.build_desired(params(name="a"))["spec"]["restartPolicy"] == {"type": "Never"}
    given = {"type": "OnFailure", "onFailureRetries": 2}
    assert spec.build_desired(params(name="a", restart_policy=given))["spec"]["restartPolicy"] == given


def test_string_maps_get_string_values_as_spark_reads_them():
    conf = {"spark.executor.instances": 2, "x.enabled": True, "f": 0.5, "s": "keep"}
    desired = spec.build_desired(params(name="a", spark_conf=conf))
    assert desired["spec"]["sparkConf"] == {"spark.executor.instances": "2", "x.enabled": "true", "f": "0.5",
                                            "s": "keep"}
    with pytest.raises(SparkInputError, match=r"spec.hadoopConf.bad \(option hadoop_conf\) must be a string"):
        spec.build_desired(params(name="a", hadoop_conf={"bad": {"nested": 1}}))


def test_the_hash_ignores_key_order_and_its_own_annotation_but_sees_every_change():
    base = spec.build_desired(params(definition=completed_definition()))
    reordered = completed_definition()
    reordered["spec"] = dict(reversed(list(reordered["spec"].items())))
    assert spec.desired_hash(spec.build_desired(params(definition=reordered))) == spec.desired_hash(base)
    # a definition that carries an old hash annotation (e.g. read back from the cluster) hashes the same
    again = spec.build_desired(params(definition=dict(base)))
    assert spec.desired_hash(again) == spec.desired_hash(base)
    changed = {
        "argument": params(definition=completed_definition(), arguments=["file:///etc/hosts"]),
        "label": params(definition=dict(completed_definition(),
                                        metadata={"name": "capture-completed", "namespace": "spark",
                                                  "labels": {"a": "b"}})),
        "restart policy": params(definition=completed_definition(), restart_policy={"type": "OnFailure"}),
    }
    for what, changed_params in changed.items():
        assert spec.desired_hash(spec.build_desired(changed_params)) != spec.desired_hash(base), what


def test_the_hash_is_sha256_of_canonical_json():
    desired = spec.build_desired(params(name="a", image="i"))
    canonical = json.dumps({"spec": desired["spec"], "labels": {}, "annotations": {}}, sort_keys=True,
                           separators=(",", ":"))
    import hashlib

    assert spec.desired_hash(desired) == hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize("kw, message", [
    (dict(), "no name: set the name option, or metadata.name in the definition"),
    (dict(definition={"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}),
     "the definition is a v1 Pod; this module submits only sparkoperator.k8s.io/v1beta2 SparkApplication"),
    (dict(definition={"apiVersion": "sparkoperator.k8s.io/v1beta1", "kind": "SparkApplication"}),
     "only sparkoperator.k8s.io/v1beta2"),
    (dict(definition="a: [unclosed"), "definition is not valid YAML"),
    (dict(definition="---\nkind: SparkApplication\n---\nkind: SparkApplication\n"),
     "definition must hold exactly one SparkApplication .a YAML mapping., found 2 documents"),
    (dict(definition="- a list"), "found a list"),
    (dict(definition=42), "definition must be a SparkApplication as a dict or as YAML text, got a int"),
    (dict(src="/nonexistent/app.yaml"), "cannot read src /nonexistent/app.yaml"),
    (dict(definition={"metadata": {"generateName": "wc-"}}), "generateName cannot be tracked"),
])
def test_bad_input_is_refused_with_what_to_do(kw, message):
    with pytest.raises(SparkInputError, match=message):
        spec.build_desired(params(**kw))


def test_definition_and_src_together_are_refused():
    with pytest.raises(SparkInputError, match="mutually exclusive"):
        spec.load_definition({"kind": "SparkApplication"}, "/tmp/app.yaml")


def test_submission_retries_follow_the_restart_policy():
    assert not spec.retries_submission({"restartPolicy": {"type": "Never"}})
    assert not spec.retries_submission({"restartPolicy": {"type": "OnFailure"}})
    assert spec.retries_submission({"restartPolicy": {"type": "OnFailure", "onSubmissionFailureRetries": 2}})
    assert spec.retries_submission({"restartPolicy": {"type": "Always"}})
