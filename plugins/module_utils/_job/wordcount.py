# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The word count the job should print, computed on the controller from the input file, streamed (bounded memory)."""

from __future__ import annotations

import codecs
from typing import BinaryIO, Dict

_CHUNK = 1024 * 1024


def count_stream(handle: BinaryIO) -> Dict[str, int]:
    """Count words as Spark's JavaWordCount over ``textFile`` does, reading ``handle`` in chunks.

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` (Hadoop's LineReader); a final terminator starts no new line. A line is
    split with Java's ``Pattern.compile(" ").split``: leading empty strings stay, trailing ones go, and a line without a
    space is one word (an empty line counts the word ``""``). Text is UTF-8 (undecodable bytes replaced).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    counts: Dict[str, int] = {}
    pending = ""
    last_was_cr = False
    while True:
        raw = handle.read(_CHUNK)
        text = decoder.decode(raw, final=not raw)
        if last_was_cr and text.startswith("\n"):
            text = text[1:]  # the \n of a \r\n split across two chunks
        if text:
            last_was_cr = text.endswith("\r")
            data = pending + text
            lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            pending = lines.pop()
            for line in lines:
                _count_line(line, counts)
        if not raw:
            break
    if pending:
        _count_line(pending, counts)
    return counts


def count_file(path: str) -> Dict[str, int]:
    with open(path, "rb") as handle:
        return count_stream(handle)


def _count_line(line: str, counts: Dict[str, int]) -> None:
    if " " in line:
        words = line.split(" ")
        while words and words[-1] == "":
            words.pop()
    else:
        words = [line]
    for word in words:
        counts[word] = counts.get(word, 0) + 1
