# The README's commands. Everything runs inside .venv, created on first use from the pinned lock.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MARGINLAKE_HOME ?= $(CURDIR)/.marginlake
export DAGSTER_HOME ?= $(MARGINLAKE_HOME)/dagster
export DO_NOT_TRACK := 1
# dagster-dbt calls `dbt` by name: the venv's one must come first.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export GX_ANALYTICS_ENABLED := false
SCALE ?= S

.PHONY: setup manifest demo test test-fast lint format ui clean bench

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

# The dbt manifest is a build artifact: prepared here, never committed.
manifest: setup
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/dbt_project.py

demo: manifest
	$(BIN)/marginlake demo

test: manifest lint
	$(BIN)/python -m pytest

test-fast: manifest
	$(BIN)/python -m pytest -m "not slow"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models --disable-progress-bar --processes 2

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix dbt_project/models --disable-progress-bar

# Benchmarks in their own lake (default $(MARGINLAKE_HOME)/bench_<scale>, wiped at each run): make bench SCALE=XS|S|M.
# Writes benchmarks/results/<scale>.json and .md; see benchmarks/README.md.
BENCH_HOME ?= $(MARGINLAKE_HOME)/bench_$(SCALE)
bench: manifest
	$(BIN)/python -m benchmarks.run --scale $(SCALE) --home $(BENCH_HOME) $(BENCH_ARGS)

ui: manifest
	mkdir -p $(DAGSTER_HOME)
	$(BIN)/python -c "from assets.common.paths import LakePaths; from orchestration.instance import prepare_environment; prepare_environment(LakePaths.from_home())"
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000 -m orchestration.definitions

clean:
	rm -rf $(MARGINLAKE_HOME) dbt_project/target dbt_project/logs
