"""``kpi catalog`` as a user runs it: files written, bad files refused in one plain line."""

import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import Workbook

from kpilib.catalog.catalog import CATALOG_COLUMNS
from kpilib.cli import main
from kpilib.core.rejects import REJECT_COLUMNS

HEADER = ["DIREZIONE", "AREA", "UNITÀ/UFFICIO", "TITOLO PROCESSO", "INDICATORE", "TARGET OBIETTIVO"]


def test_catalog_writes_indicators_and_rejects(root, capsys):
    assert main(["catalog", "--root", str(root.root)]) == 0
    indicators = pd.read_csv(root.indicators, dtype=str, keep_default_na=False)
    assert indicators.columns.tolist() == CATALOG_COLUMNS
    assert (indicators[["valid_from", "valid_to"]] == "").all().all()  # one undated version: always in force
    assert len(indicators) == 15
    rejects = pd.read_csv(root.catalog_rejects)
    assert rejects.columns.tolist() == REJECT_COLUMNS and rejects.empty
    assert "15 indicators" in capsys.readouterr().out


def test_catalog_output_is_byte_identical_across_runs(root):
    main(["catalog", "--root", str(root.root)])
    first = root.indicators.read_bytes()
    main(["catalog", "--root", str(root.root)])
    assert root.indicators.read_bytes() == first


def test_csv_and_xlsx_sources_give_the_same_catalog_as_the_text_export(root, tmp_path):
    main(["catalog", "--root", str(root.root)])
    expected = pd.read_csv(root.indicators, dtype=str, keep_default_na=False)
    seed = next(root.catalog_dir.iterdir())
    lines = [line.split("\t") for line in seed.read_text("utf-8").splitlines()]
    table = [cells for cells in lines if len(cells) == 6 and cells != HEADER]

    csv_file = tmp_path / "catalogo.csv"
    pd.DataFrame(table, columns=HEADER).to_csv(csv_file, sep=";", index=False, encoding="utf-8")
    xlsx_file = tmp_path / "catalogo.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Elenco processi"])
    sheet.append(HEADER)
    for cells in table:
        sheet.append(cells)
    workbook.save(xlsx_file)

    for source in (csv_file, xlsx_file):
        assert main(["catalog", "--root", str(root.root), str(source)]) == 0
        got = pd.read_csv(root.indicators, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(got, expected)


def test_windows_1252_falls_back_with_a_warning(root, tmp_path, capsys):
    source = tmp_path / "catalogo.txt"
    source.write_bytes(("\t".join(HEADER) + "\nDIREZIONE CULTURA\t\tUNITÀ MOSTRE\tP\tI\t90%\n").encode("cp1252"))
    assert main(["catalog", "--root", str(root.root), str(source)]) == 0
    assert "Windows-1252" in capsys.readouterr().err
    indicators = pd.read_csv(root.indicators, dtype=str, keep_default_na=False)
    assert indicators["office"].tolist() == ["UNITÀ MOSTRE"]


def test_rejected_lines_are_written_with_source_and_line(root, tmp_path):
    source = tmp_path / "catalogo.txt"
    source.write_text("\t".join(HEADER) + "\nD\tA\tU\tP\tI\t90%\nD\tA\tU\tP\n", encoding="utf-8")
    assert main(["catalog", "--root", str(root.root), str(source)]) == 0
    rejects = pd.read_csv(root.catalog_rejects)
    assert rejects[["row"]].to_dict("records") == [{"row": 3}]
    assert rejects["source"].iloc[0].endswith("catalogo.txt")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "file not found"),
        ("empty.txt", b"", "file is empty"),
        ("utf16.txt", "\t".join(HEADER).encode("utf-16"), "not a text file"),
        ("columns.csv", b"DIREZIONE;UFFICIO;TARGET\nD;U;90%\n", "no header row found"),
        ("noheader.txt", b"just some page text\n", "no header row found"),
        ("broken.xlsx", b"this is not a workbook", "not a readable Excel workbook"),
        ("catalogo.pdf", b"%PDF-1.4", "unsupported catalog format"),
    ],
)
def test_bad_files_give_one_plain_line_and_exit_2(root, tmp_path, name, content, message):
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "kpilib", "catalog", "--root", str(root.root), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0] and name in lines[0]
    assert "Traceback" not in result.stderr


def test_empty_catalog_folder_is_an_error(tmp_path, capsys):
    assert main(["catalog", "--root", str(tmp_path)]) == 2
    assert "no catalog source found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "arguments", [["catalog", "--bogus"], ["nosuchcommand"], ["events", "--freq", "decade"], ["reports", "--jobs", "0"]]
)
def test_unusable_arguments_give_one_plain_line_and_exit_2(arguments, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kpilib", *arguments, "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_xlsx_percentage_cells_keep_their_meaning(root, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["DIREZIONE CULTURA", "", "UFFICIO MOSTRE", "PRESTITI", "PRESTITI EVASI", 0.9])
    sheet.cell(row=2, column=6).number_format = "0%"
    source = tmp_path / "catalogo.xlsx"
    workbook.save(source)
    assert main(["catalog", "--root", str(root.root), str(source)]) == 0
    indicators = pd.read_csv(root.indicators, dtype=str, keep_default_na=False)
    assert indicators[["target_raw", "target_op", "target_value", "target_unit"]].to_dict("records") == [
        {"target_raw": "90%", "target_op": ">=", "target_value": "90", "target_unit": "percent"}
    ]


def test_a_renamed_office_keeps_its_indicator_id_through_the_aliases_file(tmp_path):
    from kpilib.catalog.indicators import indicator_id, read_indicators
    from kpilib.core.paths import Paths

    catalog = tmp_path / "data" / "raw" / "catalog"
    catalog.mkdir(parents=True)
    header = "DIREZIONE\tAREA\tUNITÀ/UFFICIO\tTITOLO PROCESSO\tINDICATORE\tTARGET OBIETTIVO"
    row = "DIREZIONE X\t-\tUFFICIO VISITE\tVISITE GUIDATE\tPERCENTUALE DI VISITE EFFETTUATE\t≥70%"
    (catalog / "tabella.txt").write_text(f"{header}\n{row}\n", encoding="utf-8")
    (catalog / "aliases.csv").write_text(
        "vecchio;nuovo\nUfficio  visite;UFFICIO VALORIZZAZIONE PALAZZO MARINO\n;manca il vecchio\n", encoding="utf-8"
    )
    assert main(["catalog", "--root", str(tmp_path)]) == 0
    indicators = read_indicators(Paths.at(tmp_path).indicators)
    expected = indicator_id(
        "DIREZIONE X", "UFFICIO VALORIZZAZIONE PALAZZO MARINO", "VISITE GUIDATE", "PERCENTUALE DI VISITE EFFETTUATE", ""
    )
    assert indicators["indicator_id"].tolist() == [expected]
    assert indicators["office"].tolist() == ["UFFICIO VALORIZZAZIONE PALAZZO MARINO"]
    rejects = pd.read_csv(Paths.at(tmp_path).catalog_rejects)
    assert rejects[["source", "row"]].to_dict("records") == [{"source": "data/raw/catalog/aliases.csv", "row": 3}]
