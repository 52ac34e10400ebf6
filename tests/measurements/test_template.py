"""``kpi template``: the workbook an office fills in, and its round trip through ingest."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpilib.catalog.indicators import read_indicators
from kpilib.cli import main
from kpilib.core.periods import Period
from kpilib.measurements.files import read_measurement_file
from kpilib.measurements.template import build_workbook, template_rows
from tests.helpers import catalog, indicator

DIRECTION = "STRUTTURE DI SUPPORTO ALLE FUNZIONI DEL SINDACO ex GABINETTO DEL SINDACO"


def office_sheets(workbook):
    """The sheets an office fills (one per office with --out): all but the instructions and the hidden one."""
    return [sheet for sheet in workbook.worksheets if sheet.title not in ("Istruzioni", "modello")]


@pytest.fixture
def template(root):
    assert main(["catalog", "--root", str(root.root)]) == 0
    out = root.root / "modello.xlsx"
    assert (
        main(
            [
                "template",
                "--root",
                str(root.root),
                "--direction",
                DIRECTION.lower(),
                "--period",
                "2025-S2",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return root, out


def test_one_row_per_indicator_and_period_due(template):
    root, out = template
    sheets = office_sheets(load_workbook(out))
    sheet = sheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["indicatore", "periodo"] and {"valore", "numeratore", "denominatore", "note"} <= set(header)
    rows = pd.concat(
        [pd.DataFrame([[c.value for c in row] for row in one.iter_rows(min_row=2)], columns=header) for one in sheets]
    )
    assert all(len({row[2] for row in one.iter_rows(min_row=2, values_only=True)}) == 1 for one in sheets)  # per office
    indicators = read_indicators(root.indicators).set_index("indicator_id")
    basis = rows["indicatore"].map(indicators["basis"])
    months = [f"2025-{m:02d}" for m in range(7, 13)]
    assert sorted(rows.loc[basis == "monthly", "periodo"]) == months
    assert set(rows.loc[basis == "annual", "periodo"]) == {"2025"}
    assert set(rows.loc[basis == "semiannual", "periodo"]) == {"2025-S2"}
    # no basis in the catalog and nothing measured yet: monthly, so that every value lands in a monthly series;
    # a count (theses received per call, at least 10) is asked for the period itself, never chased monthly
    unit = rows["indicatore"].map(indicators["target_unit"])
    for _, periods in rows.loc[(basis == "") & (unit != "number"), ["indicatore", "periodo"]].groupby("indicatore")[
        "periodo"
    ]:
        assert sorted(periods) == months
    counts = rows.loc[(basis == "") & (unit == "number")]
    assert len(counts) >= 1 and set(counts["periodo"]) == {"2025-S2"}
    assert rows["indicatore"].nunique() == 15 and len(rows) == 6 + 3 + 2 + (9 - len(counts)) * 6 + len(counts)
    assert rows["valore"].isna().all()
    assert sheet.freeze_panes == "A2"
    visits = rows[rows["descrizione indicatore"].str.startswith("PERCENTUALE DI VISITE")]
    assert visits["target"].tolist() == ["almeno 70%"] * 6


def test_value_column_is_validated_and_instructions_are_in_italian(template):
    _, out = template
    workbook = load_workbook(out)
    validations = [v for sheet in office_sheets(workbook) for v in sheet.data_validations.dataValidation]
    values = [v for v in validations if v.type == "custom" and "G" in str(v.sqref)]
    assert values and all(v.allow_blank for v in values)
    percent = next(v for v in values if "<=100" in v.formula1)
    for word in ("n.d.", "nd", "-", "non disponibile"):  # what the ingest reads as "not available"
        assert f'="{word}"' in percent.formula1, word
    assert percent.formula1.startswith("OR(AND(ISNUMBER(G")
    assert any("H" in str(v.sqref) and v.operator == "greaterThanOrEqual" for v in validations)
    text = " ".join(str(row[0].value) for row in workbook["Istruzioni"].iter_rows() if row[0].value)
    assert "Come compilare" in text and "percentuale" in text


def test_filled_template_round_trips_with_nothing_rejected(template):
    root, out = template
    workbook = load_workbook(out)
    header = [cell.value for cell in office_sheets(workbook)[0][1]]
    column = {name: header.index(name) + 1 for name in header}
    indicators = read_indicators(root.indicators).set_index("indicator_id")
    expected = {}
    for sheet, row in ((one, row) for one in office_sheets(workbook) for row in range(2, one.max_row + 1)):
        indicator_id, period = sheet.cell(row, 1).value, sheet.cell(row, 2).value
        if indicators.loc[indicator_id, "target_unit"] == "percent":
            sheet.cell(row, column["numeratore"], 37)
            sheet.cell(row, column["denominatore"], 40)
            expected[(indicator_id, period)] = 92.5
        else:
            sheet.cell(row, column["valore"], row)
            expected[(indicator_id, period)] = float(row)
    root.measurements_dir.mkdir(parents=True)
    workbook.save(root.measurements_dir / "filled.xlsx")
    assert main(["ingest", "--root", str(root.root), "--strict"]) == 0
    measurements = pd.read_csv(root.measurements)
    assert pd.read_csv(root.measurement_rejects).empty
    got = dict(
        zip(zip(measurements["indicator_id"], measurements["period"], strict=True), measurements["value"], strict=True)
    )
    assert got == pytest.approx(expected)


def test_catalog_text_is_never_a_formula():
    hostile = catalog(indicator("kpi-1", process='=HYPERLINK("http://x")', office="+SUM(A1)", indicator="@cmd"))
    hostile["direction"] = "-D"
    data = build_workbook(template_rows(hostile, "-D", Period(2025, "year")), "-D", Period(2025, "year"))
    import io

    sheet = load_workbook(io.BytesIO(data))["Misure"]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    assert {cell.value for cell in cells} >= {'=HYPERLINK("http://x")', "+SUM(A1)"}
    assert all(cell.data_type == "s" for cell in cells)


def test_same_catalog_gives_byte_identical_templates():
    rows = template_rows(catalog(indicator("kpi-1", basis="monthly")), "DIREZIONE TEST", Period(2025, "quarter", 1))
    assert len(rows) == 3
    first = build_workbook(rows, "DIREZIONE TEST", Period(2025, "quarter", 1))
    assert build_workbook(rows, "DIREZIONE TEST", Period(2025, "quarter", 1)) == first


def test_unknown_direction_or_period_is_a_plain_error(template, capsys):
    root, _ = template
    assert main(["template", "--root", str(root.root), "--direction", "DIREZIONE X", "--period", "2025-S2"]) == 2
    assert main(["template", "--root", str(root.root), "--direction", DIRECTION, "--period", "S3"]) == 2
    err = capsys.readouterr().err
    assert "is not in the catalog" in err and "period not understood" in err


@pytest.mark.parametrize(
    "written", ["Gabinetto del Sindaco", "strutture di supporto alle funzioni del sindaco ex gabinetto del sindaco"]
)
def test_direction_written_loosely_or_by_a_unique_part_uses_the_catalog_spelling(shipped, tmp_path, written, capsys):
    from kpilib.measurements.template import run_template

    (out,) = run_template(shipped, written, "2025-S2", tmp_path / "modello.xlsx")
    catalog_name = read_indicators(shipped.indicators)["direction"].iloc[0]
    assert f"office(s) of {catalog_name}, 2025-S2" in capsys.readouterr().out
    from openpyxl import load_workbook

    assert catalog_name in load_workbook(out)["Istruzioni"]["A1"].value


def test_unknown_and_ambiguous_directions_list_the_candidates(shipped, tmp_path):
    from kpilib.catalog.indicators import resolve_direction
    from kpilib.core.errors import KpiError

    indicators = read_indicators(shipped.indicators)
    with pytest.raises(KpiError, match="not in the catalog \\(known: STRUTTURE"):
        resolve_direction(indicators, "Direzione Sport")
    two = pd.concat([indicators, indicators.assign(direction="DIREZIONE DEL SINDACO BIS")])
    with pytest.raises(KpiError, match="matches more than one: DIREZIONE DEL SINDACO BIS; STRUTTURE"):
        resolve_direction(two, "sindaco")


def test_a_letter_o_in_a_period_gets_a_hint():
    from kpilib.core.periods import parse_period

    with pytest.raises(ValueError, match="letter O for zero\\? '2026-03'"):
        parse_period("2O26-03")


def test_without_basis_the_template_asks_at_the_granularity_already_measured(shipped, tmp_path):
    from kpilib.measurements.processed import read_measurements

    indicators = read_indicators(shipped.indicators)
    measured = read_measurements(shipped.measurements)
    rows = template_rows(indicators, "gabinetto del sindaco", Period(2025, "semester", 2), measured)
    theses = indicators.loc[indicators["sub_indicator"] != "", "indicator_id"]  # sent once a semester so far
    assert set(rows.loc[rows["indicatore"].isin(theses), "periodo"]) == {"2025-S2"}
    visits = indicators.loc[indicators["indicator"].str.contains("VISITE"), "indicator_id"].iloc[0]
    assert rows.loc[rows["indicatore"] == visits, "periodo"].tolist() == [f"2025-{m:02d}" for m in range(7, 13)]


def test_a_partly_filled_template_in_italian_round_trips_into_the_monthly_series(template):
    """Italian numbers, units and n.d. exactly as written; empty rows are missing, not rejected."""
    root, out = template
    workbook = load_workbook(out)
    header = [cell.value for cell in office_sheets(workbook)[0][1]]
    column = {name: header.index(name) + 1 for name in header}
    days = "kpi-11141a6a"  # governance lead time, days, no basis in the catalog
    written = {"2025-07": "12,5", "2025-08": "1.200", "2025-09": "9 gg", "2025-10": "n.d.", "2025-11": ""}
    notes = {"2025-10": "assemblea rinviata"}
    for sheet, row in ((one, row) for one in office_sheets(workbook) for row in range(2, one.max_row + 1)):
        if sheet.cell(row, 1).value == days and sheet.cell(row, 2).value in written:
            period = sheet.cell(row, 2).value
            sheet.cell(row, column["valore"]).value = written[period] or None
            sheet.cell(row, column["valore"]).data_type = "s"
            sheet.cell(row, column["note"]).value = notes.get(period)
    root.measurements_dir.mkdir(parents=True)
    workbook.save(root.measurements_dir / "compilato.xlsx")
    assert main(["ingest", "--root", str(root.root), "--strict"]) == 0
    assert pd.read_csv(root.measurement_rejects).empty
    measurements = pd.read_csv(root.measurements, keep_default_na=False, dtype=str)
    mine = measurements[measurements["indicator_id"] == days].set_index("period")
    assert mine.loc[["2025-07", "2025-08", "2025-09"], "value"].tolist() == ["12.5", "1200", "9"]
    assert (mine.loc["2025-10", "value"], mine.loc["2025-10", "note"]) == ("", "assemblea rinviata")
    assert not mine.index.isin(["2025-11", "2025-12"]).any()  # left blank: requested, not filled, not a measurement
    assert main(["evaluate", "--root", str(root.root), "--period", "2025-S2"]) == 0
    evaluation = pd.read_csv(root.evaluation, keep_default_na=False, dtype=str)
    series = evaluation[(evaluation["indicator_id"] == days) & (evaluation["series"] == "True")]
    assert series["period"].tolist()[:3] == ["2025-07", "2025-08", "2025-09"]
    summary = pd.read_csv(root.indicator_summary, keep_default_na=False, dtype=str).set_index("indicator_id")
    assert summary.loc[days, "missing_periods"] == "2025-10;2025-11;2025-12"
    assert summary.loc[days, "status"] == "not_met"  # 1200 days against 12 at most


def test_one_template_per_office_with_only_its_rows_and_a_hidden_sheet_naming_what_was_asked(template, capsys):
    root, _ = template
    assert main(["template", "--root", str(root.root), "--direction", DIRECTION, "--period", "2025-S2"]) == 0
    written = sorted(root.templates_dir.glob("*.xlsx"))
    indicators = read_indicators(root.indicators)
    offices = sorted(indicators.loc[indicators["direction"] == DIRECTION, "office"].unique())
    assert len(written) == len(offices) > 1
    seen = set()
    for path in written:
        workbook = load_workbook(path)
        about = dict(workbook["modello"].iter_rows(values_only=True))
        assert workbook["modello"].sheet_state == "hidden"
        assert about["direzione"] == DIRECTION and about["periodo"] == "2025-S2" and about["generato il"]
        rows = list(workbook["Misure"].iter_rows(min_row=2, values_only=True))
        assert rows and {row[2] for row in rows} == {about["ufficio"]}  # only that office's rows
        assert read_measurement_file(path, path.name).remarks == []  # its own hidden sheet is not a remark
        seen.add(about["ufficio"])
    assert seen == set(offices)
    # one office, matched as --direction is (a unique part of its name, any case)
    for path in written:
        path.unlink()

    def template(*extra):
        return main(["template", "--root", str(root.root), "--direction", DIRECTION, "--period", "2025-S2", *extra])

    assert template("--office", "affari legali") == 0
    (only,) = root.templates_dir.glob("*.xlsx")
    assert (
        dict(load_workbook(only)["modello"].iter_rows(values_only=True))["ufficio"]
        == "UNITÀ AFFARI LEGALI NOMINE INCARICHI"
    )
    assert template("--office", "nessuno") == 2
    assert "is not in the catalog" in capsys.readouterr().err


def test_the_printed_template_repeats_its_header_on_one_page_width(template):
    _, out = template
    sheet = office_sheets(load_workbook(out))[0]
    assert (
        sheet.print_title_rows == "$1:$1"
        and sheet.page_setup.fitToWidth == 1
        and sheet.sheet_properties.pageSetUpPr.fitToPage
    )
