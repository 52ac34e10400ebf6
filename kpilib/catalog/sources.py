"""Reading one catalog source into the rows under its header.

Sources are the page export as text (blocks of tab-separated rows under a repeated
six-column header), or CSV / XLSX files with the same six headers. Each row keeps the
line (or spreadsheet row) a person sees, so that a reject can be found in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.errors import KpiError
from ..core.files import CATALOG_SUFFIXES, read_csv_rows, read_text, read_workbook
from ..core.schemas import CATALOG_SOURCE
from ..core.text import collapse_whitespace

FIELDS = tuple(CATALOG_SOURCE.names)
SOURCE_SUFFIXES = CATALOG_SUFFIXES


@dataclass(frozen=True)
class CatalogRow:
    """One line of a source that sits under a header: its fields as written."""

    source: str
    row: int
    fields: tuple[str, ...]


def _header_field(cell: object) -> str | None:
    return CATALOG_SOURCE.column_of(cell)


def _is_header(cells: list[str]) -> bool:
    return [_header_field(cell) for cell in cells if collapse_whitespace(cell)] == list(FIELDS)


def _rows_under_headers(lines: list[list[str]], source: str) -> list[CatalogRow]:
    """Rows after the first header; ``lines`` are numbered from 1 as a person sees them."""
    rows: list[CatalogRow] = []
    seen_header = False
    for number, cells in enumerate(lines, start=1):
        cells = _trim_trailing_blanks(cells)
        if not any(collapse_whitespace(cell) for cell in cells):
            continue
        if _is_header(cells):
            seen_header = True
            continue
        if seen_header:
            rows.append(CatalogRow(source, number, tuple(cells)))
    if not seen_header:
        raise KpiError(
            f"{source}: no header row found (expected columns: DIREZIONE, AREA, UNITÀ/UFFICIO, "
            "TITOLO PROCESSO, INDICATORE, TARGET OBIETTIVO)"
        )
    return rows


def _trim_trailing_blanks(cells: list[str]) -> list[str]:
    while len(cells) > len(FIELDS) and not collapse_whitespace(cells[-1]):
        cells = cells[:-1]
    return cells


def read_catalog_rows(path: Path, source: str | None = None) -> list[CatalogRow]:
    """Rows under the headers of one catalog source (``.txt``/``.tsv``, ``.csv``, ``.xlsx``)."""
    path = Path(path)
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        lines = next(iter(read_workbook(path).values()), [])
    elif suffix in (".txt", ".tsv"):
        lines = [line.split("\t") for line in read_text(path).splitlines()]
    elif suffix == ".csv":
        lines = read_csv_rows(path)
    else:
        raise KpiError(f"{path}: unsupported catalog format '{suffix}' (use .txt, .csv or .xlsx)")
    return _rows_under_headers(lines, source)
