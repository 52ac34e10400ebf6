"""XmR limits, the four special-cause rules and assurance, on examples computed by hand."""

import itertools

import numpy as np
import pandas as pd
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


def test_five_points_have_no_limits_six_to_eleven_trial_limits_twelve_stable_ones():
    five = classify([3, 4, 3, 5, 4], "higher")
    assert five["variation"].eq("").all() and five["mean"].isna().all() and five["limits"].eq("").all()
    six = classify([3, 4, 3, 5, 4, 3], "higher")
    assert six["limits"].eq("trial").all() and six["mean"].iloc[0] == pytest.approx(22 / 6)
    assert six["variation"].eq("common_cause").all()  # the rules run on trial limits too
    eleven = classify([3, 4, 3, 5, 4, 3, 4, 3, 5, 4, 30], "higher")
    assert eleven["limits"].eq("trial").all() and eleven["variation"].iloc[-1] == "improvement"
    assert classify(list(range(12)), "higher")["limits"].eq("stable").all()


def test_a_value_equal_to_the_decimal_mean_is_on_the_mean_and_breaks_a_run():
    # mean exactly 97.7 in decimal, 97.69999999999999 in floating point: the 97.7s are on it
    values = [97.4, 97.7, 97.8, 97.0, 97.5, 97.5, 98.7, 97.8, 98.0, 97.9, 97.7, 97.8, 97.7, 96.5, 97.8, 98.4]
    assert np.mean(values) == 97.69999999999999  # so 98.7 ... 97.7 ... 97.7 would be 7 "above" in a row
    chart = classify(values, "higher")
    assert chart["mean"].iloc[0] == pytest.approx(97.7, abs=1e-12)
    assert "run" not in ";".join(chart["signals"])
    assert chart["variation"].eq("common_cause").all()


def test_a_fixed_baseline_freezes_the_limits_after_its_first_points():
    values = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 11, 10, 30, 31, 30, 32, 31, 30, 31, 32]
    frozen = classify(values, "higher", baseline=12)
    first = limits(values[:12])
    assert frozen["mean"].iloc[-1] == pytest.approx(first.mean) and frozen["limits"].eq("stable").all()
    assert frozen["variation"].iloc[12:].eq("improvement").all()  # judged against limits they did not move
    moving = classify(values, "higher")
    assert moving["mean"].iloc[-1] == pytest.approx(np.mean(values))
    assert classify(values[:8], "higher", baseline=6)["limits"].eq("trial").all()


def test_screening_leaves_out_the_moving_ranges_of_a_spike():
    values = [10, 11, 10, 11, 10, 40, 10, 11, 10, 11, 10, 11]
    assert limits(values, screen=True).mean_moving_range < limits(values).mean_moving_range


def test_a_missing_month_breaks_the_moving_range_as_a_missing_row_does():
    # moving ranges 2, (gap), 2 -> mean 2; bridged it would be (2 + 9 + 2) / 3
    assert limits([10, 12, 3, 5], gaps=[False, True, False]).mean_moving_range == 2
    assert limits([10, 12, 3, 5]).mean_moving_range == pytest.approx(13 / 3)


def test_without_a_target_or_polarity_special_causes_are_neutral():
    values = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 11, 10, 3, 4, 3, 4, 3, 4, 3, 4]
    chart = classify(values, "")
    assert set(chart["variation"]) <= {"common_cause", "neutral_high", "neutral_low"}
    assert chart["variation"].iloc[-1] == "neutral_low"
    assert classify(values, "higher")["variation"].iloc[-1] == "concern"


