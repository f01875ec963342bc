# Everything installs into .venv from nothing: a fresh machine needs only python3 (>= 3.11) and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench golden docs clean

$(STAMP): pyproject.toml setup.py arabic_norm/engine/_kernel.c Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# camel-tools 1.6.0 declares torch and transformers (~6 GB) as dependencies, but the
	# camel_tools.utils modules we use need only six and emoji (installed by the test extra).
	$(BIN)/python -m pip install --quiet --no-deps camel-tools==1.6.0
	touch $(STAMP)

# `make run` needs only the tool: its own environment with the base install (click, rich, numpy),
# not the test environment (pytest, pandas, dask, camel-tools...).
RUN_VENV := .venv-run
RUN_STAMP := $(RUN_VENV)/.installed

$(RUN_STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(RUN_VENV)
	$(RUN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RUN_VENV)/bin/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

# Normalize the bundled samples with the default preset into build/samples/ and show what changed.
run: $(RUN_STAMP)
	$(RUN_VENV)/bin/arabic-norm --stats --output-dir build/samples samples/*.txt
	@echo "--- before: samples/tweets.txt (first 3 lines)"
	@head -n 3 samples/tweets.txt
	@echo "--- after: build/samples/tweets.txt"
	@head -n 3 build/samples/tweets.txt
	@echo "normalized copies of every sample are in build/samples/"

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# Regenerate samples/expected/ after a deliberate behaviour change (review the diff!).
golden: $(STAMP)
	$(BIN)/python tests/make_golden.py

clean:
	rm -rf $(VENV) $(RUN_VENV) build .pytest_cache .hypothesis

# Regenerate the README's step and preset reference from the registries.
docs: $(STAMP)
	$(BIN)/python -m arabic_norm.docs README.md
