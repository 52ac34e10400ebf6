"""The analysis on the shipped example data: it finds what the generator planted, and its
numbers can be reproduced by hand from measurements.csv."""

import io

import pandas as pd
import pytest

from kpilib.analysis.evaluate import analyse
from kpilib.catalog.indicators import read_indicator_versions, read_indicators
from kpilib.core.errors import KpiError
from kpilib.core.periods import MONTH_NAMES
from tests.helpers import KINDS_IN_ORDER

MONTHS_SHORT = {name[:3] for name in MONTH_NAMES}


def _frame(path):
    return pd.read_csv(path, keep_default_na=True)


def _id(paths, text):
    indicators = read_indicators(paths.indicators)
    return indicators.loc[indicators["indicator"].str.contains(text), "indicator_id"].iloc[0]


def test_default_period_is_the_latest_semester_with_data(shipped):
    summary = _frame(shipped.indicator_summary)
    assert set(summary["period"]) == {"2025-S2"} and len(summary) == 15


def test_finds_the_planted_spike_drift_and_misses(shipped):
    spc = _frame(shipped.spc).set_index(["indicator_id", "period"])
    visits, governance = _id(shipped, "VISITE EFFETTUATE"), _id(shipped, "N. DI GIORNI")
    spike = spc.loc[(visits, "2024-10")]
    assert spike["variation"] == "concern" and "limit" in spike["signals"]
    drift = spc.loc[governance]
    assert drift.loc["2025-12", "variation"] == "concern" and "run" in drift.loc["2025-12", "signals"]
    opportunities = _frame(shipped.opportunities)
    assert opportunities["indicator_id"].is_unique  # one entry per indicator, its reasons together
    governance_kinds = set(opportunities.loc[opportunities["indicator_id"] == governance, "kinds"].iloc[0].split(";"))
    assert {"deteriorating", "not_met"} <= governance_kinds
    summary = _frame(shipped.indicator_summary).set_index("indicator_id")
    assert summary.loc[governance, "status"] == "not_met"
    assert opportunities["reason"].str.len().gt(40).all()


def test_a_target_too_easy_is_found_and_once_raised_judged_against_the_new_one(shipped):
    """The materials target (95%, met by a wide margin) is flagged in 2024; the 2025 table raises it to 98%."""
    materials = _id(shipped, "CAPACITÀ DI MESSA")
    before = analyse("2024-S2", shipped.root)
    assert before.summary.set_index("indicator_id").loc[materials, "assurance"] == "consistently_met"
    kinds = before.opportunities.set_index("indicator_id")["kinds"]
    assert "raise_target" in kinds[materials]
    after = _frame(shipped.indicator_summary).set_index("indicator_id").loc[materials]
    assert (after["target_raw"], after["target_value"]) == ("98%", 98)
    assert after["assurance"] == "hit_and_miss"  # the new target is within the process's natural variation
    assert materials not in set(_frame(shipped.opportunities).query("kind == 'raise_target'")["indicator_id"])


def test_opportunities_are_ranked_as_an_analyst_would(shipped):
    opportunities = _frame(shipped.opportunities)
    order = KINDS_IN_ORDER  # the order itself is checked on a hand-built case in test_opportunities.py
    positions = opportunities["kind"].map(order.index)
    assert positions.is_monotonic_increasing or (opportunities["score"].diff().dropna() <= 0).all()
    assert opportunities["rank"].tolist() == list(range(1, len(opportunities) + 1))


def test_numbers_reproduced_by_hand_from_measurements(shipped):
    measurements = _frame(shipped.measurements)
    visits, governance = _id(shipped, "VISITE EFFETTUATE"), _id(shipped, "N. DI GIORNI")
    months = measurements[
        (measurements["indicator_id"] == visits) & measurements["period"].str.match(r"2025-(0[7-9]|1[0-2])")
    ]
    summary = _frame(shipped.indicator_summary).set_index("indicator_id")
    assert summary.loc[visits, "value"] == pytest.approx(100 * months["numerator"].sum() / months["denominator"].sum())
    series = measurements[measurements["indicator_id"] == governance].sort_values("period")["value"].to_numpy()
    mean = series.mean()
    upper = mean + 2.66 * abs(pd.Series(series).diff()).mean()
    spc = _frame(shipped.spc)
    chart = spc[spc["indicator_id"] == governance]
    assert chart["mean"].iloc[0] == pytest.approx(mean) and chart["upper_limit"].iloc[0] == pytest.approx(upper)
    evaluation = _frame(shipped.evaluation)
    row = evaluation[(evaluation["indicator_id"] == governance) & (evaluation["period"] == "2025-08")].iloc[0]
    measured = measurements[(measurements["indicator_id"] == governance) & (measurements["period"] == "2025-08")]
    assert row["value"] == measured["value"].iloc[0]
    assert row["margin"] == pytest.approx(12 - measured["value"].iloc[0])
    assert row["status"] == ("met" if measured["value"].iloc[0] <= 12 else "not_met")