@pytest.mark.parametrize(
    ("bounds", "op", "target", "expected"),
    [
        (Limits(90, 85, 95, 0), ">=", 80, "consistently_met"),
        (Limits(90, 85, 95, 0), ">=", 85, "hit_and_miss"),  # on a limit: NHSRplotthedots' "inconsistent"
        (Limits(90, 85, 95, 0), ">", 85, "hit_and_miss"),
        (Limits(90, 85, 95, 0), ">=", 96, "consistently_failing"),
        (Limits(90, 85, 95, 0), ">=", 92, "hit_and_miss"),
        (Limits(10, 8, 13, 0), "<=", 12, "hit_and_miss"),
        (Limits(10, 8, 13, 0), "<=", 15, "consistently_met"),
        (Limits(10, 8, 13, 0), "<", 7.9, "consistently_failing"),
        (Limits(10, 8, 13, 0), "<", 8, "hit_and_miss"),  # on a limit
    ],
)
def test_every_assurance_outcome(bounds, op, target, expected):
    assert assurance(bounds, op, target, 24) == expected


def test_assurance_needs_six_points_and_a_target():
    assert assurance(Limits(90, 85, 95, 0), ">=", 80, 5) == "insufficient_data"
    assert assurance(Limits(90, 85, 95, 0), ">=", 80, 6) == "consistently_met"  # on trial limits
    assert assurance(Limits(90, 85, 95, 0), "", None, 24) == "insufficient_data"


# Cases from NHSRplotthedots' tests (tests/testthat/test-ptd_calculate_point_type.R), read, not copied:
# the same inputs, and the outputs its functions give, through this module's rules.
LIMITS_0_100 = Limits(mean=50, lower=20, upper=80, mean_moving_range=30 / 2.66)  # close: beyond 70 or below 30


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([75, 55, 75], [0, 2]),  # 2 in 3 close, all above the mean
        ([55, 75, 75], [1, 2]),
        ([75, 75, 55], [0, 1]),
        ([52, 52, 75, 55, 75, 52, 52], [2, 4]),
        ([52, 52, 75, 75, 52, 52, 52], [2, 3]),
        ([75, 55, 55, 75], []),  # two close points, but never two in any three
        ([75, 55, 55, 75, 75], [3, 4]),
    ],
)
def test_two_in_three_flags_the_close_points_of_a_same_side_window(values, expected):
    high, low = signals(values, LIMITS_0_100)["two_of_three"]
    assert np.flatnonzero(high).tolist() == expected and not low.any()


@pytest.mark.parametrize(
    "values",
    [[75, 45, 75], [55, 25, 75], [75, 25, 55], [55, 45, 75, 45, 75, 45, 55], [45, 55, 25, 75, 45, 55, 45]],
)
def test_two_in_three_needs_all_three_on_the_same_side_of_the_mean(values):
    """NHSRplotthedots issue 143, Making Data Count issue 194: a point across the mean breaks it."""
    high, low = signals(values, LIMITS_0_100)["two_of_three"]
    assert not high.any() and not low.any()


def test_a_point_beyond_the_limit_is_not_also_close_to_it():
    high, _ = signals([85, 52, 75], LIMITS_0_100)["two_of_three"]
    assert not high.any()  # 85 is beyond the limit, not "close": one close point in the window


@pytest.mark.parametrize(
    ("values", "ends"),
    [
        (list(range(1, 7)), []),
        ([1, 2, 3, 3, 4, 5, 6], []),
        (list(range(1, 8)), list(range(7))),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], list(range(1, 8))),
        ([7, 6, 5, 4, 3, 2, 1], list(range(7))),
    ],
)
def test_seven_point_trends_as_the_reference_marks_them(values, ends):
    high, low = signals(values, Limits(4, -100, 100, 1))["trend"]
    assert np.flatnonzero(high | low).tolist() == ends


@pytest.mark.parametrize(
    ("sides", "expected"),
    [([1] * 6, []), ([1] * 6 + [-1], []), ([1] * 8 + [-1], list(range(8))), ([-1] * 8 + [1], list(range(8)))],
)
def test_seven_points_on_one_side_as_the_reference_marks_them(sides, expected):
    values = [50 + 5 * side for side in sides]
    high, low = signals(values, LIMITS_0_100)["run"]
    assert np.flatnonzero(high | low).tolist() == expected


