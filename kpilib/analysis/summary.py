"""``indicator_summary.csv``: one row per indicator for the evaluated period.

The period's status and pooled value, how many of its basis periods were met, the
previous period for comparison, the process limits, the variation of the latest point
and the assurance (where the target lies relative to the limits).
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd

from ..catalog.indicators import INDICATOR_COLUMNS
from ..core.files import records_of
from ..core.periods import Period, per_distinct, with_periods
from ..core.schemas import SUMMARY
from ..core.vocabulary import Variation
from .evaluation import measured_freq_of, required_periods, roll_up_records
from .spc import TRIAL_MIN_POINTS, Limits, assurance

# The catalog columns an analyst reads beside the figures (see docs/reference.md).
CATALOG_COLUMNS = INDICATOR_COLUMNS[1 : INDICATOR_COLUMNS.index("polarity") + 1]
_PERIOD_FIGURES = (
    "value",
    "numerator",
    "denominator",
    "status",
    "margin",
    "periods_met",
    "periods_expected",
    "periods_missing",
)
# relative_margin, periods_measured and missing_periods came later: last, so that earlier columns keep their place.
_ADDED_FIGURES = ("relative_margin", "periods_measured", "missing_periods")
_CHART_FIGURES = ("points", "mean", "lower_limit", "upper_limit", "latest_period", "variation", "signals", "assurance")
SUMMARY_COLUMNS = SUMMARY.names


def period_status(rows: pd.DataFrame, indicator: dict, period: Period) -> dict:
    """Status and pooled value of ``period`` from the evaluation rows of the periods it requires."""
    return _period_status(rows.to_dict("records"), indicator, period)


def _period_status(rows: list[dict], indicator: dict, period: Period) -> dict:
    if len(rows) != 1:
        return roll_up_records(rows, [row["period"] for row in rows], indicator, period)
    return {key: rows[0][key] for key in (*_PERIOD_FIGURES, *_ADDED_FIGURES)}


def summarize(
    indicators: pd.DataFrame,
    evaluation: pd.DataFrame,
    spc: pd.DataFrame,
    evaluated: Period,
    previous_evaluation: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator for ``evaluated`` (columns :data:`SUMMARY_COLUMNS`).

    ``previous_evaluation``: the evaluation of the previous period of the same length, for
    the comparison columns (without it they are left empty).
    """
    evaluation, spc = with_periods(evaluation), with_periods(spc)
    previous = evaluated.shift(-1)
    measured = measured_freq_of(evaluation)
    catalog = records_of(indicators)
    # only the rows each summary row is made of become records, not the whole evaluation
    now_by_indicator = _required_rows(
        evaluation,
        {i["indicator_id"]: required_periods(i, evaluated, measured.get(i["indicator_id"])) for i in catalog},
    )
    before_by_indicator = (
        _required_rows(
            with_periods(previous_evaluation),
            {i["indicator_id"]: required_periods(i, previous, measured.get(i["indicator_id"])) for i in catalog},
        )
        if previous_evaluation is not None
        else {}
    )
    charts = _chart_ends(spc, evaluated)
    rows = []
    for indicator in catalog:
        now = _period_status(now_by_indicator.get(indicator["indicator_id"], []), indicator, evaluated)
        before_rows = before_by_indicator.get(indicator["indicator_id"], [])
        before = _period_status(before_rows, indicator, previous) if before_rows else {"value": math.nan, "status": ""}
        rows.append(
            {
                **{k: indicator[k] for k in ("indicator_id", *CATALOG_COLUMNS)},
                "period": evaluated,
                **now,
                "previous_value": before["value"],
                "previous_status": before["status"],
                **_chart_figures(*charts.get(indicator["indicator_id"], (None, 0)), indicator, evaluated),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).sort_values("indicator_id").reset_index(drop=True)


def _required_rows(evaluation: pd.DataFrame, wanted: dict[str, list[Period]]) -> dict[str, list[dict]]:
    """The evaluation rows of each indicator's ``wanted`` periods as records, by indicator, in the evaluation's
    order (an evaluation always has the rows its period requires)."""
    keys = {(indicator_id, str(period)) for indicator_id, chosen in wanted.items() for period in chosen}
    ids, texts = evaluation["indicator_id"].tolist(), per_distinct(evaluation["period"].tolist(), str)
    positions = [n for n, key in enumerate(zip(ids, texts, strict=True)) if key in keys]
    found: dict[str, list[dict]] = {}
    for row in records_of(evaluation.iloc[positions]):
        found.setdefault(row["indicator_id"], []).append(row)
    return found


def _chart_ends(spc: pd.DataFrame, evaluated: Period) -> dict[str, tuple[list[dict], int]]:
    """Of each indicator's chart, what the summary reads: the points inside ``evaluated`` and the latest one
    (as records, in order), and how many points the latest segment has."""
    if spc.empty:
        return {}
    ids = spc["indicator_id"].tolist()
    last = {indicator_id: n for n, indicator_id in enumerate(ids)}
    inside = per_distinct(spc["period"].tolist(), evaluated.contains)
    picked = sorted({n for n, flag in enumerate(inside) if flag} | set(last.values()))
    if "segment" in spc:
        sizes = Counter(zip(ids, spc["segment"].tolist(), strict=True))
        latest = spc["segment"].iloc[list(last.values())].tolist()
        counts = {i: sizes[(i, segment)] for i, segment in zip(last, latest, strict=True)}
    else:
        counts = Counter(ids)
    found: dict[str, list[dict]] = {}
    for point in records_of(spc.iloc[picked]):
        found.setdefault(point["indicator_id"], []).append(point)
    return {indicator_id: (points, counts[indicator_id]) for indicator_id, points in found.items()}


def period_variation(chart: pd.DataFrame, evaluated: Period) -> tuple[str, str]:
    """The variation of the period and its signals: a concern when any of the period's points is one, else
    an improvement when any is, else what the latest point says. So a run the chart shows in the period
    is not hidden behind an ordinary last point.

    >>> from kpilib.core.periods import periods
    >>> chart = pd.DataFrame({"period": periods(["2025-07", "2025-08", "2025-09"]),
    ...     "variation": ["concern", "concern", "common_cause"], "signals": ["run", "run;limit", ""]})
    >>> period_variation(chart, Period(2025, "semester", 2))
    ('concern', 'run;limit')
    """
    points = chart.to_dict("records") if isinstance(chart, pd.DataFrame) else chart
    inside = [point for point in points if evaluated.contains(point["period"])]
    for kind in (Variation.CONCERN, Variation.IMPROVEMENT, Variation.NEUTRAL_HIGH, Variation.NEUTRAL_LOW):
        flagged = [point for point in inside if point["variation"] == kind]
        if flagged:
            rules = dict.fromkeys(r for point in flagged for r in str(point["signals"]).split(";") if r)
            return str(kind), ";".join(rules)
    latest = points[-1]
    return latest["variation"], latest["signals"]


def _chart_figures(chart: list[dict] | None, points: int, indicator: dict, evaluated: Period | None = None) -> dict:
    """The chart's figures for the summary; ``chart``: its points inside ``evaluated`` and its latest point, as
    records in order; ``points``: how many points its latest segment has."""
    if not chart:
        return {
            "points": 0,
            "mean": math.nan,
            "lower_limit": math.nan,
            "upper_limit": math.nan,
            "latest_period": "",
            "variation": "",
            "signals": "",
            "assurance": assurance(None, indicator["target_op"], indicator["target_value"], 0),
        }
    latest = chart[-1]
    # points: the latest segment's (limits computed before a recorded process change say nothing of now)
    bounds = None
    if points >= TRIAL_MIN_POINTS:
        bounds = Limits(latest["mean"], latest["lower_limit"], latest["upper_limit"], math.nan)
    return {
        "points": points,
        "mean": latest["mean"],
        "lower_limit": latest["lower_limit"],
        "upper_limit": latest["upper_limit"],
        "latest_period": latest["period"],
        **dict(
            zip(
                ("variation", "signals"),
                period_variation(chart, evaluated) if evaluated else (latest["variation"], latest["signals"]),
                strict=True,
            )
        ),
        "assurance": assurance(bounds, indicator["target_op"], indicator["target_value"], points),
    }
