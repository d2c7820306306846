#!/usr/bin/env bash
# The inputs of the demo's word count, in $LAB_STATE/inputs (idempotent; written once):
#   LICENSE     the Apache License 2.0 text, taken from commons-io's jar in the Alluxio distribution's jars (the recipe
#               counts Alluxio's LICENSE: this text plus a short note on Tachyon's subcomponents)
#   large.txt   LICENSE repeated to $LARGE_MIB MiB (default 300): a file of many blocks, spread over the workers
#
#   lab/demo/inputs.sh [path LICENSE|large.txt]
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../alluxio/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../alluxio/lib.sh"

LARGE_MIB=${LARGE_MIB:-300}
DIR="$LAB_STATE/inputs"

if [[ "${1:-}" == path ]]; then
  echo "$DIR/${2:?file}"
  exit 0
fi
mkdir -p "$DIR"
if [[ ! -s "$DIR/LICENSE" ]]; then
  jar=$(find "$ALX_LIB" -maxdepth 1 -name 'commons-io-*.jar' | head -n1)
  [[ -n "$jar" ]] || "$LAB_ROOT/alluxio/fetch.sh"
  jar=$(find "$ALX_LIB" -maxdepth 1 -name 'commons-io-*.jar' | head -n1)
  [[ -n "$jar" ]] || lab_die "no commons-io jar in $ALX_LIB to take the Apache License text from"
  unzip -p "$jar" META-INF/LICENSE.txt >"$DIR/LICENSE.tmp"
  grep -q "Apache License" "$DIR/LICENSE.tmp" || lab_die "$jar has no Apache License text in META-INF/LICENSE.txt"
  mv "$DIR/LICENSE.tmp" "$DIR/LICENSE"
  lab_log "inputs: $DIR/LICENSE ($(wc -c <"$DIR/LICENSE") bytes, from $(basename "$jar"))"
fi
want=$((LARGE_MIB * 1024 * 1024))
if [[ ! -s "$DIR/large.txt" || $(stat -c %s "$DIR/large.txt") -lt $want ]]; then
  # Whole copies of LICENSE up to the size: every line stays a line of the original.
  size=$(stat -c %s "$DIR/LICENSE")
  copies=$(((want + size - 1) / size))
  python3 - "$DIR/LICENSE" "$DIR/large.txt.tmp" "$copies" <<'PY'
import sys
src, dst, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
with open(dst, "wb") as out:
    for _ in range(copies):
        out.write(data)
PY
  mv "$DIR/large.txt.tmp" "$DIR/large.txt"
  lab_log "inputs: $DIR/large.txt ($(stat -c %s "$DIR/large.txt") bytes, $copies copies of LICENSE)"
fi
