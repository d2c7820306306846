# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.units import (
    SizeParseError,
    parse_size,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5120B", (5120, True)),
        ("0B", (0, True)),
        ("5.00KB", (5120, False)),
        ("1024.00MB", (1024 ** 3, False)),
        ("1.50GB", (3 * 1024 ** 3 // 2, False)),
        ("22.34KB/MIN", (22876, False)),
        ("290.47KB", (297441, False)),
        ("  7.00MB  ", (7 * 1024 ** 2, False)),
        ("2.00kb", (2048, False)),
        ("1.00PB", (1024 ** 5, False)),
    ],
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "KB", "5 XB", "5.5B", "-1B", "1,024B", "12", None, 5])
def test_parse_size_rejects(text):
    with pytest.raises(SizeParseError):
        parse_size(text)
