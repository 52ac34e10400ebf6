# The two everyday commands: `make reports` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PERIOD ?=

.PHONY: setup reports processed test lint bench notebooks lab examples screenshots clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable ".[dev]"
	@touch $(STAMP)

reports: setup
	$(BIN)/kpi run $(if $(PERIOD),--period $(PERIOD))
	@echo "Open reports/$$(ls -t reports | grep -v gitkeep | head -n 1)/index.html in a browser."

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The notebooks read data/processed: the pipeline runs first (without rendering reports).
processed: setup
	$(BIN)/kpi run --skip-reports

test: setup lint processed
	$(BIN)/python -m pytest

# Refresh the committed notebook outputs on purpose (nbval compares fresh runs with them).
notebooks: processed
	for notebook in notebooks/*.ipynb; do $(BIN)/papermill --no-progress-bar "$$notebook" "$$notebook" || exit 1; done

# JupyterLab on notebooks/ with kpilib importable (installed in .venv in editable mode).
lab: processed
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup
	$(BIN)/python -m bench

examples: setup
	$(BIN)/python -m kpilib.examples

# Screenshots of the latest rendered reports, as a reviewer sees them (needs Debian's chromium).
screenshots:
	@command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)"; exit 1; }
	@latest=$$(ls -td reports/*/ | head -n 1); mkdir -p "$$latest/screenshots"; \
	for page in "$$latest"*.html; do \
		name=$$(basename "$$page" .html); \
		chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
			--disable-component-update --disable-sync --user-data-dir="$$(mktemp -d)" --window-size=1400,4000 \
			--screenshot="$$latest/screenshots/$$name.png" "file://$$PWD/$$page" 2>/dev/null; \
	done; echo "screenshots in $$latest""screenshots/"

clean:
	rm -rf data/processed/* reports/*
	@touch data/processed/.gitkeep reports/.gitkeep