def test_a_point_flagged_both_ways_takes_the_direction_of_the_rule_with_priority():
    # the last point ends a run of 7 above the mean (improvement where higher is better) but falls below the
    # lower limit: "beyond a limit" comes first, so it is a concern, as in NHSRplotthedots and Making Data Count
    values = [50] * 5 + [60, 61, 62, 60, 61, 62, 60, -40]
    chart = classify(values, "higher")
    assert chart["variation"].iloc[-1] == "concern" and "limit" in chart["signals"].iloc[-1]
    assert chart["variation"].iloc[-3] == "improvement"


def test_screening_leaves_out_the_huge_moving_ranges_only_when_asked():
    values = [10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 60, 11]
    plain, screened = limits(values), limits(values, screen=True)
    ranges = np.abs(np.diff(values))
    assert plain.mean_moving_range == pytest.approx(ranges.mean())
    assert screened.mean_moving_range == pytest.approx(ranges[ranges < 3.267 * ranges.mean()].mean())
    assert screened.upper < plain.upper


def test_a_target_equal_to_a_value_is_never_consistently_failing_inside_the_limits():
    assert assurance(Limits(5, 3, 7, 0.75), "=", 5, 24) == "hit_and_miss"
    assert assurance(Limits(5, 3, 7, 0.75), "=", 9, 24) == "consistently_failing"


def test_percent_limits_are_shown_within_0_and_100():
    from kpilib.analysis.spc import spc_table

    evaluation = pd.DataFrame(
        {
            "indicator_id": "kpi-p",
            "period": [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01"],
            "value": [99, 80, 99, 78, 99, 80, 99, 79, 99, 80, 99, 81, 99.5],
            "series": True,
        }
    )
    indicators = pd.DataFrame({"indicator_id": ["kpi-p"], "polarity": ["higher"], "target_unit": ["percent"]})
    chart = spc_table(evaluation, indicators)
    assert chart["upper_limit"].max() == 100 and chart["lower_limit"].min() >= 0
    assert classify(evaluation["value"], "higher")["upper_limit"].iloc[0] > 100  # the rules use the raw limit


def test_a_recorded_change_starts_a_segment_with_its_own_limits():
    from kpilib.analysis.spc import spc_table

    before, after = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13], [30, 32, 31, 33, 30, 32, 31, 33, 30, 32, 31, 33]
    periods = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2025-{m:02d}" for m in range(1, 13)]
    evaluation = pd.DataFrame({"indicator_id": "kpi-n", "period": periods, "value": before + after, "series": True})
    indicators = pd.DataFrame({"indicator_id": ["kpi-n"], "polarity": ["higher"], "target_unit": ["number"]})
    changes = pd.DataFrame({"indicator_id": ["kpi-n"], "period": ["2025-01"], "reason": ["nuova procedura"]})
    chart = spc_table(evaluation, indicators, changes)
    assert chart["segment"].tolist() == [0] * 12 + [1] * 12
    assert chart["mean"].iloc[0] == pytest.approx(11.5) and chart["mean"].iloc[-1] == pytest.approx(31.5)
    assert chart["change"].tolist()[12] == "nuova procedura" and set(chart["change"].tolist()[13:]) == {""}
    assert set(chart["variation"]) == {"common_cause"}  # without the break, the jump would be all special cause
    unbroken = spc_table(evaluation, indicators)
    assert (unbroken["variation"] != "common_cause").sum() >= 12


