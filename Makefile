# alluxio_spark.k8s developer entry points. The two that matter to users: `make demo` and `make test`.
# Everything the targets need is installed by them (apt packages by the lab scripts, Python tools into .venv).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON        ?= python3.11
# The newest ansible-core needs Python >= 3.12; `make test` also runs sanity and units there when one is found.
PYTHON_LATEST ?= $(shell tools/find-python.sh 3.13 3.12)
CORE_LATEST   ?= 2.21.5

VENV        := .venv
VENV_LATEST := .venv-latest
BIN         := $(VENV)/bin
NS          := alluxio_spark
COLL        := k8s
VERSION     := $(shell sed -n 's/^version: *//p' galaxy.yml)
# A symlinked ansible_collections tree so ansible, ansible-lint and pytest load the working copy under its FQCN.
COLL_PATH   := $(CURDIR)/.build/collections
# ansible-test needs the collection at ansible_collections/<ns>/<name> with its own git index: a copy.
TEST_TREE   := $(CURDIR)/.build/test/ansible_collections/$(NS)/$(COLL)
DIST        := $(CURDIR)/.build/dist
REQ_STAMP   := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
PIP_CACHE   := $(HOME)/.ansible/test/cache

export ANSIBLE_COLLECTIONS_PATH := $(COLL_PATH)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := true
export ANSIBLE_DEPRECATION_WARNINGS := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

# Larger areas keep their targets in mk/<area>.mk (molecule, integration, ...).
-include mk/*.mk

.PHONY: help venv venv-latest collection-link test-tree units pytest sanity lint changelog-lint build install-check \
        test test-latest demo recipe lab-up lab-down lab-status clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

$(REQ_STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (or set PYTHON=...)" >&2; exit 1; }
	@echo ">>> creating the developer toolchain in $(VENV) (ansible-core 2.19, ansible 12 for its collections, ansible-lint, molecule, pytest)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

venv: $(REQ_STAMP) collection-link ## install the pinned toolchain into .venv

collection-link:
	@mkdir -p $(COLL_PATH)/ansible_collections/$(NS)
	@ln -sfn $(CURDIR) $(COLL_PATH)/ansible_collections/$(NS)/$(COLL)

# The lab's state, as lab/common.sh finds it.
LAB_STATE_DIR := $(or $(ALLUXIO_SPARK_LAB_STATE),$(CURDIR)/.lab)

# ansible-test passes no environment of its own to a test: the lab targets (those that run setup_lab) get the lab's
# location as env/set aliases in this copy, and .lab links to the lab's state as in the working copy.
test-tree: venv ## the copy of the collection ansible-test runs in (.build/test/ansible_collections/alluxio_spark/k8s)
	@rm -rf $(TEST_TREE) && mkdir -p $(TEST_TREE)
	@git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -x -C $(TEST_TREE)
	@for aliases in $(TEST_TREE)/tests/integration/targets/*/aliases; do \
	  if [[ $$aliases == */setup_lab/aliases ]] || grep -qx 'setup/once/setup_lab' "$$aliases"; then \
	    printf 'env/set/%s/%s\n' ALLUXIO_SPARK_REPO $(TEST_TREE) ALLUXIO_SPARK_LAB_STATE $(LAB_STATE_DIR) \
	      $(if $(ALLUXIO_SPARK_CACHE),ALLUXIO_SPARK_CACHE $(ALLUXIO_SPARK_CACHE)) >>"$$aliases"; \
	  fi; \
	done
	@ln -sfn $(LAB_STATE_DIR) $(TEST_TREE)/.lab
	@cd $(TEST_TREE) && git init -q && git add -A
	@# the collections ours builds on, from the `ansible` wheel, beside it (ansible-test looks only there)
	@site=$$($(BIN)/python -c 'import ansible_collections; print(list(ansible_collections.__path__)[0])'); \
	for dep in kubernetes community; do ln -sfn $$site/$$dep $(TEST_TREE)/../../$$dep; done

units: test-tree ## unit tests through ansible-test (also runnable as plain pytest: make pytest)
	cd $(TEST_TREE) && $(CURDIR)/$(BIN)/ansible-test units --python 3.11 --color no

pytest: venv ## unit tests with plain pytest against the working copy
	PYTHONPATH=$(COLL_PATH) $(BIN)/pytest -q -p no:cacheprovider --import-mode=importlib --timeout=120 tests/unit

# ansible-test bootstraps pip in its venvs with a get-pip.py downloaded from a host we cannot reach; the cache file
# it looks for first is our offline shim (tools/get_pip_offline.py).
sanity: test-tree ## ansible-test sanity, all tests, offline
	@mkdir -p $(PIP_CACHE)
	@for v in 24_2 25_2; do install -m 0644 tools/get_pip_offline.py $(PIP_CACHE)/get_pip_$$v.py; done
	cd $(TEST_TREE) && $(CURDIR)/$(BIN)/ansible-test sanity --python 3.11 --color no

