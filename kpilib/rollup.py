"""Rolling measurements up to a coarser period (or a direction, an area).

Ratios pool numerators and denominators, never average percentages; maxima (and
percentile times, conservatively) take the maximum; counts add up only where the target
counts over the rolled-up period. :func:`pool` is the pure heart.
"""

from __future__ import annotations

import math

import pandas as pd

from .targets import DURATION_UNITS


def pool(values: pd.Series, numerators: pd.Series, denominators: pd.Series, unit: str,
         counts_add_up: bool) -> tuple[float, float, float]:  # fmt: skip
    """``(value, numerator, denominator)`` of several measurements rolled into one.

    >>> pool(pd.Series([50.0, 100.0]), pd.Series([1.0, 9.0]), pd.Series([2.0, 9.0]), "percent", False)
    (90.9090909090909, 10.0, 11.0)
    >>> pool(pd.Series([4.0, 9.0]), pd.Series([None, None]), pd.Series([None, None]), "days", False)[0]
    9.0
    """
    nan = math.nan
    if values.empty or values.isna().all():
        return nan, nan, nan
    if unit == "percent":
        if numerators.notna().all() and denominators.notna().all() and denominators.sum() > 0:
            numerator, denominator = float(numerators.sum()), float(denominators.sum())
            return 100 * numerator / denominator, numerator, denominator
        return nan, nan, nan  # percentages without their counts cannot be pooled
    if unit in DURATION_UNITS:
        return float(values.max()), nan, nan
    if unit == "number" and counts_add_up:
        return float(values.sum()), nan, nan
    return nan, nan, nan


def compliance(evaluation: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Share of evaluated indicators that met their target, per group: pooled counts, not averaged shares.

    ``evaluation`` needs a ``status`` column; returns ``by`` + ``met``, ``not_met``,
    ``no_data``, ``evaluated`` (met + not met) and ``compliance`` (percent of evaluated).
    """
    counts = pd.crosstab([evaluation[column] for column in by], evaluation["status"])
    for status in ("met", "not_met", "no_data", "no_target"):
        if status not in counts:
            counts[status] = 0
    counts = counts[["met", "not_met", "no_data", "no_target"]].reset_index()
    counts.columns.name = None
    counts["evaluated"] = counts["met"] + counts["not_met"]
    counts["compliance"] = (100 * counts["met"] / counts["evaluated"]).where(counts["evaluated"] > 0)
    return counts
