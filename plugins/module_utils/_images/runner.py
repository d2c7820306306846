# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run runtime commands as argv lists (never through a shell); pipe a decompressor into a loader when asked."""

from __future__ import annotations

import subprocess
import threading

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images.errors import RuntimeCommandError


class CommandRunner(object):
    """``runner(argv, stdin_argv=None) -> (rc, out, err)``, the interface the runtimes use."""

    def __init__(self, module):
        self.module = module

    def __call__(self, argv, stdin_argv=None):
        if stdin_argv is None:
            return self.module.run_command(argv, check_rc=False)
        return pipe(stdin_argv, argv)


def pipe(first_argv, second_argv):
    """Run ``first | second``; a failure of either is the pipeline's failure (as ``set -o pipefail``)."""
    try:
        first = subprocess.Popen(first_argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise RuntimeCommandError(first_argv, 127, str(exc), "Install %s on this host" % first_argv[0])
    first_err = []
    reader = threading.Thread(target=lambda: first_err.append(first.stderr.read()))
    reader.start()
    try:
        second = subprocess.Popen(second_argv, stdin=first.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        first.kill()
        first.wait()
        reader.join()
        raise RuntimeCommandError(second_argv, 127, str(exc))
    first.stdout.close()
    out, err = second.communicate()
    first_rc = first.wait()
    reader.join()
    if first_rc != 0 and second.returncode == 0:
        return first_rc, out, (first_err[0] if first_err else b"") + err
    if first_rc != 0:
        err = (first_err[0] if first_err else b"") + b"\n" + err
    return second.returncode, out, err
