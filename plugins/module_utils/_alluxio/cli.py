# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``alluxio`` CLI as a client, and the two places it runs: this host (``local``) or the master pod (``k8s_exec``).

A *CLI host* runs an argv within ``alluxio_timeout`` (``run(argv, data=None) -> (rc, stdout, stderr)``) and can put a
local file where the CLI reads it (``stage``/``cleanup``). :class:`CliClient` turns the CLI's text into the data of
:mod:`parsers`, the same data :class:`rest.RestClient` returns.

A path is missing only when Alluxio says so in its own words (``Path "/p" does not exist.``, see the captured
fixtures); any other failure (no Java, a refused connection, a usage error) is an error, never "missing".
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio import localfs, parsers
from ansible_collections.alluxio_spark.k8s.plugins.module_utils._alluxio.errors import (
    AlluxioCommandError,
    AlluxioConnectionError,
    AlluxioError,
    AlluxioNotFoundError,
    AlluxioProtocolError,
)

_MD5 = re.compile(r"md5sum:\s*([0-9a-f]{32})")
# What the shell prints when the master does not answer: "Cannot connect to Alluxio leader master." (2.9.6, captured:
# report-capacity-master-down); the exception names behind it, as other commands print them.
_UNAVAILABLE = re.compile(r"Cannot connect to Alluxio leader master|UnavailableException|UNAVAILABLE: io exception")
# Exit codes of coreutils `timeout`: the command timed out (124), or ignored SIGTERM and was killed (128 + 9).
_TIMED_OUT = (124, 137)
# Deepest directory level the stat-by-level walk descends to (Alluxio itself has no limit; this is a bound on a
# walk that unexpected output could otherwise keep going).
MAX_TREE_DEPTH = 128


def missing_message(path: str) -> "re.Pattern[str]":
    """Alluxio's own words for a missing path, on a line of their own: ``Path "/p" does not exist.``"""
    return re.compile(r'^Path "?%s"? does not exist\.$' % re.escape(path), re.MULTILINE)


class LocalCliHost:
    """Runs the CLI on the host that runs the module, under coreutils ``timeout`` (which ends the whole process group
    of a hung CLI, its JVM included); never through a shell."""

    def __init__(self, module: Any, timeout: int) -> None:
        self.module = module
        self.timeout = timeout

    def __str__(self) -> str:
        return "this host"

    def run(self, argv: Sequence[str], data: Optional[bytes] = None) -> Tuple[int, str, str]:
        timeout_bin = self.module.get_bin_path("timeout")
        if not timeout_bin:
            raise AlluxioConnectionError("the local transport runs the alluxio CLI under the 'timeout' command (GNU "
                                         "coreutils) to bound alluxio_timeout, and this host has none: install "
                                         "coreutils")
        rc, out, err = self.module.run_command([timeout_bin, "--kill-after=10", "%ds" % self.timeout] + list(argv),
                                               data=data, binary_data=True, check_rc=False)
        if rc in _TIMED_OUT:
            raise AlluxioConnectionError("'%s' on this host did not finish within %s s (alluxio_timeout); is the "
                                         "Alluxio master answering?" % (" ".join(argv), self.timeout), reason="timeout")
        if rc in (126, 127) and "timeout: failed to run command" in err:
            raise AlluxioConnectionError("cannot run %s on this host (%s). Set alluxio_cli to the alluxio command "
                                         "here." % (argv[0], err.strip()))
        return rc, out, err

    def stage(self, local_path: str) -> str:
        return local_path

    def cleanup(self, staged: str) -> None:
        return None


# Stages into <root>/.ansible-alluxio-<expiry>-<token>: <expiry> is the pod's clock plus the longest the module can
# still use the copy (the staging exec and copyFromLocal, each bounded by the timeout, and a minute for the clean-up).
# A module killed before its clean-up (SIGKILL, a lost controller) leaves the copy behind; the next staging in the
# pod removes every copy whose expiry has passed, so no leftover outlives its owner's bounds by more than one run.
# $1 the root, $2 the seconds until expiry, $3 the token, $4 the byte count of the tar; prints the staging directory.
_STAGE_SCRIPT = r"""
now=$(date +%s)
for old in "$1"/.ansible-alluxio-*-*; do
  [ -d "$old" ] || continue
  expiry=${old##*/.ansible-alluxio-}; expiry=${expiry%%-*}
  case "$expiry" in ''|*[!0-9]*) continue ;; esac
  [ "$expiry" -lt "$now" ] && rm -rf "$old"
done
dir="$1/.ansible-alluxio-$((now + $2))-$3"
mkdir -m 0700 -p "$dir" && head -c "$4" | tar -x -f - -C "$dir" && echo "$dir"
"""


