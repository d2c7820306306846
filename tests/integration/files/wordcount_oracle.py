"""Independent oracle for the word-count job, shared by the integration targets that run it (spark_image,
spark_operator).

    wordcount_oracle.py count FILE    expected counts of FILE ("-": standard input), as JSON {word: count}
    wordcount_oracle.py parse         the job's stdout (stdin) as JSON {"counts": {...}, "unparsed": [lines]}

Semantics of Spark's JavaWordCount: Hadoop's line reader splits on \\n, \\r\\n and \\r; each line is split with
java.util.regex.Pattern(" ").split, which keeps leading empty strings, drops trailing ones, and returns [line] when
there is no space (so an empty line yields the word "").
"""
import collections
import json
import re
import sys


def java_split_space(line):
    if " " not in line:
        return [line]
    parts = line.split(" ")
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def count(path):
    if path == "-":
        text = sys.stdin.buffer.read().decode("utf-8")
    else:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()  # a final line terminator does not start another line
    counts = collections.Counter()
    for line in lines:
        counts.update(java_split_space(line))
    return dict(counts)


def parse(stream):
    counts, unparsed = {}, []
    for line in stream.read().split("\n"):
        # JavaWordCount splits on single spaces, so a word holds none; Spark's own log lines ("26/12/01 20:10:04
        # INFO ...: 0") do.
        match = re.match(r"^([^ ]*): (\d+)$", line)
        if match and match.group(1) not in counts:
            counts[match.group(1)] = int(match.group(2))
        elif line.strip():
            unparsed.append(line)
    return {"counts": counts, "unparsed": unparsed}


if __name__ == "__main__":
    if sys.argv[1:2] == ["count"] and len(sys.argv) == 3:
        json.dump(count(sys.argv[2]), sys.stdout)
    elif sys.argv[1:] == ["parse"]:
        json.dump(parse(sys.stdin), sys.stdout)
    else:
        sys.exit(__doc__)
