# Benchmarks: measured side by side in one run, printed as ratios (benchmarks/). Not part of `make test`.
.PHONY: bench-resolution

BENCH_FILES ?= 24

bench-resolution: venv lab-up ## block-to-host resolution of a directory: naive per-file CLI vs ours (CLI, REST)
	PYTHONPATH=$(COLL_PATH) $(BIN)/python benchmarks/block_resolution.py $(BENCH_FILES)

.PHONY: bench-images
BENCH_IMAGE_MIB ?= 1024
BENCH_IMAGE_RUNTIME ?= containerd

bench-images: venv lab-up ## image to 3 nodes: recipe vs floors vs the role (stream, archive, registry), a one-layer rebuild, the re-run
	PYTHONPATH=$(COLL_PATH) $(BIN)/python benchmarks/image_distribution.py --mib $(BENCH_IMAGE_MIB) --runtime $(BENCH_IMAGE_RUNTIME)

.PHONY: bench-e2e
bench-e2e: venv lab-images ## the recipe end to end: site.yml first vs second run, large-file job off vs on (removes the recipe from the lab first)
	ALLUXIO_SPARK_LAB_STATE=$${ALLUXIO_SPARK_LAB_STATE:-$(CURDIR)/.lab} $(BIN)/python benchmarks/end_to_end.py
