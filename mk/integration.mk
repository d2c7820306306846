# Integration tests: the modules and playbooks against the local lab (real Alluxio, real Docker engine).
.PHONY: integration lab-images

INTEGRATION_TARGETS ?= alluxio_modules alluxio_k8s_transports image_distribution_role spark_image_role alluxio_role spark_operator_role spark_application spark_job_role no_secret_in_output faults

# The lab's Spark image, built and put on every Kubernetes node by the collection's own playbooks (recipe steps 4 and
# 5), and the Spark operator's image (FROM it, with the operator built from its Go module), loaded on the nodes: what
# the integration targets and the demo run.
lab-images: venv lab-up ## build the lab's Spark and Spark-operator images and put them on the Kubernetes nodes
	lab/spark/fetch.sh
	$(BIN)/ansible-playbook -i inventory/lab playbooks/build_image.yml
	lab/images/spark-operator/build.sh load
	$(BIN)/ansible-playbook -i inventory/lab playbooks/distribute_image.yml

integration: venv lab-up lab-images ## integration targets (tests/integration/targets) against the local lab
	ALLUXIO_SPARK_REPO=$(CURDIR) ANSIBLE_ROLES_PATH=$(CURDIR)/tests/integration/targets \
	  $(BIN)/ansible-playbook -i localhost, tests/integration/run.yml \
	  -e '{"it_targets": "$(INTEGRATION_TARGETS)"}' -e ansible_python_interpreter=$(CURDIR)/$(BIN)/python
