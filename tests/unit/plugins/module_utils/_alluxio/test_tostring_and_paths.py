# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import AlluxioError
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.paths import validate_alluxio_path
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.tostring import (
    ToStringParseError,
    parse_tostring,
)


def test_nested_objects_lists_and_parenthesised_objects():
    text = ("A{x=1, acl=user::rwx,group::r-x, items=[B{y=2}, B{y=3}], empty=[], none=null, "
            "t=TieredIdentity(node=10.0.0.1, rack=null), tail=a b c}")
    assert parse_tostring(text) == {
        "@type": "A", "x": "1", "acl": "user::rwx,group::r-x",
        "items": [{"@type": "B", "y": "2"}, {"@type": "B", "y": "3"}], "empty": [], "none": None,
        "t": {"@type": "TieredIdentity", "node": "10.0.0.1", "rack": None}, "tail": "a b c",
    }


def test_list_of_scalars():
    assert parse_tostring("[1, 2, 3]") == ["1", "2", "3"]


@pytest.mark.parametrize("text", ["A{x=1", "A{x=1}}", "A{=1}", "[1, 2"])
def test_malformed(text):
    with pytest.raises(ToStringParseError):
        parse_tostring(text)


@pytest.mark.parametrize("path, root, expected", [
    ("/data/in.txt", "/", "/data/in.txt"),
    ("/data//x/", "/", "/data/x"),
    ("/data/x", "/data", "/data/x"),
    ("/data", "/data/", "/data"),
])
def test_valid_paths(path, root, expected):
    assert validate_alluxio_path(path, "dest", root) == expected


@pytest.mark.parametrize("path, root, words", [
    ("data/x", "/", "absolute"),
    ("/data/../etc", "/", "'..'"),
    ("/datax/y", "/data", "outside the allowed root"),
    ("/other", "/data", "outside the allowed root"),
    ("/a\nb", "/", "control characters"),
])
def test_rejected_paths(path, root, words):
    with pytest.raises(AlluxioError, match=words.replace("(", r"\(")):
        validate_alluxio_path(path, "dest", root)
