#!/usr/bin/env python
# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip.py script that ansible-test downloads to bootstrap pip in its venvs.

ansible-test fetches ``get-pip-<version>.py`` from a host the lab machines cannot reach and caches it as
``~/.ansible/test/cache/get_pip_<version>.py``; ``make sanity`` copies this file there instead. It is run with the
options ansible-test would give get-pip (``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``):
pip comes from the interpreter's own ``ensurepip`` wheel and is then upgraded to the requested version from the
package index configured for pip on this machine.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that `pip install` does not know.
_GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main():
    """Bootstrap pip into the running interpreter, then install what was asked for."""
    ensurepip.bootstrap(upgrade=True)
    # ensurepip points PIP_CONFIG_FILE at /dev/null for its own run, which would hide the machine's pip.conf
    # (index mirror, CA bundle) from the install below.
    os.environ.pop("PIP_CONFIG_FILE", None)
    args = [arg for arg in sys.argv[1:] if arg not in _GET_PIP_ONLY]
    if not any(not arg.startswith("-") for arg in args):
        return 0
    return subprocess.call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    sys.exit(main())
