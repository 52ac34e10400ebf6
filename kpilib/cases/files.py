"""Opening case-record files (CSV, Parquet) as DuckDB relations with uniform columns.

Every file becomes a SELECT giving ``file_id``, ``row``, ``indicator_raw``, ``case_id``,
``opened``, ``closed`` (timestamps, NULL when empty or unreadable), ``opened_bad`` /
``closed_bad`` (text that is not a date) and ``raw`` (the row's cells as text). CSV files
are streamed into a temporary Parquet file first, so that every file is read the same
way, in batches, and rows keep the number a person sees (header = 1).
"""

from __future__ import annotations

import codecs
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..core.errors import KpiError
from ..core.files import CASE_SUFFIXES, read_bytes, sniff_delimiter
from ..core.rejects import reject
from ..core.schema import DuplicateHeading
from ..core.schemas import CASES

COLUMNS = tuple(CASES.names)
DATES = ("opened", "closed")
SUFFIXES = CASE_SUFFIXES
_BATCH_ROWS = 200_000


@dataclass(frozen=True)
class CaseFile:
    """One readable case file: where its Parquet data is, and which column is which."""

    source: str
    parquet: Path
    columns: dict[str, str]
    kinds: dict[str, str]  # "opened"/"closed" -> text, timestamp, timestamptz or date
    row_column: str | None
    structural_rejects: tuple[dict, ...] = ()


def _map_columns(names: list[str], path: Path) -> dict[str, str]:
    try:
        found = {field: names[position] for field, position in CASES.locate(names).items()}
    except DuplicateHeading as error:
        raise KpiError(f"{path}: {error}") from None
    missing = [field for field in COLUMNS if field not in found]
    if missing:
        raise KpiError(f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})")
    return found


def open_case_file(path: Path, source: str, scratch: Path, connection=None) -> CaseFile:
    """Check ``path`` and make it readable by DuckDB (CSV is converted into ``scratch``); ``connection``:
    the DuckDB connection to read a Parquet footer with (default: DuckDB's own)."""
    path = Path(path)
    suffix = path.suffix.lower()
    read_bytes(path)
    if suffix == ".parquet":
        types = _parquet_types(path, connection)
        columns = _map_columns(list(types), path)
        kinds = {field: _date_kind(types[columns[field]], path, columns[field]) for field in DATES}
        return CaseFile(source, path, columns, kinds, None)
    if suffix == ".csv":
        return _csv_to_parquet(path, source, scratch)
    raise KpiError(f"{path}: unsupported case-record format '{suffix}' (use .csv or .parquet)")


def _parquet_types(path: Path, connection=None) -> dict[str, str]:
    """Each column of a Parquet file and its type as DuckDB reads it (from the footer alone)."""
    try:
        described = (connection or duckdb).execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as error:
        first_line = (str(error).strip().splitlines() or [error.__class__.__name__])[0]
        raise KpiError(f"{path}: not a readable Parquet file ({first_line})") from None
    return {name: str(kind) for name, kind, *_ in described}


_DATE_KINDS = {
    "VARCHAR": "text",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
}


def _date_kind(column_type: str, path: Path, column: str) -> str:
    """How a Parquet date column is read; a type that holds no date is an error naming the column."""
    if column_type in _DATE_KINDS:
        return _DATE_KINDS[column_type]
    raise KpiError(
        f"{path}: column '{column}' holds {column_type}, not dates: export it as dates, date-times or text "
        "(AAAA-MM-GG or AAAA-MM-GG HH:MM)"
    )


