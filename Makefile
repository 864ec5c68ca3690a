# hiresentry developer commands. Everything runs from a project-local .venv that these targets
# create and keep up to date, so a fresh clone needs nothing but python3 (and node/npm for the
# vendor-contract mocks).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.stamp-runtime
DEV_STAMP     := $(VENV)/.stamp-dev
PRISM_DIR     := tests/contract
PRISM_STAMP   := $(PRISM_DIR)/node_modules/.stamp
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck bench bench-1m install dev prism clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(RUNTIME_STAMP): $(BIN)/python pyproject.toml setup.py
	$(PIP) install -e .
	touch $@

$(DEV_STAMP): $(BIN)/python pyproject.toml setup.py
	$(PIP) install -e '.[dev]'
	touch $@ $(RUNTIME_STAMP)

$(PRISM_STAMP): $(PRISM_DIR)/package.json $(PRISM_DIR)/package-lock.json
	npm ci --prefix $(PRISM_DIR) --no-audit --no-fund --loglevel=error
	touch $@

install: $(RUNTIME_STAMP)   ## runtime install only
dev: $(DEV_STAMP)           ## runtime + test/lint tools
prism: $(PRISM_STAMP)       ## Prism (npm) for the vendor-contract tests

demo: $(RUNTIME_STAMP)      ## run the whole flow on bundled synthetic data
	$(BIN)/hiresentry demo

test: $(DEV_STAMP) $(PRISM_STAMP)   ## the whole test suite (what CI runs)
	$(BIN)/python -m pytest

build/typecheck: setup.py
	mkdir -p build/typecheck/hiresentry
	for d in core connectors playbooks app; do ln -sfn ../../../$$d build/typecheck/hiresentry/$$d; done
	touch $@

typecheck: $(DEV_STAMP) build/typecheck
	$(BIN)/mypy -p hiresentry.core -p hiresentry.connectors -p hiresentry.playbooks -p hiresentry.app

lint: $(DEV_STAMP) typecheck  ## ruff + mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

BENCH_STAMP := $(VENV)/.stamp-bench

$(BENCH_STAMP): $(DEV_STAMP)
	$(PIP) install -e '.[dev,bench]'
	touch $@

bench: $(BENCH_STAMP)       ## screen benchmarks at 10k and 100k contractors + resolution vs Splink (not tests)
	$(BIN)/python -m bench.screen_bench --sizes 10000 100000
	$(BIN)/python -m bench.resolution_bench --synthetic 100000

bench-1m: $(BENCH_STAMP)    ## the 1,000,000-contractor screen (store built once, cached in .bench-cache)
	$(BIN)/python -m bench.screen_bench --sizes 1000000 --cache .bench-cache

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
