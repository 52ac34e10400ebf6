import random

import numpy as np
import pandas as pd
from fixture_root import SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilib.catalog.indicators import build_indicators, indicator_id
from kpilib.catalog.sources import CatalogRow, read_catalog_rows

HEADER = "DIREZIONE\tAREA\tUNITÀ/UFFICIO\tTITOLO PROCESSO\tINDICATORE\tTARGET OBIETTIVO"

# The seed as a reviewer reads it: (office start, indicator start, sub, op, value, unit, polarity,
# basis, deadline value, deadline unit, percentile).
SEED_READING = [
    ("UNITÀ DI COORDINAMENTO", "VALUTAZIONE E ATTRIBUZIONE", "", "<=", 53, "days", "lower", "", None, "", None),
    ("UNITÀ RELAZIONI", "TEMPO MASSIMO DI INOLTRO", "", "<=", 25, "days", "lower", "", None, "", 90),
    ("UNITÀ AMMINISTRATIVA", "PERCENTUALE DI DETERMINAZIONI", "", ">=", 90, "percent", "higher", "", 15, "days", None),
    ("UNITÀ AFFARI LEGALI", "PREMIO MARRA", "PREMIO MARRA", ">=", 10, "number", "higher", "", None, "", None),
    ("UNITÀ AFFARI LEGALI", "PREMIO MARRA", "PREMIO AMBROSOLI", ">=", 10, "number", "higher", "", None, "", None),
    ("UNITÀ GOVERNANCE", "N. DI GIORNI", "", "<=", 12, "days", "lower", "", None, "", None),
    ("UFFICIO VALORIZZAZIONE", "PERCENTUALE DI VISITE", "", ">=", 70, "percent", "higher", "", None, "", None),
    ("UNITÀ DI GESTIONE SEDI", "CAPACITÀ DI MESSA", "", ">=", 95, "percent", "higher", "", None, "", None),
    (
        "UFFICIO CREATIVITA'",
        "PERCENTUALE DI RICHIESTE SODDISFATTE FRA",
        "",
        ">=",
        80,
        "percent",
        "higher",
        "annual",
        None,
        "",
        None,
    ),
    (
        "UNITÀ PIANIFICAZIONE",
        "PERCENTUALI DI MEDIA PLANNING",
        "",
        ">=",
        80,
        "percent",
        "higher",
        "annual",
        None,
        "",
        None,
    ),
    (
        "UNITÀ REDAZIONE",
        "PERCENTUALE DI RICHIESTE EVASE",
        "",
        ">=",
        80,
        "percent",
        "higher",
        "",
        3,
        "working_days",
        None,
    ),
    (
        "UNITÀ REDAZIONE",
        "PERCENTUALE DI RICHIESTE SODDISFATTE IN",
        "",
        ">=",
        80,
        "percent",
        "higher",
        "annual",
        None,
        "",
        None,
    ),
    ("UNITÀ REDAZIONE", "NUMERO DI INVII NEWSLETTER", "", ">=", 10, "number", "higher", "monthly", None, "", None),
    ("UNITÀ REDAZIONE", "NUMERO DI DOCUMENTI", "", ">=", 60, "number", "higher", "semiannual", None, "", None),
    ("UNITÀ REDAZIONE", "PERCENTUALI DI NEWS", "", ">=", 90, "percent", "higher", "semiannual", 1, "days", None),
]


def seed_indicators():
    indicators, rejects, warnings = build_indicators(read_catalog_rows(SEED, "seed.txt"))
    return indicators, rejects, warnings


def test_seed_gives_fifteen_indicators_as_a_reviewer_reads_them():
    indicators, rejects, warnings = seed_indicators()
    assert len(indicators) == 15
    assert rejects.empty and warnings == []
    for office, text, sub, op, value, unit, polarity, basis, deadline, deadline_unit, percentile in SEED_READING:
        match = indicators[
            indicators["office"].str.startswith(office)
            & indicators["indicator"].str.startswith(text)
            & (indicators["sub_indicator"] == sub)
        ]
        assert len(match) == 1, (office, text, sub)
        row = match.iloc[0]
        assert (row.target_op, row.target_value, row.target_unit, row.polarity, row.basis) == (
            op,
            value,
            unit,
            polarity,
            basis,
        ), text
        assert (row.deadline_unit, _none(row.deadline_value), _none(row.percentile)) == (
            deadline_unit,
            deadline,
            percentile,
        ), text
    assert set(indicators["direction"]) == {"STRUTTURE DI SUPPORTO ALLE FUNZIONI DEL SINDACO ex GABINETTO DEL SINDACO"}


def _none(value):
    return None if pd.isna(value) else value


def test_seed_area_placeholder_becomes_empty():
    indicators, _, _ = seed_indicators()
    benemerenze = indicators[indicators["process"] == "ATTRIBUZIONE CIVICHE BENEMERENZE"]
    assert benemerenze["area"].tolist() == [""]
    assert (indicators["area"] != "").sum() == 13


def test_ids_are_unique_short_and_sorted():
    indicators, _, _ = seed_indicators()
    assert indicators["indicator_id"].is_unique
    assert indicators["indicator_id"].str.fullmatch(r"kpi-[0-9a-f]{8}").all()
    assert indicators["indicator_id"].is_monotonic_increasing


