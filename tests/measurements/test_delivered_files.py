"""Files as offices really deliver them: every line seen by a hostile tester is a test here.

Nothing misread, nothing lost: every non-blank row ends in measurements.csv or in the
rejects with a reason a clerk can act on; what cannot be read is said on the console and
fails ``--strict``.
"""

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from kpilib.cli import main

DAYS = "kpi-11141a6a"  # governance lead time, days, no basis
VISITS = "kpi-3134874b"  # guided visits, percent
NEWSLETTER = "kpi-05af91ef"  # newsletters sent, number, monthly


@pytest.fixture
def deliver(root):
    assert main(["catalog", "--root", str(root.root)]) == 0
    folder = root.measurements_dir
    folder.mkdir(parents=True)

    def run(name: str, content: str | bytes, *options: str):
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        status = main(["ingest", "--root", str(root.root), *options])
        measurements = pd.read_csv(root.measurements, dtype=str, keep_default_na=False)
        rejects = pd.read_csv(root.measurement_rejects, dtype=str, keep_default_na=False)
        return status, measurements.set_index("row"), rejects.set_index("row")

    return run


def test_italian_thousands_are_read_as_an_italian_writer_means_them(deliver):
    status, measurements, rejects = deliver(
        "m.csv",
        f"indicatore;periodo;valore\n{DAYS};2024-01;1.234\n{DAYS};2024-02;3.000\n{DAYS};2024-03;12,5\n",
    )
    assert status == 0 and rejects.empty
    assert measurements["value"].tolist() == ["1234", "3000", "12.5"]


def test_a_file_that_shows_no_decimal_style_rejects_the_ambiguous_number(deliver):
    _, measurements, rejects = deliver("m.csv", f"indicatore;periodo;valore\n{DAYS};2024-01;1.234\n{DAYS};2024-02;7\n")
    assert measurements["value"].tolist() == ["7"]
    assert rejects.loc["2", "reason"].startswith("numero ambiguo: '1.234'")
    assert "scrivere 1234 oppure 1,234" in rejects.loc["2", "reason"]


def test_digits_split_by_a_space_and_an_unquoted_decimal_comma_are_rejected_not_joined(deliver):
    _, measurements, rejects = deliver(
        "m.csv", f"indicatore,periodo,valore\n{DAYS},2024-01,12 5\n{DAYS},2024-03,1,5\n{DAYS},2024-04,9\n"
    )
    assert measurements.index.tolist() == ["4"]
    assert rejects.loc["2", "reason"].startswith("cifre separate da spazi: '12 5'")
    assert rejects.loc["3", "reason"].startswith("più celle (4) che colonne nell'intestazione (3)")
    assert rejects.loc["3", "raw"] == f"{DAYS} | 2024-03 | 1 | 5"


def test_units_in_the_cell_are_accepted_when_they_are_the_indicators(deliver):
    _, measurements, rejects = deliver(
        "m.csv",
        f"indicatore;periodo;valore\n{DAYS};2024-01;48 gg\n{DAYS};2024-02;12 giorni\n{DAYS};2024-03;24 ore\n"
        f"{VISITS};2024-01;92,5 %\n{VISITS};2024-02;70 gg\n",
    )
    assert measurements.loc[["2", "3", "5"], "value"].tolist() == ["48", "12", "92.5"]
    assert rejects.loc["4", "reason"] == "valore in ore ('24 ore') per un indicatore espresso in giorni"
    assert rejects.loc["6", "reason"] == "valore in giorni ('70 gg') per un indicatore espresso in percentuale"


def test_not_available_keeps_the_row_with_its_note(deliver):
    status, measurements, rejects = deliver(
        "m.csv", f"indicatore;periodo;valore;note\n{VISITS};2024-01;n.d.;sala chiusa, bando prorogato a luglio\n"
    )
    assert status == 0 and rejects.empty
    row = measurements.loc["2"]
    assert (row["value"], row["note"]) == ("", "sala chiusa, bando prorogato a luglio")


def test_an_unclosed_quote_does_not_swallow_the_rows_below(deliver):
    status, measurements, rejects = deliver(
        "m.csv",
        f'indicatore,periodo,valore,note\n{DAYS},2024-01,5,"nota aperta\n{DAYS},2024-02,6,ok\n'
        f"{DAYS},2024-03,7,ok\n{DAYS},2024-04,8,ok\n",
        "--strict",
    )
    assert status == 1
    assert measurements.index.tolist() == ["3", "4", "5"]
    assert rejects.loc["2", "reason"].startswith("virgolette non chiuse")


