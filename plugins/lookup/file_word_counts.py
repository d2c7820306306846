# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: file_word_counts
version_added: 0.1.0
short_description: Count the words of a file on the controller, as Spark's JavaWordCount does
description:
  - Reads each file in chunks (memory does not grow with the file) and returns its map of words to counts with the
    semantics of Spark's C(JavaWordCount) over C(textFile), the word-count job of the recipe. Lines end at a line
    feed, a carriage return, or both; a line is split on single spaces with Java's C(String.split) rules.
  - The role C(alluxio_spark.k8s.spark_job) uses it to check the counts a job printed against the input it uploaded.
options:
  _terms:
    description: Paths of files on the controller.
    type: list
    elements: path
    required: true
author:
  - alluxio_spark.k8s developers (@alluxio-spark)
"""

EXAMPLES = r"""
- name: The counts the job should print
  ansible.builtin.set_fact:
    expected: "{{ lookup('alluxio_spark.k8s.file_word_counts', '/srv/data/LICENSE') }}"
"""

RETURN = r"""
_raw:
  description: One dict per file, each word with its count.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job.wordcount import count_file


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        results = []
        for term in terms:
            try:
                results.append(count_file(term))
            except OSError as exc:
                raise AnsibleLookupError("cannot count the words of %s: %s" % (term, exc.strerror or exc))
        return results
