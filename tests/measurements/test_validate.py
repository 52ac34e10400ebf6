import pandas as pd
import pytest

from kpilib.core.numbers import NotANumber, Written, read_number
from kpilib.core.periods import periods
from kpilib.measurements.validate import validate_deliveries, validate_measurements
from tests.helpers import catalog, indicator, records

CATALOG = catalog(
    indicator("kpi-pct"),
    indicator("kpi-days", unit="days", op="<=", value=12),
    indicator("kpi-count", unit="number", value=10),
    indicator("kpi-month", unit="number", value=10, basis="monthly"),
    indicator("kpi-nota", unit="", op="", value=None),
)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("92,5", 92.5, None),
        ("92.5", 92.5, None),
        ("92,5%", 92.5, "percent"),
        ("92,5 %", 92.5, "percent"),
        ("12", 12, None),
        ("1.234,5", 1234.5, None),
        ("1,234.5", 1234.5, None),
        ("-3", -3, None),
        ("\u00a07 ", 7, None),
        ("48 gg", 48, "days"),
        ("12 giorni", 12, "days"),
        ("3 gg. lavorativi", 3, "working_days"),
        ("24 ore", 24, "hours"),
    ],
)
def test_numbers_as_offices_write_them(text, value, unit):
    assert read_number(text, None) == Written(value, unit)


@pytest.mark.parametrize("text", ["abc", "12a", "1,2,3", "--1", "%", "nan", "inf", "1e5", "5 kg"])
def test_not_numbers(text):
    with pytest.raises(NotANumber):
        read_number(text, None)


def accepted_and_rejected(*rows):
    return validate_measurements(records(*rows), CATALOG)


def test_values_and_italian_periods_accepted():
    measurements, rejects = accepted_and_rejected(
        ("kpi-pct", "1° semestre 2025", "92,5"),
        ("kpi-pct", "2025-S2", "92,5%"),
        ("kpi-days", "gennaio 2025", "12"),
        ("kpi-month", "2025-02", "11"),
        ("KPI-COUNT", "anno 2024", "15"),
    )
    assert rejects.empty
    expected = pd.DataFrame(
        {
            "indicator_id": ["kpi-count", "kpi-days", "kpi-month", "kpi-pct", "kpi-pct"],
            "period": periods(["2024", "2025-01", "2025-02", "2025-S1", "2025-S2"]),  # values, not texts
            "value": [15.0, 12.0, 11.0, 92.5, 92.5],
        }
    )
    pd.testing.assert_frame_equal(measurements[["indicator_id", "period", "value"]], expected)


def test_ratio_gives_the_value_and_keeps_numerator_and_denominator():
    measurements, rejects = accepted_and_rejected(
        ("kpi-pct", "2025-S1", "", "37", "40"), ("kpi-pct", "2025-S2", "92,53", "37", "40")
    )
    assert rejects.empty
    assert measurements["value"].tolist() == pytest.approx([92.5, 92.53])
    assert measurements[["numerator", "denominator"]].to_numpy().tolist() == [[37, 40], [37, 40]]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (("kpi-zzz", "2025-S1", "10"), "indicatore sconosciuto"),
        (("", "2025-S1", "10"), "indicatore mancante"),
        (("kpi-pct", "semestre 1", "10"), "periodo non riconosciuto"),
        (("kpi-pct", "", "10"), "periodo mancante"),
        (("kpi-pct", "2025-S1", "dieci"), "valore non numerico"),
        (("kpi-pct", "2025-S1", "120"), "fuori dall'intervallo 0-100"),
        (("kpi-pct", "2025-S1", "-1%"), "fuori dall'intervallo 0-100"),
        (("kpi-days", "2025-S1", "-2"), "valore negativo"),
        (("kpi-count", "2025-S1", "-1"), "valore negativo"),
        (("kpi-days", "2025-S1", "80%"), "valore in percentuale"),
        (("kpi-pct", "2025-S1", "", "41", "40"), "maggiore del denominatore"),
        (("kpi-pct", "2025-S1", "", "4", "0"), "denominatore non positivo"),
        (("kpi-pct", "2025-S1", "", "-4", "10"), "numeratore negativo"),
        (("kpi-pct", "2025-S1", "", "4", ""), "manca il denominatore"),
        (("kpi-pct", "2025-S1", "", "", "4"), "manca il numeratore"),
        (("kpi-pct", "2025-S1", "", "x", "4"), "numeratore non numerico"),
        (("kpi-pct", "2025-S1", "90", "37", "40"), "non coerente con numeratore/denominatore"),
        (("kpi-days", "2025-S1", "3", "1", "2"), "solo per indicatori in percentuale"),
        (("kpi-month", "2025-S1", "60"), "più ampio della base dell'indicatore (mensile)"),
        (("kpi-month", "2025", "60"), "più ampio della base"),
    ],
)
def test_each_kind_of_bad_row_is_rejected_with_a_reason(row, reason):
    measurements, rejects = accepted_and_rejected(row)
    assert measurements.empty
    assert rejects[["source", "row"]].to_dict("records") == [{"source": "misure.csv", "row": 2}]
    assert reason in rejects["reason"].iloc[0]