lint: venv ## ansible-lint, production profile
	$(BIN)/ansible-lint --profile production

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

build: venv ## build the collection tarball into .build/dist
	@mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) .

# Offline install next to the `ansible` wheel's collections: the dependencies must resolve without Galaxy.
install-check: build
	@rm -rf .build/install-check && mkdir -p .build/install-check
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.build/install-check $(BIN)/ansible-galaxy collection install --offline \
	  -p .build/install-check $(DIST)/$(NS)-$(COLL)-$(VERSION).tar.gz
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.build/install-check $(BIN)/ansible-galaxy collection list $(NS).$(COLL) \
	  | grep -q "$(NS).$(COLL) *$(VERSION)"
	@echo "installed $(NS).$(COLL) $(VERSION) offline"

$(VENV_LATEST)/.installed-$(CORE_LATEST): requirements.txt
	$(PYTHON_LATEST) -m venv $(VENV_LATEST)
	$(VENV_LATEST)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt \
	  ansible-core==$(CORE_LATEST) pytest==8.4.2 pytest-xdist==3.8.0 pytest-mock==3.15.1
	rm -f $(VENV_LATEST)/.installed-* && touch $@

venv-latest: $(VENV_LATEST)/.installed-$(CORE_LATEST)

test-latest: ## sanity + units on the newest ansible-core (needs Python >= 3.12)
	@if [ -z "$(PYTHON_LATEST)" ]; then \
	  echo "NOT RUN: no Python >= 3.12 found, so ansible-core $(CORE_LATEST) was not tested (2.19 on 3.11 was)."; \
	else \
	  $(MAKE) --no-print-directory venv-latest test-tree && \
	  pyver=$$($(PYTHON_LATEST) -c 'import sys;print("%d.%d" % sys.version_info[:2])') && \
	  cd $(TEST_TREE) && \
	  $(CURDIR)/$(VENV_LATEST)/bin/ansible-test sanity --python $$pyver --color no && \
	  $(CURDIR)/$(VENV_LATEST)/bin/ansible-test units --python $$pyver --color no; \
	fi

# The parts of `make test`, in order: quick checks first, then the ones that need the lab.
TEST_PARTS ?= units sanity lint changelog-lint docs-lint docs galaxy-importer install-check test-latest integration demo \
              recipe
# make test runs the integration targets in their CI scope (mk/integration.mk: INTEGRATION_SCOPE) to fit the CI's
# 90 minutes on 2 cores; make test-all runs every case of every target, the Molecule scenarios and the faults.
TEST_SCOPE ?= ci

test: venv ## units, sanity, lint, changelog, docs, Galaxy import, build+install, newest core, lab (CI scope), demo, recipe
	@start=$$(date +%s); checked=; \
	for part in $(TEST_PARTS); do \
	  t0=$$(date +%s); echo ">>> make $$part"; \
	  $(MAKE) --no-print-directory $$part INTEGRATION_SCOPE=$(TEST_SCOPE) LAB_CHECKED=$$checked \
	    || { echo ">>> make test FAILED in part '$$part'"; exit 1; }; \
	  echo ">>> $$part passed in $$(( $$(date +%s) - t0 )) s"; \
	  if [ "$$part" = integration ]; then checked=1; fi; \
	done; \
	echo ">>> make test passed in $$(( $$(date +%s) - start )) s: $(TEST_PARTS)"

# Everything: make test with every integration case, then the Molecule scenarios and the faults target (the parts
# that do not fit the CI's time budget).
.PHONY: test-all
test-all: ## make test with every integration case, then Molecule and the faults target
	$(MAKE) --no-print-directory test TEST_SCOPE=full
	$(MAKE) --no-print-directory molecule
	$(MAKE) --no-print-directory faults

demo: venv lab-images ## set up the toolchain, the local lab and its images, then run the recipe on it
	@tools/demo.sh

# After make demo: site.yml's report holds what the recipe promises, a second run and a check-mode run change nothing;
# then the end-to-end benchmark from the two runs it timed.
recipe: venv
	$(MAKE) --no-print-directory integration INTEGRATION_TARGETS=recipe
	ALLUXIO_SPARK_LAB_STATE=$${ALLUXIO_SPARK_LAB_STATE:-$(CURDIR)/.lab} $(BIN)/python benchmarks/end_to_end.py --recorded

# LAB_CHECKED=1: make test's parts after its integration part, which brought the lab and its images up minutes
# before (each `lab/lab.sh up` on a lab that is up costs about a minute of status checks).
lab-up: ## start the local lab (Docker engine, node containers, Alluxio); idempotent
	$(if $(LAB_CHECKED),@echo "lab-up: brought up by this make test's integration part",lab/lab.sh up)

lab-down: ## stop the local lab and remove its containers, volumes and network
	lab/lab.sh down

lab-status: ## show the state of every lab part; non-zero if something is down
	lab/lab.sh status

clean: ## remove build outputs (keeps .venv and caches)
	rm -rf .build tests/output