def test_every_indicator_has_its_required_periods(shipped):
    evaluation = _frame(shipped.evaluation)
    required = evaluation[evaluation["required"]]
    assert set(required["indicator_id"]) == set(read_indicators(shipped.indicators)["indicator_id"])
    assert set(evaluation["status"]) <= {"met", "not_met", "no_data", "no_target", "pending"}
    spc = _frame(shipped.spc)
    assert set(spc["variation"].dropna()) <= {"common_cause", "improvement", "concern", "neutral_high", "neutral_low"}


def test_compliance_history_agrees_with_the_summary_for_the_period(shipped):
    from kpilib.analysis.history import compliance_history
    from kpilib.core.periods import parse_period
    from kpilib.core.schemas import EVENT_BOUNDS
    from kpilib.measurements.processed import read_measurements

    history = compliance_history(
        read_indicator_versions(shipped.indicators),
        read_measurements(shipped.measurements),
        parse_period("2025-S2"),
        EVENT_BOUNDS.read(shipped.event_bounds),
    )
    last = history[history["period"] == "2025-S2"].iloc[0]
    statuses = _frame(shipped.indicator_summary)["status"].value_counts()
    assert (last["met"], last["not_met"]) == (statuses.get("met", 0), statuses.get("not_met", 0))
    assert last["compliance"] == pytest.approx(100 * last["met"] / (last["met"] + last["not_met"]))
    assert history["period"].tolist() == ["2023-S1", "2023-S2", "2024-S1", "2024-S2", "2025-S1", "2025-S2"]


def _snapshot(folder):
    return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*") if p.is_file()}


def test_analyse_agrees_with_kpi_evaluate_and_writes_nothing(shipped, tmp_path):
    import shutil

    from kpilib import analyse
    from kpilib.analysis.evaluate import run_evaluate
    from kpilib.core.paths import Paths

    before = _snapshot(shipped.root)
    analysis = analyse("2025-S1", root=shipped.root)
    assert _snapshot(shipped.root) == before
    copy = Paths.at(tmp_path / "copy")
    shutil.copytree(shipped.root, copy.root)
    run_evaluate(copy, "2025-S1")
    for frame, path in [
        (analysis.evaluation.drop(columns=["direction", "office"]), copy.evaluation),  # the analyst's extra two
        (analysis.spc, copy.spc),
        (analysis.summary, copy.indicator_summary),
        (analysis.opportunities, copy.opportunities),
        (analysis.nonconformities, copy.nonconformities),
    ]:
        written = pd.read_csv(path, keep_default_na=False, na_values=[""])
        expected = pd.read_csv(io.StringIO(frame.to_csv(index=False)), keep_default_na=False, na_values=[""])
        pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    assert set(analysis.summary["period"]) == {"2025-S1"}


def test_the_summary_joins_the_catalog_with_the_period(shipped):
    from kpilib import analyse

    summary = analyse("2025-S2", root=shipped.root).summary
    wanted = [
        "direction",
        "area",
        "office",
        "process",
        "indicator",
        "sub_indicator",
        "target_raw",
        "target_op",
        "target_value",
        "target_unit",
        "polarity",
        "value",
        "status",
        "margin",
        "relative_margin",
        "variation",
        "assurance",
        "periods_expected",
        "periods_measured",
    ]
    assert set(wanted) <= set(summary.columns)
    # where the row has a margin, the relative margin is it as a share of the target (else the parts' mean)
    with_target = summary[summary["target_value"].notna() & (summary["target_value"] != 0) & summary["margin"].notna()]
    pd.testing.assert_series_equal(
        with_target["relative_margin"], with_target["margin"] / with_target["target_value"].abs(), check_names=False
    )
    measured = summary["periods_expected"] - summary["periods_missing"]
    pd.testing.assert_series_equal(summary["periods_measured"], measured, check_names=False, check_dtype=False)


def test_the_xmr_chart_is_a_figure_with_italian_months_and_nothing_clipped(shipped):
    import matplotlib

    from kpilib import analyse

    matplotlib.use("Agg")
    analysis = analyse("2025-S2", root=shipped.root)
    visits = _id(shipped, "VISITE EFFETTUATE")
    figure = analysis.xmr_chart(visits)
    figure.savefig(io.BytesIO(), format="png")  # as Jupyter shows it: laid out, then drawn
    ax = figure.axes[0]
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert labels[0] == "gen 2023" and all(label.split()[0] in MONTHS_SHORT for label in labels)
    box = figure.bbox
    for text in [*ax.get_xticklabels(), ax.title, ax.yaxis.label]:
        extent = text.get_window_extent()
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and box.y0 <= extent.y0 and extent.y1 <= box.y1, text
    with pytest.raises(KpiError, match="not in the analysis"):
        analysis.xmr_chart("kpi-nessuno")


