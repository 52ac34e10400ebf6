"""The collection cycle as offices run it: templates per office, deliveries in three formats, a correction,
a late office, its reminder, a check that changes nothing, and the direction report that shows it all.

Files are saved by LibreOffice (Italian locale) where it is installed; elsewhere by odfpy and the csv
module, and the LibreOffice test says it is skipped.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from kpilib.catalog.indicators import read_indicators
from kpilib.cli import main
from kpilib.core.labels import value_it
from kpilib.core.schemas import CORRECTIONS, DELIVERIES, DELIVERY_STATUS, MEASUREMENTS, REJECTS
from kpilib.reports import tables
from kpilib.reports.direction_report import load_direction
from tests.fixture_root import with_seed
from tests.office import NO_LIBREOFFICE, SOFFICE, fill, italian_csv, libreoffice_convert, odfpy_ods, rows_of

DIRECTION = "STRUTTURE DI SUPPORTO ALLE FUNZIONI DEL SINDACO ex GABINETTO DEL SINDACO"
HEADER = ["indicatore", "periodo", "ufficio", "valore", "numeratore", "denominatore", "note"]

pytestmark = pytest.mark.slow


def _value(unit: str, position: int) -> float:
    return 90.0 + position if unit == "percent" else 10.0 + position


def _templates(paths, monkeypatch):
    monkeypatch.setenv("KPI_TODAY", "2026-01-12")
    assert main(["catalog", "--root", str(paths.root)]) == 0
    assert main(["template", "--root", str(paths.root), "--direction", DIRECTION, "--period", "2025-S2"]) == 0
    by_office = {}
    for template in sorted(paths.templates_dir.glob("*.xlsx")):
        rows = rows_of(template)
        by_office[rows[0]["ufficio"]] = (template, rows)
    offices = [office for office in sorted(by_office) if len(by_office[office][1]) >= 2][:3]
    assert len(offices) == 3
    return [(office, *by_office[office]) for office in offices]


def test_three_offices_a_correction_and_a_late_office_through_ingest_status_check_and_the_report(
    tmp_path, monkeypatch, capsys
):
    paths = with_seed(tmp_path / "root")
    (a, template_a, rows_a), (b, template_b, rows_b), (c, _, rows_c) = _templates(paths, monkeypatch)
    units = read_indicators(paths.indicators).set_index("indicator_id")["target_unit"]
    paths.measurements_dir.mkdir(parents=True)
    work = tmp_path / "office"
    work.mkdir()

    def values(rows):
        return {(r["indicatore"], r["periodo"]): _value(units[r["indicatore"]], i) for i, r in enumerate(rows)}

    # A: the XLSX template, complete, named with the day it was sent.
    shutil.copy(fill(template_a, values(rows_a)), paths.measurements_dir / "2026-01-12_ufficio_a.xlsx")
    # B: the same as ODS, complete; then a correction of one value, as a dated Italian CSV.
    if SOFFICE:
        libreoffice_convert(fill(template_b, values(rows_b)), work, "ods", tmp_path)
        (work / f"{template_b.stem}.ods").rename(paths.measurements_dir / "2026-01-14_ufficio_b.ods")
    else:
        filled = [
            [r["indicatore"], r["periodo"], r["ufficio"], v]
            for r, v in zip(rows_b, values(rows_b).values(), strict=True)
        ]
        odfpy_ods([HEADER[:4], *filled], paths.measurements_dir / "2026-01-14_ufficio_b.ods")
    corrected = rows_b[0]
    old_value = _value(units[corrected["indicatore"]], 0)
    italian_csv(
        [HEADER, [corrected["indicatore"], corrected["periodo"], b, old_value + 1.5, "", "", "dato rettificato"]],
        paths.measurements_dir / "2026-01-20_ufficio_b_correzione.csv",
    )
    # C: an undated Italian CSV, late and partial: one value that is not a number, one good, the rest blank.
    first, second, *rest = rows_c
    italian_csv(
        [
            HEADER,
            [first["indicatore"], first["periodo"], c, "dodici"],
            [second["indicatore"], second["periodo"], c, _value(units[second["indicatore"]], 1)],
            *[[r["indicatore"], r["periodo"], c, "", "", "", ""] for r in rest],
        ],
        paths.measurements_dir / "misure_ufficio_c.csv",
    )

    monkeypatch.setenv("KPI_TODAY", "2026-02-16")  # after the deadline (23/01/2026)
    assert main(["ingest", "--root", str(paths.root)]) == 0
    rejects = REJECTS.read(paths.measurement_rejects)
    # Only the real problem: no other office's blank rows, no copies, no conflict for the correction.
    assert rejects[["source", "code"]].values.tolist() == [
        ["data/raw/measurements/misure_ufficio_c.csv", "not_a_number"]
    ]
    corrections = CORRECTIONS.read(paths.corrections)
    assert corrections[["indicator_id", "old_value", "new_value", "new_note"]].values.tolist() == [
        [corrected["indicatore"], old_value, old_value + 1.5, "dato rettificato"]
    ]
    assert corrections.loc[0, "old_source"].endswith("2026-01-14_ufficio_b.ods")
    assert (
        corrections.loc[0, "old_delivered_on"] == "2026-01-14"
        and corrections.loc[0, "new_delivered_on"] == "2026-01-20"
    )
    measurements = MEASUREMENTS.read(paths.measurements)
    key = (measurements["indicator_id"] == corrected["indicatore"]) & (measurements["period"] == corrected["periodo"])
    assert measurements.loc[key, "value"].tolist() == [old_value + 1.5]
    assert len(measurements) == len(rows_a) + len(rows_b) + 1  # every value typed lands, once
    ledger = DELIVERIES.read(paths.deliveries)
    assert ledger["outcome"].value_counts().to_dict() == {
        "accepted": len(rows_a) + len(rows_b) - 1 + 1,
        "superseded": 1,
        "corrected": 1,
        "rejected": 1,
    }

    assert main(["status", "--root", str(paths.root), "--period", "2025-S2"]) == 0
    out = capsys.readouterr().out
    assert f"status: {c}: {len(rows_c) - 1} of {len(rows_c)} row(s) missing (1 rejected), in ritardo" in out
    status = DELIVERY_STATUS.read(paths.delivery_status).set_index("office")
    assert status.loc[c, ["requested", "delivered", "accepted", "rejected", "missing", "late"]].tolist() == [
        len(rows_c),
        2,
        1,
        1,
        len(rows_c) - 1,
        True,
    ]
    assert status.loc[b, ["missing", "corrected", "late"]].tolist() == [0, 1, False]
    assert status.loc[a, ["accepted", "missing"]].tolist() == [len(rows_a), 0]
    reminders = {rows_of(path)[0]["ufficio"]: path for path in paths.reminders_dir.glob("*.xlsx")}
    assert a not in reminders and b not in reminders  # nothing to send: no reminder
    reminder = reminders[c]
    message = reminder.with_suffix(".txt")
    asked = rows_of(reminder)
    assert {r["ufficio"] for r in asked} == {c} and len(asked) == len(rows_c) - 1
    refused = next(r for r in asked if r["indicatore"] == first["indicatore"] and r["periodo"] == first["periodo"])
    assert "dodici" in refused["riga inviata"] and "non numerico" in refused["motivo"]
    text = message.read_text(encoding="utf-8")
    assert c in text and "La scadenza era il 23/01/2026" in text and reminder.name in text

    # A check of a new delivery changes nothing but its return workbook.
    before = {p: p.read_bytes() for p in paths.processed.rglob("*") if p.is_file() and "ritorno" not in p.parts}
    resent = tmp_path / "2026-02-16_ufficio_a.xlsx"
    shutil.copy(template_a, resent)
    changed = rows_a[0]
    fill(resent, {(changed["indicatore"], changed["periodo"]): _value(units[changed["indicatore"]], 0) + 3})
    assert main(["check", "--root", str(paths.root), str(resent)]) == 0
    out = capsys.readouterr().out
    assert "1 correcting one" in out and f"would correct {changed['indicatore']} {changed['periodo']}" in out
    after = {p: p.read_bytes() for p in paths.processed.rglob("*") if p.is_file() and "ritorno" not in p.parts}
    assert after == before
    assert (paths.returns_dir / "2026-02-16_ufficio_a_xlsx_ritorno.xlsx").is_file()

    # Second round: A resends its whole template with that one value changed. One correction, the rest
    # confirmed, not a single new reject.
    shutil.copy(resent, paths.measurements_dir / resent.name)
    assert main(["ingest", "--root", str(paths.root)]) == 0
    assert REJECTS.read(paths.measurement_rejects)["code"].tolist() == ["not_a_number"]
    assert len(CORRECTIONS.read(paths.corrections)) == 2
    ledger = DELIVERIES.read(paths.deliveries)
    again = ledger[ledger["source"].str.endswith(resent.name)]["outcome"].value_counts().to_dict()
    assert again == {"corrected": 1, "confirmed": len(rows_a) - 1}

    # The direction report shows the corrected value, the correction and the status per office.
    assert main(["evaluate", "--root", str(paths.root), "--period", "2025-S2"]) == 0
    data = load_direction(str(paths.root), "2025-S2", DIRECTION)
    shown = value_it(old_value + 1.5, units[corrected["indicatore"]])
    assert shown in tables.corrections_table(data.corrections, data.summary)
    assert value_it(old_value, units[corrected["indicatore"]]) in tables.corrections_table(
        data.corrections, data.summary
    )
    status_html = tables.delivery_status_table(data.delivery_status)
    assert c in status_html and "in ritardo" in status_html and "completo" in status_html
    missing = tables.missing_frame(data.summary, data.measurements, data.rejects)
    places = zip(missing["Ufficio"], missing["Periodo senza misura"], strict=True)
    why = dict(zip(places, missing["Perché"], strict=True))
    assert why[(c, first["periodo"])].startswith("inviato e scartato: ")
    assert all(why[(c, r["periodo"])] == "non inviato" for r in rest if (c, r["periodo"]) in why)


@pytest.mark.skipif(not SOFFICE, reason=NO_LIBREOFFICE)
def test_values_typed_in_italian_in_libreoffice_land_exactly_from_xlsx_ods_and_csv(tmp_path, monkeypatch):
    """Typed as a clerk types in an Italian LibreOffice: text read with the Italian locale (92,5 is a
    number, 12 gg and n.d. stay text), then saved as XLSX, ODS and Italian CSV by LibreOffice."""
    paths = with_seed(tmp_path / "root")
    (office, _, rows), *_ = _templates(paths, monkeypatch)
    units = read_indicators(paths.indicators).set_index("indicator_id")["target_unit"]
    typed = ["92,5" if units[r["indicatore"]] == "percent" else "12,5" for r in rows]
    typed[-1] = "n.d."
    typed_csv = tmp_path / "digitato.csv"
    italian_csv(
        [HEADER[:4], *[[r["indicatore"], r["periodo"], office, t] for r, t in zip(rows, typed, strict=True)]], typed_csv
    )
    # LibreOffice opens the text with the Italian locale (as typing does) and saves it as a workbook.
    import subprocess

    profile = (tmp_path / "profile").as_uri()
    for to in ("ods", "xlsx"):
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--infilter=CSV:59,34,1,1,,1040",
                "--convert-to",
                to,
                "--outdir",
                str(tmp_path / to),
                str(typed_csv),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    ods = tmp_path / "ods" / "digitato.ods"
    libreoffice_convert(ods, tmp_path / "csv", "csv", tmp_path)
    paths.measurements_dir.mkdir(parents=True)
    for saved in [ods, tmp_path / "xlsx" / "digitato.xlsx", tmp_path / "csv" / "digitato.csv"]:
        delivered = paths.measurements_dir / saved.name
        shutil.copy(saved, delivered)
        assert main(["ingest", "--root", str(paths.root), "--only", str(delivered)]) == 0
        measurements = MEASUREMENTS.read(paths.measurements)
        assert REJECTS.read(paths.measurement_rejects).empty, saved.name
        expected = [float(t.replace(",", ".")) if t != "n.d." else None for t in typed]
        got = [
            None if pd.isna(v) else v
            for v in measurements.set_index(["indicator_id", "period"]).loc[
                [(r["indicatore"], r["periodo"]) for r in rows], "value"
            ]
        ]
        assert got == expected, saved.name
        delivered.unlink()
    assert load_workbook(tmp_path / "xlsx" / "digitato.xlsx").worksheets[0]["D2"].data_type == "n"  # a number


@pytest.mark.skipif(not SOFFICE or not shutil.which("pdftotext"), reason=f"{NO_LIBREOFFICE}, with poppler-utils")
def test_a_return_workbook_printed_by_libreoffice_is_one_page_wide_with_the_header_on_every_page(tmp_path):
    import subprocess

    from kpilib.measurements.feedback import feedback_workbooks
    from tests.helpers import records

    rows = [("kpi-x", f"{2000 + n // 12}-{n % 12 + 1:02d}", "boh" if n % 3 else "5") for n in range(90)]
    delivered = records(*rows)
    from kpilib.core.rejects import reject, rejects_frame

    rejects = rejects_frame(
        [reject("misure.csv", n + 2, "not_a_number", "", what="valore", written="boh") for n in range(90) if n % 3]
    )
    book = tmp_path / "ritorno.xlsx"
    book.write_bytes(feedback_workbooks(delivered, rejects, ["kpi-x"])["misure.csv"])
    libreoffice_convert(book, tmp_path, "pdf", tmp_path)
    pdf = tmp_path / "ritorno.pdf"
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    assert pages >= 2
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # every column on the page's width (the last one included), the header repeated on each page
        assert "riga" in text and "esito" in text and "suggerimento" in text, page


def test_the_deadline_is_set_in_one_place_and_overridden_by_a_settings_file(tmp_path, monkeypatch, capsys):
    from kpilib.core.periods import Period
    from kpilib.measurements.status import DUE_WORKING_DAYS, due_date, due_working_days

    paths = with_seed(tmp_path / "root")
    assert due_working_days(paths) == DUE_WORKING_DAYS
    paths.collection_settings.write_text("giorni_lavorativi;5\n", encoding="utf-8")
    assert due_working_days(paths) == 5
    assert due_date(Period(2025, "semester", 2), 5) == __import__("datetime").date(2026, 1, 9)  # 1 and 6 Jan off
    paths.collection_settings.write_text("Giorni lavorativi;dieci\n", encoding="utf-8")
    assert main(["catalog", "--root", str(paths.root)]) == 0
    monkeypatch.setenv("KPI_TODAY", "2026-03-01")
    assert main(["status", "--root", str(paths.root), "--period", "2025-S2"]) == 2
    assert "consegne.csv: row 1: giorni_lavorativi 'dieci' is not a number" in capsys.readouterr().err
    paths.collection_settings.unlink()
    assert main(["status", "--root", str(paths.root), "--period", "2025-S2"]) == 0
    one = next(p for p in paths.reminders_dir.glob("*.txt") if "risulta 1 valore" in p.read_text(encoding="utf-8"))
    assert "La scadenza era il 23/01/2026" in one.read_text(encoding="utf-8")
