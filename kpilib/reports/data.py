"""Loading what a report shows: the processed analysis files for one period (and direction)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from ..catalog.indicators import read_indicator_versions, resolve_direction
from ..catalog.versions import in_force
from ..core.errors import KpiError
from ..core.files import delivered_file
from ..core.paths import Paths
from ..core.periods import Period, parse_period
from ..core.rejects import rejects_frame
from ..core.schemas import CORRECTIONS, EVENT_BOUNDS, OUTLOOK, schema_for
from ..core.text import fold, slugify
from ..measurements.processed import read_measurements


@dataclass(frozen=True)
class ReportData:
    """The analysis of one period, optionally narrowed to one direction."""

    paths: Paths
    period: Period
    direction: str
    indicators: pd.DataFrame
    summary: pd.DataFrame
    evaluation: pd.DataFrame
    spc: pd.DataFrame
    opportunities: pd.DataFrame
    nonconformities: pd.DataFrame
    rejects: pd.DataFrame
    measurements: pd.DataFrame
    all_directions: tuple[str, ...] = ()
    # Every version of the catalog (of the direction's indicators): the history judged
    # against the targets in force at the time, retired indicators included.
    versions: pd.DataFrame | None = None
    # The values later deliveries corrected in the period, and where the collection stands per office.
    corrections: pd.DataFrame | None = None
    delivery_status: pd.DataFrame | None = None
    # What the open cases leave undecided behind values computed from case records, and the backlog.
    bounds: pd.DataFrame | None = None
    # While the period is open: whether each indicator will make its target (empty once it has ended).
    outlook: pd.DataFrame | None = None


def _read(path) -> pd.DataFrame:
    return schema_for(path).read(path, hint="kpi run")


# File names of the period's own pages: no direction report may take them.
RESERVED_SLUGS = frozenset({"index", "overview", "riesame", "pages"})


def report_slug(direction: str, directions: list[str]) -> str:
    """A safe file name for a direction's report, unique among ``directions`` and never a reserved page.

    >>> report_slug("Direzione Cultura", ["Direzione Cultura"]), report_slug("Index", ["Index"])[:6]
    ('direzione-cultura', 'index-')
    """
    slug = slugify(direction)
    clashes = [d for d in directions if slugify(d) == slug and fold(d) != fold(direction)]
    if clashes or slug in RESERVED_SLUGS:
        slug += "-" + hashlib.sha1(fold(direction).encode("utf-8")).hexdigest()[:6]
    return slug


def load(root: str = "", period: str = "", direction: str | None = None) -> ReportData:
    """The processed analysis for ``period`` (default: the one last evaluated).

    ``direction=None`` keeps every direction (the overview); ``""`` picks the first one.
    """
    paths = Paths.at(root or None)
    versions = read_indicator_versions(paths.indicators)
    summary = _read(paths.indicator_summary)
    if summary.empty:
        raise KpiError(f"{paths.indicator_summary}: no indicator evaluated; run 'kpi evaluate'")
    evaluated = summary["period"].iloc[0]
    if period and parse_period(period) != evaluated:
        raise KpiError(f"the processed analysis is for {evaluated}, not {period}: run 'kpi evaluate --period {period}'")
    indicators = in_force(versions, evaluated)
    if indicators.empty:
        raise KpiError(f"no indicator of the catalog is in force in {evaluated}")
    chosen = None if direction is None else resolve_direction(indicators, direction)
    ids = set(
        indicators["indicator_id"]
        if chosen is None
        else indicators.loc[indicators["direction"] == chosen, "indicator_id"]
    )

    def narrow(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["indicator_id"].isin(ids)].reset_index(drop=True)

    measurements = read_measurements(paths.measurements)
    rejects = pd.concat([_read(paths.measurement_rejects), _event_rejects(paths)], ignore_index=True)
    rejects = rejects_for(rejects, ids, set(versions["indicator_id"]), measurements, evaluated)
    return ReportData(
        paths=paths,
        period=evaluated,
        direction=chosen or "",
        indicators=indicators[indicators["indicator_id"].isin(ids)].reset_index(drop=True),
        summary=narrow(summary),
        evaluation=narrow(_read(paths.evaluation)),
        spc=narrow(_read(paths.spc)),
        opportunities=narrow(_read(paths.opportunities)),
        nonconformities=narrow(_read(paths.nonconformities)),
        rejects=rejects.reset_index(drop=True),
        measurements=narrow(measurements),
        all_directions=tuple(sorted(indicators["direction"].unique())),
        versions=versions if chosen is None else versions[versions["indicator_id"].isin(ids)].reset_index(drop=True),
        corrections=_corrections(paths, ids, evaluated),
        delivery_status=_delivery_status(paths, evaluated, chosen),
        bounds=narrow(EVENT_BOUNDS.read(paths.event_bounds, missing_ok=True)),
        outlook=narrow(OUTLOOK.read(paths.outlook, missing_ok=True)),
    )


def _corrections(paths: Paths, ids: set[str], period: Period) -> pd.DataFrame:
    corrections = CORRECTIONS.read(paths.corrections, missing_ok=True)
    inside = [period.contains(p) for p in corrections["period"]]
    chosen = corrections["indicator_id"].isin(ids) & pd.Series(inside, index=corrections.index, dtype=bool)
    return corrections[chosen].reset_index(drop=True)


def _delivery_status(paths: Paths, period: Period, direction: str | None) -> pd.DataFrame:
    from ..measurements.status import delivery_status

    status, _ = delivery_status(paths, period)
    return (status if direction is None else status[status["direction"] == direction]).reset_index(drop=True)


def _event_rejects(paths: Paths) -> pd.DataFrame:
    if not paths.event_rejects.exists():
        return rejects_frame()
    return _read(paths.event_rejects)


def rejects_for(
    rejects: pd.DataFrame, ids: set[str], known: set[str], measurements: pd.DataFrame, period: Period
) -> pd.DataFrame:
    """The rejects a report of ``ids`` for ``period`` shows: those naming one of its indicators, and those
    naming an id the catalog does not know (a typo) in a delivery that also carried one of them; of
    those, the ones whose period overlaps ``period`` (or names none that can be read).

    >>> import pandas as pd
    >>> from kpilib.core.periods import parse_period
    >>> rejects = pd.DataFrame({"source": ["a.csv", "a.csv", "b.csv", "a.csv"], "indicator_id": ["kpi-1", "kpi-x", "kpi-x", "kpi-1"],
    ...                         "period": ["2025-03", "2025-04", "2025-04", "2026-01"]})
    >>> measurements = pd.DataFrame({"indicator_id": ["kpi-1"], "source": ["a.csv"]})
    >>> rejects_for(rejects, {"kpi-1"}, {"kpi-1", "kpi-2"}, measurements, parse_period("2025-S1"))["indicator_id"].tolist()
    ['kpi-1', 'kpi-x']
    """
    named = rejects["indicator_id"].astype(str).str.strip().str.lower()
    delivery = rejects["source"].astype(str).map(delivered_file)
    delivered = measurements["source"].astype(str).map(delivered_file)
    sources = set(delivered[measurements["indicator_id"].isin(ids)]) | set(delivery[named.isin(ids)])
    placed = named.isin(ids) | (~named.isin(known) & delivery.isin(sources))
    overlapping = rejects["period"].map(lambda text: _overlaps(text, period)).astype(bool)
    return rejects[placed & overlapping].reset_index(drop=True)


def _overlaps(text: object, period: Period) -> bool:
    try:
        other = parse_period(str(text))
    except ValueError:
        return True  # a period that cannot be read is shown: it may be the office's typo for this one
    return other.start <= period.end and period.start <= other.end
