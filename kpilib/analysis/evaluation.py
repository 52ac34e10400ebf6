"""Holding every measurement against its target: ``evaluation.csv``.

For each indicator: a row per period of its series (at the granularity it is measured
in) from its first measurement up to the end of the evaluated period P, plus the periods
P requires (its basis periods ending inside P, or P itself when it has no basis), rolled
up where they are coarser than the series.
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from ..catalog.targets import Target
from ..catalog.versions import version_at, versions_by_indicator
from ..core.periods import BASIS_FREQ, FREQ_BASIS, MONTHS_IN, Period, due_periods, periods, with_periods
from ..core.schemas import EVALUATION
from ..core.vocabulary import Status, is_missing
from .rollup import pool_values

EVALUATION_COLUMNS = EVALUATION.names


def status_of(value: float, op: str, target: float) -> str:
    """``met``/``not_met`` by the comparator exactly; ``no_data`` without a value; ``no_target`` without a target.

    >>> status_of(80, ">=", 80), status_of(80, ">", 80), status_of(float("nan"), ">=", 80), status_of(3, "", None)
    ('met', 'not_met', 'no_data', 'no_target')
    """
    held = Target.of({"target_op": op, "target_value": target, "target_unit": "", "polarity": ""})
    return held.status(value) if held else Status.NO_TARGET


def series_freq(indicator: dict, periods: list[Period], evaluated: Period) -> str:
    """The granularity an indicator is evaluated at: its basis, else how it is measured, else P's."""
    if indicator["basis"] in BASIS_FREQ:
        return BASIS_FREQ[indicator["basis"]]
    if periods:
        counts = Counter(period.freq for period in periods)
        return min(counts, key=lambda freq: (-counts[freq], MONTHS_IN[freq]))
    return evaluated.freq


def required_periods(indicator: dict, evaluated: Period, measured_freq: str | None = None) -> list[Period]:
    """The periods the evaluated period P requires: basis periods ending inside P, or P itself.

    A basis longer than P that does not end inside it (an annual indicator in the first
    semester) requires the latest basis period completed before P ends. An indicator
    without basis that is measured in periods longer than P is treated the same way, its
    measured length standing for the basis.
    """
    freq = BASIS_FREQ.get(indicator["basis"])
    if freq is None and measured_freq and MONTHS_IN[measured_freq] > MONTHS_IN[evaluated.freq]:
        freq = measured_freq
    if freq is None:
        return [evaluated]
    due = due_periods(FREQ_BASIS[freq], evaluated)
    return due or [evaluated.enclosing(freq).shift(-1)]


def measured_freq_of(evaluation: pd.DataFrame) -> dict[str, str]:
    """The length of the periods each indicator's series is measured in, from evaluation rows."""
    series = evaluation[evaluation["series"].astype(bool)].drop_duplicates("indicator_id")
    return {i: p.freq for i, p in zip(series["indicator_id"], series["period"], strict=True)}


def _counts_add_up(indicator: dict, period: Period) -> bool:
    basis = BASIS_FREQ.get(indicator["basis"])
    return basis is None or basis == period.freq


def combined_status(statuses: list[str], has_target: bool) -> str:
    """The status of a period made of several: judged on those measured, met when every one of them is.

    >>> combined_status(["met", "not_met", "no_data"], True), combined_status(["met", "no_data"], True)
    ('not_met', 'met')
    >>> combined_status(["no_data", "no_data"], True), combined_status(["met"], False)
    ('no_data', 'no_target')
    >>> combined_status(["met", "pending"], True), combined_status(["pending", "not_met"], True)
    ('pending', 'not_met')
    """
    if not has_target:
        return Status.NO_TARGET
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if Status.PENDING in statuses:  # open cases could still make it fail
        return Status.PENDING
    if Status.MET in statuses:
        return Status.MET
    return Status.NO_DATA