class PodCliHost:
    """Runs the CLI in the Alluxio pod through a :class:`_k8s.exec.PodExec`; ``stage`` streams a host file or tree
    into the pod's /tmp as tar (an exact byte count, so it also works where the API server cannot end stdin)."""

    staging_root = "/tmp"

    def __init__(self, pod_exec: Any, timeout: int) -> None:
        self.pod_exec = pod_exec
        self.timeout = timeout

    def __str__(self) -> str:
        return "pod %s/%s" % (self.pod_exec.namespace, self.pod_exec.pod)

    def run(self, argv: Sequence[str], data: Optional[bytes] = None) -> Tuple[int, str, str]:
        from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.exec import PodExecError
        try:
            return self.pod_exec.run(list(argv), data=data, timeout=self.timeout)
        except PodExecError as exc:
            raise AlluxioConnectionError(str(exc), reason=exc.reason)

    def stage(self, local_path: str) -> str:
        from ansible_collections.alluxio_spark.k8s.plugins.module_utils._k8s.exec import PodExecError
        token = uuid.uuid4().hex[:12]
        size, chunks = localfs.tar_stream(local_path)
        lifetime = 2 * int(self.timeout) + 60
        argv = ["sh", "-c", _STAGE_SCRIPT, "sh", self.staging_root, str(lifetime), token, str(size)]
        try:
            rc, out, err = self.pod_exec.run_reading_exact(argv, chunks, timeout=self.timeout)
        except (PodExecError, AlluxioError) as exc:
            self._forget(token)
            if isinstance(exc, AlluxioError):
                raise
            raise AlluxioConnectionError("cannot copy %s into %s: %s" % (local_path, self, exc), reason=exc.reason)
        staged = (out.strip().splitlines() or [""])[-1]
        if rc != 0 or not staged.endswith("-" + token):
            self._forget(token)
            raise AlluxioConnectionError("cannot copy %s into %s (it needs sh, date, head and tar): %s %s"
                                         % (local_path, self, out, err))
        return staged + "/content"

    def cleanup(self, staged: str) -> None:
        self.run(["rm", "-rf", staged.rsplit("/", 1)[0]])

    def _forget(self, token: str) -> None:
        """Removes what a failed staging left (its directory name holds the token; the expiry is the pod's)."""
        self.run(["sh", "-c", 'rm -rf "$1"/.ansible-alluxio-*-"$2"', "sh", self.staging_root, token])


# $1 the path, $2 the deepest level to visit, the rest the alluxio command. One `fs stat` of the path; a file ends
# there. Then one `fs stat` with a wildcard per level (/d/*, /d/*/*, ...) while the level above held a directory: the
# JVMs started grow with the tree's depth, not with its number of files, and output that names no directory ends the
# walk. A level that matches nothing ends it too (the shell then prints "<pattern> does not exist.", captured:
# stat-level3-no-match); any other error fails it.
_TREE_SCRIPT = r"""
base=$1; max=$2; shift 2
out=$("$@" fs stat "$base"); rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || exit "$rc"
pattern=${base%/}; level=0
while :; do
  case "$out" in *" is a directory path."*) ;; *) exit 0 ;; esac
  level=$((level + 1))
  if [ "$level" -gt "$max" ]; then echo "deeper than $max levels" >&2; exit 3; fi
  pattern="$pattern/*"
  out=$("$@" fs stat "$pattern"); rc=$?
  if [ "$rc" -ne 0 ]; then
    case "$out" in "$pattern does not exist.") exit 0 ;; esac
    printf '%s\n' "$out"; exit "$rc"
  fi
  printf '%s\n' "$out"
done
"""


