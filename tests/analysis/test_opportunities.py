"""Opportunities on a hand-built direction: one indicator per kind, ranked as the module says."""

import pandas as pd

from kpilib.analysis.opportunities import BASE_SCORE, find_opportunities
from tests.helpers import KINDS_IN_ORDER

PERIOD = "2025-S2"


def _row(indicator_id, **figures):
    row = {
        "direction": "DIREZIONE",
        "period": PERIOD,
        "indicator_id": indicator_id,
        "office": "UFFICIO",
        "process": "PROCESSO",
        "indicator": f"INDICATORE {indicator_id}",
        "sub_indicator": "",
        "target_raw": "≥50%",
        "target_op": ">=",
        "target_value": 50.0,
        "target_unit": "percent",
        "polarity": "higher",
        "value": 60.0,
        "status": "met",
        "assurance": "insufficient_data",
        "lower_limit": 40.0,
        "upper_limit": 80.0,
        "periods_met": 6,
        "periods_expected": 6,
        "periods_missing": 0,
    }
    row.update(figures)
    return row


def _chart(indicator_id, variation, signals):
    return {"indicator_id": indicator_id, "period": "2025-12", "variation": variation, "signals": signals}


SUMMARY = pd.DataFrame(
    [
        _row("raise", assurance="consistently_met", lower_limit=90.0, upper_limit=99.0),
        _row("missing", periods_missing=1, periods_met=5),
        _row("hitmiss", assurance="hit_and_miss"),
        _row("notmet", status="not_met", periods_met=3),
        _row("deteriorating"),
        _row("special"),
        _row("failing", assurance="consistently_failing", lower_limit=10.0, upper_limit=40.0, status="not_met"),
    ]
)
SPC = pd.DataFrame([_chart("deteriorating", "concern", "run"), _chart("special", "concern", "limit")])
NO_VOLUMES = pd.DataFrame(columns=["indicator_id", "period", "required", "rolled_up", "denominator"])


def test_one_opportunity_per_planted_kind_in_the_documented_order():
    found = find_opportunities(SUMMARY, SPC, NO_VOLUMES)
    expected = KINDS_IN_ORDER
    assert found["kind"].tolist() == expected
    assert found["indicator_id"].tolist() == [
        "failing",
        "special",
        "deteriorating",
        "notmet",
        "hitmiss",
        "missing",
        "raise",
    ]
    assert found["rank"].tolist() == list(range(1, 8))
    assert found["score"].tolist() == [BASE_SCORE[kind] for kind in expected]


def test_a_failing_process_is_not_also_listed_as_a_plain_miss():
    found = find_opportunities(SUMMARY, SPC, NO_VOLUMES)
    assert found.loc[found["indicator_id"] == "failing", "kind"].tolist() == ["consistently_failing"]


def test_within_a_kind_the_larger_volume_comes_first():
    summary = pd.DataFrame([_row("small", status="not_met"), _row("large", status="not_met")])
    evaluation = pd.DataFrame(
        {
            "indicator_id": ["small", "large"],
            "period": [PERIOD, PERIOD],
            "required": [True, True],
            "rolled_up": [False, False],
            "denominator": [10.0, 5000.0],
        }
    )
    found = find_opportunities(summary, SPC.iloc[0:0], evaluation)
    assert found["indicator_id"].tolist() == ["large", "small"]
    assert found["volume"].tolist() == [5000.0, 10.0]


def test_one_entry_per_indicator_in_italian_prose():
    row = _row(
        "many",
        status="not_met",
        assurance="hit_and_miss",
        periods_missing=1,
        periods_met=4,
        sub_indicator="PREMIO MARRA",
        target_raw="≥10 ≥10",
        target_value=10.0,
        target_unit="number",
    )
    found = find_opportunities(pd.DataFrame([row]), SPC.iloc[0:0], NO_VOLUMES)
    assert len(found) == 1 and found["kind"].iloc[0] == "not_met"
    assert found["kinds"].iloc[0] == "not_met;hit_and_miss;missing_data"
    reason = found["reason"].iloc[0]
    assert "Target non raggiunto nel 2° semestre 2025: raggiunto in 4 periodi su 6." in reason
    assert "Manca 1 misura su 6 nel 2° semestre 2025" in reason
    assert "Il target (≥10) sta dentro" in reason and "≥10 ≥10" not in reason
    two = find_opportunities(pd.DataFrame([_row("two", periods_missing=2, periods_met=4)]), SPC.iloc[0:0], NO_VOLUMES)
    assert "Mancano 2 misure su 6 nel 2° semestre 2025" in two["reason"].iloc[0]


