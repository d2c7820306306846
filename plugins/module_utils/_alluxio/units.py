# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Byte sizes as the Alluxio CLI prints them, turned back into integers.

Alluxio's ``FormatUtils.getSizeFromBytes`` prints ``5120B``, ``5.00KB``, ``1024.00MB`` (two decimals, 1024-based
units B, KB, MB, GB, TB, PB) and throughput metrics append ``/MIN`` or ``/SEC``. The CLI output is rounded, so
these helpers say so: :func:`parse_size` returns the value and whether it is exact (only plain bytes are).
"""

from __future__ import annotations

import re
from typing import Any, Tuple

_UNITS = {"B": 0, "KB": 1, "MB": 2, "GB": 3, "TB": 4, "PB": 5}
_SIZE_RE = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[KMGTP]?B)(?:/(?P<per>MIN|SEC|S))?\s*$", re.IGNORECASE)


class SizeParseError(ValueError):
    """Raised when a text is not a size the Alluxio CLI prints."""


def parse_size(text: Any) -> Tuple[int, bool]:
    """Return ``(bytes, exact)`` for a size such as ``5.00KB`` or ``22.34KB/MIN``.

    ``bytes`` is rounded to the nearest integer; ``exact`` is true only when the text was a plain byte count
    (``5120B``), because every other unit was rounded to two decimals by Alluxio before printing.
    """
    if not isinstance(text, str):
        raise SizeParseError("expected a size string such as '5.00KB', got %r" % (text,))
    match = _SIZE_RE.match(text)
    if not match:
        raise SizeParseError("not an Alluxio size (number followed by B, KB, MB, GB, TB or PB): %r" % (text,))
    unit = match.group("unit").upper()
    number = match.group("num")
    power = _UNITS[unit]
    if power == 0:
        if "." in number:
            raise SizeParseError("a byte count cannot have decimals: %r" % (text,))
        return int(number), True
    whole, dummy, frac = number.partition(".")
    # Integer arithmetic on the decimal digits: float rounding would turn 1024.00MB into 1073741823.9999.
    scale = 10 ** len(frac)
    value = (int(whole) * scale + int(frac or "0")) * (1024 ** power)
    return (value + scale // 2) // scale, False
