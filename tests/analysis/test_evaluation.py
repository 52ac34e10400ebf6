"""Statuses, margins and roll-ups, on cases worked out by hand."""

import math

import pandas as pd
import pytest

from kpilib.analysis.evaluation import evaluate, status_of
from kpilib.analysis.rollup import compliance, pool
from kpilib.catalog.targets import Target
from kpilib.core.periods import Period
from tests.helpers import catalog, indicator


@pytest.mark.parametrize(
    ("value", "op", "target", "expected"),
    [
        (80, ">=", 80, "met"),
        (80, ">", 80, "not_met"),
        (80.01, ">", 80, "met"),
        (79.99, ">=", 80, "not_met"),
        (12, "<=", 12, "met"),
        (12, "<", 12, "not_met"),
        (11.99, "<", 12, "met"),
        (12.01, "<=", 12, "not_met"),
        (5, "=", 5, "met"),
        (math.nan, ">=", 80, "no_data"),
        (90, "", None, "no_target"),
    ],
)
def test_boundary_statuses_follow_the_comparator(value, op, target, expected):
    assert status_of(value, op, target) == expected


@pytest.mark.parametrize(
    ("value", "target", "polarity", "margin"),
    [(85, 80, "higher", 5), (75, 80, "higher", -5), (10, 12, "lower", 2), (15, 12, "lower", -3), (12, 12, "lower", 0)],
)
def test_margin_is_positive_when_better(value, target, polarity, margin):
    op = ">=" if polarity == "higher" else "<="
    assert Target(op, target, "number", polarity).margin(value) == margin


def measurements(*rows):
    return pd.DataFrame(
        [
            {"indicator_id": i, "period": p, "value": v, "numerator": n, "denominator": d, "source": "x", "row": 2}
            for i, p, v, n, d in rows
        ]
    )


def test_pooled_not_averaged_where_they_differ():
    # month 1: 1 of 2 (50%); month 2: 9 of 9 (100%). Average 75% misses ≥80%; pooled 10/11 = 90.9% meets it.
    value, numerator, denominator = pool(
        pd.Series([50.0, 100.0]), pd.Series([1.0, 9.0]), pd.Series([2.0, 9.0]), "percent", False
    )
    assert (numerator, denominator) == (10, 11)
    assert value == pytest.approx(100 * 10 / 11)
    indicators = catalog(indicator("kpi-p", value=80))
    result = evaluate(
        indicators,
        measurements(("kpi-p", "2025-01", 50.0, 1, 2), ("kpi-p", "2025-02", 100.0, 9, 9)),
        Period(2025, "quarter", 1),
    )
    quarter = result.set_index("period").loc["2025-Q1"]
    assert quarter["value"] == pytest.approx(90.909, abs=1e-3) and quarter["status"] == "met"
    assert bool(quarter["rolled_up"]) and bool(quarter["required"])


def test_percentages_without_counts_are_not_pooled():
    assert math.isnan(
        pool(pd.Series([50.0, 100.0]), pd.Series([None, None]), pd.Series([None, None]), "percent", False)[0]
    )


def test_maxima_take_the_maximum_and_counts_add_only_where_the_target_counts():
    empty = pd.Series([None, None])
    assert pool(pd.Series([4.0, 9.0]), empty, empty, "working_days", False)[0] == 9
    assert pool(pd.Series([4.0, 9.0]), empty, empty, "number", True)[0] == 13
    assert math.isnan(pool(pd.Series([4.0, 9.0]), empty, empty, "number", False)[0])


def test_series_required_periods_and_missing_data():
    indicators = catalog(
        indicator("kpi-m", unit="number", value=10, basis="monthly"),
        indicator("kpi-none", unit="number", value=10, basis="monthly"),
        indicator("kpi-x", unit="", op="", value=None),
    )
    given = measurements(
        ("kpi-m", "2025-04", 12, None, None),
        ("kpi-m", "2025-07", 11, None, None),
        ("kpi-m", "2025-08", 9, None, None),
        ("kpi-x", "2025-S2", 3, None, None),
    )
    result = evaluate(indicators, given, Period(2025, "semester", 2))
    monthly = result[result["indicator_id"] == "kpi-m"]
    assert monthly["period"].tolist() == [f"2025-{m:02d}" for m in range(4, 13)]
    assert monthly["status"].tolist() == ["met", "no_data", "no_data", "met", "not_met"] + ["no_data"] * 4
    assert monthly["required"].tolist() == [False] * 3 + [True] * 6
    assert monthly["margin"].iloc[4] == -1
    never = result[result["indicator_id"] == "kpi-none"]
    assert len(never) == 6 and never["status"].eq("no_data").all()
    assert result.loc[result["indicator_id"] == "kpi-x", "status"].tolist() == ["no_target"]


