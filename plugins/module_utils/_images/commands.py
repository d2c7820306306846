# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a container runtime's commands run: on this host, or on another one over ssh.

A *command host* runs an argv (never a shell line built from input) with a timeout and returns
``(rc, stdout, stderr)``. :class:`LocalHost` runs it here; :class:`SshHost` runs it on a node through ``ssh``, quoting
every argument for the remote shell, so a runtime's knowledge (its argv and output formats) is written once in
``runtimes.py`` and used from a node's own module as well as from the controller's fan-out.

Processes are started here and in ``receiver.py`` only (the streaming code needs pipes that ``run_command`` cannot
give): each gets its own process group, so a timeout kills the command and everything it started.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from typing import IO, Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import (
    ImageError,
    RuntimeCommandError,
)

Result = Tuple[int, bytes, bytes]


class CommandTimeout(RuntimeCommandError):
    """A command ran past its timeout and was killed."""

    def __init__(self, argv: Sequence[str], timeout: float, where: str) -> None:
        super().__init__(argv, -signal.SIGKILL, "killed after %s s without finishing" % timeout,
                         "It did not answer within %s s on %s; check that the runtime is healthy there, or raise "
                         "the timeout option" % (timeout, where))


def spawn(argv: Sequence[str], stdin: Any = subprocess.DEVNULL, stdout: Any = subprocess.PIPE,
          stderr: Any = subprocess.PIPE, env: Optional[Dict[str, str]] = None) -> "subprocess.Popen[bytes]":
    """Start ``argv`` in its own process group; OSError (program missing) is an ImageError naming it."""
    try:
        return subprocess.Popen(list(argv), stdin=stdin, stdout=stdout, stderr=stderr, env=env,
                                start_new_session=True)
    except OSError as exc:
        raise ImageError("cannot run %s: %s (install it on this host, or give its path)" % (argv[0], exc.strerror))


def kill_group(proc: "subprocess.Popen[bytes]") -> None:
    """SIGKILL the process and its children (it leads its own process group), if it still runs."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass


def communicate(proc: "subprocess.Popen[bytes]", argv: Sequence[str], timeout: float, where: str,
                data: Optional[bytes] = None) -> Result:
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise CommandTimeout(argv, timeout, where)
    return proc.returncode, out or b"", err or b""


class CommandHost:
    """Runs argv lists somewhere. ``where`` names the place in messages."""

    where = "this host"

    def command(self, argv: Sequence[str]) -> List[str]:
        """The local argv that runs ``argv`` on this command host."""
        raise NotImplementedError

    def run(self, argv: Sequence[str], timeout: float, data: Optional[bytes] = None,
            env: Optional[Dict[str, str]] = None) -> Result:
        proc = spawn(self.command(argv), stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
                     env=env)
        return communicate(proc, argv, timeout, self.where, data)

    def start(self, argv: Sequence[str], stdin: Any = subprocess.PIPE, stdout: Any = subprocess.PIPE,
              stderr: Any = subprocess.PIPE) -> "subprocess.Popen[bytes]":
        return spawn(self.command(argv), stdin=stdin, stdout=stdout, stderr=stderr)

    def close(self) -> None:
        """Release what the host keeps open between commands (nothing, unless it says otherwise)."""


class LocalHost(CommandHost):
    """The host that runs the module."""

    def command(self, argv: Sequence[str]) -> List[str]:
        return list(argv)


class SshHost(CommandHost):
    """A node reached with ``ssh`` (key-based: BatchMode, so a password prompt fails at once instead of hanging).

    ``connection`` holds what Ansible's ssh connection would use: ``host``, ``port``, ``user``,
    ``private_key_file``, ``common_args`` and ``extra_args`` (strings, split like a shell would, each piece then one
    argument), ``args`` (a list) and ``executable``. With ``control_dir`` (a private directory), short commands share
    one connection per node (ssh's ControlMaster); a stream started with :meth:`start` always has its own, so that
    ending it ends nothing else.
    """

    def __init__(self, connection: Dict[str, Any], connect_timeout: int = 10,
                 control_dir: Optional[str] = None) -> None:
        self.connection = connection
        host = connection.get("host")
        if not host:
            raise ImageError("an ssh target needs a host (the node's ansible_host or inventory name)")
        self.where = str(host)
        self.options = ssh_options(connection, connect_timeout)
        self.control_dir = control_dir
        self.control = (["-o", "ControlMaster=auto", "-o", "ControlPath=%s/%%C" % control_dir, "-o",
                         "ControlPersist=30"] if control_dir else [])

    def _argv(self, extra: List[str], argv: Sequence[str]) -> List[str]:
        return self.options + extra + ["--", self.where, remote_line(argv)]

    def command(self, argv: Sequence[str]) -> List[str]:
        return self._argv(self.control, argv)

    def start(self, argv: Sequence[str], stdin: Any = subprocess.PIPE, stdout: Any = subprocess.PIPE,
              stderr: Any = subprocess.PIPE) -> "subprocess.Popen[bytes]":
        return spawn(self._argv(["-o", "ControlMaster=no", "-o", "ControlPath=none"], argv), stdin=stdin,
                     stdout=stdout, stderr=stderr)

    def close(self) -> None:
        """Stop the shared connection, if one was started."""
        if self.control_dir and os.listdir(self.control_dir):
            try:
                proc = spawn(self.options + self.control + ["-O", "exit", "--", self.where])
                communicate(proc, ["ssh", "-O", "exit"], 10, self.where)
            except ImageError:
                pass


def split_args(value: Any, what: str) -> List[str]:
    """A list given as a list, or a string split as a shell would split it (quotes kept together)."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    try:
        return shlex.split(str(value))
    except ValueError as exc:
        raise ImageError("%s cannot be split into arguments (%s): %r" % (what, exc, value))


def ssh_options(connection: Dict[str, Any], connect_timeout: int = 10) -> List[str]:
    """``ssh [options]`` for a connection dict (see :class:`SshHost`); ``--``, the host and the command follow."""
    argv = [connection.get("executable") or "ssh", "-o", "BatchMode=yes", "-o",
            "ConnectTimeout=%d" % connect_timeout]
    if connection.get("port"):
        argv += ["-p", str(connection["port"])]
    if connection.get("user"):
        argv += ["-l", str(connection["user"])]
    if connection.get("private_key_file"):
        argv += ["-i", str(connection["private_key_file"])]
    argv += split_args(connection.get("common_args"), "ssh common_args")
    argv += split_args(connection.get("extra_args"), "ssh extra_args")
    argv += split_args(connection.get("args"), "ssh args")
    return argv


def remote_line(argv: Sequence[str]) -> str:
    """The remote shell line that runs exactly ``argv`` (ssh hands the remote side one string)."""
    return " ".join(shlex.quote(str(arg)) for arg in argv)


def pipe_reader(handle: IO[bytes], limit: int = 1 << 20) -> bytes:
    """Read a pipe to its end, keeping only the last ``limit`` bytes (a chatty program cannot fill memory)."""
    kept = b""
    for chunk in iter(lambda: handle.read(65536), b""):
        kept = (kept + chunk)[-limit:] if limit > 0 else b""
    return kept
