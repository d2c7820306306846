#!/usr/bin/python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: spark_application
short_description: Submit, replace or delete a Spark operator SparkApplication and wait for its result
version_added: 0.1.0
description:
  - Submits a C(sparkoperator.k8s.io/v1beta2) C(SparkApplication) (Spark operator 2.x) through the Kubernetes API, or
    with C(sparkctl create) as the manual recipe does, waits until it reaches a final
    C(status.applicationState.state), and returns the state, the driver pod and the node it ran on, the executor
    pods and their nodes, the start and end times, and the tail of the driver log.
  - On V(FAILED) or V(SUBMISSION_FAILED) it fails with the operator's error message and the driver's own error lines
    (exception and C(Caused by) lines of the log), naming the driver pod and its node.
  - It does not wait for ever for pods that cannot run. A driver or executor pod whose container waits with
    C(ImagePullBackOff), C(ErrImagePull), C(ErrImageNeverPull), C(InvalidImageName), C(CreateContainerConfigError)
    or a similar reason fails the task at once; a pod the scheduler cannot place fails it after O(pending_timeout).
    The message names the pod, its node and the reason.
  - Idempotent by a hash of the desired spec, kept in the annotation C(alluxio-spark.k8s/spec-hash) (the API server
    and the operator add defaults to the stored spec, so the stored spec is not compared). An identical application
    that already completed is not submitted again unless O(rerun=true); one that failed is submitted again; one
    that is still on its way is waited for; a different spec replaces the application (delete, wait until it and
    its pods are gone, create).
  - Before anything is deleted or created, the API server validates the new object in a server-side dry run, so an
    invalid spec fails with the server's field errors and leaves the cluster as it was.
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - alluxio_spark.k8s.attributes
options:
  state:
    description:
      - V(present) submits the application unless an identical one completed already (see O(rerun)) and waits for its
        end (see O(wait)).
      - V(absent) deletes it and waits until it and its pods are gone.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the SparkApplication. Required unless the definition's C(metadata.name) gives it; replaces that when
        both are set.
      - The operator names the driver pod C(<name>-driver) unless C(driver.podName) says otherwise.
    type: str
  namespace:
    description:
      - Namespace of the SparkApplication; replaces the definition's C(metadata.namespace) when set.
      - When neither is set, V(default). The Spark operator must watch this namespace, and the driver's service
        account (C(driver.serviceAccount)) must exist in it.
    type: str
  definition:
    description:
      - The whole SparkApplication, as a dict or as YAML text. C(apiVersion) and C(kind) default to
        C(sparkoperator.k8s.io/v1beta2) and C(SparkApplication); other kinds are refused.
      - Server-owned metadata (uid, resourceVersion, managedFields, ...) and C(status) are ignored, so the output of
        M(kubernetes.core.k8s_info) can be given back.
      - Mutually exclusive with O(src).
    type: raw
  src:
    description:
      - Path of a YAML file holding one SparkApplication, on the host that runs the module (usually the controller).
      - Mutually exclusive with O(definition).
    type: path
  application_type:
    description:
      - C(spec.type), the language of the application.
    type: str
    choices: [Java, Scala, Python, R]
  mode:
    description:
      - C(spec.mode), the deploy mode. Use V(cluster) with the operator.
    type: str
    choices: [cluster, client]
  image:
    description:
      - C(spec.image), the container image of the driver and the executors.
    type: str
  image_pull_policy:
    description:
      - C(spec.imagePullPolicy). Use V(IfNotPresent) or V(Never) for an image loaded onto the nodes without a
        registry (V(Always) would fail there).
    type: str
    choices: [Always, IfNotPresent, Never]
  main_class:
    description:
      - C(spec.mainClass), the class to run (Java and Scala applications).
    type: str
  main_application_file:
    description:
      - C(spec.mainApplicationFile), for example C(local:///opt/spark/examples/jars/spark-examples.jar).
    type: str
  arguments:
    description:
      - C(spec.arguments), the application's arguments.
    type: list
    elements: str
  spark_version:
    description:
      - C(spec.sparkVersion), for example V(3.5.5).
    type: str
  spark_conf:
    description:
      - C(spec.sparkConf), Spark properties. Numbers and booleans are sent as strings (V(true), V(false)).
    type: dict
  hadoop_conf:
    description:
      - C(spec.hadoopConf), Hadoop properties (passed as C(spark.hadoop.<key>)). Numbers and booleans are sent as
        strings.
    type: dict
  node_selector:
    description:
      - "C(spec.nodeSelector), labels the nodes of the driver B(and) the executors must have, for example
        C({kubernetes.io/hostname: node2}) to pin the job to one node."
      - Spark itself applies it to every pod, so it works without the operator's mutating webhook (unlike
        C(driver.nodeSelector) and C(driver.affinity)).
    type: dict
  driver:
    description:
      - C(spec.driver), the v1beta2 driver spec (cores, coreRequest, memory, serviceAccount, labels, ...).
    type: dict
  executor:
    description:
      - C(spec.executor), the v1beta2 executor spec (instances, cores, memory, deleteOnTermination, ...).
    type: dict
  restart_policy:
    description:
      - "C(spec.restartPolicy). When neither this option nor the definition sets it, the module uses
        C({type: Never}), so that a batch job that fails is not restarted for ever."
      - "With C(type: Always) the application never reaches a final state; use O(wait=false) then."
    type: dict
  wait:
    description:
      - Wait until the application reaches a final state (V(COMPLETED), V(FAILED), or V(SUBMISSION_FAILED) when the
        restart policy does not retry the submission), and for O(state=absent) until it and its pods are gone.
      - With V(false) the module returns right after submitting (or deleting).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the final state, counted from the submission (or from the start of the wait for an
        application already running).
      - Each deletion (O(state=absent), a replacement, a clean-up) waits up to this long, at least 60 seconds, for the
        application and its pods to disappear.
    type: int
    default: 600
  wait_sleep:
    description:
      - Seconds between two looks at the application and its pods while waiting.
    type: int
    default: 2
  pending_timeout:
    description:
      - Seconds a driver or executor pod may stay unschedulable (condition C(PodScheduled=False), reason
        C(Unschedulable)) before the module gives up, measured on the module's own clock from when it first saw it.
      - Pods whose container can never start (image missing, invalid, not pullable; broken container configuration)
        fail the task at once, whatever this value.
    type: int
    default: 120
  cleanup_on_timeout:
    description:
      - When the wait gives up (O(wait_timeout), O(pending_timeout), or a pod that can never start), delete the
        application so that nothing stays pending or running. The message says whether it was deleted.
      - A V(FAILED) application is not deleted; its driver pod keeps the log.
    type: bool
    default: true
  rerun:
    description:
      - Submit again even when an identical application already completed (replaced, with a new submission time).
      - An identical application that is still running is waited for, not restarted.
    type: bool
    default: false
    aliases: [force]
  log_lines:
    description:
      - How many lines of the end of the driver log to return in RV(driver_log_lines); V(0) returns none. The error
        lines of a failed driver are searched in the last 400 lines whatever this value.
    type: int
    default: 100
  submitter:
    description:
      - V(api) creates the object through the Kubernetes API.
      - V(sparkctl) runs the recipe's C(sparkctl create <file> --namespace <namespace>), with C(--kubeconfig) when
        O(kubeconfig) is a path, then checks through the API that the object exists (sparkctl 2.1.1 exits 0 even
        when it fails). sparkctl reads only a kubeconfig file and its current context, so O(context), O(host),
        O(api_key) and the other connection options are refused with it.
      - Reading, waiting and deleting always use the Kubernetes API.
    type: str
    choices: [api, sparkctl]
    default: api
  sparkctl_command:
    description:
      - The sparkctl program, as an argv list (a full path, or a wrapper and its arguments).
      - sparkctl was removed from the Spark operator in 2.2; 2.1.1 is its last release and creates v1beta2 objects
        that newer operators run.
    type: list
    elements: str
    default: [sparkctl]
