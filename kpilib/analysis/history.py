"""Compliance over time: each semester evaluated as the reports would evaluate it."""

from __future__ import annotations

import pandas as pd

from ..catalog.versions import version_at, versions_by_indicator
from ..core.periods import Period, period_of, with_periods
from ..core.vocabulary import Status
from .evaluation import (
    combined_status,
    evaluate,
    measured_freq_of,
    required_periods,
    status_of,
)
from .rollup import compliance


def semesters_up_to(measurements: pd.DataFrame, last: Period) -> list[Period]:
    """Every semester from the first measured one up to ``last`` (``last``'s alone without earlier data).

    >>> [str(p) for p in semesters_up_to(pd.DataFrame({"period": []}), Period(2025, "quarter", 3))]
    ['2025-S2']
    """
    measured = list(with_periods(measurements)["period"].unique())
    first = min([*measured, last], key=lambda p: p.start)
    current, found = period_of(first.start, "semester"), []
    while current.start <= last.start:
        found.append(current)
        current = current.shift(1)
    return found


def compliance_history(
    indicators: pd.DataFrame, measurements: pd.DataFrame, last: Period, bounds: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per direction and semester: met, not met, no data, and the compliance share (pooled counts).

    ``bounds``: ``event_bounds.csv``, so that a period open cases still decide is pending here too.

    Each semester's status of an indicator is the one the summary would give for it: its
    required periods, met only when every one is, against the target in force then.
    ``indicators`` may hold several versions of the catalog (one row per indicator and
    version); an indicator counts only in the semesters in which a version of it is in force.
    """
    semesters = semesters_up_to(measurements, last)
    evaluation = evaluate(indicators, measurements, last, tuple(semesters), bounds=bounds)
    status = dict(
        zip(zip(evaluation["indicator_id"], evaluation["period"], strict=True), evaluation["status"], strict=True)
    )
    measured = measured_freq_of(evaluation)
    rows = []
    for versions in versions_by_indicator(indicators):
        indicator = versions[-1]
        for semester in semesters:
            version = version_at(versions, semester)
            if version is None:  # not in force then: neither expected nor judged
                continue
            has_target = bool(version["target_op"])
            wanted = required_periods(indicator, semester, measured.get(indicator["indicator_id"]))
            statuses = [status.get((indicator["indicator_id"], p), Status.NO_DATA) for p in wanted]
            rows.append(
                {
                    "direction": indicator["direction"],
                    "period": semester,
                    "status": combined_status(statuses, has_target),
                }
            )
    return compliance(pd.DataFrame(rows, columns=["direction", "period", "status"]), ["direction", "period"])


def results_by_year(evaluation: pd.DataFrame, indicator: dict) -> pd.DataFrame:
    """One indicator's series year by year: the target in force then, how many periods met it,
    and how many would meet today's target (``indicator``: the catalog row in force now).

    Columns ``year``, ``target_value`` (of the year's last period), ``periods``, ``met``,
    ``met_today``, ``mean``: "was the target met at the time?" beside "would it be now?".
    """
    rows = evaluation[
        (evaluation["indicator_id"] == indicator["indicator_id"])
        & evaluation["series"].astype(bool)
        & evaluation["value"].notna()
    ]
    years = with_periods(rows)["period"].map(lambda p: p.year)
    today = [
        status_of(value, indicator["target_op"], indicator["target_value"]) == Status.MET for value in rows["value"]
    ]
    frame = rows.assign(year=years.to_numpy(), met=(rows["status"] == Status.MET).to_numpy(), met_today=today)
    grouped = frame.groupby("year", sort=True)
    return pd.DataFrame(
        {
            "target_value": grouped["target_value"].last(),
            "periods": grouped.size(),
            "met": grouped["met"].sum(),
            "met_today": grouped["met_today"].sum(),
            "mean": grouped["value"].mean(),
        }
    ).reset_index()
