# Molecule scenarios of the host roles (extensions/molecule/<role>): docker, kubectl, helm, sparkctl.
# Offline: the platform images are built from the lab's debootstrap image, and the binaries the roles download are
# built from source by lab/bin/build.sh and served over HTTP on the docker bridge by lab/bin/serve.sh: the real kubectl
# and helm, and for sparkctl, which cannot be built here, a stand-in (that kubectl under sparkctl's name).
.PHONY: molecule host-binaries molecule-images

MOLECULE_SCENARIOS ?= kubectl helm sparkctl docker

host-binaries: ## build (once, then cached) kubectl, helm and the sparkctl stand-in (kubectl) the role tests serve
	lab/bin/build.sh all

molecule-images:
	lab/engine.sh ensure
	lab/bin/molecule-images.sh build

molecule: venv host-binaries molecule-images ## Molecule: converge, idempotence, check mode, bad checksum, verify per role
	@lab/bin/serve.sh start >/dev/null; \
	trap 'lab/bin/serve.sh stop' EXIT; \
	eval "$$(lab/bin/serve.sh env | sed 's/^/export /')"; \
	export ASLAB_TEST_IMAGE=local/aslab-debian:bookworm ASLAB_TEST_IMAGE_TAR=$${ALLUXIO_SPARK_LAB_STATE:-$(CURDIR)/.lab}/molecule-image.tar.gz; \
	failed=(); \
	for s in $(MOLECULE_SCENARIOS); do \
	  start=$$(date +%s); \
	  if $(BIN)/molecule test -s $$s; then r=passed; else r=FAILED; failed+=($$s); fi; \
	  echo ">>> molecule $$s $$r in $$(( $$(date +%s) - start )) s"; \
	done; \
	((! $${#failed[@]})) || { echo ">>> molecule FAILED: $${failed[*]}"; exit 1; }
