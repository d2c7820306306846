# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a command, keep its whole output (stdout and stderr) in a file, and report where any secret shows in it.

    run_and_scan.py --secrets SECRETS.json --output OUT.log --timeout SECONDS -- COMMAND [ARGS...]

SECRETS.json maps a name to a secret value. Prints one JSON object: the command's rc (or timed_out), the number of
lines, every leak (secret name, line number, the task banner above it) and the last lines of the output, with every
secret replaced by <secret:NAME>, so that this report never shows a secret itself.
"""

import argparse
import json
import subprocess
import sys


def redact(text, secrets):
    for name, value in secrets.items():
        text = text.replace(value, "<secret:%s>" % name)
    return text


def scan(lines, secrets):
    leaks = []
    task = ""
    for number, line in enumerate(lines, 1):
        if line.startswith(("TASK [", "PLAY [", "RUNNING HANDLER [")):
            task = line
        for name, value in secrets.items():
            if value in line:
                leaks.append({"secret": name, "line": number, "task": redact(task, secrets).rstrip(" *")[:200]})
    return leaks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secrets", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--timeout", type=int, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    with open(args.secrets, encoding="utf-8") as handle:
        secrets = {name: value for name, value in json.load(handle).items() if value}
    if any(len(value) < 8 for value in secrets.values()):
        parser.error("secrets shorter than 8 characters would match by chance")

    timed_out = False
    with open(args.output, "wb") as out:
        try:
            rc = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                timeout=args.timeout, check=False).returncode
        except subprocess.TimeoutExpired:
            rc, timed_out = None, True
    with open(args.output, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()

    recap = [line for line in lines if line.startswith("localhost ") and " ok=" in line]
    json.dump({
        "rc": rc,
        "timed_out": timed_out,
        "lines": len(lines),
        "leaks": scan(lines, secrets),
        "recap": redact(recap[-1], secrets) if recap else "",
        "tail": [redact(line, secrets) for line in lines[-60:]],
    }, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
