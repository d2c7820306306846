#!/usr/bin/env bash
# Print the Maven repository the lab downloads from (lab_maven_url in lab/common.sh: ALLUXIO_SPARK_MAVEN_URL, else
# this machine's Maven settings, else Maven's own default). Used by tests that need the URL as a variable.
set -euo pipefail
# shellcheck source=lab/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
lab_maven_url