def _text_lines(path: Path):
    """Lines of a text file, UTF-8 or else Windows-1252 (with a warning), streamed."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for _ in handle:
                pass
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        print(f"warning: {path}: not UTF-8, read as Windows-1252", file=sys.stderr)
        encoding = "cp1252"
    with open(path, "rb") as probe:
        if b"\x00" in probe.read(4096):
            raise KpiError(f"{path}: not a text file (binary content or UTF-16); save it as UTF-8")
    with codecs.open(path, encoding=encoding, errors="strict") as handle:
        try:
            yield from handle
        except UnicodeDecodeError as error:
            raise KpiError(
                f"{path}: unreadable text: neither UTF-8 nor Windows-1252 (byte {error.object[error.start : error.end]!r})"
            ) from None


def _csv_to_parquet(path: Path, source: str, scratch: Path) -> CaseFile:
    lines = _text_lines(path)
    header_line, first = 0, ""
    while not first.strip():
        first = next(lines, None)
        if first is None:
            raise KpiError(f"{path}: no header row (expected {', '.join(COLUMNS)})")
        header_line += 1
    delimiter = sniff_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    columns = _map_columns(header, path)
    positions = [header.index(columns[field]) for field in COLUMNS]
    import pyarrow as pa  # 0.15 s, only for a CSV case file
    import pyarrow.parquet as pq

    target = scratch / f"{len(list(scratch.iterdir())):04d}.parquet"
    schema = pa.schema([("row", pa.int64()), *((field, pa.string()) for field in COLUMNS)])
    rejects: list[dict] = []
    writer = pq.ParquetWriter(target, schema)
    batch: dict[str, list] = {name: [] for name in schema.names}
    for row_number, cells in enumerate(csv.reader(lines, delimiter=delimiter), start=header_line + 1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raw = " | ".join(cells)
            indicator = cells[positions[0]].strip().lower() if positions[0] < len(cells) else ""
            rejects.append(
                reject(source, row_number, "wrong_field_count", raw, indicator, found=len(cells), expected=len(header))
            )
            continue
        batch["row"].append(row_number)
        for field, position in zip(COLUMNS, positions, strict=True):
            batch[field].append(cells[position])
        if len(batch["row"]) >= _BATCH_ROWS:
            writer.write_table(pa.table(batch, schema=schema))
            batch = {name: [] for name in schema.names}
    writer.write_table(pa.table(batch, schema=schema))
    writer.close()
    return CaseFile(
        source,
        target,
        {field: field for field in COLUMNS},
        dict.fromkeys(DATES, "text"),
        "row",
        tuple(rejects),
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


MILAN = "Europe/Rome"


def _local_time(column: str, kind: str) -> tuple[str, str, str, str]:
    """SQL for a date column: Milan's local time, whether the text is unreadable, whether it has no time, and
    the instant (``TIMESTAMPTZ``) it names, for elapsed hours.

    A time with an offset, or a UTC timestamp, is converted to Milan's time; a time without
    one is Milan's already (the connection's time zone is Milan's, whatever the machine's).
    Elapsed hours are differences of instants, so a case open across a clock change counts the
    hours that passed (48.5 over the night clocks go back, not the 47.5 of the wall clock). A local
    time that does not exist (02:30 on the last Sunday of March) is read as the instant an hour
    later would show, and an ambiguous one (02:30 on the last Sunday of October) as its first
    occurrence: ICU's rule, documented in docs/method.md.
    """
    # Dates and naive timestamps carry no offset: their instant is derived from Milan's time where hours are
    # wanted (NULL here: converting every row would cost a third of a large run).
    if kind == "date":
        return f"CAST({column} AS TIMESTAMP)", "false", "true", "CAST(NULL AS TIMESTAMPTZ)"
    if kind == "timestamp":
        return f"CAST({column} AS TIMESTAMP)", "false", "false", "CAST(NULL AS TIMESTAMPTZ)"
    if kind == "timestamptz":
        return f"timezone('{MILAN}', {column})", "false", "false", column
    text = f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"
    parsed = f"TRY_CAST({text} AS TIMESTAMPTZ)"
    return (
        f"timezone('{MILAN}', {parsed})",
        f"({text} IS NOT NULL AND {parsed} IS NULL)",
        f"coalesce(regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}'), false)",
        parsed,
    )


def select_sql(case_file: CaseFile, file_id: int, rows_from: str | None = None) -> str:
    """A SELECT over one file with the uniform columns described in the module docstring.

    The file is named by ``file_id`` (an integer is cheaper to carry than its path).
    ``rows_from``: a table of (``file_id``, ``row``) to keep only those rows, filtered
    before any column is computed.
    """
    c = {field: _quote(name) for field, name in case_file.columns.items()}
    row = f"{case_file.row_column}" if case_file.row_column else "file_row_number + 2"
    dates = {field: _local_time(c[field], case_file.kinds[field]) for field in DATES}
    raw = " || ' | ' || ".join(f"coalesce(CAST({c[field]} AS VARCHAR), '')" for field in COLUMNS)
    return (
        f"SELECT {int(file_id)} AS file_id, {row} AS row, "
        f"CAST({c['indicator_id']} AS VARCHAR) AS indicator_raw, "
        f"CAST({c['case_id']} AS VARCHAR) AS case_id, "
        f"{dates['opened'][0]} AS opened, {dates['closed'][0]} AS closed, "
        f"{dates['opened'][1]} AS opened_bad, {dates['closed'][1]} AS closed_bad, "
        f"{dates['opened'][2]} AS opened_date_only, {dates['closed'][2]} AS closed_date_only, "
        f"{dates['opened'][3]} AS opened_at, {dates['closed'][3]} AS closed_at, "
        f"{raw if rows_from else 'CAST(NULL AS VARCHAR)'} AS raw "  # the text of a row, only for the rows picked
        f"FROM read_parquet({sql_literal(str(case_file.parquet))}"
        f"{', file_row_number = true' if not case_file.row_column else ''})"
        + (f" WHERE {_row_filter(case_file, rows_from, file_id)}" if rows_from else "")
    )


def _row_filter(case_file: CaseFile, rows_from: str, file_id: int) -> str:
    """Keep the rows listed in ``rows_from``, compared on the stored column so the scan can skip the others."""
    if case_file.row_column:
        return f"{case_file.row_column} IN (SELECT row FROM {rows_from} WHERE file_id = {int(file_id)})"
    return f"file_row_number IN (SELECT row - 2 FROM {rows_from} WHERE file_id = {int(file_id)})"
