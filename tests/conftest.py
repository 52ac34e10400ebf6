"""Shared fixtures. No test reads the live ``data/`` folder: each builds its own root, or
reads the session's fixture root (:mod:`fixture_root`, loaded as a plugin)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_root import with_seed
from hypothesis import settings

from kpilib.core.paths import Paths

# Timing is the benchmarks' business: a first call that builds a cache (the holiday
# calendar, an import) must not fail a property test on a slow CI machine.
settings.register_profile("kpilib", deadline=None)
settings.load_profile("kpilib")


@pytest.fixture
def root(tmp_path: Path) -> Paths:
    """An empty project root with the published table in ``data/raw/catalog``."""
    return with_seed(tmp_path)


@pytest.fixture(scope="session")
def shipped() -> Paths:
    """The fixture root: the example data processed up to ``kpi evaluate``, default period. Read it, never write."""
    return Paths.at()