attributes:
  check_mode:
    support: full
    details:
      - Predicts RV(ignore:changed) and RV(action) from the application found and validates a new spec with a server-side
        dry run; deletes, creates and waits for nothing.
  diff_mode:
    support: full
    details:
      - The spec before (as stored, with the server's defaults) and after, when the application is created, replaced
        or deleted.
  idempotent:
    support: full
    details:
      - Not with O(rerun=true), which submits a completed application again.
      - An application that failed is submitted again on the next run.
requirements:
  - kubernetes >= 24.2.0
  - the Spark operator 2.x (C(sparkoperator.k8s.io/v1beta2)) watching the namespace
notes:
  - The driver pod stays after the application ends (it holds the log); executor pods are deleted by Spark unless
    C(executor.deleteOnTermination) is V(false). RV(executors) lists every executor pod seen while waiting, with its
    node; for an application that completed before this run, only pods that still exist have a node.
  - Deleting the application deletes its driver pod and executors (owner references); the module waits for them, and
    deletes pods that the garbage collector has not started to delete 10 seconds after the application went.
  - An application the operator has not submitted yet (empty state) is given up to 60 seconds to be submitted before
    the module deletes it, because an application deleted while the operator's spark-submit runs gets its driver pod
    created afterwards.
  - A spec change of a running application replaces it (the running job is stopped).
  - Fields applied only by the operator's mutating webhook (C(driver.nodeSelector), C(driver.affinity),
    tolerations, volumes other than C(spark-local-dir-*)) are silently ignored when the webhook is not deployed;
    use O(node_selector) or C(driver.template)/C(executor.template) instead.
  - Works with OpenShift clusters through the C(kubernetes) client, as kubernetes.core does.
