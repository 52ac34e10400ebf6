"""Compliance counts each indicator and period once, whatever frame it is given."""

import pandas as pd
import pytest

from kpilib.analysis.evaluation import evaluate
from kpilib.analysis.rollup import compliance
from kpilib.core.periods import Period
from tests.helpers import catalog, indicator


def _monthly(indicator_id, values):
    return [
        {
            "indicator_id": indicator_id,
            "period": f"2025-{m:02d}",
            "value": v,
            "numerator": None,
            "denominator": None,
            "source": "x",
            "row": m + 1,
        }
        for m, v in enumerate(values, start=1)
    ]


def test_rolled_up_rows_are_not_counted_again_beside_their_months():
    indicators = catalog(indicator("kpi-a", unit="number", op=">=", value=10))
    measurements = pd.DataFrame(_monthly("kpi-a", [12, 8, 11, 9, 15, 7]))
    evaluation = evaluate(indicators, measurements, Period(2025, "semester", 1))
    assert evaluation["rolled_up"].any()  # the semester row pools the six months
    counted = compliance(evaluation.assign(office="UFFICIO"), ["office"]).iloc[0]
    assert (counted["met"], counted["not_met"]) == (3, 3)
    assert counted["compliance"] == pytest.approx(50)


def test_a_frame_given_twice_counts_once_and_groups_stay_apart():
    summary = pd.DataFrame(
        {
            "indicator_id": ["a", "b", "c"],
            "period": ["2025-S1"] * 3,
            "office": ["X", "X", "Y"],
            "status": ["met", "not_met", "no_data"],
        }
    )
    counted = compliance(pd.concat([summary, summary]), ["office"]).set_index("office")
    assert counted.loc["X", ["met", "not_met", "no_data", "evaluated"]].tolist() == [1, 1, 0, 2]
    assert counted.loc["Y", "no_data"] == 1 and pd.isna(counted.loc["Y", "compliance"])


def test_without_indicator_and_period_rows_are_counted_as_given():
    rows = pd.DataFrame({"direction": ["D", "D", "D"], "status": ["met", "met", "not_met"]})
    assert compliance(rows, ["direction"]).iloc[0][["met", "not_met"]].tolist() == [2, 1]
