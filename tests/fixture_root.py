"""The fixture root every test and every committed notebook output is built on.

The published table (a copy in ``tests/fixtures/catalog/``) and the example data written
by :mod:`kpilib.examples` (the same files as the shipped ``ESEMPIO_*``), with the pipeline
run up to ``kpi evaluate``. Nothing here reads the live ``data/`` folder, so the tests keep
passing when an office adds its own files there.

``python tests/fixture_root.py DIR`` builds it in DIR (``make notebooks`` does, then runs
the notebooks with ``KPI_ROOT=DIR``). As a pytest plugin (``-p fixture_root`` in
``pyproject.toml``) it builds it in a temporary folder when the session starts and points
``KPI_ROOT`` at it, before any test, doctest or notebook kernel runs: the notebooks nbval
runs with their default parameters, and the doctests of ``kpilib``, read it.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

from kpilib.analysis.evaluate import run_evaluate
from kpilib.cases.events import run_events
from kpilib.catalog.catalog import run_catalog
from kpilib.core.paths import ROOT_VARIABLE, Paths
from kpilib.examples import write_examples
from kpilib.measurements.ingest import run_ingest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "catalog" / "000_c9ad083143a4659c.txt"


def with_seed(folder: Path) -> Paths:
    """``folder`` as a project root holding only the published table."""
    catalog = folder / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, catalog / SEED.name)
    return Paths.at(folder)


def build(folder: Path) -> Paths:
    """The published table and the example data in ``folder``, processed up to ``kpi evaluate``."""
    paths = with_seed(folder)
    with contextlib.redirect_stdout(io.StringIO()):
        write_examples(paths)
        run_catalog(paths)
        run_ingest(paths, derived=run_events(paths).frame())
        run_evaluate(paths)
    return paths


def pytest_configure(config):
    folder = Path(tempfile.mkdtemp(prefix="kpilib-fixture-"))
    build(folder)
    os.environ[ROOT_VARIABLE] = str(folder)


def pytest_unconfigure(config):
    folder = os.environ.get(ROOT_VARIABLE, "")
    if Path(folder).name.startswith("kpilib-fixture-"):
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    shutil.rmtree(target, ignore_errors=True)
    print(build(target).root)
