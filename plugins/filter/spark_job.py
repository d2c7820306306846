# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the Spark stage (docs: one .yml file per filter beside this one); the logic is in module_utils/_job."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job import driver_log, placement, readpath


def word_counts(log):
    return driver_log.word_counts(log)


def spark_job_seconds(log):
    return driver_log.spark_job_seconds(log)


def word_count_diff(counted, expected):
    if not isinstance(counted, dict) or not isinstance(expected, dict):
        raise AnsibleFilterError("word_count_diff compares two {word: count} dicts")
    return driver_log.counts_equal(counted, expected)


def node_affinity(bytes_per_node):
    try:
        return placement.preferred_affinity(bytes_per_node)
    except placement.PlacementError as exc:
        raise AnsibleFilterError(str(exc))


def data_and_other_node(bytes_per_node, candidates):
    try:
        return placement.data_and_other_node(bytes_per_node, candidates)
    except placement.PlacementError as exc:
        raise AnsibleFilterError(str(exc))


def spark_pod_templates(affinity=None, supplemental_groups=None):
    return placement.pod_templates(affinity, supplemental_groups)


def experiment_cells(inputs):
    try:
        return placement.experiment_cells(inputs)
    except placement.PlacementError as exc:
        raise AnsibleFilterError(str(exc))


def read_path_verdict(read_paths_delta, expected_bytes=0):
    return readpath.verdict(read_paths_delta, expected_bytes)


class FilterModule:
    def filters(self):
        return {
            "word_counts": word_counts,
            "spark_job_seconds": spark_job_seconds,
            "word_count_diff": word_count_diff,
            "node_affinity": node_affinity,
            "data_and_other_node": data_and_other_node,
            "read_path_verdict": read_path_verdict,
            "experiment_cells": experiment_cells,
            "spark_pod_templates": spark_pod_templates,
        }
