"""``kpi run``: every stage in order on one root."""

from __future__ import annotations

from .catalog import run_catalog
from .ingest import run_ingest
from .paths import Paths


def run_all(paths: Paths, period: str | None = None) -> int:
    """Run the pipeline stages that exist so far; returns the exit status."""
    run_catalog(paths)
    run_ingest(paths)
    return 0
