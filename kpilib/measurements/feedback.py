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
from ..core.labels import indicator_label
from ..core.periods import parse_period
from ..core.text import format_number_it

COLUMNS = [
    ("riga", 7),
    ("esito", 16),
    ("indicatore", 14),
    ("ufficio", 24),
    ("descrizione indicatore", 40),
    ("periodo", 10),
    ("valore", 11),
    ("numeratore", 11),
    ("denominatore", 12),
    ("note", 24),
    ("motivo", 52),
    ("suggerimento", 34),
]
REASON_COLUMN = [name for name, _ in COLUMNS].index("motivo")
# What became of a row, in the clerk's words (the ledger's outcomes; a row left blank is in no ledger).
OUTCOME_IT = {
    "rejected": "da correggere",
    "accepted": "accettata",
    "corrected": "accettata: corregge un valore inviato prima",
    "confirmed": "già ricevuta, uguale",
    "superseded": "sostituita da una consegna successiva",
    "": "non compilata",
}
# Rows needing action first, then the others in the order of the file.
_ORDER = {"rejected": 0, "": 1}
# Beyond this many rows a file is an export, not an office's sheet: its return lists the rejected rows only.
ALL_ROWS_UP_TO = 5_000
# An export's return lists this many of its rejected rows (a workbook holds at most 1,048,576 rows, and nobody
# reads a million of them); measurement_rejects.csv has every one.
EXPORT_REJECTS_LISTED = 5_000


def suggestion(record: dict, code: str, known_ids: list[str], written: str = "") -> str:
    """What to write instead: computed for a period or an id that is probably meant, or for what a
    spreadsheet did to a cell, else the code's own suggestion (``written``: it rendered with the reject's
    particulars).

    >>> suggestion({"period": "2O26-03"}, "unrecognized_period", [])
    'forse 2026-03?'
    >>> suggestion({"period": "31/12/2025"}, "unrecognized_period", [])  # a date typed for a month
    'forse 2025-12?'
    >>> suggestion({"indicator_id": "kpi-3134874"}, "unknown_indicator", ["kpi-3134874b"])
    'forse kpi-3134874b?'
    >>> suggestion({"value": "9250%"}, "percent_out_of_range", [])  # 92,5 typed in a cell formatted as percent
    'la cella è in formato percentuale: scrivere 92,5%'
    """
    if code == "unrecognized_period":
        text = str(record["period"])
        date = re.fullmatch(r"\s*\d{1,2}[/.-](\d{1,2})[/.-](\d{4})\s*", text)
        attempts = (
            text.replace("O", "0").replace("o", "0"),
            re.sub(r"([A-Za-z])(\d)", r"\1 \2", text),
            f"{date[2]}-{int(date[1]):02d}" if date and 1 <= int(date[1]) <= 12 else "",
        )
        for attempt in attempts:
            try:
                return f"forse {parse_period(attempt)}?"
            except ValueError:
                continue
    if code == "unknown_indicator":
        close = difflib.get_close_matches(str(record["indicator_id"]).strip().lower(), known_ids, n=1, cutoff=0.8)
        if close:
            return f"forse {close[0]}?"
    if code == "percent_out_of_range":
        shown = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*%\s*", str(record.get("value", "")))
        if shown and 100 < float(shown[1].replace(",", ".")) <= 10_000:
            meant = format_number_it(float(shown[1].replace(",", ".")) / 100, 4)
            return f"la cella è in formato percentuale: scrivere {meant}%"
    return written or suggestion_of(code)


def feedback_workbooks(
    records: pd.DataFrame,
    rejects: pd.DataFrame,
    known_ids: list[str],
    indicators: pd.DataFrame | None = None,
    ledger: pd.DataFrame | None = None,
) -> dict[str, bytes]:
    """Per delivered file (the records' ``source`` before any ``:sheet``): the return workbook's bytes.

    ``indicators``: the catalog, for the office and the indicator's text beside each id; ``ledger``:
    what became of each row (accepted, confirmed, corrected, superseded), else accepted or rejected.
    """
    delivered = records[records["row"].astype(str) != ""]
    by_source = {source: own for source, own in rejects.groupby("source", sort=False)}
    outcomes = {}
    if ledger is not None and len(ledger):
        # only the sheets whose every row is listed need the outcome of each (an export lists its rejects)
        sizes = delivered["source"].value_counts()
        listed = ledger[ledger["source"].map(sizes).fillna(0).le(ALL_ROWS_UP_TO)]
        outcomes = dict(
            zip(zip(listed["source"], listed["row"].astype(str), strict=True), listed["outcome"], strict=True)
        )
    context = {}
    if indicators is not None:
        context = {row["indicator_id"]: (row["office"], indicator_label(row)) for row in indicators.to_dict("records")}
    books = {}
    for file, rows in delivered.groupby(delivered["source"].map(delivered_file), sort=True):
        books[file] = _workbook(rows, by_source, known_ids, outcomes, context)
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


def _workbook(
    rows: pd.DataFrame,
    rejects_by_source: dict[str, pd.DataFrame],
    known_ids: list[str],
    outcomes: dict[tuple, str] | None = None,
    context: dict[str, tuple[str, str]] | None = None,
) -> bytes:
    # openpyxl here, not at the top: 0.2 s that an ingest without deliveries never pays. Write-only mode:
    # tens of thousands of rows stream out instead of living in memory as cell objects.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    outcomes, context = outcomes or {}, context or {}
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    rejected_fill, wrapped = PatternFill("solid", fgColor="F9D6D5"), Alignment(wrap_text=True, vertical="top")
    quiet = Font(color="595959")
    workbook = Workbook(write_only=True)
    for source, sheet_rows in rows.groupby("source", sort=False):
        name = sheet_of(source) or "Ritorno"
        sheet = workbook.create_sheet(name[:31])
        for position, (_, width) in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"  # printed: the header on every page, landscape, one page wide
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True

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
        judged = []
        for record in records:
            found = reasons.get(str(record["row"]))
            default = "" if outcomes else "accepted"  # without a ledger, a row not rejected was accepted
            outcome = "rejected" if found else outcomes.get((source, str(record["row"])), default)
            judged.append((_ORDER.get(outcome, 2), record, found, outcome))
        if not export:
            judged.sort(key=lambda item: item[0])  # rows needing action first (stable: in the file's order)
        for _, record, found, outcome in judged:
            reason, code, suggested = found if found else ("", "", "")
            office, described = context.get(str(record["indicator_id"]).strip().lower(), ("", ""))
            values = [
                record["row"],
                OUTCOME_IT.get(outcome, outcome),
                record["indicator_id"],
                office,
                described,
                record["period"],
                record["value"],
                record["numerator"],
                record["denominator"],
                record["note"],
                _plain_reason(reason),
                suggestion(record, code, known_ids, suggested) if found else "",
            ]
            fill = rejected_fill if reason and not export else None  # an export's thousands of rows stay plain
            font = quiet if not reason and not export else None  # accepted rows stay quiet
            sheet.append(
                [
                    text(v, fill, wrapped if i == REASON_COLUMN and not export else None, font)
                    for i, v in enumerate(values)
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_xlsx(buffer.getvalue())


def _plain_reason(reason: str) -> str:
    """The reason as an office reads it: its files by name, not by the quality office's folders.

    >>> _plain_reason("copia identica di data/raw/measurements/uffici/a.xlsx riga 3")
    'copia identica di uffici/a.xlsx riga 3'
    """
    return reason.replace("data/raw/measurements/", "").replace("data/raw/events/", "casi: ")
