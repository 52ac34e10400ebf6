"""Statistical process control: XmR (individuals) charts as in NHS England's
"Making Data Count".

Over a series of at least :data:`MIN_POINTS` points: mean, mean moving range (mean of
|x[i] - x[i-1]|), process limits at mean ± 2.66 × mean moving range. A point shows
special-cause variation when it is part of any of:

- a point beyond a limit;
- a run of 7 or more consecutive points on one side of the mean;
- 7 or more consecutive points each rising (or each falling);
- 2 of 3 consecutive points beyond two-thirds of the way from the mean to a limit, on
  the same side.

Special causes are ``improvement`` or ``concern`` by the indicator's polarity (above the
mean, or rising, is an improvement where higher is better); everything else is
``common_cause``. Assurance compares the target with the limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.vocabulary import Assurance, Polarity, Variation, is_missing, meets

MIN_POINTS = 12
LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
TREND_LENGTH = 7
SPC_COLUMNS = ["indicator_id", "period", "value", "mean", "lower_limit", "upper_limit", "variation", "signals"]


@dataclass(frozen=True)
class Limits:
    mean: float
    lower: float
    upper: float
    mean_moving_range: float


def limits(values) -> Limits:
    """Mean and process limits of a series.

    >>> limits([10, 12, 11, 13])
    Limits(mean=11.5, lower=7.066666666666666, upper=15.933333333333334, mean_moving_range=1.6666666666666667)
    """
    x = np.asarray(values, dtype=float)
    mean = float(x.mean())
    moving_range = float(np.abs(np.diff(x)).mean()) if len(x) > 1 else 0.0
    return Limits(mean, mean - LIMIT_FACTOR * moving_range, mean + LIMIT_FACTOR * moving_range, moving_range)


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark every element of each run of True at least ``length`` long."""
    marked = np.zeros(len(flags), dtype=bool)
    start = None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                marked[start:i] = True
            start = None
    return marked


def signals(values, bounds: Limits) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each rule, the points flagged ``(high, low)``: above/rising versus below/falling."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    above, below = x > bounds.mean, x < bounds.mean
    rising = np.zeros(n, dtype=bool)
    falling = np.zeros(n, dtype=bool)
    steps_up, steps_down = np.diff(x) > 0, np.diff(x) < 0
    # a trend of 7 points is 6 consecutive steps the same way; mark the points they join
    for steps, marks in ((steps_up, rising), (steps_down, falling)):
        run = _runs(steps, TREND_LENGTH - 1)
        marks[1:] |= run
        marks[:-1] |= run
    near_high = x > bounds.mean + 2 / 3 * (bounds.upper - bounds.mean)
    near_low = x < bounds.mean - 2 / 3 * (bounds.mean - bounds.lower)
    two_high, two_low = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for i in range(n - 2):
        for near, marks in ((near_high, two_high), (near_low, two_low)):
            window = near[i : i + 3]
            if window.sum() >= 2:
                marks[i : i + 3] |= window
    return {
        "limit": (x > bounds.upper, x < bounds.lower),
        "run": (_runs(above, RUN_LENGTH), _runs(below, RUN_LENGTH)),
        "trend": (rising, falling),
        "two_of_three": (two_high, two_low),
    }


def classify(values, polarity: str) -> pd.DataFrame:
    """Per point: ``variation`` and the ``signals`` (rule names) that fired, with the limits."""
    x = np.asarray(values, dtype=float)
    if len(x) < MIN_POINTS:
        return pd.DataFrame(
            {"mean": math.nan, "lower_limit": math.nan, "upper_limit": math.nan, "variation": "", "signals": ""},
            index=range(len(x)),
        )
    bounds = limits(x)
    fired = signals(x, bounds)
    good_high = polarity != Polarity.LOWER
    variation, names = [], []
    for i in range(len(x)):
        high = [rule for rule, (up, _) in fired.items() if up[i]]
        low = [rule for rule, (_, down) in fired.items() if down[i]]
        good, bad = (high, low) if good_high else (low, high)
        variation.append(Variation.CONCERN if bad else Variation.IMPROVEMENT if good else Variation.COMMON_CAUSE)
        names.append(";".join(sorted(set(high + low))))
    return pd.DataFrame(
        {
            "mean": bounds.mean,
            "lower_limit": bounds.lower,
            "upper_limit": bounds.upper,
            "variation": variation,
            "signals": names,
        }
    )


def assurance(bounds: Limits | None, op: str, target: float, points: int) -> str:
    """Where the target lies relative to the process limits.

    The whole band between the limits meets the target: ``consistently_met``; none of it
    does: ``consistently_failing``; otherwise ``hit_and_miss``. Fewer than 12 points, or no
    target: ``insufficient_data``.

    >>> assurance(Limits(90, 85, 95, 1.9), ">=", 80, 24), assurance(Limits(90, 85, 95, 1.9), ">=", 92, 24)
    ('consistently_met', 'hit_and_miss')
    """
    if bounds is None or points < MIN_POINTS or not op or is_missing(target):
        return Assurance.INSUFFICIENT_DATA
    lower_ok, upper_ok = meets(bounds.lower, op, float(target)), meets(bounds.upper, op, float(target))
    if lower_ok and upper_ok:
        return Assurance.CONSISTENTLY_MET
    if not lower_ok and not upper_ok:
        return Assurance.CONSISTENTLY_FAILING
    return Assurance.HIT_AND_MISS


def spc_table(evaluation: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """``spc.csv``: one row per point with a value in each indicator's series."""
    polarity = indicators.set_index("indicator_id")["polarity"]
    points = evaluation[evaluation["series"].astype(bool) & evaluation["value"].notna()]
    frames = []
    for indicator_id, series in points.groupby("indicator_id", sort=True):
        chart = classify(series["value"].to_numpy(), polarity.get(indicator_id, Polarity.HIGHER))
        chart.insert(0, "indicator_id", indicator_id)
        chart.insert(1, "period", series["period"].to_numpy())
        chart.insert(2, "value", series["value"].to_numpy())
        frames.append(chart)
    if not frames:
        return pd.DataFrame(columns=SPC_COLUMNS)
    return pd.concat(frames, ignore_index=True)[SPC_COLUMNS]
