# Integration tests: the modules and playbooks against the local lab (real Alluxio, real Docker engine).
.PHONY: integration

INTEGRATION_TARGETS ?= alluxio_modules image_distribution spark_image alluxio_role spark_operator

integration: venv lab-up ## integration targets (tests/integration/targets) against the local lab
	ALLUXIO_SPARK_REPO=$(CURDIR) ANSIBLE_ROLES_PATH=$(CURDIR)/tests/integration/targets \
	  $(BIN)/ansible-playbook -i localhost, tests/integration/run.yml \
	  -e '{"it_targets": "$(INTEGRATION_TARGETS)"}' -e ansible_python_interpreter=$(CURDIR)/$(BIN)/python
