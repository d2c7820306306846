# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import io

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._job import wordcount


def count(data, chunk=None, monkeypatch=None):
    if chunk and monkeypatch:
        monkeypatch.setattr(wordcount, "_CHUNK", chunk)
    return wordcount.count_stream(io.BytesIO(data))


def test_java_split_rules():
    # leading empty strings stay, trailing ones go; a line without a space is one word; an empty line is the word ""
    assert count(b" a  b \nc\n\nd d") == {"": 3, "a": 1, "b": 1, "c": 1, "d": 2}


def test_only_spaces_is_no_word():
    assert count(b"   \nx\n") == {"x": 1}


@pytest.mark.parametrize("data", [b"a\r\nb\rc\nd", b"a\r\nb\rc\nd\n"])
def test_all_three_line_ends(data):
    assert count(data) == {"a": 1, "b": 1, "c": 1, "d": 1}


@pytest.mark.parametrize("chunk", [1, 2, 3, 5])
def test_chunk_boundaries_do_not_change_the_count(chunk, monkeypatch):
    data = "été à la plage\r\nun deux\r\rtrois  quatre\n\n".encode("utf-8") * 3
    assert count(data, chunk, monkeypatch) == count(data)


def test_agrees_with_the_integration_tests_oracle_on_random_text(tmp_path):
    """Two independent implementations of JavaWordCount's rules (the oracle is the integration tests')."""
    import importlib.util
    import os
    import random

    oracle_path = os.path.join(os.path.dirname(__file__), *([os.pardir] * 4), "integration", "files",
                               "wordcount_oracle.py")
    spec = importlib.util.spec_from_file_location("wordcount_oracle", oracle_path)
    oracle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle)
    rng = random.Random(7)
    pieces = ["a", "b", "é", " ", " ", "  ", "\n", "\r\n", "\r", "word"]
    for attempt in range(50):
        data = "".join(rng.choice(pieces) for dummy in range(rng.randint(0, 60))).encode("utf-8")
        target = tmp_path / ("in%d" % attempt)
        target.write_bytes(data)
        assert wordcount.count_file(str(target)) == oracle.count(str(target)), data
