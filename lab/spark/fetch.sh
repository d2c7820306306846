#!/usr/bin/env bash
# Put the Spark distribution the lab uses into the cache: the PyPI `pyspark` source distribution, whose deps/jars,
# deps/bin and deps/sbin are a real Spark (spark-submit, spark-kubernetes, Hadoop 3 client) — the Apache binary
# tarball is not reachable from the lab. The role spark_image builds the image from it (spark_image_spark_layout:
# pyspark).
#
#   lab/spark/fetch.sh            # download unless cached; prints the path and the sha256
#   lab/spark/fetch.sh --force    # download again
#
# Result (keyed by version; the .sha256 file is written last, so an interrupted run is redone):
#   $LAB_CACHE/pyspark-$SPARK_VERSION/pyspark-$SPARK_VERSION.tar.gz   (~317 MB for 3.5.5)
#   $LAB_CACHE/pyspark-$SPARK_VERSION/pyspark-$SPARK_VERSION.tar.gz.sha256
# pip checks the file against the sha256 that PyPI's index publishes for it. Env: SPARK_VERSION (3.5.5),
# PIP (python3 -m pip), ALLUXIO_SPARK_CACHE.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

SPARK_VERSION="${SPARK_VERSION:-3.5.5}"
DIR="$LAB_CACHE/pyspark-$SPARK_VERSION"
FILE="$DIR/pyspark-$SPARK_VERSION.tar.gz"

force=
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--force]" >&2
    exit 2
    ;;
esac

if [[ -z "$force" && -s "$FILE" && -s "$FILE.sha256" ]]; then
  lab_log "pyspark $SPARK_VERSION: cached ($FILE)"
else
  lab_timer_start fetch
  lab_log "downloading the pyspark $SPARK_VERSION sdist from PyPI (about 317 MB; cold: about a minute)"
  tmp="$DIR.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  # --no-binary: pyspark is published only as an sdist; pip prepares its metadata but builds nothing.
  # shellcheck disable=SC2086
  ${PIP:-python3 -m pip} download -q --disable-pip-version-check --no-deps --no-binary :all: -d "$tmp" \
    "pyspark==$SPARK_VERSION" >&2 || lab_die "pip could not download pyspark==$SPARK_VERSION"
  [[ -s "$tmp/pyspark-$SPARK_VERSION.tar.gz" ]] || lab_die "pip saved no pyspark-$SPARK_VERSION.tar.gz"
  tar -tzf "$tmp/pyspark-$SPARK_VERSION.tar.gz" "pyspark-$SPARK_VERSION/deps/bin/spark-submit" >/dev/null 2>&1 ||
    lab_die "pyspark-$SPARK_VERSION.tar.gz has no deps/bin/spark-submit"
  mkdir -p "$DIR"
  mv "$tmp/pyspark-$SPARK_VERSION.tar.gz" "$FILE"
  rm -rf "$tmp"
  sha256sum "$FILE" | cut -d' ' -f1 >"$FILE.sha256.tmp"
  mv "$FILE.sha256.tmp" "$FILE.sha256"
  lab_timer_end fetch "pyspark fetch"
fi
printf 'SPARK_ARCHIVE=%s\nSPARK_SHA256=%s\n' "$FILE" "$(cat "$FILE.sha256")"
