"""``kpi evaluate``: evaluation, SPC, summary, opportunities and nonconformities for a period.

:func:`analyse` computes them in memory (the analyst's entry point, ``kpilib.analyse``);
:func:`run_evaluate` is ``analyse`` plus writing the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..catalog.indicators import read_indicator_versions
from ..catalog.versions import in_force, newest, not_in_force_message
from ..core.errors import KpiError
from ..core.files import warn_unread_subfolders, write_csvs
from ..core.paths import Paths
from ..core.periods import Period, parse_period, period_of, with_periods
from ..core.rejects import sort_rejects
from ..core.schemas import EVENT_BOUNDS, EVENT_MONTHLY, REJECTS
from ..core.vocabulary import SPECIAL_CAUSES
from ..core.workdays import milan_today
from ..core.writes import write_one
from ..measurements.processed import read_measurements
from .changes import read_changes
from .evaluation import evaluate_periods
from .history import results_by_year
from .nonconformities import nonconformities, read_register, reference_date, validate_register
from .opportunities import find_opportunities
from .outlook import outlook
from .spc import spc_table
from .spc_options import RECORD_FILE, SpcOptions, resolve, write_record
from .summary import summarize


@dataclass(frozen=True)
class Analysis:
    """One period analysed: what ``kpi evaluate`` writes, as frames, plus the XmR chart of any indicator.

    ``indicators``: the catalog in force at the end of the period (one row per indicator);
    ``evaluation`` holds each period against the target in force at its end (its
    ``target_op``/``target_value`` columns), so a raised target shows where it changed, with the
    indicator's ``direction`` and ``office`` beside it (``evaluation.csv`` keeps its own columns).
    ``summary`` has one row per indicator: the catalog columns (direction, office, process,
    target…) joined with the period's value, status, margin, ``relative_margin``, variation,
    assurance, ``periods_expected`` and ``periods_measured``. ``evaluation``, ``spc``,
    ``opportunities`` and ``nonconformities`` are the frames of the CSV files of the same names.
    """

    period: Period
    indicators: pd.DataFrame
    measurements: pd.DataFrame
    evaluation: pd.DataFrame
    spc: pd.DataFrame
    summary: pd.DataFrame
    opportunities: pd.DataFrame
    nonconformities: pd.DataFrame
    register_rejects: pd.DataFrame
    changes: pd.DataFrame
    change_rejects: pd.DataFrame
    # While the period is open: in linea / a rischio / compromesso per indicator, with the reason (else empty).
    outlook: pd.DataFrame | None = None
    options: SpcOptions | None = None  # the choices the limits were computed with

    def signals(self, indicator_id: str | None = None) -> pd.DataFrame:
        """Every special cause among the period's points (not only the last one): ``indicator_id``,
        ``office``, ``period``, ``value``, ``variation`` (``improvement``/``concern``, or ``neutral_high``/
        ``neutral_low`` where the indicator has no target) and the ``signals``
        that fired, for one indicator or all.

        >>> a = analyse("2025-S2")
        >>> set(a.signals()["variation"]) <= {"improvement", "concern", "neutral_high", "neutral_low"}
        True
        """
        points = self.spc[self.spc["variation"].isin(list(SPECIAL_CAUSES))]
        points = points[[self.period.contains(p) for p in points["period"]]]
        if indicator_id is not None:
            if indicator_id not in set(self.indicators["indicator_id"]):
                raise KpiError(f"indicator '{indicator_id}' is not in force in {self.period}")
            points = points[points["indicator_id"] == indicator_id]
        offices = self.indicators.set_index("indicator_id")["office"]
        return points.assign(office=points["indicator_id"].map(offices))[
            ["indicator_id", "office", "period", "value", "variation", "signals"]
        ].reset_index(drop=True)

    def results_by_year(self, indicator_id: str) -> pd.DataFrame:
        """The indicator's series year by year against the target in force each year, and against today's."""
        chosen = self.indicators[self.indicators["indicator_id"] == indicator_id]
        if chosen.empty:
            raise KpiError(f"indicator '{indicator_id}' is not in force in {self.period}")
        return results_by_year(self.evaluation, chosen.iloc[0].to_dict())

    def xmr_chart(self, indicator_id: str):
        """The indicator's XmR chart as a matplotlib Figure: series, target, mean, limits, signals."""
        from .charts import xmr_chart  # matplotlib and seaborn: 0.6 s that `kpi evaluate` never needs

        return xmr_chart(self.spc, self.summary, indicator_id)


def not_computable_yet(paths: Paths) -> frozenset:
    """``(indicator_id, period)`` of the values derived from case records that cannot be computed yet."""
    rejects = REJECTS.read(paths.measurement_rejects, missing_ok=True)
    pending = rejects[rejects["code"] == "not_computable_yet"]
    return frozenset(zip(pending["indicator_id"], pending["period"], strict=True))


def default_period(measurements: pd.DataFrame) -> Period:
    """The latest semester with data: the semester in which the latest period with a value ends."""
    measured = measurements[measurements["value"].notna()]
    if measured.empty:
        raise KpiError("no measurements: give --period, or add data to data/raw/measurements/")
    latest = max(with_periods(measured)["period"].unique(), key=lambda p: p.end)
    return period_of(latest.end, "semester")


