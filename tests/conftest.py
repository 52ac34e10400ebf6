"""Shared fixtures: a temporary project root with the shipped catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from kpilib.paths import REPOSITORY_ROOT, Paths

# Timing is the benchmarks' business: a first call that builds a cache (the holiday
# calendar, an import) must not fail a property test on a slow CI machine.
settings.register_profile("kpilib", deadline=None)
settings.load_profile("kpilib")

SEED = REPOSITORY_ROOT / "data" / "raw" / "catalog" / "000_c9ad083143a4659c.txt"


@pytest.fixture
def root(tmp_path: Path) -> Paths:
    """An empty project root with the published table in ``data/raw/catalog``."""
    catalog = tmp_path / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True)
    shutil.copy(SEED, catalog / SEED.name)
    return Paths.at(tmp_path)


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Paths:
    """A copy of the shipped raw data with the pipeline (up to evaluate) run on it, default period."""
    from kpilib.analysis import run_evaluate
    from kpilib.catalog import run_catalog
    from kpilib.events import run_events
    from kpilib.ingest import run_ingest

    folder = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPOSITORY_ROOT / "data" / "raw", folder / "data" / "raw")
    paths = Paths.at(folder)
    run_catalog(paths)
    run_ingest(paths, derived=run_events(paths))
    run_evaluate(paths)
    return paths
