"""``kpi run``: every stage in order on one root."""

from __future__ import annotations

from .analysis.evaluate import run_evaluate
from .cases.events import run_events
from .catalog.catalog import run_catalog
from .core.paths import Paths
from .measurements.ingest import run_ingest
from .measurements.status import run_status


def run_all(
    paths: Paths,
    period: str | None = None,
    render: bool = True,
    screen: bool | None = None,
    baseline: int | None = None,
) -> int:
    """Catalog, events, ingest, evaluate, the delivery status and reports; returns the exit status of the reports."""
    run_catalog(paths)
    derived = run_events(paths).frame()
    run_ingest(paths, derived=derived)
    evaluated = run_evaluate(paths, period, screen, baseline).period
    run_status(paths, str(evaluated))  # who has not delivered, before anyone reads the reports
    if not render:
        return 0
    from .reports.reports import run_reports  # papermill and nbconvert: 1 s that --skip-reports never pays

    return run_reports(paths, str(evaluated))
