"""The management review's registers, ``data/raw/riesame/``: what the indicators cannot tell (ISO 9001 §9.3.2).

One CSV per register, found by the register's name in the file name (``decisioni_2025.csv``,
``ESEMPIO_audit.csv``): the decisions of past reviews and how they stand, the external and
internal issues, satisfaction surveys, audit findings, external providers, the adequacy of
resources, the actions on risks and opportunities (columns and Italian headings:
:data:`~kpilib.core.schemas.REVIEW_REGISTERS`). Every row is a register entry or a reject naming
the file, the row and the problem; nothing is dropped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.errors import KpiError
from ..core.files import REGISTER_SUFFIXES, list_inputs, read_csv_rows
from ..core.paths import Paths
from ..core.rejects import reject, rejects_frame
from ..core.schema import DuplicateHeading, Schema
from ..core.schemas import REVIEW_REGISTERS
from ..core.text import fold, strip_accents

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class ReviewRegisters:
    """Each register's usable rows (its schema's columns, ``year`` as an integer, ``source``, ``row``), the
    files each was read from, and the rows that could not be used."""

    entries: dict[str, pd.DataFrame]
    files: dict[str, list[str]]
    rejects: pd.DataFrame

    def of(self, register: str, year: int | None = None) -> pd.DataFrame:
        """The rows of ``register``, of ``year`` only where given."""
        rows = self.entries[register]
        return rows if year is None else rows[rows["year"] == year].reset_index(drop=True)


def register_of(name: str) -> str | None:
    """The register a file name names (``ESEMPIO_audit_2025.csv`` -> ``audit``), or ``None``."""
    key = strip_accents(fold(name))
    return next((register for register in REVIEW_REGISTERS if register in key), None)


def read_review_registers(paths: Paths) -> ReviewRegisters:
    """Every register of ``data/raw/riesame/`` (an absent folder or register: no rows)."""
    entries = {name: [] for name in REVIEW_REGISTERS}
    files = {name: [] for name in REVIEW_REGISTERS}
    rejects = []
    for path in list_inputs(paths.review_dir, REGISTER_SUFFIXES):
        source = paths.relative(path)
        register = register_of(path.name)
        if register is None:
            names = ", ".join(f"{name}*.csv" for name in REVIEW_REGISTERS)
            rejects.append(reject(source, 1, "unknown_review_register", "", registers=names))
            continue
        files[register].append(source)
        rows, problems = _rows(path, source, REVIEW_REGISTERS[register])
        entries[register] += rows
        rejects += problems
    frames = {
        name: pd.DataFrame(rows, columns=[*REVIEW_REGISTERS[name].names, "source", "row"]).astype({"year": "Int64"})
        for name, rows in entries.items()
    }
    return ReviewRegisters(frames, files, rejects_frame(rejects))


def _rows(path, source: str, schema: Schema) -> tuple[list[dict], list[dict]]:
    lines = read_csv_rows(path)
    try:
        header_at = next((i for i, cells in enumerate(lines) if schema.is_header(cells)), None)
    except DuplicateHeading as error:
        raise KpiError(f"{path}: {error}") from None
    if header_at is None:
        needed = ", ".join(_heading(schema, name) for name in schema.required)
        problems = [
            reject(source, number, "missing_header", " | ".join(cells), needed=needed)
            for number, cells in enumerate(lines, start=1)
            if any(cell.strip() for cell in cells)
        ]
        return [], problems or [reject(source, 1, "missing_header", "", needed=needed)]
    positions = schema.locate(lines[header_at])
    rows, problems = [], []
    for number, cells in enumerate(lines[header_at + 1 :], start=header_at + 2):
        if not any(cell.strip() for cell in cells):
            continue
        record = schema.record(cells, positions)
        problem = _problem(schema, record)
        if problem:
            code, particulars = problem
            problems.append(reject(source, number, code, " | ".join(cells), **particulars))
            continue
        rows.append({**record, **_canonical(schema, record), "source": source, "row": number})
    return rows, problems


def _problem(schema: Schema, record: dict) -> tuple[str, dict] | None:
    written = record["year"]
    if not (written.isdigit() and len(written) == 4 and FIRST_YEAR <= int(written) <= LAST_YEAR):
        return "invalid_year", {"written": written}
    for name in schema.required:
        if not record[name]:
            return "missing_value", {"column": _heading(schema, name)}
    for column in schema.columns:
        if column.values and record[column.name] and _allowed(column.values, record[column.name]) is None:
            allowed = ", ".join(column.values)
            return "value_not_allowed", {"column": _heading(schema, column.name), "written": record[column.name],
                                         "allowed": allowed}  # fmt: skip
    return None


def _canonical(schema: Schema, record: dict) -> dict:
    """The year as a number, and every value of a closed list as the list writes it (``Completata`` -> ``completata``)."""
    canonical = {"year": int(record["year"])}
    for column in schema.columns:
        if column.values and record[column.name]:
            canonical[column.name] = _allowed(column.values, record[column.name])
    return canonical


def _allowed(values: tuple[str, ...], written: str) -> str | None:
    key = strip_accents(fold(written))
    return next((value for value in values if strip_accents(fold(value)) == key), None)


def _heading(schema: Schema, name: str) -> str:
    """The Italian heading a person writes for a column."""
    column = schema[name]
    return column.headings[0] if column.headings else name
