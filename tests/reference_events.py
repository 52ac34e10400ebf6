"""A straightforward, case-by-case computation of the derived measurements.

Independent of kpilib.events (plain Python over rows, numpy.busday_count per case): the
tests compare the fast version with it on the shipped case records.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpilib.core.periods import FIRST_YEAR, LAST_YEAR
from kpilib.core.workdays import milan_holidays

EPOCH = np.datetime64(f"{FIRST_YEAR}-01-01", "D")


def working_day_index() -> np.ndarray:
    """Cumulative count of working days from 1990-01-01 up to and including each day."""
    days = np.arange(EPOCH, np.datetime64(f"{LAST_YEAR + 1}-01-01", "D"))
    return np.cumsum(np.is_busday(days, holidays=milan_holidays())).astype(np.int32)


def working_days_between(opened, closed) -> np.ndarray:
    """The reference rule, element-wise: working days ``d`` with ``opened < d <= closed`` (``datetime64[D]``).

    >>> int(working_days_between(np.datetime64("2025-12-05"), np.datetime64("2025-12-09")))
    1
    """
    index = working_day_index()
    start = (np.asarray(opened, dtype="datetime64[D]") - EPOCH).astype(np.int64)
    end = (np.asarray(closed, dtype="datetime64[D]") - EPOCH).astype(np.int64)
    if np.any((start < 0) | (end < 0) | (start >= len(index)) | (end >= len(index))):
        raise ValueError(f"dates must lie between {FIRST_YEAR} and {LAST_YEAR}")
    return index[end] - index[start]


def elapsed(opened: pd.Timestamp, until: pd.Timestamp, unit: str) -> float:
    if unit == "days":
        return float((until.normalize() - opened.normalize()).days)
    if unit == "hours":
        return (until - opened).total_seconds() / 3600
    start = np.datetime64(opened.date(), "D") + 1
    end = np.datetime64(until.date(), "D") + 1
    return float(np.busday_count(start, end, holidays=milan_holidays()))


def reference_measurements(cases: pd.DataFrame, indicators: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``cases``: valid, distinct cases with ``opened``/``closed`` timestamps; monthly or basis periods."""
    months_of = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
    info = indicators.set_index("indicator_id")
    groups: dict[tuple, list] = {}
    for case in cases.to_dict("records"):
        spec = info.loc[case["indicator_id"]]
        months = months_of.get(spec["basis"], 1)
        opened = case["opened"]
        start_month = (opened.month - 1) // months * months + 1
        if months == 1:
            label = f"{opened.year}-{start_month:02d}"
        elif months == 6:
            label = f"{opened.year}-S{(start_month - 1) // 6 + 1}"
        elif months == 3:
            label = f"{opened.year}-Q{(start_month - 1) // 3 + 1}"
        else:
            label = str(opened.year)
        groups.setdefault((case["indicator_id"], label), []).append(case)
    rows = []
    for (indicator_id, label), members in sorted(groups.items()):
        spec = info.loc[indicator_id]
        is_open = [pd.isna(c["closed"]) or c["closed"] > as_of for c in members]
        value = numerator = denominator = math.nan
        if spec["target_unit"] == "percent":
            numerator = denominator = 0
            for case, still_open in zip(members, is_open, strict=True):
                until = as_of if still_open else case["closed"]
                took = elapsed(case["opened"], until, spec["deadline_unit"])
                if not still_open:
                    denominator += 1
                    numerator += took <= spec["deadline_value"]
                elif took > spec["deadline_value"]:
                    denominator += 1
            value = 100 * numerator / denominator if denominator else math.nan
            numerator, denominator = float(numerator), float(denominator)
        elif spec["target_unit"] == "number":
            value = float(len(members))
        else:
            # an open case counts with its age at the as-of instant: a lower bound of its time
            times = sorted(
                elapsed(c["opened"], as_of if still_open else c["closed"], spec["target_unit"])
                for c, still_open in zip(members, is_open, strict=True)
            )
            if times:
                if pd.isna(spec["percentile"]):
                    value = times[-1]
                else:
                    rank = math.ceil(spec["percentile"] / 100 * len(times))
                    value = times[rank - 1]
        rows.append(
            {
                "indicator_id": indicator_id,
                "period": label,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "cases": len(members),
                "open_cases": sum(is_open),
            }
        )
    return pd.DataFrame(rows)