def test_ratio_tolerance_is_five_hundredths_of_a_point():
    measurements, rejects = accepted_and_rejected(
        ("kpi-pct", "2025-S1", "92,55", "37", "40"), ("kpi-pct", "2025-S2", "92,56", "37", "40")
    )
    assert measurements["period"].tolist() == ["2025-S1"]
    assert rejects["row"].tolist() == [3]


def test_indicator_without_target_takes_any_number():
    measurements, rejects = accepted_and_rejected(("kpi-nota", "2025", "-4,5"))
    assert rejects.empty and measurements["value"].tolist() == [-4.5]


def test_conflicting_values_reject_every_copy_each_naming_the_others():
    measurements, rejects = accepted_and_rejected(
        ("kpi-pct", "2025-S1", "90"), ("kpi-pct", "1° semestre 2025", "85"), ("kpi-pct", "2025-S1", "90,0")
    )
    assert measurements.empty
    assert rejects["row"].tolist() == [2, 3, 4]
    assert rejects["reason"].str.startswith("valori in conflitto").all()
    assert "misure.csv riga 3" in rejects["reason"].iloc[0] and "misure.csv riga 4" in rejects["reason"].iloc[0]
    assert "misure.csv riga 2" in rejects["reason"].iloc[1]


def test_later_identical_copies_are_rejected_as_duplicates():
    measurements, rejects = accepted_and_rejected(("kpi-pct", "2025-S1", "90"), ("kpi-pct", "2025-S1", "90,0%"))
    assert measurements["row"].tolist() == [2]
    assert rejects["row"].tolist() == [3]
    assert rejects["reason"].iloc[0] == "copia identica di misure.csv riga 2"


def test_validation_does_not_mutate_its_inputs():
    given = records(("kpi-pct", "2025-S1", "90"))
    before, catalog_before = given.copy(), CATALOG.copy()
    validate_measurements(given, CATALOG)
    pd.testing.assert_frame_equal(given, before)
    pd.testing.assert_frame_equal(CATALOG, catalog_before)


def test_a_period_outside_the_years_handled_is_rejected_as_a_typo_and_minus_zero_is_zero():
    indicators = catalog(indicator("kpi-a", unit="number", op=">=", value=1))
    accepted, rejects = validate_measurements(
        records(("kpi-a", "0000-01", "3"), ("kpi-a", "2025-01", "-0")), indicators
    )
    assert rejects["reason"].tolist() == [
        "periodo fuori dagli anni gestiti (1990-2100): '0000-01' (errore di battitura?)"
    ]
    assert accepted["value"].tolist() == [0.0] and str(accepted["value"].iloc[0]) == "0.0"


