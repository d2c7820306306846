"""Print, as JSON, the word counts JavaWordCount computes for the text on stdin.

Same rules as the job: Hadoop's text input splits lines at \\n, \\r or \\r\\n; each line is split with Java's
Pattern.compile(" ").split(line), which keeps leading empty strings, drops trailing ones, and returns the line
itself when it holds no space (so an empty line counts as one empty word).
"""
import json
import re
import sys
from collections import Counter


def java_split(line):
    if " " not in line:
        return [line]
    parts = line.split(" ")
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def main():
    text = sys.stdin.buffer.read().decode("utf-8")
    lines = re.split(r"\r\n|\r|\n", text)
    if lines and lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start a new one
    counts = Counter(word for line in lines for word in java_split(line))
    json.dump(counts, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