def test_the_period_variation_is_a_concern_when_any_of_its_points_is_one():
    from kpilib.analysis.summary import period_variation
    from kpilib.core.periods import Period, periods

    chart = pd.DataFrame(
        {
            "period": periods(["2025-06", "2025-07", "2025-08", "2025-12"]),
            "variation": ["concern", "improvement", "common_cause", "common_cause"],
            "signals": ["limit", "run", "", ""],
        }
    )
    assert period_variation(chart, Period(2025, "semester", 2)) == ("improvement", "run")
    assert period_variation(chart, Period(2025, "semester", 1)) == ("concern", "limit")
    assert period_variation(chart, Period(2026, "semester", 1)) == ("common_cause", "")  # none inside: the last point


def test_the_xmr_chart_shows_itself_as_a_picture_in_jupyter_without_matplotlib_inline(shipped):
    from IPython.core.formatters import DisplayFormatter

    from kpilib import analyse

    analysis = analyse("2025-S2", root=shipped.root)
    figure = analysis.xmr_chart(_id(shipped, "VISITE EFFETTUATE"))
    shown, _ = DisplayFormatter().format(figure)  # what a fresh kernel does with a cell's value
    assert shown["image/png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_signals_lists_every_special_cause_of_the_period_and_compliance_names_the_columns_there_are(shipped):
    from kpilib import analyse, compliance
    from kpilib.core.errors import KpiError

    analysis = analyse("2025-S2", root=shipped.root)
    signals = analysis.signals()
    spc = analysis.spc
    in_period = pd.Series([analysis.period.contains(p) for p in spc["period"]], index=spc.index)
    inside = spc[spc["variation"].isin(["improvement", "concern"]) & in_period]
    assert len(signals) == len(inside) > 0 and signals["office"].notna().all()
    one = signals["indicator_id"].iloc[0]
    assert set(analysis.signals(one)["indicator_id"]) == {one}
    with pytest.raises(KpiError, match=r"the frame has: .*indicator_id"):
        compliance(analysis.summary, ["ufficio"])


def test_the_analysts_evaluation_names_direction_and_office_and_the_file_keeps_its_columns(shipped, tmp_path):
    from kpilib import analyse
    from kpilib.core.schemas import EVALUATION

    analysis = analyse("2025-S2", root=shipped.root)
    assert analysis.evaluation[["direction", "office"]].notna().all().all()
    offices = analysis.indicators.set_index("indicator_id")["office"]
    pd.testing.assert_series_equal(
        analysis.evaluation["office"], analysis.evaluation["indicator_id"].map(offices), check_names=False
    )
    written = tmp_path / "evaluation.csv"
    written.write_bytes(EVALUATION.csv_bytes(analysis.evaluation))
    assert written.read_text(encoding="utf-8").splitlines()[0].split(",") == EVALUATION.names


def test_every_judged_row_has_a_relative_margin_a_monthly_count_included(shipped):
    from kpilib import analyse

    summary = analyse("2025-S2", root=shipped.root).summary
    judged = summary[summary["status"].isin(["met", "not_met"])]
    counts = judged[(judged["target_unit"] == "number") & judged["value"].isna()]
    assert len(counts) >= 1  # the newsletters: judged month by month, no semester value
    assert judged["relative_margin"].notna().all()


def test_a_semester_indicator_computed_from_case_records_has_a_monthly_chart_with_limits(shipped):
    from kpilib.core.schemas import schema_for

    def _typed(path):
        return schema_for(path).read(path)

    indicators = _frame(shipped.indicators)
    monthly = _typed(shipped.event_monthly)
    assert len(monthly)
    semester = indicators.loc[indicators["basis"] == "semiannual", "indicator_id"]
    chosen = sorted(set(monthly["indicator_id"]) & set(semester))
    assert chosen  # the news published within a day, computed from case records, judged per semester
    spc = _typed(shipped.spc)
    chart = spc[spc["indicator_id"] == chosen[0]]
    assert [p.freq for p in chart["period"].tail(12)] == ["month"] * 12
    assert chart["limits"].tail(12).eq("stable").all() and chart["mean"].tail(12).notna().all()
    evaluation = _typed(shipped.evaluation)
    judged = evaluation[(evaluation["indicator_id"] == chosen[0]) & evaluation["required"].astype(bool)]
    assert {p.freq for p in judged["period"]} == {"semester"}  # still judged at its basis
