# Integration tests: the modules and playbooks against the local lab (real Alluxio, real Docker engine).
.PHONY: integration lab-images faults

# Extra variables for the targets, as JSON: make integration INTEGRATION_TARGETS=faults INTEGRATION_EXTRA_VARS='{"faults_it_only": ["upload"]}'
INTEGRATION_EXTRA_VARS ?=
# The cases each target runs: "full" (the default of make integration and make test-all), or "ci" (make test): every
# target still runs, with fewer variants of the slowest ones, all of which make test-all runs:
# - image_distribution_role: three mode/runtime pairs that cover each mode and each runtime once, not all nine;
# - alluxio_role: deploy, again, check mode, bad input, remove and redeploy, without the short-circuit-off deployment
#   (the demo's experiment deploys it) and the second release;
# - spark_operator_role: without its word count (spark_application, spark_job_role and the demo run word counts
#   through the same controller) and without the Helm path;
# - spark_job_role: bad input and the failures, not the two extra placements (prefer, uncached), which cost a Spark
#   run each; the demo and the recipe run the role's main path eight times.
INTEGRATION_SCOPE ?= full
INTEGRATION_CI_VARS := {"image_it_combos": [["stream", "containerd"], ["archive", "docker"], ["registry", "podman"]], \
                        "spark_job_it_only": ["bad_input", "failures"], "alluxio_role_it_scenarios": [], \
                        "spark_operator_it_only": ["bad_input", "bad_image", "lifecycle"]}
INTEGRATION_TARGETS ?= inline_kubeconfig_role alluxio_modules alluxio_k8s_transports image_distribution_role spark_image_role alluxio_role spark_operator_role spark_application spark_job_role no_secret_in_output

# The lab's Spark image, built and put on every Kubernetes node by the collection's own playbooks (recipe steps 4 and
# 5), and the Spark operator's image (FROM it, with the operator built from its Go module), loaded on the nodes: what
# the integration targets and the demo run.
lab-images: venv lab-up ## build the lab's Spark and Spark-operator images and put them on the Kubernetes nodes
ifeq ($(LAB_CHECKED),)
	lab/spark/fetch.sh
	$(BIN)/ansible-playbook -i inventory/lab playbooks/build_image.yml
	lab/images/spark-operator/build.sh load
	$(BIN)/ansible-playbook -i inventory/lab playbooks/distribute_image.yml
else
	@echo "lab-images: put on the nodes by this make test's integration part"
endif

integration: venv lab-up lab-images ## integration targets (tests/integration/targets) against the local lab
	ALLUXIO_SPARK_REPO=$(CURDIR) ANSIBLE_ROLES_PATH=$(CURDIR)/tests/integration/targets \
	  $(BIN)/ansible-playbook -i localhost, tests/integration/run.yml \
	  -e '{"it_targets": "$(INTEGRATION_TARGETS)"}' -e ansible_python_interpreter=$(CURDIR)/$(BIN)/python \
	  $(if $(filter ci,$(INTEGRATION_SCOPE)),-e '$(INTEGRATION_CI_VARS)') \
	  $(if $(INTEGRATION_EXTRA_VARS),-e '$(INTEGRATION_EXTRA_VARS)')

# Faults in the middle of a run (an Alluxio worker pod deleted during a job, the API server restarted during the
# alluxio role, an upload killed with SIGKILL, a node restarted during image distribution): about 15 minutes, so a
# part of its own (make test-all), not of make test. Results: docs/reliability.md.
faults: venv lab-up lab-images ## the faults target on the lab (destructive: restarts lab parts, then repairs them)
	$(MAKE) --no-print-directory integration INTEGRATION_TARGETS=faults