class CliClient:
    """The ``alluxio`` command on a CLI host (:class:`LocalCliHost`, :class:`PodCliHost`)."""

    exact_metrics = False

    def __init__(self, host: Any, cli: Sequence[str] = ("alluxio",)) -> None:
        self.host = host
        self.cli = list(cli)

    def _run(self, args: Sequence[str], missing: Optional[str] = None) -> Optional[str]:
        """stdout of ``alluxio ARGS``; ``None`` when ``missing`` is given and Alluxio said that path does not exist."""
        argv = self.cli + list(args)
        rc, out, err = self.host.run(argv)
        if rc != 0:
            text = "%s\n%s" % (out, err)
            if missing is not None and missing_message(missing).search(out):
                return None
            if _UNAVAILABLE.search(text):
                raise AlluxioConnectionError("'%s' in %s could not reach the Alluxio master: %s"
                                             % (" ".join(argv), self.host, text.strip()[-500:]))
            raise AlluxioCommandError(argv, rc, text)
        return out

    def status(self, path: str) -> Optional[Dict[str, Any]]:
        out = self._run(["fs", "stat", path], missing=path)
        return None if out is None else parsers.parse_stat(out)[0]

    def tree(self, path: str) -> Tuple[bool, List[Dict[str, Any]]]:
        """``(is_dir, files)``: every file at or below ``path`` with its blocks, in one round trip (see _TREE_SCRIPT)."""
        argv = ["sh", "-c", _TREE_SCRIPT, "sh", path, str(MAX_TREE_DEPTH)] + self.cli
        rc, out, err = self.host.run(argv)
        if rc != 0:
            text = "%s\n%s" % (out, err)
            if missing_message(path).search(out):
                raise AlluxioNotFoundError("%s does not exist in Alluxio" % path)
            if _UNAVAILABLE.search(text):
                raise AlluxioConnectionError("'alluxio fs stat %s' in %s could not reach the Alluxio master: %s"
                                             % (path, self.host, text.strip()[-500:]))
            raise AlluxioCommandError(["alluxio fs stat", path, "(by level)"], rc, text)
        statuses = parsers.parse_stat(out)
        files = [s for s in statuses if not s["is_dir"]]
        return statuses[0]["is_dir"], sorted(files, key=lambda f: f["path"])

    def children(self, path: str) -> List[Dict[str, Any]]:
        """The entries directly below directory ``path`` (``[]`` when it is missing)."""
        out = self._run(["fs", "ls", path], missing=path)
        return [] if out is None else parsers.parse_ls(out)

    def checksum(self, path: str) -> str:
        out = self._run(["fs", "checksum", path]) or ""
        match = _MD5.search(out)
        if not match:
            raise AlluxioProtocolError("'alluxio fs checksum' printed no md5sum: %r" % out[:200])
        return match.group(1)

    def cluster(self) -> Dict[str, Any]:
        return parsers.parse_capacity(self._run(["fsadmin", "report", "capacity"]) or "")

    def metrics(self) -> Dict[str, int]:
        return parsers.counters_from_report(self._run(["fsadmin", "report", "metrics"]) or "")

    def clear_metrics(self) -> None:
        self._run(["fsadmin", "metrics", "clear"])

    def mkdir(self, path: str) -> None:
        self._run(["fs", "mkdir", path])

    def load(self, path: str) -> None:
        """Cache every block of ``path`` (a file or a tree) in Alluxio: ``fs load``, the workers read what they miss
        from the UFS."""
        self._run(["fs", "load", path])

    def remove(self, path: str, recursive: bool = False) -> None:
        # -U: do not refuse when the UFS copy of a directory was changed behind Alluxio's back.
        self._run(["fs", "rm"] + (["-R", "-U"] if recursive else []) + [path])

    def rename(self, src: str, dst: str) -> None:
        self._run(["fs", "mv", src, dst])

    def upload(self, local_path: str, dest: str) -> None:
        """copyFromLocal of a file or directory tree of the module's host (streamed into the pod for k8s_exec)."""
        localfs.scan(local_path)  # special files and unreadable ones are refused before anything is written
        staged = self.host.stage(local_path)
        try:
            self._run(["fs", "copyFromLocal", staged, dest])
        finally:
            self.host.cleanup(staged)
