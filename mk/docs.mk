# Rendered docs and Galaxy's import check: what the Ansible docsite and Galaxy do with the collection, run offline.
.PHONY: docs docs-lint docs-screenshot galaxy-importer

DOCS_BUILD := $(CURDIR)/.build/docs
DOCS_HTML  := $(DOCS_BUILD)/html
DOCS_SRC   := docs/collection
SCREENSHOT := docs/images/alluxio_file_info.png
IMPORTER   := $(CURDIR)/.build/galaxy-importer
# antsibull-docs copies a collection's dependencies with `git ls-files` when it finds them inside a git work tree:
# the `ansible` wheel's kubernetes.core and community.docker in .venv/ would be copied empty. Git stops looking at .venv.
DOCS_ENV   := GIT_CEILING_DIRECTORIES=$(CURDIR)/$(VENV)

docs: venv ## the collection's HTML docs (antsibull-docs + Sphinx, offline) in .build/docs/html
	@rm -rf $(DOCS_BUILD) && mkdir -p $(DOCS_BUILD)/rst && chmod og-w $(DOCS_BUILD)/rst
	$(DOCS_ENV) $(BIN)/antsibull-docs collection --use-current --fail-on-error --dest-dir $(DOCS_BUILD)/rst $(NS).$(COLL)
	cp $(DOCS_SRC)/index.rst $(DOCS_BUILD)/rst/index.rst
	$(BIN)/python $(DOCS_SRC)/site.py playbooks . $(DOCS_BUILD)/rst/playbooks.rst
	$(BIN)/sphinx-build -q -b html -c $(DOCS_SRC) -d $(DOCS_BUILD)/doctrees -W --keep-going $(DOCS_BUILD)/rst $(DOCS_HTML)
	$(BIN)/python $(DOCS_SRC)/site.py check . $(DOCS_HTML)
	@echo "docs: $(DOCS_HTML)/index.html"

# Plugin docs against their schema and markup, references into this collection and the ones it depends on, and the
# RST they render to, as the docsite build would.
docs-lint: venv ## antsibull-docs lint-collection-docs (plugin docs, references, RST)
	$(DOCS_ENV) $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
	  --check-extra-docs-refs .

# Debian's chromium, headless, with the machine's network closed to it; the page is the one `make docs` built.
docs-screenshot: docs ## regenerate docs/images/alluxio_file_info.png: the built alluxio_file_info page in headless chromium
	@command -v chromium >/dev/null || bash -c '. lab/common.sh && lab_apt_install chromium'
	@profile=$$(mktemp -d) && trap 'rm -rf "$$profile"' EXIT && \
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$$profile" \
	  --hide-scrollbars --window-size=1280,1600 --screenshot=$(CURDIR)/$(SCREENSHOT) \
	  file://$(DOCS_HTML)/collections/$(NS)/$(COLL)/alluxio_file_info_module.html 2>$(DOCS_BUILD)/chromium.log || \
	  { tail -n 20 $(DOCS_BUILD)/chromium.log >&2; echo "chromium failed; full log: $(DOCS_BUILD)/chromium.log" >&2; exit 1; }
	@test -s $(SCREENSHOT) && echo "screenshot: $(SCREENSHOT)"

# Galaxy's importer on the tarball `make build` makes, offline. Its ansible-test step stays off: both of its modes
# (`ansible-test sanity --docker`, or an image built FROM quay.io/ansible/base-test-container) need images this machine
# cannot pull; `make sanity` runs ansible-test sanity, all tests, on the same files. Galaxy logs findings as warnings
# and still imports; here any WARNING or ERROR line fails the check, but one: Galaxy warns whenever a sanity ignore
# file exists, and ours are the few lines STYLE habit 12 allows, each with its reason (tests/sanity/ignore-*.txt).
IMPORTER_ACCEPTED := ^WARNING: Ignore files skip ansible-test sanity tests, found ignore-[0-9.]+\.txt
galaxy-importer: build ## Galaxy's import check (galaxy-importer) on the built tarball, offline
	@rm -rf $(IMPORTER) && mkdir -p $(IMPORTER)/tmp $(IMPORTER)/home
	@printf '%s\n' '[galaxy-importer]' 'RUN_ANSIBLE_TEST = False' 'RUN_ANSIBLE_LINT = True' \
	  'OFFLINE_ANSIBLE_LINT = True' 'RUN_ANSIBLE_DOC = True' 'RUN_FLAKE8 = False' 'CHECK_CHANGELOG = True' \
	  'CHECK_REQUIRED_TAGS = False' 'LOG_LEVEL_MAIN = INFO' 'TMP_ROOT_DIR = $(IMPORTER)/tmp' \
	  >$(IMPORTER)/galaxy-importer.cfg
	@# Its ansible-lint installs the collection into ~/.ansible/collections, where it would shadow the working copy in
	@# every later ansible-lint run on this machine: a HOME of its own keeps that inside the build directory.
	cd $(IMPORTER) && HOME=$(IMPORTER)/home GALAXY_IMPORTER_CONFIG=$(IMPORTER)/galaxy-importer.cfg \
	  timeout 900 $(CURDIR)/$(BIN)/python -m galaxy_importer.main $(DIST)/$(NS)-$(COLL)-$(VERSION).tar.gz \
	  >$(IMPORTER)/import.log 2>&1 || { cat $(IMPORTER)/import.log; echo "galaxy-importer failed" >&2; exit 1; }
	@if grep -E '^(WARNING|ERROR):' $(IMPORTER)/import.log | grep -Ev '$(IMPORTER_ACCEPTED)'; then \
	  echo "galaxy-importer reported the findings above (full log: $(IMPORTER)/import.log)" >&2; exit 1; fi
	@grep -q '^Importer processing completed successfully' $(IMPORTER)/import.log
	@echo "galaxy-importer: no findings; $$(grep -c . $(IMPORTER)/import.log) log lines in $(IMPORTER)/import.log"
