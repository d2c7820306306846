#!/usr/bin/env bash
# /entrypoint.sh of the lab's Alluxio image, with the upstream image's contract (Helm chart: `tini -- /entrypoint.sh`
# with args, properties as -D options in ALLUXIO_JAVA_OPTS / ALLUXIO_MASTER_JAVA_OPTS / ALLUXIO_WORKER_JAVA_OPTS):
#
#   master-only [--no-format]    format the journal unless --no-format, then the master in the foreground
#   worker-only [--no-format]    clear the worker storage unless --no-format, then the worker in the foreground
#   proxy                        the REST proxy
#   job-master | job-worker      the job service (fails clearly: the lab's jar set has none)
#   anything else                exec'd as given (e.g. `alluxio fs ls /`, `bash`)
set -euo pipefail

usage() {
  echo "usage: /entrypoint.sh master-only [--no-format] | worker-only [--no-format] | proxy | job-master | job-worker" \
    "| COMMAND [ARGS...]" >&2
  exit 2
}

# NO_FORMAT — set by the optional --no-format after master-only/worker-only.
format_flag() {
  case "${1:-}" in
    "") NO_FORMAT= ;;
    --no-format) NO_FORMAT=1 ;;
    *) usage ;;
  esac
  [[ $# -le 1 ]] || usage
}

case "${1:-}" in
  master-only)
    shift
    format_flag "$@"
    [[ -n "$NO_FORMAT" ]] || alluxio formatJournal
    exec alluxio process master
    ;;
  worker-only)
    shift
    format_flag "$@"
    [[ -n "$NO_FORMAT" ]] || alluxio formatWorker
    exec alluxio process worker
    ;;
  proxy)
    [[ $# -eq 1 ]] || usage
    exec alluxio process proxy
    ;;
  job-master) exec alluxio process job_master ;;
  job-worker) exec alluxio process job_worker ;;
  master | worker)
    echo "/entrypoint.sh: '$1' starts the $1 with the job service, which this image lacks; use $1-only" >&2
    exit 2
    ;;
  "") usage ;;
  *) exec "$@" ;;
esac
