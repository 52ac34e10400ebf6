"""``kpi run``: every stage in order on one root."""

from __future__ import annotations

from .analysis import run_evaluate
from .catalog import run_catalog
from .events import run_events
from .ingest import run_ingest
from .paths import Paths


def run_all(paths: Paths, period: str | None = None) -> int:
    """Run the pipeline stages that exist so far; returns the exit status."""
    run_catalog(paths)
    derived = run_events(paths)
    run_ingest(paths, derived=derived)
    run_evaluate(paths, period)
    return 0
