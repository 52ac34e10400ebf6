"""What an office does with a template: fill it in and save it as XLSX, ODS or an Italian CSV.

Where LibreOffice is installed (``apt-get install libreoffice-calc-nogui``) the files are saved by
LibreOffice itself, headless, with the Italian locale; where it is not, the tests that need it are
skipped, saying why, and the others write the same files with odfpy and the csv module.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_LIBREOFFICE = "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"


def fill(template: Path, values: dict[tuple[str, str], object], notes: dict | None = None) -> Path:
    """The template with ``values`` typed in (``(indicator, period)`` -> number or text), saved in place."""
    workbook = load_workbook(template)
    for sheet in workbook.worksheets:
        if sheet.title in ("Istruzioni", "modello"):
            continue
        header = [cell.value for cell in sheet[1]]
        value, note = header.index("valore") + 1, header.index("note") + 1
        for row in range(2, sheet.max_row + 1):
            key = (sheet.cell(row, 1).value, sheet.cell(row, 2).value)
            if key in values:
                sheet.cell(row, value).value = values[key]
            if notes and key in notes:
                sheet.cell(row, note).value = notes[key]
    workbook.save(template)
    return template


def rows_of(template: Path) -> list[dict]:
    """The template's rows (``indicatore``, ``periodo``, ``ufficio``, …), every office sheet."""
    workbook = load_workbook(template, read_only=True)
    rows = []
    for sheet in workbook.worksheets:
        if sheet.title in ("Istruzioni", "modello"):
            continue
        cells = list(sheet.iter_rows(values_only=True))
        rows += [dict(zip(cells[0], row, strict=False)) for row in cells[1:]]
    return rows


def libreoffice_convert(source: Path, target_dir: Path, to: str, work: Path) -> Path:
    """``source`` opened and saved by LibreOffice as ``to`` (``ods``, ``xlsx``, or an Italian ``csv``)."""
    profile = work / f"lo-profile-{os.getpid()}"
    filters = {"csv": "csv:Text - txt - csv (StarCalc):59,34,76,1,,1040,false,true"}
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        filters.get(to, to),
        "--outdir",
        str(target_dir),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return target_dir / f"{source.stem}.{to}"


def italian_csv(rows: list[list[object]], path: Path) -> Path:
    """Rows written as Italian Excel saves a CSV: semicolons, decimal commas, Windows-1252."""
    with path.open("w", newline="", encoding="cp1252") as handle:
        writer = csv.writer(handle, delimiter=";")
        for row in rows:
            writer.writerow(
                [str(c).replace(".", ",") if isinstance(c, float) else ("" if c is None else c) for c in row]
            )
    return path


def odfpy_ods(rows: list[list[object]], path: Path, sheet: str = "Misure") -> Path:
    """Rows as an ODS sheet (numbers as number cells), as odfpy writes it."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in rows:
        line = TableRow()
        for value in row:
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=str(value))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text="" if value is None else str(value)))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path