seealso:
  - module: kubernetes.core.k8s
  - module: kubernetes.core.k8s_log
  - name: Spark operator API reference (v1beta2)
    description: Every field of the SparkApplication spec, in the operator's repository.
    link: https://github.com/kubeflow/spark-operator/blob/v2.5.2/docs/api-docs.md
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: Count the words of a file, pinned to the node that holds its blocks
  alluxio_spark.k8s.spark_application:
    kubeconfig: ~/.kube/config
    name: wordcount
    namespace: spark
    application_type: Java
    mode: cluster
    image: spark-alluxio:3.5.5
    image_pull_policy: IfNotPresent
    main_class: org.apache.spark.examples.JavaWordCount
    main_application_file: local:///opt/spark/examples/jars/spark-examples.jar
    arguments: ["alluxio://alluxio-master-0.alluxio:19998/LICENSE"]
    spark_version: 3.5.5
    node_selector:
      kubernetes.io/hostname: node2
    driver: {cores: 1, memory: 512m, serviceAccount: spark}
    executor: {instances: 1, cores: 1, memory: 512m, deleteOnTermination: false}
    log_lines: 500
  register: wordcount

- name: Show where it ran and how long it took
  ansible.builtin.debug:
    msg: "{{ wordcount.state }} on {{ wordcount.driver.node }} in {{ wordcount.duration_seconds }} s"

- name: Submit a SparkApplication file the way the recipe does, with sparkctl
  alluxio_spark.k8s.spark_application:
    src: spark-pi.yaml
    namespace: spark
    submitter: sparkctl
    kubeconfig: /root/.kube/config

- name: Run the same job again although it completed
  alluxio_spark.k8s.spark_application:
    definition: "{{ lookup('ansible.builtin.template', 'wordcount.yml.j2') }}"
    rerun: true

- name: Submit without waiting
  alluxio_spark.k8s.spark_application:
    src: long-job.yaml
    wait: false

- name: Remove it, its driver and executor pods
  alluxio_spark.k8s.spark_application:
    name: wordcount
    namespace: spark
    state: absent
"""

RETURN = r"""
action:
  description:
    - What the module did (or would do in check mode).
    - On failure, the step it set out to take; RV(ignore:changed) says whether it deleted or created anything.
  returned: always
  type: str
  choices: [created, replaced, unchanged, deleted, absent]
  sample: created
msg:
  description: Why it did so, and how the run ended.
  returned: always
  type: str
  sample: "SparkApplication spark/wordcount does not exist: submitting it; COMPLETED in 61.0 s"
spec_hash:
  description: sha256 of the desired spec, labels and annotations; kept in the annotation C(alluxio-spark.k8s/spec-hash).
  returned: when O(state=present)
  type: str
  sample: 0f3c2d6e5b1a4c7d8e9f00112233445566778899aabbccddeeff001122334455
state:
  description: C(status.applicationState.state); empty before the operator has picked the application up.
  returned: always
  type: str
  sample: COMPLETED
