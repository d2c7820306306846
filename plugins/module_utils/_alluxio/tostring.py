# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reader for Java ``toString`` output of the Guava ``MoreObjects.toStringHelper`` kind.

``alluxio fs stat`` prints ``URIStatus{info=FileInfo{fileId=1, blockIds=[1, 2], fileBlockInfos=[FileBlockInfo{...}]}}``.
This module turns such text into Python values: ``Name{k=v, ...}`` and ``Name(k=v, ...)`` become dicts (with the
class name under ``"@type"``), ``[a, b]`` becomes a list, everything else stays a string. A scalar ends at a closing
bracket of the enclosing level or at ``", "`` followed by the next ``key=`` (or, in a list, by the next item), so
values such as ACL strings (``user::rwx,group::r-x``) keep their inner commas.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

_KEY_AHEAD = re.compile(r", (?=[A-Za-z_][A-Za-z0-9_]*=)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.$]*")
_CLOSERS = {"{": "}", "(": ")", "[": "]"}


class ToStringParseError(ValueError):
    """Raised when the text is not in the toStringHelper form."""


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> None:
        snippet = self.text[max(0, self.pos - 20):self.pos + 20]
        raise ToStringParseError("%s at offset %d near %r" % (what, self.pos, snippet))

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def value(self, closer: str, in_list: bool) -> Any:
        """Read one value that ends before ``closer`` or a separator of the enclosing level."""
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if match and match.end() < len(self.text) and self.text[match.end()] in "{(":
            opener = self.text[match.end()]
            self.pos = match.end() + 1
            return self.obj(match.group(0), _CLOSERS[opener])
        if self.peek() == "[":
            self.pos += 1
            return self.list()
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "{([":
                depth += 1
            elif char in "})]":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and self.text.startswith(", ", self.pos):
                if in_list or _KEY_AHEAD.match(self.text, self.pos):
                    break
            self.pos += 1
        if closer and self.pos >= len(self.text):
            self.pos = start
            self.fail("unterminated value")
        scalar = self.text[start:self.pos]
        return None if scalar == "null" else scalar

    def obj(self, name: str, closer: str) -> Dict[str, Any]:
        result = {"@type": name}
        if self.peek() == closer:
            self.pos += 1
            return result
        while True:
            eq = self.text.find("=", self.pos)
            if eq < 0:
                self.fail("expected key=value")
            key = self.text[self.pos:eq]
            if not _NAME.fullmatch(key):
                self.fail("bad key %r" % key)
            self.pos = eq + 1
            result[key] = self.value(closer, in_list=False)
            if self.text.startswith(", ", self.pos):
                self.pos += 2
            elif self.peek() == closer:
                self.pos += 1
                return result
            else:
                self.fail("expected ', ' or %r" % closer)

    def list(self) -> List[Any]:
        items = []
        if self.peek() == "]":
            self.pos += 1
            return items
        while True:
            items.append(self.value("]", in_list=True))
            if self.text.startswith(", ", self.pos):
                self.pos += 2
            elif self.peek() == "]":
                self.pos += 1
                return items
            else:
                self.fail("expected ', ' or ']'")


def parse_tostring(text: str) -> Any:
    """Parse one toStringHelper value (an object, a list or a scalar) spanning the whole text."""
    reader = _Reader(text.strip())
    result = reader.value("", in_list=False)
    if reader.pos != len(reader.text):
        reader.fail("unexpected trailing text")
    return result