def analyse(
    period: str | None = None, root: str | Path | None = None, screen: bool | None = None, baseline: int | None = None
) -> Analysis:
    """The analysis of ``period`` from the processed catalog, measurements and registers under ``root``.

    Reads ``data/processed`` and ``data/raw/nonconformities`` and writes nothing, so any
    period can be analysed in memory. ``period`` in any form :func:`~kpilib.core.periods.parse_period`
    reads (default: the latest semester with data); ``root`` the folder holding ``data/``
    (default: ``$KPI_ROOT``, else this repository). ``screen`` (moving ranges screened) and
    ``baseline`` (limits frozen after N points): :mod:`~kpilib.analysis.spc_options`, default
    ``data/raw/spc.csv``, else off.

    >>> a = analyse("2025-S1")  # here $KPI_ROOT: the tests point it at a copy of the example data
    >>> str(a.period), len(a.summary) == len(a.indicators)
    ('2025-S1', True)
    >>> a.summary.nsmallest(1, "relative_margin")[["office", "status"]].to_numpy().tolist()
    [['UNITÀ AFFARI LEGALI NOMINE INCARICHI', 'not_met']]
    """
    paths = Paths.at(root)
    options = resolve(paths, screen, baseline)
    versions = read_indicator_versions(paths.indicators)
    measurements = read_measurements(paths.measurements)
    try:
        evaluated = parse_period(period) if period else default_period(measurements)
    except ValueError as error:
        raise KpiError(str(error)) from None
    # The indicators in force at the end of P; their series judged period by period against
    # the version of the catalog in force then.
    indicators = in_force(versions, evaluated)
    if indicators.empty and not versions.empty:
        raise KpiError(not_in_force_message(versions, evaluated))
    history = versions[versions["indicator_id"].isin(indicators["indicator_id"])]
    known = newest(versions)
    bounds = EVENT_BOUNDS.read(paths.event_bounds, missing_ok=True)
    evaluation, previous = evaluate_periods(history, measurements, [evaluated, evaluated.shift(-1)], bounds)
    changes, change_rejects = read_changes(paths.changes_dir, known, paths.relative)
    monthly = EVENT_MONTHLY.read(paths.event_monthly, missing_ok=True)
    monthly = monthly[[m.end <= evaluated.end for m in monthly["period"]]] if len(monthly) else monthly
    spc = spc_table(evaluation, indicators, changes, options.screen, options.baseline, monthly)
    summary = summarize(indicators, evaluation, spc, evaluated, previous)
    declared = measurements[measurements["value"].isna()]
    opportunities = find_opportunities(
        summary,
        spc,
        evaluation,
        pending=not_computable_yet(paths),
        unavailable=frozenset(zip(declared["indicator_id"], declared["period"].astype(str), strict=True)),
    )
    register, register_rejects = validate_register(read_register(paths.nonconformities_dir, paths.relative), known)
    found, unmatched = nonconformities(evaluation, register, history, reference_date(evaluated))
    register_rejects = sort_rejects(pd.concat([register_rejects, unmatched], ignore_index=True))
    # The analyst's evaluation names each row's direction and office (kpi evaluate writes the file's own columns).
    catalog = newest(versions).set_index("indicator_id")
    evaluation = evaluation.assign(
        direction=evaluation["indicator_id"].map(catalog["direction"]),
        office=evaluation["indicator_id"].map(catalog["office"]),
    )
    ahead = outlook(indicators, evaluation, spc, bounds, evaluated, milan_today())
    return Analysis(
        evaluated,
        indicators,
        measurements,
        evaluation,
        spc,
        summary,
        opportunities,
        found,
        register_rejects,
        changes,
        change_rejects,
        ahead,
        options,
    )


def run_evaluate(
    paths: Paths, period: str | None = None, screen: bool | None = None, baseline: int | None = None
) -> Analysis:
    """``kpi evaluate``: compute and write every analysis file (and the SPC options used)."""
    for folder in (paths.changes_dir, paths.nonconformities_dir):
        warn_unread_subfolders(folder, paths.relative)
    result = analyse(period, paths.root, screen, baseline)
    write_one(paths.processed / RECORD_FILE, write_record(paths, result.options))
    write_csvs(
        {
            paths.evaluation: result.evaluation,
            paths.spc: result.spc,
            paths.indicator_summary: result.summary,
            paths.opportunities: result.opportunities,
            paths.nonconformities: result.nonconformities,
            paths.nonconformity_rejects: result.register_rejects,
            paths.outlook: result.outlook,
            paths.change_rejects: result.change_rejects,
        },
        paths.processed,
    )
    counts = result.summary["status"].value_counts()
    print(
        f"evaluate: {result.period}: {counts.get('met', 0)} met, {counts.get('not_met', 0)} not met, "
        f"{counts.get('pending', 0)} pending (open cases), "
        f"{counts.get('no_data', 0)} without data, {counts.get('no_target', 0)} without target; "
        f"{len(result.opportunities)} opportunities, {int(result.nonconformities['open'].sum())} open "
        f"nonconformities ({len(result.nonconformities)} in all) "
        f"-> {paths.relative(paths.processed)}/"
    )
    return result