def test_a_blank_row_is_neither_a_measurement_nor_a_reject_but_a_requested_value_not_filled():
    validated = validate_deliveries(records(("kpi-pct", "2025-S1", ""), ("kpi-days", "2025-S1", "")), CATALOG)
    assert validated.measurements.empty and validated.rejects.empty and validated.ledger.empty
    assert validated.blanks[["indicator_id", "period"]].values.tolist() == [
        ["kpi-pct", "2025-S1"],
        ["kpi-days", "2025-S1"],
    ]


def test_other_offices_blank_rows_in_a_shared_template_are_not_rejects():
    shared = pd.concat(
        [
            records(("kpi-pct", "2025-S1", ""), ("kpi-days", "2025-S1", "12"), source="ufficio_a.xlsx"),
            records(("kpi-pct", "2025-S1", "90"), ("kpi-days", "2025-S1", ""), source="ufficio_b.xlsx"),
        ]
    )
    validated = validate_deliveries(shared, CATALOG)
    assert validated.rejects.empty
    assert dict(zip(validated.measurements["indicator_id"], validated.measurements["source"], strict=True)) == {
        "kpi-days": "ufficio_a.xlsx",
        "kpi-pct": "ufficio_b.xlsx",
    }


def test_a_row_with_only_a_note_keeps_its_note_and_gives_way_to_a_value():
    alone = validate_deliveries(records(("kpi-pct", "2025-S1", "", "", "", "ufficio chiuso")), CATALOG)
    assert alone.measurements["note"].tolist() == ["ufficio chiuso"] and alone.rejects.empty
    both = pd.concat(
        [
            records(("kpi-pct", "2025-S1", "", "", "", "vedi altro file"), source="modello.xlsx"),
            records(("kpi-pct", "2025-S1", "90")),
        ]
    )
    measurements, rejects = validate_measurements(both, CATALOG)
    assert measurements["value"].tolist() == [90.0] and measurements["source"].tolist() == ["misure.csv"]
    assert rejects["code"].tolist() == ["blank_beside_value"]


def test_not_available_without_a_word_of_why_says_so_in_the_note():
    measurements, rejects = validate_measurements(records(("kpi-pct", "2025-S1", "n.d.")), CATALOG)
    assert rejects.empty and measurements["note"].tolist() == ["non disponibile"]
    assert measurements["value"].isna().all()


def test_every_reject_carries_its_code_the_indicator_and_the_period_it_names():
    from kpilib.core.codes import CODES

    indicators = catalog(indicator("kpi-1"), indicator("kpi-2", unit="days", op="<=", value=30))
    _, rejects = validate_measurements(
        records(
            ("kpi-1", "2025-01", "120"),
            ("kpi-x", "2025-02", "50"),
            ("kpi-2", "2025-O3", "5"),
            ("kpi-1", "2025-04", "1.200"),
            ("kpi-2", "gennaio 2025", "4 %"),
        ),
        indicators,
    )
    assert rejects[["row", "code", "indicator_id", "period"]].to_dict("records") == [
        {"row": 2, "code": "percent_out_of_range", "indicator_id": "kpi-1", "period": "2025-01"},
        {"row": 3, "code": "unknown_indicator", "indicator_id": "kpi-x", "period": "2025-02"},
        {"row": 4, "code": "unrecognized_period", "indicator_id": "kpi-2", "period": "2025-O3"},
        {"row": 5, "code": "ambiguous_number", "indicator_id": "kpi-1", "period": "2025-04"},
        {"row": 6, "code": "wrong_unit", "indicator_id": "kpi-2", "period": "2025-01"},
    ]
    assert set(rejects["code"]) <= set(CODES)
    assert rejects.loc[3, "suggestion"] == "scrivere 1200 oppure 1,2"


def test_the_return_workbook_suggestion_keys_on_the_code_not_the_wording():
    from kpilib.core.codes import CODES
    from kpilib.measurements.feedback import suggestion

    plain = [code for code in CODES.values() if code.suggestion and "{" not in code.suggestion]
    assert len(plain) > 20
    for code in plain:
        assert suggestion({"period": "zzz", "indicator_id": "zzz"}, code.code, []) == code.suggestion, code.code
    assert suggestion({"period": "2O25-03"}, "unrecognized_period", []) == "forse 2025-03?"
    assert suggestion({"indicator_id": "kpi-1"}, "unknown_indicator", ["kpi-1a"]) == "forse kpi-1a?"


