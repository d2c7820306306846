# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the word-count driver's log says: the counts it printed and how long Spark's own job took.

The driver pod's log interleaves the job's standard output (``word: count``, one line per distinct word, as Spark's
``JavaWordCount`` prints it) with Spark's log4j lines (``yy/MM/dd HH:mm:ss LEVEL logger: message``) and whatever the
image's entrypoint prints. Only stdout lines count.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

_LOG4J = re.compile(r"^\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}[ ,]")
_COUNT = re.compile(r"^(.*): (\d+)$")
# DAGScheduler: "Job 0 finished: collect at JavaWordCount.java:44, took 3.291785 s"
_JOB_FINISHED = re.compile(r"DAGScheduler: Job \d+ finished: .* took (\d+(?:\.\d+)?) s\s*$")


def _lines(log: object) -> List[str]:
    if log is None:
        return []
    if isinstance(log, str):
        return log.splitlines()
    return [str(line) for line in log]


def word_counts(log: object) -> Dict[str, int]:
    """``{word: count}`` from the driver log (a string or a list of lines).

    A word printed twice keeps its first count (JavaWordCount prints each distinct word once; a second line is not
    from the job). Log4j lines and shell traces (``+ ...``) are skipped, whatever they end with.
    """
    counts: Dict[str, int] = {}
    for line in _lines(log):
        line = line.rstrip("\r")
        if _LOG4J.match(line) or line.startswith("+ "):
            continue
        match = _COUNT.match(line)
        if match and match.group(1) not in counts:
            counts[match.group(1)] = int(match.group(2))
    return counts


def spark_job_seconds(log: object) -> Optional[float]:
    """Seconds of the last Spark job the driver ran (read + count), as Spark's DAGScheduler logged it; None if absent."""
    found = None
    for line in _lines(log):
        match = _JOB_FINISHED.search(line)
        if match:
            found = float(match.group(1))
    return found


def counts_equal(counted: Dict[str, int], expected: Dict[str, int]) -> Dict[str, object]:
    """Compare two ``{word: count}`` maps: ``equal`` and up to 20 differing words with both counts."""
    words = sorted(set(counted) | set(expected))
    wrong = [{"word": w, "counted": counted.get(w), "expected": expected.get(w)} for w in words
             if counted.get(w) != expected.get(w)]
    return {"equal": not wrong, "differences": len(wrong), "examples": wrong[:20]}