@pytest.mark.parametrize("screen, baseline", [(False, None), (True, None), (False, 8)])
def test_the_whole_table_at_once_charts_each_segment_as_classify_charts_it_alone(screen, baseline):
    """spc_table judges every series and segment in one pass: no rule may reach across an indicator or a
    recorded change, so each segment must come out as classify gives it on its own."""
    from kpilib.analysis.spc import spc_table
    from kpilib.core.periods import parse_period

    rng = np.random.default_rng(23)
    months = [f"{2022 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
    rows, expected = [], []
    for number, polarity in enumerate(["higher", "lower", "", "higher"]):
        kept = sorted(rng.choice(36, size=30, replace=False))  # missing months: gaps in the moving range
        trend = np.linspace(0, 12, 30) if number == 3 else np.zeros(30)  # runs and trends to find
        values = np.round(rng.normal(50, 4, 30) + trend, 1)
        rows += [
            {"indicator_id": f"kpi-{number}", "period": months[k], "value": v}
            for k, v in zip(kept, values, strict=True)
        ]
        expected.append((f"kpi-{number}", polarity, [months[k] for k in kept], values))
    # a series ending in a rise above its mean, then one starting with the same: together they would make a
    # run and a trend; apart (another indicator, or after a recorded change), neither has one
    tail, head = [5.0] * 8 + [6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0] + [5.0] * 8
    for indicator_id, values in (("kpi-4", tail), ("kpi-5", head), ("kpi-6", tail + head)):
        rows += [{"indicator_id": indicator_id, "period": months[k], "value": v} for k, v in enumerate(values)]
        expected.append((indicator_id, "higher", months[: len(values)], np.array(values)))
    evaluation = pd.DataFrame(rows).assign(series=True)
    indicators = pd.DataFrame(
        {"indicator_id": [e[0] for e in expected], "polarity": [e[1] for e in expected], "target_unit": "number"}
    )
    changes = pd.DataFrame(
        {"indicator_id": ["kpi-0", "kpi-3", "kpi-6"], "period": ["2023-06", "2023-02", "2023-01"], "reason": "x"}
    )
    table = spc_table(evaluation, indicators, changes, screen=screen, baseline=baseline)
    segments = 0
    for indicator_id, polarity, periods, values in expected:
        own = table[table["indicator_id"] == indicator_id]
        for _, segment in own.groupby("segment"):
            segments += 1
            chosen = [str(p) for p in segment["period"]]
            places = [parse_period(p) for p in chosen]
            gaps = [after != before.shift(1) for before, after in itertools.pairwise(places)]
            alone = classify(values[[periods.index(p) for p in chosen]], polarity, screen, gaps, baseline)
            pd.testing.assert_frame_equal(
                segment[["variation", "signals", "limits", "mean"]].reset_index(drop=True),
                alone[["variation", "signals", "limits", "mean"]],
            )
    assert segments == 10 and set(table["variation"]) - {"common_cause"}  # some special causes were judged


def test_the_peer_cases_through_kpi_ingest_and_kpi_evaluate(root):
    """NHSRplotthedots' opposite-sides case (issue 143) and its limits, from a delivered file to spc.csv."""
    from kpilib.cli import main

    days = "kpi-11141a6a"  # a duration, lower is better, no basis: a monthly series
    values = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 19.5, 8.0, 19.6]
    assert main(["catalog", "--root", str(root.root)]) == 0
    root.measurements_dir.mkdir(parents=True)
    lines = ["indicatore;periodo;valore"] + [
        f"{days};{2024 + m // 12}-{m % 12 + 1:02d};{str(v).replace('.', ',')}" for m, v in enumerate(values)
    ]
    (root.measurements_dir / "serie.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["ingest", "--root", str(root.root), "--strict"]) == 0
    assert main(["evaluate", "--root", str(root.root), "--period", "2025-03"]) == 0
    chart = pd.read_csv(root.spc).set_index("period")
    mean = np.mean(values)
    moving = np.abs(np.diff(values)).mean()
    assert chart["mean"].iloc[0] == pytest.approx(mean)
    assert chart["upper_limit"].iloc[0] == pytest.approx(mean + 2.66 * moving)
    assert chart["lower_limit"].iloc[0] == pytest.approx(max(mean - 2.66 * moving, 0))
    # 19.5 and 19.6 are close to the upper limit, but 8 between them is across the mean: no two-in-three
    high_close = mean + 2 / 3 * 2.66 * moving
    assert high_close < 19.5 and high_close < 19.6 and mean > 8.0
    assert chart.loc[["2025-01", "2025-02", "2025-03"], "variation"].tolist() == ["common_cause"] * 3
