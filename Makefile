# The two everyday commands: `make reports` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?=

.PHONY: help setup reports pdf processed test test-fast lint bench notebooks lab examples check-examples screenshots clean a11y-tools
FIXTURE := build/fixture-root

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

setup: $(STAMP)  ## create .venv and install kpilib with what its tests and notebooks need

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable ".[dev]"
	@touch $(STAMP)

reports: setup  ## the whole pipeline on data/raw, latest period (PERIOD=2025-S1 for another)
	$(BIN)/kpi run $(if $(PERIOD),--period $(PERIOD))
	@echo "Open reports/index.html in a browser: every period rendered so far, the latest first."

pdf: setup  ## the pipeline, then a PDF beside each rendered page (needs Debian's chromium)
	$(BIN)/kpi run --skip-reports $(if $(PERIOD),--period $(PERIOD))
	$(BIN)/kpi reports --pdf $(if $(PERIOD),--period $(PERIOD))

lint: setup  ## ruff check and format check of the whole tree
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

processed: setup  ## the pipeline on data/raw up to kpi evaluate, no reports
	$(BIN)/kpi run --skip-reports

test: setup lint  ## the whole test suite: ruff, pytest, doctests, the notebooks through nbval
	$(BIN)/python -m pytest

test-fast: setup  ## the suite less the slow end-to-end tests (marked slow), for the edit-test loop
	$(BIN)/python -m pytest -m "not slow"

# nbval compares fresh runs with the committed outputs, made on the tests' fixture root, not on data/.
notebooks: setup  ## refresh the committed notebook outputs (on the fixture root) after a change that moves a number
	$(BIN)/python tests/fixture_root.py $(FIXTURE) >/dev/null
	for notebook in notebooks/*.ipynb; do KPI_ROOT=$$PWD/$(FIXTURE) $(BIN)/papermill --no-progress-bar "$$notebook" "$$notebook" || exit 1; done

lab: processed  ## JupyterLab on notebooks/, kpilib importable, data/processed fresh
	$(BIN)/jupyter lab --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

a11y-tools:  ## axe-core and puppeteer-core in build/a11y, for the accessibility test (Chromium from Debian)
	npm install --prefix build/a11y --no-audit --no-fund --silent axe-core@4 puppeteer-core@23

bench: setup  ## the benchmarks under bench/, printing their figures
	$(BIN)/python -m bench

examples: setup  ## regenerate the illustrative ESEMPIO_* files in data/raw
	$(BIN)/python -m kpilib.examples

check-examples: setup  ## check that the shipped ESEMPIO_* files are what the generator writes
	$(BIN)/python -m kpilib.examples --check

screenshots: setup  ## whole-page PNG of each page of the latest period, as a reviewer sees it (needs Debian's chromium)
	$(BIN)/python -m kpilib.reports.screenshots reports

# Issued revisions (reports/<P>/emesso/) are records: no target removes them.
clean:  ## remove data/processed/* and reports/* but the issued revisions (reports/*/emesso/)
	rm -rf data/processed/*
	find reports -mindepth 1 -path 'reports/*/emesso' -prune -o -type f -print0 | xargs -0 rm -f
	find reports -mindepth 1 -type d -empty -delete
	rm -rf $(FIXTURE)
	@touch data/processed/.gitkeep reports/.gitkeep
