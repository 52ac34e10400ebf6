"""Shared fixtures: a temporary project root with the shipped catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpilib.paths import REPOSITORY_ROOT, Paths

SEED = REPOSITORY_ROOT / "data" / "raw" / "catalog" / "000_c9ad083143a4659c.txt"


@pytest.fixture
def root(tmp_path: Path) -> Paths:
    """An empty project root with the published table in ``data/raw/catalog``."""
    catalog = tmp_path / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True)
    shutil.copy(SEED, catalog / SEED.name)
    return Paths.at(tmp_path)
