#!/usr/bin/env bash
# `make demo`: the whole recipe on the local lab with the collection's own playbook, alluxio_spark.k8s.site (make has
# already stood up the lab and built and distributed its images with the same playbooks' stages 4 and 5).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
state=${ALLUXIO_SPARK_LAB_STATE:-$PWD/.lab}

say() { printf '\n=== %s\n' "$*"; }
start=$(date +%s)

say "the recipe, as this collection runs it (ansible-playbook alluxio_spark.k8s.site -i inventory/lab)"
cat <<'TXT'
 1. prepare the operator's host       roles docker, kubectl, helm, sparkctl   playbook prepare_host (aslab-control)
 2. deploy Alluxio, wait for capacity  role alluxio                            playbook deploy_alluxio
 3. deploy the Spark operator          role spark_operator                     playbook deploy_spark_operator
 4. build spark-alluxio:3.5.5          role spark_image                        playbook build_image
 5. the image on every node            role image_distribution                 playbook distribute_image
 6. upload the input, find its node    alluxio_file, alluxio_file_info         playbook run_wordcount (role spark_job)
 7. the word count pinned there        spark_application
 8. bytes by read path, off vs on      alluxio_metrics_info, read_path_report  playbook short_circuit_experiment
TXT

say "the inputs: the recipe's LICENSE and a 300 MiB file"
lab/demo/inputs.sh

say "the binaries stage 1 installs, served by a local mirror (sparkctl cannot be had here: skipped, see docs/binary_roles.md)"
lab/bin/build.sh kubectl helm
eval "$(lab/bin/serve.sh start | sed 's/^/export /')"
trap 'lab/bin/serve.sh stop' EXIT

say "site.yml"
site_start=$(date +%s)
ansible-playbook alluxio_spark.k8s.site -i inventory/lab | tee "$state/site-first.log"
site_seconds=$(( $(date +%s) - site_start ))
# The first run's time and recap, for benchmarks/end_to_end.py --recorded (the recipe test times the second run).
mkdir -p "$state/timings"
python3 - "$state/site-first.log" "$site_seconds" >"$state/timings/site-first.json" <<'PY'
import json, sys
recap = [line for line in open(sys.argv[1]).read().splitlines() if " : ok=" in line]
json.dump({"seconds": float(sys.argv[2]), "recap": recap}, sys.stdout)
PY

say "the word counts and the verdicts"
python3 - "$state/report/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
for item in report["inputs"]:
    print("%s: %s, %d bytes in %d block(s), bytes per node %s" % (
        item["name"], item["path"], item["length"], item["blocks"], item["bytes_per_node"]))
lic = [c for c in report["cells"] if c["input"] == "LICENSE"]
if lic and lic[0].get("top_words"):
    print("LICENSE, most frequent words: " + ", ".join("%r: %d" % kv for kv in lic[0]["top_words"].items()))
for c in report["cells"]:
    print("- %-7s short-circuit %-3s on %s (%s node): counts %s, %.0f s; %s" % (
        c["input"], "on" if c["short_circuit"] else "off", c["node"], c["placement"],
        {True: "right", False: "WRONG", None: "not checked"}[c.get("counts_correct")],
        float(c.get("wall_seconds") or 0), c["verdict"]["line"]))
PY
echo "report: $state/report/report.html (chart: report.png, data: report.json)"
say "make demo: site.yml took ${site_seconds} s; the demo script $(( $(date +%s) - start )) s"
