# The two everyday commands: `make reports` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?=

.PHONY: setup reports test lint bench notebooks lab examples clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable ".[dev]"
	@touch $(STAMP)

reports: setup
	$(BIN)/kpi run $(if $(PERIOD),--period $(PERIOD))

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: setup lint
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench

examples: setup
	$(BIN)/python scripts/make_example_data.py

clean:
	rm -rf data/processed/* reports/*
	@touch data/processed/.gitkeep reports/.gitkeep