def test_a_large_volume_never_lifts_an_entry_above_a_more_urgent_kind():
    """The page states the order kind by kind: a hit-and-miss of 100,000 cases stays below a missed target
    of 10 (the volume weight alone would put it first: 50 x 1.5 > 60 x 1.1)."""
    summary = pd.DataFrame([_row("hitmiss", assurance="hit_and_miss"), _row("notmet", status="not_met", periods_met=3)])
    evaluation = pd.DataFrame(
        {
            "indicator_id": ["hitmiss", "notmet"],
            "period": ["2025-S2", "2025-S2"],
            "required": [True, True],
            "rolled_up": [False, False],
            "denominator": [100_000.0, 10.0],
        }
    )
    found = find_opportunities(summary, pd.DataFrame(columns=SPC.columns), evaluation)
    assert found["score"].iloc[1] > found["score"].iloc[0]  # the volume still weighs within the kind
    assert found["indicator_id"].tolist() == ["notmet", "hitmiss"] and found["rank"].tolist() == [1, 2]


def test_a_run_of_concern_inside_the_period_is_named_even_when_the_last_point_is_ordinary():
    spc = pd.DataFrame(
        [
            {"indicator_id": "x", "period": p, "variation": v, "signals": s}
            for p, v, s in [
                ("2025-06", "common_cause", ""),
                ("2025-07", "concern", "run"),
                ("2025-08", "concern", "run"),
                ("2025-09", "concern", "run"),
                ("2025-10", "common_cause", ""),
            ]
        ]
    )
    found = find_opportunities(pd.DataFrame([_row("x")]), spc, NO_VOLUMES)
    assert found["kind"].tolist() == ["deteriorating"]
    assert "da luglio 2025 a settembre 2025" in found.loc[0, "reason"]


def test_a_value_not_computable_yet_asks_nothing_of_the_office():
    waiting = _row("cases", periods_missing=1, periods_met=5, missing_periods="2025-12")
    owed = _row("sent", periods_missing=1, periods_met=5, missing_periods="2025-11")
    found = find_opportunities(
        pd.DataFrame([waiting, owed]),
        pd.DataFrame(columns=SPC.columns),
        NO_VOLUMES,
        pending=frozenset({("cases", "2025-12")}),
    )
    reasons = dict(zip(found["indicator_id"], found["reason"], strict=True))
    assert "chiedere i dati all'ufficio" not in reasons["cases"] and "non ancora calcolabile" in reasons["cases"]
    assert "chiedere i dati all'ufficio" in reasons["sent"]


def test_a_value_declared_not_available_asks_nothing_of_the_office():
    declared = _row("nd", periods_missing=2, periods_met=4, missing_periods="2025-10;2025-11")
    found = find_opportunities(
        pd.DataFrame([declared]),
        pd.DataFrame(columns=SPC.columns),
        NO_VOLUMES,
        unavailable=frozenset({("nd", "2025-10")}),
    )
    reason = found.loc[0, "reason"]
    assert "Manca 1 misura su 6" in reason and "chiedere i dati all'ufficio" in reason  # 2025-11: not sent
    assert "1 valore (2025-10) dichiarato non disponibile" in reason


def test_an_indicator_without_a_target_gets_neutral_signals_and_no_word_about_a_target(tmp_path):
    import pandas as pd

    from kpilib.cli import main
    from tests.helpers import write_catalog

    root = tmp_path / "root"
    write_catalog(root, "DIREZIONE CULTURA\t-\tUFFICIO MOSTRE\tVISITE\tNUMERO DI VISITE GUIDATE\tDA DEFINIRE")
    assert main(["catalog", "--root", str(root)]) == 0
    indicator_id = pd.read_csv(root / "data" / "processed" / "indicators.csv")["indicator_id"].iloc[0]
    values = [30, 31, 29, 32, 30, 31, 30, 29, 31, 30, 32, 30, 20, 19, 21, 20, 19, 20, 21, 19, 20, 18, 20, 19]
    lines = ["indicatore;periodo;valore"] + [
        f"{indicator_id};{2024 + i // 12}-{i % 12 + 1:02d};{v}" for i, v in enumerate(values)
    ]
    (root / "data" / "raw" / "measurements").mkdir(parents=True)
    (root / "data" / "raw" / "measurements" / "misure.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["run", "--root", str(root), "--skip-reports", "--period", "2025-S2"]) == 0
    spc = pd.read_csv(root / "data" / "processed" / "spc.csv")
    assert "neutral_low" in set(spc["variation"])
    assert not set(spc["variation"].dropna()) & {"improvement", "concern"}
    summary = pd.read_csv(root / "data" / "processed" / "indicator_summary.csv")
    assert summary["variation"].iloc[0] in {"neutral_low", "neutral_high", "common_cause"}
    opportunities = pd.read_csv(root / "data" / "processed" / "opportunities.csv")
    assert not opportunities["reason"].fillna("").str.contains("target", case=False).any()