def _deliveries(*files):
    """(source, delivered_on, rows...) per delivery, in the order given."""
    return pd.concat([records(*rows, source=source, delivered_on=on) for source, on, *rows in files], ignore_index=True)


def test_a_later_dated_delivery_corrects_the_value_and_the_old_one_is_kept():
    validated = validate_deliveries(
        _deliveries(
            ("2026-01-20_correzione.csv", "2026-01-20", ("kpi-days", "2025-08", "10", "", "", "rettifica")),
            ("2026-01-10_misure.csv", "2026-01-10", ("kpi-days", "2025-08", "9"), ("kpi-days", "2025-09", "7")),
        ),
        CATALOG,
    )
    assert validated.rejects.empty
    in_force = validated.measurements.set_index("period")["value"]
    assert in_force["2025-08"] == 10.0 and in_force["2025-09"] == 7.0
    expected = pd.DataFrame(
        {
            "indicator_id": ["kpi-days"],
            "period": periods(["2025-08"]),
            "old_value": [9.0],
            "new_value": [10.0],
            "old_note": [""],
            "new_note": ["rettifica"],
            "old_source": ["2026-01-10_misure.csv"],
            "old_row": [2],
            "new_source": ["2026-01-20_correzione.csv"],
            "new_row": [2],
            "old_delivered_on": ["2026-01-10"],
            "new_delivered_on": ["2026-01-20"],
        }
    )
    pd.testing.assert_frame_equal(validated.corrections, expected, check_dtype=False)
    ledger = validated.ledger
    outcomes = dict(zip(zip(ledger["source"], ledger["row"], strict=True), ledger["outcome"], strict=True))
    assert outcomes == {
        ("2026-01-10_misure.csv", 2): "superseded",
        ("2026-01-10_misure.csv", 3): "accepted",
        ("2026-01-20_correzione.csv", 2): "corrected",
    }


def test_the_same_value_resent_is_one_measurement_confirmed_not_a_reject():
    validated = validate_deliveries(
        _deliveries(
            ("a.csv", "", ("kpi-days", "2025-08", "9")), ("b.csv", "2026-02-01", ("kpi-days", "2025-08", "9,0"))
        ),
        CATALOG,
    )
    assert validated.rejects.empty and validated.corrections.empty
    assert validated.measurements["source"].tolist() == ["a.csv"]
    assert validated.ledger["outcome"].tolist() == ["accepted", "confirmed"]


@pytest.mark.parametrize(("first", "second"), [("", ""), ("2026-01-10", ""), ("2026-01-10", "2026-01-10")])
def test_deliveries_that_disagree_and_cannot_be_ordered_by_date_are_a_conflict_saying_how_to_date(first, second):
    validated = validate_deliveries(
        _deliveries(("a.csv", first, ("kpi-days", "2025-08", "9")), ("b.csv", second, ("kpi-days", "2025-08", "10"))),
        CATALOG,
    )
    assert validated.measurements.empty and validated.corrections.empty
    assert validated.rejects["code"].tolist() == ["undated_conflict", "undated_conflict"]
    assert "2026-01-15_misure.xlsx" in validated.rejects.loc[0, "suggestion"]
    assert "b.csv riga 2 (valore 10)" in validated.rejects.loc[0, "reason"]


def test_conflicting_values_inside_one_delivery_stay_rejected_even_beside_another_delivery():
    validated = validate_deliveries(
        _deliveries(
            ("2026-01-10_a.csv", "2026-01-10", ("kpi-days", "2025-08", "9"), ("kpi-days", "2025-08", "11")),
            ("2026-01-20_b.csv", "2026-01-20", ("kpi-days", "2025-08", "10")),
        ),
        CATALOG,
    )
    assert validated.rejects["code"].tolist() == ["conflicting_values", "conflicting_values"]
    assert validated.measurements["value"].tolist() == [10.0] and validated.corrections.empty
