#!/usr/bin/env bash
# Entrypoint of the spark-alluxio image (role alluxio_spark.k8s.spark_image), written for the collection.
#
# Spark on Kubernetes sets only the container args, so the image's entrypoint must understand them:
#   driver ARGS...     spark-submit in client mode inside the driver pod (ARGS come from Spark: --properties-file,
#                      --class, the application jar and its arguments); binds to $SPARK_DRIVER_BIND_ADDRESS
#   executor           KubernetesExecutorBackend, configured by the SPARK_* variables the driver puts on the pod
#   anything else      exec'd unchanged (spark-submit ..., bash, ...)
# driver and executor run under tini, which forwards signals and reaps children.
set -eo pipefail

# A uid without a passwd entry (OpenShift assigns random ones): Hadoop's UserGroupInformation needs a user name, so
# give the JVM one through nss_wrapper.
if ! getent passwd "$(id -u)" >/dev/null 2>&1 && compgen -G '/usr/lib/*/libnss_wrapper.so' >/dev/null; then
  NSS_WRAPPER_PASSWD="$(mktemp)"
  cat /etc/passwd >"$NSS_WRAPPER_PASSWD"
  echo "spark:x:$(id -u):$(id -g):Spark:${SPARK_HOME}:/bin/false" >>"$NSS_WRAPPER_PASSWD"
  export NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP=/etc/group LD_PRELOAD=libnss_wrapper.so
fi

spark_classpath() {
  local cp="${SPARK_CLASSPATH:+$SPARK_CLASSPATH:}${SPARK_HOME}/jars/*"
  [[ -n "${SPARK_EXTRA_CLASSPATH:-}" ]] && cp="$cp:$SPARK_EXTRA_CLASSPATH"
  [[ -n "${HADOOP_CONF_DIR:-}" ]] && cp="$HADOOP_CONF_DIR:$cp"
  [[ -n "${SPARK_CONF_DIR:-}" ]] && cp="$SPARK_CONF_DIR:$cp"
  [[ -n "${SPARK_DIST_CLASSPATH:-}" ]] && cp="$cp:$SPARK_DIST_CLASSPATH"
  printf '%s' "$cp"
}

# The executor's JVM options arrive as SPARK_JAVA_OPT_0, SPARK_JAVA_OPT_1, ... (one option each, in that order).
executor_java_opts() {
  local name
  while read -r name; do
    EXECUTOR_JAVA_OPTS+=("${!name}")
  done < <(compgen -v SPARK_JAVA_OPT_ | sort -t_ -k4 -n)
}

case "${1:-}" in
  driver)
    shift
    cmd=("$SPARK_HOME/bin/spark-submit")
    if [[ -n "${SPARK_DRIVER_BIND_ADDRESS:-}" ]]; then
      cmd+=(--conf "spark.driver.bindAddress=$SPARK_DRIVER_BIND_ADDRESS"
        --conf "spark.executorEnv.SPARK_DRIVER_POD_IP=$SPARK_DRIVER_BIND_ADDRESS")
    fi
    cmd+=(--deploy-mode client "$@")
    ;;
  executor)
    shift
    EXECUTOR_JAVA_OPTS=()
    executor_java_opts
    cmd=("$JAVA_HOME/bin/java" "${EXECUTOR_JAVA_OPTS[@]}")
    [[ -n "${SPARK_EXECUTOR_MEMORY:-}" ]] && cmd+=("-Xms$SPARK_EXECUTOR_MEMORY" "-Xmx$SPARK_EXECUTOR_MEMORY")
    cmd+=(-cp "$(spark_classpath)" org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend
      --driver-url "$SPARK_DRIVER_URL"
      --executor-id "$SPARK_EXECUTOR_ID"
      --cores "$SPARK_EXECUTOR_CORES"
      --app-id "$SPARK_APPLICATION_ID"
      --hostname "$SPARK_EXECUTOR_POD_IP"
      --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}"
      --podName "${SPARK_EXECUTOR_POD_NAME:-$(hostname)}"
      "$@")
    ;;
  "")
    echo "usage: /opt/entrypoint.sh driver ARGS... | executor | COMMAND [ARGS...]" >&2
    exit 2
    ;;
  *)
    exec "$@"
    ;;
esac

exec /usr/bin/tini -s -- "${cmd[@]}"
