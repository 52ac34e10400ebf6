"""Report tables built from frames, without rendering a notebook."""

import pandas as pd

from kpilib.core.periods import Period, periods
from kpilib.reports import tables

SUMMARY = pd.DataFrame(
    {
        "indicator_id": ["kpi-y", "kpi-m"],
        "indicator": ["TESI PERVENUTE", "GIORNI DI ATTESA"],
        "sub_indicator": ["", ""],
        "office": ["UFFICIO A", "UFFICIO B"],
        "process": ["P", "Q"],
        "target_unit": ["number", "days"],
    }
)


def test_a_note_on_an_annual_value_appears_in_the_second_semester_that_shows_it():
    measurements = pd.DataFrame(
        {
            "indicator_id": ["kpi-y", "kpi-m", "kpi-m"],
            "period": periods(["2025", "2025-08", "2025-02"]),
            "value": [12.0, 30.0, 20.0],
            "note": ["bando chiuso a ottobre", "ferie", "fuori periodo"],
        }
    )
    evaluation = pd.DataFrame(
        {"indicator_id": ["kpi-y", "kpi-m"], "period": periods(["2025", "2025-08"]), "required": [True, True]}
    )
    html = tables.notes_table(measurements, SUMMARY, Period(2025, "semester", 2), evaluation)
    assert "bando chiuso a ottobre" in html and "ferie" in html and "fuori periodo" not in html
    without = tables.notes_table(measurements, SUMMARY, Period(2025, "semester", 2))
    assert "bando chiuso a ottobre" not in without  # only the periods inside the semester


def test_each_missing_value_says_why_and_which_office():
    summary = SUMMARY.assign(missing_periods=["2025", "2025-08;2025-09;2025-10"])
    measurements = pd.DataFrame(
        {"indicator_id": ["kpi-m"], "period": ["2025-09"], "value": [float("nan")], "note": ["sistema fermo"]}
    )
    rejects = pd.DataFrame(
        {
            "indicator_id": ["kpi-m", "kpi-y"],
            "period": ["2025-08", "2025"],
            "code": ["not_a_number", "not_computable_yet"],
            "reason": ["valore non numerico: 'trenta'", "nessun caso chiuso"],
        }
    )
    frame = tables.missing_frame(summary, measurements, rejects)
    expected = pd.DataFrame(
        {
            "Indicatore": ["TESI PERVENUTE"] + ["GIORNI DI ATTESA"] * 3,
            "Ufficio": ["UFFICIO A", "UFFICIO B", "UFFICIO B", "UFFICIO B"],
            "Periodo senza misura": ["2025", "2025-08", "2025-09", "2025-10"],
            "Perché": [
                "non ancora calcolabile: casi ancora aperti",
                "inviato e scartato: valore non numerico: 'trenta'",
                "dichiarato non disponibile: sistema fermo",
                "non inviato",
            ],
        }
    )
    pd.testing.assert_frame_equal(frame, expected)


def test_the_first_page_lists_untreated_nonconformities_then_opportunities_in_rank_order():
    opportunities = pd.DataFrame(
        {
            "rank": [2, 1, 3],
            "indicator_id": ["kpi-b", "kpi-a", "kpi-y"],
            "indicator": ["B", "A", "TESI PERVENUTE"],
            "sub_indicator": ["", "", ""],
            "office": ["UFFICIO B", "UFFICIO A", "UFFICIO A"],
            "kind": ["hit_and_miss", "not_met", "missing_data"],
            "period": periods(["2025-S2"] * 3),
        }
    )
    episodes = pd.DataFrame(
        {
            "indicator_id": ["kpi-y", "kpi-z", "kpi-w"],
            "label": ["TESI PERVENUTE", "Z", "W"],
            "office": ["UFFICIO A", "UFFICIO Z", "UFFICIO W"],
            "open": [True, True, True],
            "state": ["senza_azione", "azione_scaduta", "in_corso"],
            "first_period": periods(["2025-03", "2024-12", "2025-01"]),
            "action": ["", "nuova procedura", "formazione"],
            "owner": ["", "Rossi", "Bianchi"],
            "review_date": ["", "2025-09-30", "2026-06-30"],
        }
    )
    frame = tables.actions_frame(opportunities, episodes)
    assert frame["Indicatore"].tolist() == ["Z", "TESI PERVENUTE", "A", "B"]  # the action in progress is not listed
    assert frame.loc[0, "Chi"] == "Rossi" and "30/09/2025" in frame.loc[0, "Cosa fare"]
    assert frame.loc[0, "Da quando"] == "dicembre 2024"
    assert frame.loc[2, "Problema"] == "Target non raggiunto nel periodo"
    assert frame["N."].tolist() == [1, 2, 3, 4]


def test_rejects_that_need_no_action_are_a_count_not_rows():
    rejects = pd.DataFrame(
        {
            "source": ["a.csv", "a.csv", "casi.csv"],
            "row": [2, 3, None],
            "code": ["not_a_number", "duplicate_copy", "not_computable_yet"],
            "reason": ["valore non numerico: 'boh'", "copia identica di b.csv riga 2", "nessun caso chiuso"],
            "raw": ["kpi-1 | 2025-07 | boh", "kpi-1 | 2025-08 | 5", ""],
        }
    )
    html = tables.rejects_table(rejects)
    assert "boh" in html and "copia identica" not in html and "Altre 2 righe non usate" in html
