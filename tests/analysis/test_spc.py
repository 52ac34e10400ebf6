"""XmR limits, the four special-cause rules and assurance, on examples computed by hand."""

import numpy as np
import pytest

from kpilib.analysis.spc import Limits, assurance, classify, limits, signals


def test_limits_by_hand():
    # mean 11.5; moving ranges 2, 1, 2 -> mean 5/3; limits 11.5 ± 2.66 × 5/3
    bounds = limits([10, 12, 11, 13])
    assert bounds.mean == 11.5 and bounds.mean_moving_range == pytest.approx(5 / 3)
    assert (bounds.lower, bounds.upper) == pytest.approx((11.5 - 2.66 * 5 / 3, 11.5 + 2.66 * 5 / 3))


BOUNDS = Limits(mean=50, lower=20, upper=80, mean_moving_range=30 / 2.66)


def flagged(values, rule):
    high, low = signals(values, BOUNDS)[rule]
    return np.flatnonzero(high).tolist(), np.flatnonzero(low).tolist()


def test_point_beyond_a_limit():
    assert flagged([45, 55, 90, 45, 15, 55], "limit") == ([2], [4])


def test_run_of_seven_on_one_side():
    assert flagged([51, 53, 52, 54, 51, 53, 52, 45], "run") == ([0, 1, 2, 3, 4, 5, 6], [])
    assert flagged([51, 53, 52, 54, 51, 53, 45], "run") == ([], [])  # six is not a run


def test_seven_rising_or_falling():
    assert flagged([44, 46, 48, 50.5, 52, 54, 56, 40], "trend") == ([0, 1, 2, 3, 4, 5, 6], [])
    assert flagged([56, 54, 52, 50.5, 48, 46, 44], "trend") == ([], [0, 1, 2, 3, 4, 5, 6])
    assert flagged([44, 46, 48, 50.5, 52, 54, 53], "trend") == ([], [])


def test_two_of_three_beyond_two_thirds_of_the_way_to_a_limit():
    # two thirds of the way from 50 to 80 is 70; to 20 is 30
    assert flagged([55, 72, 55, 75, 45], "two_of_three") == ([1, 3], [])
    assert flagged([45, 28, 29, 45], "two_of_three") == ([], [1, 2])
    assert flagged([72, 45, 55, 75], "two_of_three") == ([], [])


def test_classify_a_twelve_point_series_by_hand():
    values = [8, 12] * 5 + [8, 30]
    # mean 138/12 = 11.5; moving ranges: ten of 4 and one of 22 -> 62/11; upper limit 11.5 + 2.66 × 62/11 = 26.49
    chart = classify(values, "higher")
    assert chart["mean"].iloc[0] == pytest.approx(11.5)
    assert chart["upper_limit"].iloc[0] == pytest.approx(11.5 + 2.66 * 62 / 11)
    assert chart["variation"].tolist() == ["common_cause"] * 11 + ["improvement"]
    assert chart["signals"].iloc[-1] == "limit"
    assert classify(values, "lower")["variation"].iloc[-1] == "concern"


def test_short_series_are_not_charted():
    chart = classify(list(range(11)), "higher")
    assert chart["variation"].eq("").all() and chart["mean"].isna().all()


@pytest.mark.parametrize(
    ("bounds", "op", "target", "expected"),
    [
        (Limits(90, 85, 95, 0), ">=", 80, "consistently_met"),
        (Limits(90, 85, 95, 0), ">=", 85, "consistently_met"),
        (Limits(90, 85, 95, 0), ">", 85, "hit_and_miss"),
        (Limits(90, 85, 95, 0), ">=", 96, "consistently_failing"),
        (Limits(90, 85, 95, 0), ">=", 92, "hit_and_miss"),
        (Limits(10, 8, 13, 0), "<=", 12, "hit_and_miss"),
        (Limits(10, 8, 13, 0), "<=", 15, "consistently_met"),
        (Limits(10, 8, 13, 0), "<", 8, "consistently_failing"),
    ],
)
def test_every_assurance_outcome(bounds, op, target, expected):
    assert assurance(bounds, op, target, 24) == expected


def test_assurance_needs_twelve_points_and_a_target():
    assert assurance(Limits(90, 85, 95, 0), ">=", 80, 11) == "insufficient_data"
    assert assurance(Limits(90, 85, 95, 0), "", None, 24) == "insufficient_data"