def test_a_finer_basis_is_met_only_when_every_part_is():
    indicators = catalog(indicator("kpi-m", unit="number", value=10, basis="monthly"))
    months = [
        ("kpi-m", f"2025-{m:02d}", v, None, None) for m, v in zip(range(1, 7), [12, 11, 10, 15, 9, 13], strict=True)
    ]
    from kpilib.analysis.summary import period_status

    result = evaluate(indicators, measurements(*months), Period(2025, "semester", 1))
    status = period_status(result[result["required"]], indicators.iloc[0].to_dict(), Period(2025, "semester", 1))
    assert (status["status"], status["periods_met"], status["periods_expected"]) == ("not_met", 5, 6)
    assert math.isnan(status["value"])  # monthly counts do not add up to a semester target


def test_no_basis_target_applies_to_the_period_itself():
    indicators = catalog(indicator("kpi-v", value=70))
    months = [
        ("kpi-v", f"2025-{m:02d}", 100 * n / d, n, d)
        for m, n, d in [(7, 30, 40), (8, 35, 40), (9, 20, 40), (10, 36, 40), (11, 30, 40), (12, 33, 40)]
    ]
    result = evaluate(indicators, measurements(*months), Period(2025, "semester", 2)).set_index("period")
    assert result.loc["2025-09", "status"] == "not_met"
    assert result.loc["2025-S2", "value"] == pytest.approx(100 * 184 / 240)
    assert result.loc["2025-S2", "status"] == "met" and result.loc["2025-S2", "periods_met"] == 5


def test_compliance_pools_counts_by_group():
    evaluation = pd.DataFrame({"direction": ["A", "A", "A", "B"], "status": ["met", "not_met", "no_data", "met"]})
    result = compliance(evaluation, ["direction"]).set_index("direction")
    assert result.loc["A", "compliance"] == 50 and result.loc["B", "compliance"] == 100
    assert result.loc["A", "evaluated"] == 2


def test_required_periods_for_bases_longer_than_the_period():
    from kpilib.analysis.evaluation import required_periods

    annual = indicator("kpi-a", basis="annual")
    assert [str(p) for p in required_periods(annual, Period(2025, "semester", 2))] == ["2025"]
    assert [str(p) for p in required_periods(annual, Period(2025, "semester", 1))] == ["2024"]
    plain = indicator("kpi-n", unit="number")
    assert [str(p) for p in required_periods(plain, Period(2025, "quarter", 3))] == ["2025-Q3"]
    # measured per semester and without basis: a quarter requires the last semester completed
    assert [str(p) for p in required_periods(plain, Period(2025, "quarter", 3), "semester")] == ["2025-S1"]
    assert [str(p) for p in required_periods(plain, Period(2025, "quarter", 4), "semester")] == ["2025-S2"]
    assert [str(p) for p in required_periods(plain, Period(2025, "semester", 2), "month")] == ["2025-S2"]


def test_a_period_with_some_months_is_judged_on_them_and_says_what_is_missing():
    indicators = catalog(indicator("kpi-m", unit="number", op=">=", value=10, basis="monthly"))
    values = {"2025-07": 12, "2025-08": 11, "2025-10": 15, "2025-11": 10, "2025-12": 13}
    rows = [("kpi-m", p, v, None, None) for p, v in values.items()] + [("kpi-m", "2025-09", float("nan"), None, None)]
    summary_row = _summary(indicators, measurements(*rows), Period(2025, "semester", 2))
    assert summary_row["status"] == "met"
    assert (summary_row["periods_met"], summary_row["periods_expected"], summary_row["periods_measured"]) == (5, 6, 5)
    assert summary_row["missing_periods"] == "2025-09"
    from kpilib.reports.tables import parts_it

    assert "Raggiunto" + parts_it(summary_row) == "Raggiunto: 5 mesi su 6 nel target; manca settembre 2025"
    nothing = _summary(indicators, measurements(("kpi-m", "2025-01", 12, None, None)), Period(2025, "semester", 2))
    assert nothing["status"] == "no_data" and nothing["periods_measured"] == 0


def test_a_pooled_percentage_with_a_month_missing_is_judged_on_the_months_sent():
    indicators = catalog(indicator("kpi-p", value=80))
    rows = [("kpi-p", "2025-01", 90.0, 9, 10), ("kpi-p", "2025-02", 80.0, 8, 10)]
    quarter = evaluate(indicators, measurements(*rows), Period(2025, "quarter", 1)).set_index("period").loc["2025-Q1"]
    assert quarter["value"] == pytest.approx(85) and quarter["status"] == "met"
    assert quarter["missing_periods"] == "2025-03" and quarter["periods_measured"] == 2


def _summary(indicators, measured, period):
    from kpilib.analysis.spc import spc_table
    from kpilib.analysis.summary import summarize

    evaluation = evaluate(indicators, measured, period)
    return summarize(indicators, evaluation, spc_table(evaluation, indicators), period).iloc[0].to_dict()
