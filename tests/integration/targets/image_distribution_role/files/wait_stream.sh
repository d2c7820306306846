#!/usr/bin/env bash
# Run on the controller (bash wait_stream.sh NODE SSH_CONFIG [POLLS]) while the role streams an image: wait until the
# stream to NODE flows, then print the pid of the controller's ssh that carries it. Two conditions, so nothing fires
# early: a process whose program is ssh runs the stream to NODE (so no shell whose own text names the stream can
# match), and containerd's importer runs on NODE ("[c]tr" keeps the remote shell's own text from matching; a stale
# "ctr content active" entry left by an earlier interrupted run would not tell that). Polls 0.2 s apart; exit 1 after
# POLLS (default 600). The poll count goes to stderr.
set -u -o pipefail
node=$1 config=$2 polls=${3:-600}
for i in $(seq 1 "$polls"); do
  pid=$(ps -eo pid=,args= | awk -v node="-- $node " \
        '$2 ~ /ssh$/ && index($0, node) && index($0, "IMAGE-STREAM") {print $1; exit}')
  if [ -n "$pid" ] && ssh -F "$config" -o ConnectTimeout=5 "$node" "pgrep -f '[c]tr .*images import'" >/dev/null; then
    echo "$pid"
    echo "the stream to $node flows (seen after $i polls)" >&2
    exit 0
  fi
  sleep 0.2
done
echo "no stream to $node was seen in $polls polls" >&2
exit 1
