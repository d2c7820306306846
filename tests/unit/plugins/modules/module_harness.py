# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() with its arguments and return what it exited or failed with (one harness for every module
test; what stands in for the module's surroundings is patched by the caller first)."""

from __future__ import annotations

import pytest
from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

# The module tests need ansible-core >= 2.19's patch_module_args: pytestmark = needs_patch_module_args
needs_patch_module_args = pytest.mark.skipif(patch_module_args is None, reason="needs ansible-core >= 2.19")


class Exit(Exception):
    pass


def run_main(monkeypatch, main, args, check_mode=False):
    """main()'s result dict, with ``failed`` set (``_ansible_check_mode`` from ``check_mode``)."""

    def exit_json(self, **kw):
        raise Exit(dict(kw, failed=False))

    def fail_json(self, **kw):
        raise Exit(dict(kw, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    with patch_module_args(dict(args, _ansible_check_mode=check_mode) if check_mode else args):
        with pytest.raises(Exit) as info:
            main()
    return info.value.args[0]
