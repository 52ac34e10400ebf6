"""``kpi ingest`` on files as offices send them."""

import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kpilib.catalog.indicators import read_indicators
from kpilib.cli import main
from kpilib.core.numbers import decimal_style, read_number


@pytest.fixture
def ready(root):
    """A root with indicators.csv written; returns (paths, indicators by unit)."""
    assert main(["catalog", "--root", str(root.root)]) == 0
    indicators = read_indicators(root.indicators)
    return root, indicators


def _id(indicators, text):
    return indicators.loc[indicators["indicator"].str.contains(text), "indicator_id"].iloc[0]


def test_semicolon_csv_and_excel_percentages(ready, capsys):
    root, indicators = ready
    visits, days = _id(indicators, "VISITE EFFETTUATE"), _id(indicators, "N. DI GIORNI")
    folder = root.measurements_dir
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text(
        f"Indicatore;Periodo;Valore;Numeratore;Denominatore;Note\n{visits};1° semestre 2025;92,5;;;\n\n{days};gennaio 2025;11;;;ok\n",
        encoding="utf-8",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ufficio", "indicatore", "periodo", "valore"])
    sheet.append(["Ufficio valorizzazione", visits, "2025-S2", 0.925])
    sheet.cell(row=2, column=4).number_format = "0.0%"
    workbook.save(folder / "b.xlsx")

    assert main(["ingest", "--root", str(root.root)]) == 0
    out = capsys.readouterr().out
    assert "data/raw/measurements/a.csv: 2 row(s) read, 2 accepted, 0 rejected" in out
    assert "data/raw/measurements/b.xlsx: 1 row(s) read, 1 accepted, 0 rejected" in out
    measurements = pd.read_csv(root.measurements, dtype={"row": "Int64"})
    assert measurements.columns.tolist() == [
        "indicator_id",
        "period",
        "value",
        "numerator",
        "denominator",
        "note",
        "source",
        "row",
    ]
    got = measurements.set_index(["indicator_id", "period"])
    assert got.loc[(visits, "2025-S1"), "value"] == 92.5
    assert got.loc[(visits, "2025-S2"), "value"] == pytest.approx(92.5)
    assert got.loc[(days, "2025-01"), "row"] == 4
    assert got.loc[(visits, "2025-S2"), "source"] == "data/raw/measurements/b.xlsx"


def test_strict_exits_1_on_any_reject_and_outputs_are_deterministic(ready):
    root, indicators = ready
    visits = _id(indicators, "VISITE EFFETTUATE")
    root.measurements_dir.mkdir(parents=True)
    (root.measurements_dir / "m.csv").write_text(
        f"indicator_id,period,value\n{visits},2025-S1,101\n{visits},2025-S2,80\n"
    )
    assert main(["ingest", "--root", str(root.root)]) == 0
    first = (root.measurements.read_bytes(), root.measurement_rejects.read_bytes())
    assert main(["ingest", "--root", str(root.root), "--strict"]) == 1
    assert (root.measurements.read_bytes(), root.measurement_rejects.read_bytes()) == first
    assert not [p for p in root.processed.iterdir() if p.name.endswith(".tmp")]
    rejects = pd.read_csv(root.measurement_rejects)
    assert rejects[["source", "row"]].to_dict("records") == [{"source": "data/raw/measurements/m.csv", "row": 2}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "file is empty"),
        ("cols.csv", b"office;value\nx;1\n", "no header row with the columns"),
        ("bad.xlsx", b"not a zip", "not a readable Excel workbook"),
        ("bin.csv", "indicatore;periodo;valore\n".encode("utf-16"), "not a text file"),
    ],
)
def test_an_unreadable_file_is_one_line_a_reject_and_a_note_and_fails_strict(ready, name, content, message):
    root, _ = ready
    path = root.root / name
    path.write_bytes(content)

    def ingest(*extra):
        command = [sys.executable, "-m", "kpilib", "ingest", "--root", str(root.root), "--only", str(path), *extra]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    result = ingest()
    assert result.returncode == 0  # the other deliveries are not held up by one bad file
    assert result.stderr.count("\n") == 1 and message in result.stderr and f"{name}: non letto" in result.stderr
    rejects = pd.read_csv(root.measurement_rejects, keep_default_na=False, dtype=str)
    assert rejects["code"].tolist() == ["unreadable_file"] and message in rejects.loc[0, "reason"]
    notes = list(root.returns_dir.glob("*_non_letto.txt"))
    assert len(notes) == 1 and name in notes[0].read_text() and ".ods o .csv" in notes[0].read_text()
    assert main(["ingest", "--root", str(root.root), "--only", str(path), "--strict"]) == 1


def test_ingest_without_a_catalog_says_what_to_run(tmp_path, capsys):
    assert main(["ingest", "--root", str(tmp_path)]) == 2
    assert "run 'kpi catalog' first" in capsys.readouterr().err


MESSY_CELLS = st.one_of(
    st.sampled_from(["", " ", "92,5", "92.5", "92,5%", "120", "-3", "abc", "1.234,5", "0", "100", "12", "40", "37"]),
    st.text(alphabet="0123456789,.%- ab", max_size=6),
)
PERIODS = st.sampled_from(
    [
        "2025-S1",
        "1° semestre 2025",
        "gennaio 2025",
        "2025-01",
        "2025",
        "anno 2025",
        "2025-13",
        "II trimestre 2025",
        "",
        "boh",
        "2024-S2",
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_nothing_lost_and_no_value_changed(ready, data):
    root, indicators = ready
    ids = [*indicators["indicator_id"].tolist(), "kpi-00000000", ""]
    rows = data.draw(
        st.lists(st.tuples(st.sampled_from(ids), PERIODS, MESSY_CELLS, MESSY_CELLS, MESSY_CELLS), max_size=25)
    )
    separator = data.draw(st.sampled_from([";", ","]))
    lines = [separator.join(["indicatore", "periodo", "valore", "numeratore", "denominatore"])]
    lines += [separator.join(f'"{cell}"' for cell in row) for row in rows]
    path = root.root / "messy.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["ingest", "--root", str(root.root), "--only", str(path)]) == 0
    measurements = pd.read_csv(root.measurements, keep_default_na=False, dtype=str)
    rejects = pd.read_csv(root.measurement_rejects, keep_default_na=False, dtype=str)
    # A row with id and period but nothing in its value cells is a requested value not filled: neither.
    filled = {str(n) for n, row in enumerate(rows, start=2) if any(cell.strip() for cell in row[2:])}
    accounted = measurements["row"].tolist() + rejects["row"].tolist()
    assert sorted(accounted) == sorted(filled)
    ledger = pd.read_csv(root.deliveries, keep_default_na=False, dtype=str)
    assert sorted(ledger["row"]) == sorted(filled)  # every non-blank delivered row once in the ledger

    style = decimal_style(cell for row in rows for cell in row[2:])
    for measured in measurements.to_dict("records"):
        indicator_id, _period, value, numerator, denominator = rows[int(measured["row"]) - 2]
        if value.strip():
            assert float(measured["value"]) == pytest.approx(read_number(value, style).value)
        else:
            n, d = read_number(numerator, style).value, read_number(denominator, style).value
            assert float(measured["value"]) == pytest.approx(100 * n / d)
        assert measured["indicator_id"].casefold() == indicator_id.casefold()