def evaluate(
    indicators: pd.DataFrame,
    measurements: pd.DataFrame,
    evaluated: Period,
    also_required_by: tuple[Period, ...] = (),
    bounds: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``evaluation.csv`` as a frame (columns :data:`EVALUATION_COLUMNS`), sorted by indicator and period.

    ``also_required_by``: earlier periods whose required rows are added too (``required``
    stays False for them), so that one evaluation serves a history of periods. ``bounds``:
    ``event_bounds.csv`` (``indicator_id``, ``period``, ``upper``): a value computed from case
    records with cases still open is a lower bound, and the period is ``pending`` when the
    value if every open case stayed open for ever would give another verdict.
    """
    measurements = with_periods(measurements)
    measurements = with_upper_bounds(measurements, bounds)
    # every measurement as a record once, by indicator (not one frame, and one conversion, per indicator)
    by_indicator: dict[str, dict] = {}
    for record in measurements.to_dict("records"):
        by_indicator.setdefault(record["indicator_id"], {})[record["period"]] = record
    rows = []
    for versions in versions_by_indicator(indicators):
        own = by_indicator.get(versions[0]["indicator_id"], {})
        rows.extend(_indicator_rows(versions, own, evaluated, also_required_by))
    frame = pd.DataFrame(rows, columns=[*EVALUATION_COLUMNS, "_sort"])
    frame = frame.sort_values(["indicator_id", "_sort"], kind="stable").drop(columns="_sort")
    return frame.reset_index(drop=True)


def with_upper_bounds(measurements: pd.DataFrame, bounds: pd.DataFrame | None) -> pd.DataFrame:
    """``measurements`` with an ``upper`` column: for values derived from case records with open cases,
    the value if they stayed open for ever (else NaN: the value is final)."""
    if bounds is None or bounds.empty or measurements.empty:
        return measurements.assign(upper=math.nan)
    derived = measurements["source"].astype(str).str.startswith("data/raw/events/")
    keyed = {(i, str(p)): u for i, p, u in zip(bounds["indicator_id"], bounds["period"], bounds["upper"], strict=True)}
    upper = [
        keyed.get((i, str(p)), math.nan) if from_cases else math.nan
        for i, p, from_cases in zip(measurements["indicator_id"], measurements["period"], derived, strict=True)
    ]
    return measurements.assign(upper=upper)


def _indicator_rows(versions: list[dict], measured: dict, evaluated: Period, others: tuple = ()) -> list[dict]:
    """Rows of one indicator's series and required periods, each held against the version of the
    catalog in force at its end; periods in which no version is in force are left out. ``measured``:
    the indicator's measurements, period -> record."""
    indicator = versions[-1]
    points = {period: row for period, row in measured.items() if period.end <= evaluated.end}
    freq = series_freq(indicator, list(points), evaluated)
    series = _series_periods(points, freq, evaluated)
    required = required_periods(indicator, evaluated, freq)
    extra = {period for other in others for period in required_periods(indicator, other, freq)}
    rows = []
    for period in sorted(set(series) | set(required) | extra, key=lambda p: p.sort_key):
        version = version_at(versions, period)
        if version is not None:
            rows.append({**_row(version, period, points, freq, period in required), "series": period in series})
    return rows


def _series_periods(points: dict, freq: str, evaluated: Period) -> list[Period]:
    usable = [period for period in points if MONTHS_IN[period.freq] <= MONTHS_IN[freq]]
    if not usable:
        return []
    current = min(usable, key=lambda p: p.start).enclosing(freq)
    periods = []
    while current.end <= evaluated.end:
        periods.append(current)
        current = current.shift(1)
    return periods


def _judged(target: Target | None, value: float, upper: float = math.nan) -> tuple[str, float, float]:
    """Status, margin and relative margin of ``value`` against the target (none: ``no_target``, no margins).

    ``upper``: where ``value`` is a lower bound (open cases at their age), the value if they never
    closed: the status is ``pending`` when the two give different verdicts.
    """
    if target is None:
        return Status.NO_TARGET, math.nan, math.nan
    status = target.status(value)
    if not is_missing(value) and not is_missing(upper) and target.status(upper) != status:
        status = Status.PENDING
    return status, target.margin(value), target.relative_margin(value)


def _row(indicator: dict, period: Period, points: dict, freq: str, required: bool) -> dict:
    op, target, unit, polarity = (indicator[k] for k in ("target_op", "target_value", "target_unit", "polarity"))
    held = Target.of(indicator)
    base = {
        "indicator_id": indicator["indicator_id"],
        "period": period,
        "target_op": op,
        "target_value": target,
        "target_unit": unit,
        "polarity": polarity,
        "required": required,
        "_sort": period.sort_key,
    }
    step = freq if MONTHS_IN[freq] < MONTHS_IN[period.freq] else None
    if period not in points and step is None:  # a series period without value: finer data, if any, rolls up
        finer = [p for p in points if MONTHS_IN[p.freq] < MONTHS_IN[period.freq] and period.contains(p)]
        step = min((p.freq for p in finer), key=MONTHS_IN.get, default=None)
    if period in points or step is None:
        measured = points.get(period, {"value": math.nan, "numerator": math.nan, "denominator": math.nan})
        value = measured["value"]
        status, margin, relative = _judged(held, value, measured.get("upper", math.nan))
        measured_count = int(not is_missing(value))
        return {
            **base,
            "value": value,
            "numerator": measured["numerator"],
            "denominator": measured["denominator"],
            "status": status,
            "margin": margin,
            "relative_margin": relative,
            "rolled_up": False,
            "periods_met": int(status == Status.MET),
            "periods_expected": 1,
            "periods_missing": 1 - measured_count,
            "periods_measured": measured_count,
            "missing_periods": "" if measured_count else str(period),
        }
    expected = period.split(step)
    parts = [
        {**points[p], "period": p, "status": _judged(held, points[p]["value"], points[p].get("upper", math.nan))[0]}
        for p in expected
        if p in points
    ]
    return {**base, **roll_up_records(parts, expected, indicator, period), "rolled_up": True}


def roll_up(parts: pd.DataFrame, expected: list[Period], indicator: dict, period: Period) -> dict:
    """A period made of the ``expected`` shorter ones, from the ``parts`` at hand (``period``, ``value``,
    ``numerator``, ``denominator``, ``status``, optionally ``missing_periods``): pooled value, status,
    how many parts met the target, and which were missing.

    A part without a value (not sent, or declared not available) is missing. The period is
    judged on the parts measured: with a basis finer than the period it is met when every
    measured part is; without a basis the pooled value is held against the target, which
    applies to the period itself. Only a period with no part measured is ``no_data``.
    """
    return roll_up_records(parts.to_dict("records"), expected, indicator, period)


def roll_up_records(parts: list[dict], expected: list[Period], indicator: dict, period: Period) -> dict:
    """:func:`roll_up` of parts given as records (what the evaluation has at hand: no frame per period)."""
    held, unit = Target.of(indicator), indicator["target_unit"]
    # A part is measured when it has a value, or a verdict without one (percentages rolled up without counts).
    judged = (Status.MET, Status.NOT_MET, Status.PENDING)
    measured = [part for part in parts if not is_missing(part["value"]) or part["status"] in judged]
    with_value = [part for part in measured if not is_missing(part["value"])]
    value, numerator, denominator = pool_values(
        [part["value"] for part in with_value],
        [part["numerator"] for part in with_value],
        [part["denominator"] for part in with_value],
        unit,
        _counts_add_up(indicator, period),
    )
    status_by_period = {part["period"]: part["status"] for part in measured}
    statuses = [status_by_period.get(p, Status.NO_DATA) for p in expected]
    missing = [p for p in expected if p not in status_by_period]
    # parts that are themselves roll-ups bring their own gaps
    gaps = [str(part.get("missing_periods") or "") for part in measured if "missing_periods" in part]
    missing += periods(gap for text in gaps if text != "nan" for gap in text.split(";") if gap)
    if held and indicator["basis"] not in BASIS_FREQ and not is_missing(value):
        status = held.status(value)
        if status == Status.MET and Status.PENDING in statuses:  # a part's open cases could still make it fail
            status = Status.PENDING
    else:
        status = combined_status(statuses, held is not None)
    _, margin, relative = _judged(held, value)
    if held and is_missing(relative) and with_value:
        # No pooled value (counts judged month by month): the parts' relative margins, averaged, so that
        # every judged row can be ranked by how far it is from its target.
        parts_relative = [held.relative_margin(part["value"]) for part in with_value]
        known = [r for r in parts_relative if not is_missing(r)]
        relative = sum(known) / len(known) if known else math.nan
    return {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "status": status,
        "margin": margin,
        "relative_margin": relative,
        "periods_met": statuses.count(Status.MET),
        "periods_expected": len(expected),
        "periods_missing": statuses.count(Status.NO_DATA),
        "periods_measured": len(expected) - statuses.count(Status.NO_DATA),
        "missing_periods": ";".join(str(p) for p in sorted(set(missing))),
    }