def test_page_text_blank_lines_and_repeated_headers_are_skipped():
    lines = ["Pagina del Comune", "", HEADER, "D\t/\tU\tP\tI\t90%", "", HEADER, "D\t-\tU\tP2\tI2\t5 GG"]
    indicators, rejects, _ = build_indicators(_rows_under(lines))
    assert len(indicators) == 2 and rejects.empty
    assert indicators["area"].tolist() == ["", ""]


def _rows_under(lines):
    from kpilib.catalog.sources import _rows_under_headers

    return _rows_under_headers([line.split("\t") for line in lines], "t.txt")


def test_wrong_field_count_is_rejected_with_line_and_reason():
    lines = [HEADER, "D\tA\tU\tP\tI\t90%", "D\tA\tU\tP\tsolo cinque campi", "D\tA\tU\tP\tI2\t90%\textra"]
    indicators, rejects, _ = build_indicators(_rows_under(lines))
    assert len(indicators) == 1
    assert rejects["row"].tolist() == [3, 4]
    assert rejects["reason"].str.contains("numero di campi errato").all()
    assert rejects["raw"].iloc[0] == "D\tA\tU\tP\tsolo cinque campi"


def test_trailing_empty_cells_are_tolerated():
    indicators, rejects, _ = build_indicators(_rows_under([HEADER, "D\tA\tU\tP\tI\t90%\t\t"]))
    assert len(indicators) == 1 and rejects.empty


def test_exact_duplicates_count_once_and_are_listed():
    lines = [HEADER, "D\tA\tU\tP\tI\t90%", "D\tA\tU\tP\tI\t90%", "d \ta\tu\u00a0\tp\ti\t90%"]
    indicators, rejects, _ = build_indicators(_rows_under(lines))
    assert len(indicators) == 1
    assert rejects["row"].tolist() == [3, 4]
    assert rejects["reason"].str.startswith("riga duplicata").all()


def test_same_indicator_with_different_targets_rejects_every_copy():
    lines = [HEADER, "D\tA\tU\tP\tI\t90%", "D\tA\tU\tP\tI\t80%"]
    indicators, rejects, _ = build_indicators(_rows_under(lines))
    assert indicators.empty
    assert rejects["row"].tolist() == [2, 3]
    assert "riga 3" in rejects["reason"].iloc[0] and "riga 2" in rejects["reason"].iloc[1]


def test_unparseable_target_keeps_the_indicator_with_a_warning():
    indicators, rejects, warnings = build_indicators(_rows_under([HEADER, "D\tA\tU\tP\tI\tDA DEFINIRE"]))
    assert len(indicators) == 1 and rejects.empty
    row = indicators.iloc[0]
    assert row.target_raw == "DA DEFINIRE" and row.target_op == "" and pd.isna(row.target_value)
    assert len(warnings) == 1 and "DA DEFINIRE" in warnings[0]


def test_whitespace_collapsed_and_most_frequent_spelling_displayed():
    lines = [
        HEADER,
        "Direzione  Cultura\tArea\u00a0Musei\tUfficio Mostre\tP1\tI1\t90%",
        "DIREZIONE CULTURA\tAREA MUSEI\tUFFICIO MOSTRE\tP2\tI2\t90%",
        "DIREZIONE CULTURA\tAREA MUSEI\tUfficio  mostre\tP3\tI3\t90%",
    ]
    indicators, _, _ = build_indicators(_rows_under(lines))
    assert set(indicators["direction"]) == {"DIREZIONE CULTURA"}
    assert set(indicators["area"]) == {"AREA MUSEI"}
    assert set(indicators["office"]) == {"UFFICIO MOSTRE"}


def test_compound_target_without_labels_numbers_the_parts():
    indicators, _, _ = build_indicators(_rows_under([HEADER, "D\tA\tU\tP\tTESI E PROGETTI\t≥10 ≥5"]))
    assert indicators.sort_values("sub_indicator")["sub_indicator"].tolist() == ["1", "2"]
    assert sorted(indicators["target_value"]) == [5, 10]


def test_indicator_id_ignores_case_and_spacing():
    assert indicator_id("Dir", "Uff", "Proc", "Ind", "") == indicator_id("DIR ", "uff", "proc", " IND", "")
    assert indicator_id("Dir", "Uff", "Proc", "Ind", "A") != indicator_id("Dir", "Uff", "Proc", "Ind", "B")


@settings(max_examples=30, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=0, max_value=13))
def test_property_ids_stable_when_rows_reordered_added_or_removed(rnd: random.Random, removed: int):
    seed_rows = read_catalog_rows(SEED, "seed.txt")
    reference, _, _ = build_indicators(seed_rows)
    shuffled = list(seed_rows)
    rnd.shuffle(shuffled)
    dropped = shuffled.pop(removed)
    extra = CatalogRow("seed.txt", 999, ("DIREZIONE NUOVA", "", "UFFICIO", "PROC", "IND", "90%"))
    result, _, _ = build_indicators([extra, *shuffled])
    kept = reference[
        ~reference["indicator"].eq(" ".join(dropped.fields[4].split()))
        | ~reference["office"].eq(" ".join(dropped.fields[2].split()))
    ]
    merged = kept.merge(result, on="indicator_id", suffixes=("", "_new"))
    assert len(merged) == len(kept)
    pd.testing.assert_series_equal(merged["indicator_id"], kept["indicator_id"].reset_index(drop=True))
    assert result["indicator_id"].is_unique
    assert np.sum(result["direction"] == "DIREZIONE NUOVA") == 1
