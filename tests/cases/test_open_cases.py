"""Durations with cases still open: a lower bound, a verdict that waits, a Kaplan-Meier estimate, the backlog."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from kpilib.analysis.evaluation import evaluate
from kpilib.cases.events import derived_from
from kpilib.cases.stats import BOUND_COLUMNS
from kpilib.core.paths import Paths
from kpilib.core.periods import parse_period
from tests.helpers import catalog, indicator

P90 = indicator("kpi-p90", unit="days", op="<=", value=80, percentile=90.0, basis="semiannual")
MAX = indicator("kpi-max", unit="days", op="<=", value=53, basis="semiannual")
CATALOG = catalog(P90, MAX)
AS_OF = dt.date(2025, 6, 30)


def _simulated(seed: int = 7, cases: int = 2000) -> pd.DataFrame:
    """Cases opened through the first semester, gamma-distributed durations; open where not closed by 30 June."""
    rng = np.random.default_rng(seed)
    opened = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 181, cases), unit="D")
    took = np.ceil(rng.gamma(2.0, 22.0, cases))
    closed = opened + pd.to_timedelta(took, unit="D")
    still_open = closed > pd.Timestamp(AS_OF)
    return pd.DataFrame({"opened": opened, "took": took, "closed": closed.where(~still_open), "open": still_open})


def _bounds(tmp_path, cases: pd.DataFrame, indicator_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = tmp_path / "casi.csv"
    frame = pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "case_id": range(len(cases)),
            "opened": cases["opened"].dt.strftime("%Y-%m-%d"),
            "closed": cases["closed"].dt.strftime("%Y-%m-%d").fillna(""),
        }
    )
    frame.to_csv(path, index=False)
    with derived_from(Paths.at(tmp_path), [path], CATALOG.to_dict("records"), as_of=AS_OF) as derived:
        return derived.frame(), pd.DataFrame(derived.bounds, columns=list(BOUND_COLUMNS))


def _nearest_rank(values, p: float) -> float:
    ordered = np.sort(np.asarray(values, dtype=float))
    return float(ordered[max(1, math.ceil(p * len(ordered) / 100 - 1e-9)) - 1])


def test_the_percentile_counts_open_cases_at_their_age_and_says_what_they_leave_open(tmp_path):
    cases = _simulated()
    assert 0.1 < cases["open"].mean() < 0.3  # a realistic backlog at the cut-off
    derived, bounds = _bounds(tmp_path, cases, "kpi-p90")
    age = (pd.Timestamp(AS_OF) - cases["opened"]).dt.days
    known = np.where(cases["open"], age, cases["took"])
    closed_only = _nearest_rank(cases.loc[~cases["open"], "took"], 90)
    truth = _nearest_rank(cases["took"], 90)
    row = bounds.iloc[0]
    assert row["lower"] == _nearest_rank(known, 90) == derived["value"].iloc[0]
    assert row["lower"] <= truth  # never more optimistic than the data prove
    assert closed_only < truth  # what counting closed cases alone would have claimed
    assert row["upper"] == math.inf  # some ranks fall among cases that may never close
    assert row["open_cases"] == int(cases["open"].sum())
    assert row["oldest_open"] == age[cases["open"]].max()
    assert row["open_past_due"] == int((age[cases["open"]] > 80).sum())


def test_the_kaplan_meier_estimate_agrees_with_statsmodels(tmp_path):
    for seed in (1, 2, 3):
        cases = _simulated(seed, cases=600)
        _, bounds = _bounds(tmp_path, cases, "kpi-p90")
        age = (pd.Timestamp(AS_OF) - cases["opened"]).dt.days
        fitted = SurvfuncRight(np.where(cases["open"], age, cases["took"]), (~cases["open"]).astype(int))
        assert bounds["estimate"].iloc[0] == pytest.approx(fitted.quantile(0.90)), seed


def _verdict(lower: float, upper: float, target: float = 80) -> str:
    measured = pd.DataFrame(
        {"indicator_id": ["kpi-p90"], "period": [parse_period("2025-S1")], "value": [lower], "numerator": [math.nan],
         "denominator": [math.nan], "note": [""], "source": ["data/raw/events/casi.csv"], "row": [pd.NA]}
    )  # fmt: skip
    bounds = pd.DataFrame({"indicator_id": ["kpi-p90"], "period": ["2025-S1"], "upper": [upper]})
    one = catalog(indicator("kpi-p90", unit="days", op="<=", value=target, percentile=90.0, basis="semiannual"))
    evaluation = evaluate(one, measured, parse_period("2025-S1"), bounds=bounds)
    return evaluation.loc[evaluation["period"] == "2025-S1", "status"].iloc[0]


def test_met_only_if_it_holds_for_ever_not_met_once_the_open_cases_already_fail_it_else_pending():
    assert _verdict(lower=70, upper=75) == "met"  # even if every open case never closed
    assert _verdict(lower=85, upper=math.inf) == "not_met"  # the open cases at their age already exceed it
    assert _verdict(lower=70, upper=math.inf) == "pending"  # the open cases decide
    assert _verdict(lower=70, upper=math.nan) == "met"  # no bound: the value is final


def test_a_maximum_with_open_cases_is_never_met_while_they_are_open(tmp_path):
    cases = _simulated(5, cases=300)
    _, bounds = _bounds(tmp_path, cases, "kpi-max")
    row = bounds.iloc[0]
    age = (pd.Timestamp(AS_OF) - cases["opened"]).dt.days
    assert row["lower"] == max(cases.loc[~cases["open"], "took"].max(), age[cases["open"]].max())
    assert row["upper"] == math.inf and math.isnan(row["estimate"])
