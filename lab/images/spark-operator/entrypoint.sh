#!/usr/bin/env bash
# Run the operator under an init that reaps the spark-submit JVMs it starts. The controller execs
# $SPARK_HOME/bin/spark-submit and builds its --master from KUBERNETES_SERVICE_HOST/PORT (set by the kubelet).
set -e
: "${SPARK_HOME:?SPARK_HOME must be set: the operator runs \$SPARK_HOME/bin/spark-submit}"
for tini in /usr/bin/tini /sbin/tini; do
  [[ -x "$tini" ]] && exec "$tini" -s -- /usr/bin/spark-operator "$@"
done
[[ -x /usr/bin/catatonit ]] && exec /usr/bin/catatonit -- /usr/bin/spark-operator "$@"
exec /usr/bin/spark-operator "$@"
