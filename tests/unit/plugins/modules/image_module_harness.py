# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run an image module's main() with its arguments; the runtime's queries answered by a function of argv."""

from __future__ import annotations

import yaml

from ansible_collections.alluxio_spark.k8s.plugins.module_utils._images import commands
from ansible_collections.alluxio_spark.k8s.tests.unit.plugins.modules import module_harness


def run_main(monkeypatch, main, args, answers):
    """(result, [argv of every runtime query]); ``answers(argv, where)`` gives (rc, out, err)."""
    calls = []

    def run(self, argv, timeout, data=None, env=None):
        calls.append(list(argv))
        return answers(list(argv), self.where)

    monkeypatch.setattr(commands.CommandHost, "run", run)
    return module_harness.run_main(monkeypatch, main, args), calls


def documented_options(module):
    """The module's options with those of the collection's doc fragments it extends, as ansible-doc merges them."""
    import importlib

    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc.get("options") or {})
    for name in doc.get("extends_documentation_fragment") or []:
        parts = name.split(".")
        if parts[:2] != ["alluxio_spark", "k8s"]:
            continue
        fragment = importlib.import_module("ansible_collections.alluxio_spark.k8s.plugins.doc_fragments." + parts[2])
        text = getattr(fragment.ModuleDocFragment, parts[3] if len(parts) > 3 else "DOCUMENTATION")
        options.update(yaml.safe_load(text).get("options") or {})
    return options


def assert_documented(spec, documented, path="options"):
    """Every option of the argument spec is documented with the same type, default and choices, and vice versa."""
    assert set(spec) == set(documented), path
    for name, option in spec.items():
        doc = documented[name]
        assert doc.get("type", "str") == option.get("type", "str"), "%s.%s type" % (path, name)
        assert doc.get("default") == option.get("default"), "%s.%s default" % (path, name)
        assert doc.get("choices") == option.get("choices"), "%s.%s choices" % (path, name)
        assert bool(doc.get("required")) == bool(option.get("required")), "%s.%s required" % (path, name)
        if option.get("options"):
            assert_documented(option["options"], doc["suboptions"], "%s.%s" % (path, name))
