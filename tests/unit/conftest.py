# Copyright (c) alluxio_spark.k8s contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-test units runs pytest with --strict-markers and without pytest-timeout: the tests' ``timeout`` marks are
declared here so they are known there too (they bound a test only where pytest-timeout is installed: make pytest)."""


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("timeout"):
        config.addinivalue_line("markers", "timeout(seconds): end the test after that many seconds (pytest-timeout)")
