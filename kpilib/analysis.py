"""``kpi evaluate``: evaluation, SPC, summary, opportunities and nonconformities for a period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .catalog import read_indicators
from .errors import KpiError
from .evaluate import evaluate
from .files import write_csv
from .measurements import MEASUREMENT_COLUMNS
from .nonconformities import REJECT_COLUMNS, nonconformities, read_register, reference_date, validate_register
from .opportunities import find_opportunities
from .paths import Paths
from .periods import Period, parse_period, period_of
from .spc import spc_table
from .summary import summarize


@dataclass(frozen=True)
class Analysis:
    """Everything ``kpi evaluate`` computes, as frames."""

    period: Period
    indicators: pd.DataFrame
    measurements: pd.DataFrame
    evaluation: pd.DataFrame
    spc: pd.DataFrame
    summary: pd.DataFrame
    opportunities: pd.DataFrame
    nonconformities: pd.DataFrame
    register_rejects: pd.DataFrame


def read_measurements(path) -> pd.DataFrame:
    """``measurements.csv`` as written by ``kpi ingest``."""
    try:
        frame = pd.read_csv(path, dtype={"indicator_id": str, "period": str, "source": str})
    except FileNotFoundError:
        raise KpiError(f"{path}: not found; run 'kpi ingest' first") from None
    return frame[MEASUREMENT_COLUMNS]


def default_period(measurements: pd.DataFrame) -> Period:
    """The latest semester with data: the semester in which the latest measured period ends."""
    if measurements.empty:
        raise KpiError("no measurements: give --period, or add data to data/raw/measurements/")
    latest = max((parse_period(text) for text in measurements["period"].unique()), key=lambda p: p.end)
    return period_of(latest.end, "semester")


def analyse(paths: Paths, period: str | None = None) -> Analysis:
    """Read the processed catalog and measurements and compute the analysis for ``period``."""
    indicators = read_indicators(paths.indicators)
    measurements = read_measurements(paths.measurements)
    try:
        evaluated = parse_period(period) if period else default_period(measurements)
    except ValueError as error:
        raise KpiError(str(error)) from None
    evaluation = evaluate(indicators, measurements, evaluated)
    spc = spc_table(evaluation, indicators)
    previous = evaluate(indicators, measurements, evaluated.shift(-1))
    summary = summarize(indicators, evaluation, spc, evaluated, previous)
    opportunities = find_opportunities(summary, spc, evaluation)
    register, register_rejects = validate_register(
        read_register(paths.nonconformities_file.parent, paths.relative), indicators
    )
    found = nonconformities(evaluation, register, indicators, reference_date(evaluated))
    register_rejects = pd.concat([register_rejects, _unmatched(register, found)], ignore_index=True)
    return Analysis(evaluated, indicators, measurements, evaluation, spc, summary, opportunities, found,
                    register_rejects)  # fmt: skip


def _unmatched(register: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Register entries for a period that is not (or no longer) a nonconformity."""
    keys = set(zip(found["indicator_id"], found["period"], strict=True))
    rows = [
        {"source": r["source"], "row": r["row"], "raw": r["raw"],
         "reason": f"nessuna non conformità per {r['indicator_id']} nel periodo {r['period']} "
                   "(target raggiunto, periodo senza misura o successivo al periodo valutato)"}
        for r in register.to_dict("records") if (r["indicator_id"], r["period"]) not in keys
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=REJECT_COLUMNS)


def run_evaluate(paths: Paths, period: str | None = None) -> Analysis:
    """``kpi evaluate``: compute and write every analysis file."""
    result = analyse(paths, period)
    write_csv(result.evaluation, paths.evaluation)
    write_csv(result.spc, paths.spc)
    write_csv(result.summary, paths.indicator_summary)
    write_csv(result.opportunities, paths.opportunities)
    write_csv(result.nonconformities, paths.nonconformities)
    write_csv(result.register_rejects, paths.nonconformity_rejects)
    counts = result.summary["status"].value_counts()
    print(
        f"evaluate: {result.period}: {counts.get('met', 0)} met, {counts.get('not_met', 0)} not met, "
        f"{counts.get('no_data', 0)} without data, {counts.get('no_target', 0)} without target; "
        f"{len(result.opportunities)} opportunities, {len(result.nonconformities)} nonconformities "
        f"-> {paths.relative(paths.processed)}/"
    )
    return result