error_message:
  description: C(status.applicationState.errorMessage).
  returned: always
  type: str
  sample: "driver container failed with ExitCode: 101, Reason: Error"
application:
  description: The SparkApplication as the API returned it last, without C(metadata.managedFields); for
    RV(action=deleted) the object before deletion; empty when there is none.
  returned: always
  type: dict
  sample: {"apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "SparkApplication", "metadata": {"name": "wordcount"},
           "spec": {}, "status": {"applicationState": {"state": "COMPLETED"}}}
driver:
  description: The driver pod; times and exit code of its C(spark-kubernetes-driver) container.
  returned: always
  type: dict
  contains:
    pod:
      description: Pod name.
      type: str
      sample: wordcount-driver
    node:
      description: Node it ran on; null when it was not scheduled.
      type: str
      sample: node2
    phase:
      description: Pod phase.
      type: str
      sample: Succeeded
    started_at:
      description: When the driver container started.
      type: str
      sample: "2025-12-01T15:01:02Z"
    finished_at:
      description: When the driver container ended.
      type: str
      sample: "2025-12-01T15:01:58Z"
    exit_code:
      description: The driver container's exit code.
      type: int
      sample: 0
  sample: {"pod": "wordcount-driver", "node": "node2", "phase": "Succeeded", "started_at": "2025-12-01T15:01:02Z",
           "finished_at": "2025-12-01T15:01:58Z", "exit_code": 0}
executors:
  description:
    - Every executor pod seen, with its node, pod phase and the operator's executor state
      (C(status.executorState)). Executors that ended before the module saw their pod have a null node.
  returned: always
  type: list
  elements: dict
  sample: [{"pod": "javawordcount-1a2b3c-exec-1", "node": "node2", "phase": "Succeeded", "state": "COMPLETED"}]
submission_time:
  description: C(status.lastSubmissionAttemptTime).
  returned: always
  type: str
  sample: "2025-12-01T15:00:57Z"
termination_time:
  description: C(status.terminationTime); null until the application ended.
  returned: always
  type: str
  sample: "2025-12-01T15:01:58Z"
duration_seconds:
  description: Seconds from RV(submission_time) to RV(termination_time); null until the application ended.
  returned: always
  type: float
  sample: 61.0
driver_log_lines:
  description: The last O(log_lines) lines of the driver container's log.
  returned: always
  type: list
  elements: str
  sample: ["Apache: 3", "License: 7"]
deleted:
  description: When the wait gave up, whether the application was deleted (O(cleanup_on_timeout)).
  returned: on failure, when the wait gave up
  type: bool
  sample: true
"""

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._common.module import run_module
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.client import K8S_AUTH_ARG_SPEC
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._spark.application import run


def main():
    argument_spec = copy.deepcopy(K8S_AUTH_ARG_SPEC)
    argument_spec.update(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str"),
        namespace=dict(type="str"),
        definition=dict(type="raw"),
        src=dict(type="path"),
        application_type=dict(type="str", choices=["Java", "Scala", "Python", "R"]),
        mode=dict(type="str", choices=["cluster", "client"]),
        image=dict(type="str"),
        image_pull_policy=dict(type="str", choices=["Always", "IfNotPresent", "Never"]),
        main_class=dict(type="str"),
        main_application_file=dict(type="str"),
        arguments=dict(type="list", elements="str"),
        spark_version=dict(type="str"),
        spark_conf=dict(type="dict"),
        hadoop_conf=dict(type="dict"),
        node_selector=dict(type="dict"),
        driver=dict(type="dict"),
        executor=dict(type="dict"),
        restart_policy=dict(type="dict"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        wait_sleep=dict(type="int", default=2),
        pending_timeout=dict(type="int", default=120),
        cleanup_on_timeout=dict(type="bool", default=True),
        rerun=dict(type="bool", default=False, aliases=["force"]),
        log_lines=dict(type="int", default=100),
        submitter=dict(type="str", choices=["api", "sparkctl"], default="api"),
        sparkctl_command=dict(type="list", elements="str", default=["sparkctl"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, mutually_exclusive=[("definition", "src")],
                           supports_check_mode=True)
    run_module(module, run)


if __name__ == "__main__":
    main()
