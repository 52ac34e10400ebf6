"""Reading measurement files (CSV as Italian Excel saves it, tab-separated text, XLSX/XLSM,
filled templates) into text records, one per non-blank row, with the row number a person sees.

Nothing is interpreted here beyond turning cells into the text a person sees in them
(Excel cells formatted as percentages become ``"92.5%"``) and saying what the text alone
cannot: which cells held numbers rather than text (``typed``), and what makes a row
unusable before any value is read (``problem``: more cells than the header, a quote never
closed, a formula whose value was never saved).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import KpiError
from ..core.files import DELIVERY_SUFFIXES, Sheet, read_csv_rows, read_ods_sheets, read_sheets
from ..core.schema import DuplicateHeading
from ..core.schemas import DELIVERY
from ..core.text import fold
from .deliveries import delivery_date

FIELDS = tuple(DELIVERY.names)
NUMBER_FIELDS = ("value", "numerator", "denominator")
RAW_COLUMNS = ["source", "row", *FIELDS, "typed", "problem", "problem_detail", "raw", "delivered_on"]
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OPENDOCUMENT_SUFFIXES = (".ods",)
SUFFIXES = DELIVERY_SUFFIXES
# The template's own instruction sheet: it has no header on purpose.
INSTRUCTIONS_SHEET = "istruzioni"
# The template's hidden sheet naming what it asks (kpi template): not data, and hidden on purpose.
ABOUT_SHEET = "modello"


@dataclass
class MeasurementFile:
    """The records of one file and what a person must be told about it (each a line on the console)."""

    records: pd.DataFrame
    problems: list[str] = field(default_factory=list)  # a delivery check fails on these
    remarks: list[str] = field(default_factory=list)  # said, nothing more


def _column_map(header: list[str]) -> dict[str, int] | None:
    found = DELIVERY.locate(header)
    return found if all(name in found for name in DELIVERY.required) else None


def _trimmed(cells: list[str]) -> list[str]:
    shown = list(cells)
    while shown and not str(shown[-1]).strip():
        shown.pop()
    return shown


def _records(sheet: Sheet, source: str, problems: dict[int, str] | None = None) -> dict[str, list] | None:
    """Records under the first header row, column by column (:data:`RAW_COLUMNS` -> values), or ``None`` when
    no row is a header. Column-wise, so an export of a million rows is lists, not a million dicts."""
    problems = problems or {}
    unsaved_at: dict[int, list[int]] = {}
    for r, c in sheet.unsaved_formulas:
        unsaved_at.setdefault(r, []).append(c)
    for header_index, header in enumerate(sheet.rows):
        columns = _column_map(header)
        if columns is None:
            continue
        width = len(_trimmed(header))
        out: dict[str, list] = {name: [] for name in RAW_COLUMNS if name != "delivered_on"}
        positions = [(name, columns.get(name)) for name in FIELDS]
        typed_positions = [(name, columns.get(name, -1)) for name in (*NUMBER_FIELDS, "period")]
        for index in range(header_index + 1, len(sheet.rows)):
            cells = sheet.rows[index]
            unsaved = sorted(unsaved_at.get(index, ()))
            if not any(str(cell).strip() for cell in cells) and not unsaved:
                continue
            shown = _trimmed(cells)
            problem, detail = problems.get(index, ""), {}
            if not problem and unsaved:
                problem, detail = "unsaved_formula", {"columns": ", ".join(_column_letter(c) for c in unsaved)}
            if not problem and len(shown) > width:
                problem, detail = "extra_cells", {"found": len(shown), "expected": width}
            out["source"].append(source)
            out["row"].append(index + 1)
            for name, position in positions:
                out[name].append(_cell(cells, position))
            out["typed"].append(" ".join(n for n, c in typed_positions if (index, c) in sheet.numbers))
            out["problem"].append(problem)
            out["problem_detail"].append(json.dumps(detail) if detail else "")
            out["raw"].append(" | ".join(str(cell) for cell in shown))
        return out
    return None


def _cell(cells: list[str], position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return str(cells[position]).strip()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_measurement_file(path: Path, source: str) -> MeasurementFile:
    """Text records of every non-blank data row of one file (columns :data:`RAW_COLUMNS`).

    Hidden sheets are not read (a remark), and a visible sheet without the header is not
    skipped in silence (a problem). A file with no header anywhere is a :class:`KpiError`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    problems: list[str] = []
    remarks: list[str] = []
    if suffix in TEXT_SUFFIXES:
        rows = read_csv_rows(path)
        sheets, row_problems = [Sheet("", list(rows))], {"": rows.problems}
    elif suffix in WORKBOOK_SUFFIXES:
        sheets, row_problems = read_sheets(path), {}
    elif suffix in OPENDOCUMENT_SUFFIXES:
        sheets, row_problems = read_ods_sheets(path), {}
    else:
        raise KpiError(f"{path}: formato '{suffix}' non leggibile (salvare il file come .xlsx, .ods o .csv)")
    found: dict[str, list[dict]] = {}
    for sheet in sheets:
        if sheet.hidden:
            if fold(sheet.name) != ABOUT_SHEET:
                remarks.append(f"{source}: hidden sheet '{sheet.name}' not read (make it visible to have it read)")
            continue
        try:
            records = _records(sheet, source, row_problems.get(sheet.name))
        except DuplicateHeading as error:
            where = f"{path}" + (f", sheet '{sheet.name}'" if sheet.name else "")
            raise KpiError(f"{where}: {error}") from None
        if records is not None:
            found[sheet.name] = records
        elif (
            sheet.name
            and fold(sheet.name) != INSTRUCTIONS_SHEET
            and any(any(str(c).strip() for c in row) for row in sheet.rows)
        ):
            problems.append(f"{source}: sheet '{sheet.name}' not read: no header row with {DELIVERY.heading_help()}")
    if not found:
        raise KpiError(f"{path}: no header row with the columns {DELIVERY.heading_help()}")
    frames = []
    dated = delivery_date(path)
    for name, records in found.items():
        records = {**records, "delivered_on": [dated.isoformat() if dated else ""] * len(records["row"])}
        if len(found) > 1:
            records = {**records, "source": [f"{source}:{name}"] * len(records["row"])}
        frames.append(pd.DataFrame(records, columns=RAW_COLUMNS))
    return MeasurementFile(pd.concat(frames, ignore_index=True), problems, remarks)