def test_a_title_line_with_a_comma_above_a_semicolon_table(deliver):
    status, measurements, rejects = deliver(
        "m.csv",
        f"Misure della direzione, anno 2024\n\nindicatore;periodo;valore\n{DAYS};2024-01;12,5\n{DAYS};2024-02;9\n",
    )
    assert status == 0 and rejects.empty and measurements.index.tolist() == ["4", "5"]


@pytest.mark.parametrize("name", ["vecchio.xls", "misure.ods", "appunti.docx"])
def test_files_of_a_type_that_cannot_be_read_are_named_and_fail_strict(deliver, name, capsys):
    status, _, _ = deliver(name, b"\xd0\xcf\x11\xe0 not really a workbook", "--strict")
    assert status == 1
    assert f"attenzione: data/raw/measurements/{name}: non letto" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["misure.tsv", "misure.txt"])
def test_tab_separated_text_is_read(deliver, name):
    status, measurements, _ = deliver(name, f"indicatore\tperiodo\tvalore\n{DAYS}\t2024-01\t12\n", "--strict")
    assert status == 0 and measurements["value"].tolist() == ["12"]


def _workbook(path, sheets):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows, state in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    workbook.save(path)


def test_hidden_sheets_are_not_read_and_a_sheet_without_header_is_reported(root, capsys):
    assert main(["catalog", "--root", str(root.root)]) == 0
    root.measurements_dir.mkdir(parents=True)
    header = ["indicatore", "periodo", "valore"]
    _workbook(
        root.measurements_dir / "m.xlsx",
        [
            ("Misure", [header, [DAYS, "2024-01", 12]], "visible"),
            ("vecchie", [header, [DAYS, "2024-01", 99]], "hidden"),
            ("bozza", [header, [DAYS, "2024-01", 98]], "veryHidden"),
            ("Riepilogo", [["totale", 12]], "visible"),
        ],
    )
    assert main(["ingest", "--root", str(root.root), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "hidden sheet 'vecchie' not read" in err and "hidden sheet 'bozza' not read" in err
    assert "sheet 'Riepilogo' not read: no header row" in err
    measurements = pd.read_csv(root.measurements)
    assert measurements["value"].tolist() == [12] and pd.read_csv(root.measurement_rejects).empty


def test_a_formula_without_a_saved_value_is_explained(root):
    assert main(["catalog", "--root", str(root.root)]) == 0
    root.measurements_dir.mkdir(parents=True)
    _workbook(
        root.measurements_dir / "m.xlsx",
        [("Misure", [["indicatore", "periodo", "valore"], [DAYS, "2024-01", "=10+2"]], "visible")],
    )
    assert main(["ingest", "--root", str(root.root)]) == 0
    rejects = pd.read_csv(root.measurement_rejects)
    assert rejects["reason"].tolist() == [
        "formula senza valore salvato (colonna C): aprire il file in Excel e salvarlo, oppure scrivere il valore"
    ]


def test_numbers_typed_in_excel_are_never_ambiguous(root):
    assert main(["catalog", "--root", str(root.root)]) == 0
    root.measurements_dir.mkdir(parents=True)
    _workbook(
        root.measurements_dir / "m.xlsx",
        [
            (
                "Misure",
                [["indicatore", "periodo", "valore"], [DAYS, "2024-01", 1.234], [DAYS, "2024-02", 1200]],
                "visible",
            )
        ],
    )
    assert main(["ingest", "--root", str(root.root), "--strict"]) == 0
    assert pd.read_csv(root.measurements)["value"].tolist() == [1.234, 1200]


def test_thousands_of_conflicting_copies_name_a_few_others_each(deliver):
    lines = ["indicatore;periodo;valore"] + [f"{DAYS};2024-01;{n}" for n in range(2000)]
    _, measurements, rejects = deliver("m.csv", "\n".join(lines) + "\n")
    assert measurements.empty and len(rejects) == 2000
    reason = rejects.loc["2", "reason"]
    assert reason.endswith("e altre 1996 righe") and reason.count("riga ") == 3
    assert rejects["reason"].str.len().max() < 300


def test_each_delivered_file_gets_a_return_workbook_with_reasons_and_suggestions(deliver, root):
    from openpyxl import load_workbook

    status, _, _ = deliver(
        "consegna giugno.csv",
        f"indicatore;periodo;valore;note\n{DAYS};2O26-03;12;\n{DAYS[:-1]};2024-02;7;\n{DAYS};settembre2025;9;\n"
        f"{DAYS};2024-04;1.200;=SOMMA(A1:A3)\n{DAYS};2024-05;8;tutto regolare\n",
    )
    assert status == 0
    book = root.processed / "ritorno" / "consegna giugno_csv_ritorno.xlsx"
    sheet = load_workbook(book).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, body = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert header[:3] == ["riga", "esito", "indicatore"] and header[-2:] == ["motivo", "suggerimento"]
    assert {"ufficio", "descrizione indicatore", "periodo", "valore"} <= set(header)
    assert body["2"]["suggerimento"] == "forse 2026-03?"
    assert body["3"]["suggerimento"] == f"forse {DAYS}?"
    assert body["4"]["suggerimento"] == "forse 2025-09?"
    assert (body["5"]["esito"], body["5"]["suggerimento"]) == ("da correggere", "scrivere 1200 oppure 1,2")
    assert body["5"]["note"] == "=SOMMA(A1:A3)"  # kept as text, never run as a formula
    assert body["6"]["esito"] == "accettata" and body["6"]["motivo"] is None
    assert body["6"]["ufficio"] and body["6"]["descrizione indicatore"]  # the catalog's context beside the id
    assert [row[0] for row in rows[1:]] == ["2", "3", "4", "5", "6"]  # rows to fix first, then the accepted
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.fitToWidth == 1
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value is not None)


def test_the_return_of_an_export_of_thousands_of_rows_lists_the_rejected_ones(tmp_path):
    import io

    from openpyxl import load_workbook

    from kpilib.measurements.feedback import ALL_ROWS_UP_TO, feedback_workbooks
    from tests.helpers import records

    rows = [(DAYS, f"{2000 + n // 12}-{n % 12 + 1:02d}", "5") for n in range(ALL_ROWS_UP_TO)] + [(DAYS, "boh", "5")]
    delivered = records(*rows)
    from kpilib.core.rejects import reject, rejects_frame

    rejects = rejects_frame([reject("misure.csv", ALL_ROWS_UP_TO + 2, "unrecognized_period", "", period="boh")])
    book = load_workbook(io.BytesIO(feedback_workbooks(delivered, rejects, [DAYS])["misure.csv"]))
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert values[1][0] == f"{ALL_ROWS_UP_TO} righe accettate non sono ripetute qui"
    assert len(values) == 3 and values[2][5] == "boh" and values[2][1] == "da correggere"


def test_a_return_puts_the_rows_to_fix_first_and_names_other_files_without_folders(deliver, root):
    from openpyxl import load_workbook

    status, _, _ = deliver(
        "misure.csv", f"indicatore;periodo;valore\n{VISITS};2024-01;95\n{VISITS};2024-02;9250%\n{VISITS};2024-03;\n"
    )
    assert status == 0
    sheet = load_workbook(root.returns_dir / "misure_csv_ritorno.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(values_only=False)]
    header = rows[0]
    body = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [(r["riga"], r["esito"]) for r in body] == [
        ("3", "da correggere"),
        ("4", "non compilata"),
        ("2", "accettata"),
    ]
    assert body[0]["suggerimento"] == "la cella è in formato percentuale: scrivere 92,5%"


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_a_month_typed_as_a_date_is_that_month_and_another_day_gets_a_hint(deliver, root, tmp_path, kind):
    """«dic 2025» typed in a cell becomes the date 01/12/2025: that month, whatever the file type."""
    import datetime as dt

    from tests.office import odfpy_ods

    rows = [["indicatore", "periodo", "valore"], [DAYS, dt.date(2024, 12, 1), 12], [DAYS, dt.date(2024, 11, 30), 9]]
    source = tmp_path / f"m.{kind}"
    if kind == "xlsx":
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)
        workbook.save(source)
    elif kind == "ods":
        odfpy_ods(rows, source)
    else:
        source.write_text("".join(f"{r[0]};{r[1]:%d/%m/%Y};{r[2]}\n" for r in rows[1:]), encoding="utf-8")
        source.write_text("indicatore;periodo;valore\n" + source.read_text(encoding="utf-8"), encoding="utf-8")
    status, measurements, rejects = deliver(source.name, source.read_bytes())
    assert status == 0
    assert measurements["period"].tolist() == ["2024-12"]
    assert rejects["code"].tolist() == ["unrecognized_period"]
    book = load_workbook(root.returns_dir / f"m_{kind}_ritorno.xlsx").active
    header = [c.value for c in book[1]]
    assert book.cell(2, header.index("suggerimento") + 1).value == "forse 2024-11?"
