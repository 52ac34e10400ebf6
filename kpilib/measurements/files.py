"""Reading measurement files (CSV as Italian Excel saves it, XLSX, filled templates) into
text cells, one record per non-blank row, with the row number a person sees.

Nothing is interpreted here beyond turning spreadsheet cells into the text a person
sees in them: Excel cells formatted as percentages become ``"92.5%"``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import KpiError
from ..core.files import read_csv_rows, read_workbook
from ..core.text import plain_key

FIELDS = ("indicator_id", "period", "value", "numerator", "denominator", "note")
REQUIRED = ("indicator_id", "period", "value")
ALIASES = {
    "indicator_id": {"indicatorid", "indicator", "indicatore", "idindicatore", "codiceindicatore"},
    "period": {"period", "periodo"},
    "value": {"value", "valore"},
    "numerator": {"numerator", "numeratore"},
    "denominator": {"denominator", "denominatore"},
    "note": {"note", "nota", "notes"},
}
RAW_COLUMNS = ["source", "row", *FIELDS, "raw"]
SUFFIXES = (".csv", ".xlsx")


def _column_map(header: list[str]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for position, cell in enumerate(header):
        key = plain_key(cell)
        for field, aliases in ALIASES.items():
            if key in aliases and field not in found:
                found[field] = position
    return found if all(field in found for field in REQUIRED) else None


def _records(lines: list[list[str]], source: str) -> list[dict] | None:
    """Records under the first header row, or ``None`` when no row is a header."""
    for header_index, header in enumerate(lines):
        columns = _column_map(header)
        if columns is None:
            continue
        records = []
        for index in range(header_index + 1, len(lines)):
            cells = lines[index]
            if not any(cell.strip() for cell in cells):
                continue
            record = {field: _cell(cells, columns.get(field)) for field in FIELDS}
            shown = list(cells)
            while shown and not shown[-1].strip():
                shown.pop()
            records.append({"source": source, "row": index + 1, **record, "raw": " | ".join(shown)})
        return records
    return None


def _cell(cells: list[str], position: int | None) -> str:
    if position is None or position >= len(cells):
        return ""
    return cells[position].strip()


def read_measurement_file(path: Path, source: str) -> pd.DataFrame:
    """Text cells of every non-blank data row of one file (columns :data:`RAW_COLUMNS`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets = {"": read_csv_rows(path)}
    elif suffix == ".xlsx":
        sheets = read_workbook(path)
    else:
        raise KpiError(f"{path}: unsupported measurement format '{suffix}' (use .csv or .xlsx)")
    found = {name: records for name, lines in sheets.items() if (records := _records(lines, source)) is not None}
    if not found:
        raise KpiError(
            f"{path}: no header row with the columns indicator_id (indicatore), period (periodo), value (valore)"
        )
    frames = []
    for name, records in found.items():
        if len(found) > 1:
            records = [{**record, "source": f"{source}:{name}"} for record in records]
        frames.append(pd.DataFrame(records, columns=RAW_COLUMNS))
    return pd.concat(frames, ignore_index=True)
