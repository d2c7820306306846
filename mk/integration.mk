# Integration tests: the modules and playbooks against the local lab (real Alluxio, real Docker engine).
.PHONY: integration lab-images

INTEGRATION_TARGETS ?= alluxio_modules image_distribution spark_image alluxio_role spark_operator

# The lab's Spark image (role spark_image) and Spark operator image (FROM it, with the operator built from its Go
# module), both loaded into every Kubernetes node's containerd: what the spark_operator target and the demo run.
lab-images: venv lab-up ## build the lab's Spark and Spark-operator images and load them on the Kubernetes nodes
	lab/spark/fetch.sh
	$(BIN)/ansible-playbook -i inventory/lab lab/images/spark.yml
	lab/images/spark-operator/build.sh load
	lab/k8s/cluster.sh load spark-alluxio:3.5.5

integration: venv lab-up lab-images ## integration targets (tests/integration/targets) against the local lab
	ALLUXIO_SPARK_REPO=$(CURDIR) ANSIBLE_ROLES_PATH=$(CURDIR)/tests/integration/targets \
	  $(BIN)/ansible-playbook -i localhost, tests/integration/run.yml \
	  -e '{"it_targets": "$(INTEGRATION_TARGETS)"}' -e ansible_python_interpreter=$(CURDIR)/$(BIN)/python
