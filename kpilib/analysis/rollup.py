"""Rolling measurements up to a coarser period (or a direction, an area).

Ratios pool numerators and denominators, never average percentages; maxima (and
percentile times, conservatively) take the maximum; counts add up only where the target
counts over the rolled-up period. :func:`pool` is the pure heart.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..catalog.targets import DURATION_UNITS
from ..core.errors import KpiError
from ..core.periods import periods
from ..core.vocabulary import Unit


def pool(
    values: pd.Series, numerators: pd.Series, denominators: pd.Series, unit: str, counts_add_up: bool
) -> tuple[float, float, float]:
    """``(value, numerator, denominator)`` of several measurements rolled into one.

    >>> pool(pd.Series([50.0, 100.0]), pd.Series([1.0, 9.0]), pd.Series([2.0, 9.0]), "percent", False)
    (90.9090909090909, 10.0, 11.0)
    >>> pool(pd.Series([4.0, 9.0]), pd.Series([None, None]), pd.Series([None, None]), "days", False)[0]
    9.0
    """
    return pool_values(list(values), list(numerators), list(denominators), unit, counts_add_up)


def pool_values(values: list, numerators: list, denominators: list, unit: str, counts_add_up: bool):
    """:func:`pool` of plain lists, with NumPy's sums (pandas' own), for callers that hold records.

    >>> pool_values([50.0, 100.0], [1.0, 9.0], [2.0, 9.0], "percent", False)
    (90.9090909090909, 10.0, 11.0)
    """
    nan = math.nan
    x = np.asarray(values, dtype=float)
    if not len(x) or np.isnan(x).all():
        return nan, nan, nan
    if unit == Unit.PERCENT:
        n, d = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
        if not np.isnan(n).any() and not np.isnan(d).any() and d.sum() > 0:
            numerator, denominator = float(n.sum()), float(d.sum())
            return 100 * numerator / denominator, numerator, denominator
        return nan, nan, nan  # percentages without their counts cannot be pooled
    if unit in DURATION_UNITS:
        return float(np.nanmax(x)), nan, nan
    if unit == Unit.NUMBER and counts_add_up:
        return float(np.nansum(x)), nan, nan
    return nan, nan, nan


def compliance(evaluation: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Share of evaluated indicators that met their target, per group: pooled counts, not averaged shares.

    ``evaluation`` needs a ``status`` column (a summary, an evaluation, or several of them
    concatenated); returns ``by`` + ``met``, ``not_met``, ``no_data``, ``no_target``,
    ``evaluated`` (met + not met) and ``compliance`` (percent of evaluated). Where the frame
    has ``indicator_id`` and ``period``, nothing is counted twice: a row whose period
    contains another row's period of the same indicator in the same group (a semester
    rolled up from its months) is left out, and so is a repeated row.

    >>> rows = pd.DataFrame({"indicator_id": ["a", "a", "a", "b"], "office": ["X", "X", "X", "X"],
    ...                      "period": ["2025-S1", "2025-01", "2025-02", "2025-S1"],
    ...                      "status": ["not_met", "met", "not_met", "met"]})
    >>> compliance(rows, ["office"])[["office", "met", "not_met", "compliance"]]
      office  met  not_met  compliance
    0      X    2        1   66.666667
    """
    unknown = [column for column in [*by, "status"] if column not in evaluation.columns]
    if unknown:
        raise KpiError(
            f"no column {', '.join(map(repr, unknown))}; the frame has: {', '.join(map(str, evaluation.columns))}"
        )
    evaluation = _counted_once(evaluation, by)
    counts = pd.crosstab([evaluation[column] for column in by], evaluation["status"])
    for status in ("met", "not_met", "no_data", "no_target"):
        if status not in counts:
            counts[status] = 0
    counts = counts[["met", "not_met", "no_data", "no_target"]].reset_index()
    counts.columns.name = None
    counts["evaluated"] = counts["met"] + counts["not_met"]
    counts["compliance"] = (100 * counts["met"] / counts["evaluated"]).where(counts["evaluated"] > 0)
    return counts


def _counted_once(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``frame`` without repeated rows and without rows that contain a finer row of the same indicator and group."""
    if not {"indicator_id", "period"} <= set(frame.columns):
        return frame
    keys = list(dict.fromkeys([*by, "indicator_id"]))
    frame = frame.drop_duplicates([*keys, "period"]).reset_index(drop=True)
    spans = pd.DataFrame(
        [(p.start, p.end) for p in periods(frame["period"])], columns=["_start", "_end"], index=frame.index
    )
    rows = frame[keys].join(spans).reset_index(names="_position")
    pairs = rows.merge(rows, on=keys, suffixes=("", "_inner"))
    contains = (
        (pairs["_position"] != pairs["_position_inner"])
        & (pairs["_start"] <= pairs["_start_inner"])
        & (pairs["_end_inner"] <= pairs["_end"])
    )
    return frame.drop(index=pairs.loc[contains, "_position"].unique())
