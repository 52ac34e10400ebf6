"""Early warning while the period is open, on hand-built cases whose answer is known."""

import datetime as dt
import math

import pandas as pd
import pytest
from scipy.stats import betabinom

from kpilib.analysis.evaluation import evaluate
from kpilib.analysis.outlook import beta_binomial_tail, outlook
from kpilib.analysis.spc import spc_table
from kpilib.core.periods import parse_period
from tests.helpers import catalog, indicator

S2 = parse_period("2026-S2")


def _measured(values, source: str) -> pd.DataFrame:
    """(indicator, period, value[, numerator, denominator]) as measurements.csv holds them."""
    rows = []
    for number, (indicator_id, period, value, *counts) in enumerate(values, start=2):
        numerator, denominator = (float(c) for c in counts) if counts else (math.nan, math.nan)
        rows.append({"indicator_id": indicator_id, "period": parse_period(period), "value": float(value) if value
                     else 100 * numerator / denominator, "numerator": numerator, "denominator": denominator,
                     "note": "", "source": source, "row": number})  # fmt: skip
    return pd.DataFrame(rows)


def _outlook(row: dict, *values, today=dt.date(2026, 9, 1), bounds=None, source="misure.csv") -> dict:
    indicators = catalog(row)
    measured = _measured(values, source)
    evaluation = evaluate(indicators, measured, S2)
    spc = spc_table(evaluation, indicators)
    found = outlook(indicators, evaluation, spc, bounds, S2, today)
    return found.iloc[0].to_dict() if len(found) else {}


def test_a_month_already_missed_where_every_month_must_meet_the_target_is_compromised():
    row = indicator("kpi-m", unit="percent", op=">=", value=80, basis="monthly")
    said = _outlook(row, ("kpi-m", "2026-07", "85"), ("kpi-m", "2026-08", "70"))
    assert said["outlook"] == "compromesso" and said["probability"] == 1.0
    assert "agosto 2026 non ha raggiunto il target" in said["reason"]


def test_a_pooled_share_that_misses_even_if_every_expected_case_met_the_deadline_is_compromised():
    row = indicator("kpi-s", unit="percent", op=">=", value=90)
    # 100 of 200 so far; four months left of about 100 cases each: at best 500 of 600, 83%
    said = _outlook(row, ("kpi-s", "2026-07", "", "50", "100"), ("kpi-s", "2026-08", "", "50", "100"))
    assert said["outlook"] == "compromesso"
    assert "tutti i 400 casi ancora attesi" in said["reason"] and "83,3%" in said["reason"]


def test_a_pooled_share_at_risk_carries_the_beta_binomial_probability():
    row = indicator("kpi-s", unit="percent", op=">=", value=90)
    said = _outlook(row, ("kpi-s", "2026-07", "", "88", "100"), ("kpi-s", "2026-08", "", "89", "100"))
    # 177 of 200 so far, 400 expected: 540 of 600 needed, so 363 of the 400
    expected = betabinom.sf(363 - 1, 400, 1 + 177, 1 + 23)
    assert said["outlook"] == "a rischio"
    assert said["probability"] == pytest.approx(1 - expected, rel=1e-9)
    steady = _outlook(row, ("kpi-s", "2026-07", "", "99", "100"), ("kpi-s", "2026-08", "", "98", "100"))
    assert steady["outlook"] == "in linea" and steady["probability"] < 0.01


def test_the_beta_binomial_tail_is_scipys():
    for k, n, a, b in ((3, 10, 2.0, 5.0), (50, 60, 40.0, 3.0), (0, 5, 1.0, 1.0), (7, 7, 3.0, 3.0)):
        assert beta_binomial_tail(k, n, a, b) == pytest.approx(betabinom.sf(k - 1, n, a, b), abs=1e-12)


def test_a_duration_whose_lower_bound_already_exceeds_the_target_is_compromised():
    row = indicator("kpi-d", unit="days", op="<=", value=30, percentile=90.0)
    bounds = pd.DataFrame(
        {"indicator_id": ["kpi-d"], "period": ["2026-07"], "lower": [34.0], "upper": [math.inf], "estimate": [40.0],
         "open_cases": [12], "oldest_open": [50.0], "open_past_due": [5]}
    )  # fmt: skip
    said = _outlook(row, ("kpi-d", "2026-07", "34"), bounds=bounds, source="data/raw/events/casi.csv")
    assert said["outlook"] == "compromesso" and "12 casi aperti" in said["reason"]


def test_every_month_met_and_a_stable_process_far_from_the_target_is_in_line():
    row = indicator("kpi-m", unit="percent", op=">=", value=80, basis="monthly")
    history = [
        ("kpi-m", f"{year}-{month:02d}", str(95 + (month % 3))) for year in (2025, 2026) for month in range(1, 13)
    ]
    history = [v for v in history if v[1] <= "2026-08"]
    said = _outlook(row, *history)
    assert said["outlook"] == "in linea" and said["probability"] < 0.01
    assert "4 mesi che restano" in said["reason"]


def test_a_period_that_has_ended_has_no_outlook():
    row = indicator("kpi-m", unit="percent", op=">=", value=80, basis="monthly")
    assert _outlook(row, ("kpi-m", "2026-07", "70"), today=dt.date(2027, 1, 10)) == {}
