"""The return workbook: what the quality office sends back to an office for each file it delivered.

One workbook per delivered file (``data/processed/ritorno/<file>_ritorno.xlsx``): every row
of the file with what became of it (only the rejected ones for a file of more than
:data:`ALL_ROWS_UP_TO` rows, an export rather than an office's sheet), and beside each rejected one the reason in Italian and
a suggestion where one is obvious ("forse 2026-03?", "forse kpi-3134874b?", "scrivere 1200
oppure 1,2"). Every cell is written as text, so nothing the office wrote runs as a formula.
``measurement_rejects.csv`` stays the machine-readable record.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path, PurePosixPath

import pandas as pd

from ..core.codes import suggestion_of
from ..core.files import delivered_file, deterministic_xlsx, records_of, sheet_of
from ..core.periods import parse_period

COLUMNS = [
    ("riga", 7),
    ("indicatore", 16),
    ("periodo", 12),
    ("valore", 12),
    ("numeratore", 12),
    ("denominatore", 13),
    ("note", 30),
    ("esito", 11),
    ("motivo", 70),
    ("suggerimento", 34),
]
# Beyond this many rows a file is an export, not an office's sheet: its return lists the rejected rows only.
ALL_ROWS_UP_TO = 5_000
# An export's return lists this many of its rejected rows (a workbook holds at most 1,048,576 rows, and nobody
# reads a million of them); measurement_rejects.csv has every one.
EXPORT_REJECTS_LISTED = 5_000


def suggestion(record: dict, code: str, known_ids: list[str], written: str = "") -> str:
    """What to write instead: computed for a period or an id that is probably meant, else the code's
    own suggestion (``written``: it rendered with the reject's particulars).

    >>> suggestion({"period": "2O26-03"}, "unrecognized_period", [])
    'forse 2026-03?'
    >>> suggestion({"indicator_id": "kpi-3134874"}, "unknown_indicator", ["kpi-3134874b"])
    'forse kpi-3134874b?'
    """
    if code == "unrecognized_period":
        text = str(record["period"])
        attempts = (text.replace("O", "0").replace("o", "0"), re.sub(r"([A-Za-z])(\d)", r"\1 \2", text))
        for attempt in attempts:
            try:
                return f"forse {parse_period(attempt)}?"
            except ValueError:
                continue
    if code == "unknown_indicator":
        close = difflib.get_close_matches(str(record["indicator_id"]).strip().lower(), known_ids, n=1, cutoff=0.8)
        if close:
            return f"forse {close[0]}?"
    return written or suggestion_of(code)


def feedback_workbooks(records: pd.DataFrame, rejects: pd.DataFrame, known_ids: list[str]) -> dict[str, bytes]:
    """Per delivered file (the records' ``source`` before any ``:sheet``): the return workbook's bytes."""
    delivered = records[records["row"].astype(str) != ""]
    by_source = {source: own for source, own in rejects.groupby("source", sort=False)}
    books = {}
    for file, rows in delivered.groupby(delivered["source"].map(delivered_file), sort=True):
        books[file] = _workbook(rows, by_source, known_ids)
    return books


def _reasons(rejects: pd.DataFrame | None, rows: set[str] | None = None) -> dict[str, tuple]:
    """Row (as text) -> (reason, code, suggestion) of one source's rejects, for ``rows`` only when given."""
    if rejects is None or rejects.empty:
        return {}
    numbers = rejects["row"].astype(str)
    if rows is not None:
        rejects, numbers = rejects[numbers.isin(rows)], numbers[numbers.isin(rows)]
    suggestions = rejects["suggestion"].fillna("") if "suggestion" in rejects else [""] * len(rejects)
    values = zip(rejects["reason"].tolist(), rejects["code"].tolist(), list(suggestions), strict=True)
    return dict(zip(numbers.tolist(), values, strict=True))


def feedback_path(folder: Path, source: str) -> Path:
    """Where the return workbook of a delivered file goes (``folder``: :attr:`Paths.returns_dir`).

    The type is kept in the name (``a.csv`` and ``a.xlsx`` get a workbook each), and so are the
    sub-folders below ``data/raw/measurements/`` (two offices' ``misure.xlsx`` in their own folders
    get one each); characters a file name cannot hold become ``_``.

    >>> feedback_path(Path("r"), "data/raw/measurements/uffici/a/misure.xlsx").name
    'uffici__a__misure_xlsx_ritorno.xlsx'
    """
    path = PurePosixPath(source)
    parts = path.parts[3:] if path.parts[:3] == ("data", "raw", "measurements") else path.parts[-1:]
    folders = [_safe(part) for part in parts[:-1]]
    name = "__".join([*folders, _safe(path.stem)])
    return folder / f"{name}_{path.suffix.lstrip('.')}_ritorno.xlsx"


def _safe(text: str) -> str:
    return re.sub(r"[^\w.\- ]+", "_", text).strip("._ ") or "file"


def _workbook(rows: pd.DataFrame, rejects_by_source: dict[str, pd.DataFrame], known_ids: list[str]) -> bytes:
    # openpyxl here, not at the top: 0.2 s that an ingest without deliveries never pays. Write-only mode:
    # tens of thousands of rows stream out instead of living in memory as cell objects.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    rejected_fill, wrapped = PatternFill("solid", fgColor="F9D6D5"), Alignment(wrap_text=True, vertical="top")
    workbook = Workbook(write_only=True)
    for source, sheet_rows in rows.groupby("source", sort=False):
        name = sheet_of(source) or "Ritorno"
        sheet = workbook.create_sheet(name[:31])
        for position, (_, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[chr(64 + position)].width = width
        sheet.freeze_panes = "A2"

        def text(value, fill=None, alignment=None, font=None, sheet=sheet):
            cell = WriteOnlyCell(
                sheet, value="" if value is None or (isinstance(value, float) and value != value) else str(value)
            )
            cell.data_type = "s"  # text, never a formula
            if fill:
                cell.fill = fill
            if alignment:
                cell.alignment = alignment
            if font:
                cell.font = font
            return cell

        sheet.append([text(title, header_fill, font=header_font) for title, _ in COLUMNS])
        export = len(sheet_rows) > ALL_ROWS_UP_TO
        own = rejects_by_source.get(source)
        if export:
            numbers = sheet_rows["row"].astype(str)
            listed = set(own["row"].astype(str)) if own is not None else set()
            rejected = sheet_rows[numbers.isin(listed)]
            sheet.append([text(f"{len(sheet_rows) - len(rejected)} righe accettate non sono ripetute qui")])
            if len(rejected) > EXPORT_REJECTS_LISTED:
                sheet.append(
                    [
                        text(
                            f"{len(rejected)} righe scartate: qui le prime {EXPORT_REJECTS_LISTED}; l'elenco "
                            "completo, con il motivo di ognuna, è in measurement_rejects.csv"
                        )
                    ]
                )
            rejected = rejected.head(EXPORT_REJECTS_LISTED)
            reasons = _reasons(own, set(rejected["row"].astype(str)))
            records = records_of(rejected)
        else:
            reasons = _reasons(own)
            records = records_of(sheet_rows)
        for record in records:
            found = reasons.get(str(record["row"]))
            reason, code, suggested = found if found else ("", "", "")
            values = [
                record["row"],
                record["indicator_id"],
                record["period"],
                record["value"],
                record["numerator"],
                record["denominator"],
                record["note"],
                "scartata" if reason else "accettata",
                reason,
                suggestion(record, code, known_ids, suggested) if found else "",
            ]
            fill = rejected_fill if reason and not export else None  # an export's thousands of rows stay plain
            sheet.append([text(v, fill, wrapped if i == 8 and not export else None) for i, v in enumerate(values)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_xlsx(buffer.getvalue())
