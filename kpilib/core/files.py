"""Reading input files safely and writing outputs atomically and deterministically."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import KpiError
from .frame_csv import frame_csv_bytes
from .text import clean_text
from .writes import write_together

if TYPE_CHECKING:  # pandas only for the annotations: `kpi events` runs without it
    import pandas as pd


def read_text(path: Path) -> str:
    """Text of ``path``: UTF-8 (BOM allowed), else Windows-1252 with a warning.

    Raises :class:`KpiError` for a missing, empty or binary file.
    """
    data = read_bytes(path)
    if b"\x00" in data:
        raise KpiError(f"{path}: not a text file (binary content or UTF-16); save it as UTF-8")
    try:
        return clean_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise KpiError(f"{path}: unreadable text: neither UTF-8 nor Windows-1252 (byte {exc.start})") from None
    print(f"warning: {path}: not UTF-8, read as Windows-1252", file=sys.stderr)
    return clean_text(text)


DELIMITERS = (";", ",", "\t")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV file as Italian Excel or anyone else saves it: ``;``, ``,`` or tab.

    Judged on the first lines together, not the first alone: the delimiter is the one that
    most lines use the same number of times, so a title line with a comma above a ``;``
    table, or decimal commas in the rows, do not mislead it.

    >>> sniff_delimiter("indicatore;periodo;valore"), sniff_delimiter("a,b")
    (';', ',')
    >>> sniff_delimiter("Misure, anno 2025\\nindicatore;periodo;valore\\nkpi-1;2025-01;92,5\\nkpi-1;2025-02;90")
    ';'
    """
    lines = [line for line in text.splitlines() if line.strip()][:30]

    def steadiness(delimiter: str) -> tuple[int, int]:
        counts = [line.count(delimiter) for line in lines if line.count(delimiter)]
        if not counts:
            return (0, 0)
        usual = max(set(counts), key=lambda n: (counts.count(n), n))
        return (counts.count(usual) * min(usual, 2), usual)

    return max(DELIMITERS, key=steadiness)


class CsvRows(list):
    """Rows of a CSV file, ``rows[i]`` being the row that starts on line ``i + 1`` (continuation lines of
    a cell written over several lines are empty rows), and ``problems``: row index -> reject code (:mod:`.codes`)."""

    problems: dict[int, str]


def read_csv_rows(path: Path) -> CsvRows:
    """Every row of a CSV file as text cells (encoding as :func:`read_text`, delimiter sniffed).

    A quote that is never closed would swallow every later line into one cell: where the
    lines it swallowed read as rows of their own, they are kept as rows and the line with
    the quote is marked in ``problems``, never merged in silence.
    """
    text = read_text(path)
    delimiter = sniff_delimiter(text)
    physical = text.splitlines()
    usual = _usual_width(physical, delimiter)
    rows, problems = CsvRows(), {}
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 0
    for cells in reader:
        end = reader.line_num
        spanned = physical[start:end]
        if len(spanned) > 1 and any(_width(line, delimiter) == usual > 1 for line in spanned[1:]):
            for offset, line in enumerate(spanned):
                rows.append(next(csv.reader([line], delimiter=delimiter), []))
                if offset == 0:
                    problems[start] = "unclosed_quote"
        else:
            rows.append(cells)
            rows.extend([] for _ in spanned[1:])
        start = end
    rows.problems = problems
    return rows


def _width(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


# The usual width of a file's rows is judged on its first lines: an export of a million rows needs no more.
_WIDTH_SAMPLE = 5_000


def _usual_width(lines: list[str], delimiter: str) -> int:
    sample = lines[:_WIDTH_SAMPLE]
    widths = [_width(line, delimiter) for line in sample if line.strip() and line.count('"') % 2 == 0]
    return max(set(widths), key=widths.count) if widths else 0


def records_of(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as dicts, built column by column: what ``to_dict("records")`` gives (Python
    scalars), several times faster at a million rows.

    >>> import pandas as pd
    >>> records_of(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    [{'a': 1, 'b': 'x'}, {'a': 2, 'b': 'y'}]
    """
    return list(iter_records(frame))


def iter_records(frame: pd.DataFrame) -> Iterator[dict]:
    """:func:`records_of` one row at a time: a million rows never sit in memory as dicts at once."""
    columns = list(frame.columns)
    for row in zip(*(frame[c].tolist() for c in columns), strict=True):
        yield dict(zip(columns, row, strict=True))


def read_bytes(path: Path) -> bytes:
    """Bytes of an input file, with plain errors for missing or empty files."""
    path = Path(path)
    if not path.exists():
        raise KpiError(f"{path}: file not found")
    if path.is_dir():
        raise KpiError(f"{path}: is a folder, not a file")
    data = path.read_bytes()
    if not data.strip():
        raise KpiError(f"{path}: file is empty")
    return data


# A text cell starting with one of these is a formula to a spreadsheet that opens the file: written with a
# leading apostrophe (OWASP, CSV injection), which the schema reader takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """A text cell as it is safe to write: ``'`` before a leading ``= + - @``, tab or carriage return.

    >>> defuse("=HYPERLINK(1)"), defuse("-5 per ritardo"), defuse("ok")
    ("'=HYPERLINK(1)", "'-5 per ritardo", 'ok')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def undefuse(text: str) -> str:
    """The text :func:`defuse` was given."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_bytes(frame: pd.DataFrame, delimiter: str = ",", defused: bool = True) -> bytes:
    """``frame`` as UTF-8 CSV; same frame, same bytes; text cells defused (:func:`defuse`) unless ``defused``
    is False (published open data: a value is published as it is)."""
    import pandas as pd

    # column by column, each distinct text defused once
    fast = frame_csv_bytes(frame, _float_format, defuse if defused else str, delimiter)
    if fast is not None:
        return fast
    safe = frame  # copied only where a cell must be defused: a million-row file is not copied for nothing
    for name in frame.columns if defused else ():
        column = frame[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            try:
                formula = column.str.startswith(FORMULA_STARTS, na=False)  # cells that are not text: False
            except AttributeError:  # an object column without a single text cell
                continue
            if formula.any():
                safe = frame.copy() if safe is frame else safe
                text = column.map(lambda v: v if isinstance(v, str) else "")
                safe[name] = column.mask(formula, "'" + text)
    return safe.to_csv(index=False, sep=delimiter, lineterminator="\n", float_format=_float_format).encode("utf-8")


def write_csvs(frames: dict[Path, pd.DataFrame], journal_dir: Path) -> None:
    """Write several processed files together: all replaced, or none (:func:`~.writes.write_together`),
    each with the columns its schema declares (:func:`~.schemas.schema_for`)."""
    from .schemas import schema_for

    write_together({path: schema_for(path).csv_bytes(frame) for path, frame in frames.items()}, journal_dir)


def _float_format(value: float) -> str:
    return f"{value:.10g}"


def rows_csv_bytes(columns: list[str], rows: Iterable[tuple], float_columns: frozenset[str] = frozenset()) -> bytes:
    """Plain rows as UTF-8 CSV, byte for byte as :func:`csv_bytes` writes the same frame.

    Cells of ``float_columns`` are numbers written as pandas writes a float column (NaN and
    None empty); other cells as text, None empty. For commands that never load pandas.
    """
    floats = [column in float_columns for column in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                _float_cell(cell)
                if is_float
                else ("" if cell is None else defuse(cell) if isinstance(cell, str) else cell)
                for cell, is_float in zip(row, floats, strict=True)
            ]
        )
    return out.getvalue().encode("utf-8")


def _float_cell(value) -> str:
    if value is None or value != value:  # NaN
        return ""
    return _float_format(float(value))


# The types each input folder's reader reads (a file of another type there is named, never read in silence).
CATALOG_SUFFIXES = (".txt", ".tsv", ".csv", ".xlsx")
DELIVERY_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".ods")
CASE_SUFFIXES = (".csv", ".parquet")
REGISTER_SUFFIXES = (".csv",)


def delivered_file(source: str) -> str:
    """The file a record's ``source`` names: a workbook's sheet is written ``file.xlsx:sheet``; a ``:`` that is
    part of a file's own name stays.

    >>> delivered_file("m/a.xlsx:Foglio2"), delivered_file("m/ufficio: giugno.csv")
    ('m/a.xlsx', 'm/ufficio: giugno.csv')
    """
    file, colon, _sheet = str(source).rpartition(":")
    return file if colon and file.lower().endswith((".xlsx", ".xlsm", ".ods")) else str(source)


def sheet_of(source: str) -> str:
    """The sheet a record's ``source`` names (empty for a text file or a one-sheet workbook)."""
    file = delivered_file(source)
    return str(source)[len(file) + 1 :] if file != str(source) else ""


def is_input_name(name: str) -> bool:
    """Whether a file of that name in an input folder is someone's input: not hidden (``.x``), not an office
    program's lock file (``~$misure.xlsx``), not a README.

    >>> [is_input_name(n) for n in ("misure.xlsx", "~$misure.xlsx", ".misure.csv", "README.md")]
    [True, False, False, False]
    """
    return not name.startswith((".", "~$")) and not name.lower().startswith("readme")


def list_inputs(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Input files of ``folder`` (:func:`is_input_name`) with one of ``suffixes``, sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and is_input_name(path.name) and path.suffix.lower() in suffixes
    )


def warn_unread_subfolders(folder: Path, relative=str) -> None:
    """Say on stderr which subfolders of an input folder are not read (their files are not inputs)."""
    if not folder.is_dir():
        return
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and is_input_name(p.name)):
        print(
            f"warning: {relative(sub)}: folder not read (put the files to be used directly in {relative(folder)}/)",
            file=sys.stderr,
        )


def unreadable_inputs(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Input files of ``folder`` (:func:`is_input_name`) that :func:`list_inputs` leaves out for their type."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and is_input_name(path.name) and path.suffix.lower() not in suffixes
    )


_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_TIMESTAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_xlsx(data: bytes) -> bytes:
    """The same workbook with fixed zip and document timestamps, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _TIMESTAMPS.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(zipfile.ZipInfo(item.filename, date_time=_FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@dataclass(frozen=True)
class Sheet:
    """One worksheet: the text a person sees in each cell, and what the text alone does not tell."""

    name: str
    rows: list[list[str]]
    hidden: bool = False
    numbers: frozenset[tuple[int, int]] = frozenset()  # (row, column) of cells holding a number, not text
    unsaved_formulas: frozenset[tuple[int, int]] = frozenset()  # formulas whose value was never saved


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an ``.xlsx``/``.xlsm`` workbook, hidden ones marked, in the workbook's order."""
    from openpyxl import load_workbook  # here, not at the top: 0.2 s that commands without workbooks never pay

    read_bytes(path)
    try:
        values = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise KpiError(f"{path}: not a readable Excel workbook ({exc.__class__.__name__})") from None
    sheets = []
    for shown, written in zip(values.worksheets, formulas.worksheets, strict=True):
        rows, numbers, unsaved = [], set(), set()
        for r, (row, formula_row) in enumerate(zip(shown.iter_rows(), written.iter_rows(), strict=False)):
            texts = []
            for c, cell in enumerate(row):
                texts.append(cell_text(cell.value, getattr(cell, "number_format", "")))
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    numbers.add((r, c))
                formula = formula_row[c].value if c < len(formula_row) else None
                if cell.value is None and isinstance(formula, str) and formula.startswith("="):
                    unsaved.add((r, c))
            rows.append(texts)
        hidden = shown.sheet_state != "visible"
        sheets.append(Sheet(shown.title, rows, hidden, frozenset(numbers), frozenset(unsaved)))
    values.close()
    formulas.close()
    return sheets


def read_ods_sheets(path: Path) -> list[Sheet]:
    """Every sheet of an OpenDocument spreadsheet (``.ods``, as LibreOffice saves it), read like a workbook:
    hidden sheets marked, percent cells as ``"92.5%"``, dates as dates, number cells marked as numbers."""
    from odf.opendocument import load  # odfpy: the reader pandas uses for .ods; loaded only for one
    from odf.style import Style, TableProperties
    from odf.table import Table, TableRow

    read_bytes(path)
    try:
        document = load(str(path))
    except Exception as exc:  # odfpy raises many types for a damaged file
        raise KpiError(f"{path}: not a readable OpenDocument spreadsheet ({exc.__class__.__name__})") from None
    hidden_styles = {
        style.getAttribute("name")
        for style in document.automaticstyles.getElementsByType(Style)
        for properties in style.getElementsByType(TableProperties)
        if properties.getAttribute("display") == "false"
    }
    sheets = []
    for table in document.spreadsheet.getElementsByType(Table):
        rows: list[list[str]] = []
        numbers: set[tuple[int, int]] = set()
        pending_blank = 0  # blank rows count for row numbers only when a filled row follows
        for row in table.getElementsByType(TableRow):
            texts, typed = _ods_row(row)
            repeat = int(row.getAttribute("numberrowsrepeated") or 1)
            if not any(texts):
                pending_blank += repeat
                continue
            rows.extend([] for _ in range(pending_blank))
            pending_blank = 0
            for _ in range(min(repeat, 10_000)):
                numbers.update((len(rows), c) for c in typed)
                rows.append(list(texts))
        hidden = table.getAttribute("stylename") in hidden_styles
        sheets.append(Sheet(table.getAttribute("name") or "", rows, hidden, frozenset(numbers)))
    return sheets


def _ods_row(row) -> tuple[list[str], list[int]]:
    """One ODS row: the text a person sees per cell (repeated cells expanded, trailing blanks dropped)."""
    texts: list[str] = []
    typed: list[int] = []
    pending: list[str] = []
    for cell in row.childNodes:
        if cell.qname[1] not in ("table-cell", "covered-table-cell"):
            continue
        value, is_number = _ods_value(cell)
        text = cell_text(value, "0%" if cell.getAttribute("valuetype") == "percentage" else "")
        repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
        if not text:
            pending.extend([""] * min(repeat, 1_000))
            continue
        texts.extend(pending)
        pending = []
        for _ in range(min(repeat, 1_000)):
            if is_number:
                typed.append(len(texts))
            texts.append(text)
    return texts, typed


def _ods_value(cell) -> tuple[object, bool]:
    """A cell's value as openpyxl would give it (number, date, text) and whether it is a number."""
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        number = float(cell.getAttribute("value"))
        return (int(number) if number.is_integer() and kind != "percentage" else number), True
    if kind == "date":
        written = cell.getAttribute("datevalue") or ""
        try:
            return (dt.datetime.fromisoformat(written) if "T" in written else dt.date.fromisoformat(written)), False
        except ValueError:
            return written, False
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true", False
    from odf import teletype

    return "\n".join(teletype.extractText(p) for p in cell.childNodes if p.qname[1] == "p"), False


def read_workbook(path: Path) -> dict[str, list[list[str]]]:
    """Every visible sheet of a workbook as rows of the text a person sees in the cells."""
    return {sheet.name: sheet.rows for sheet in read_sheets(path) if not sheet.hidden}


def cell_text(value: object, number_format: str | None = "") -> str:
    """The text a person sees in a spreadsheet cell, percentages as ``"92.5%"``.

    >>> cell_text(0.925, "0.0%"), cell_text(12.0, "General"), cell_text(None)
    ('92.5%', '12', '')
    >>> cell_text(0.5, '0.0" %"')  # a percent sign as text: 0,5 % is what the cell shows
    '0.5%'

    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        shown = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "")  # quoted text, escapes, [colours]
        if "%" in shown:
            return f"{value * 100:.12g}%"
        if "%" in (number_format or ""):  # a percent sign written as text ("0.0 %" in quotes): shown as it is
            return f"{value:.15g}%"
        return f"{value:.15g}"
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m}" if value.day == 1 else f"{value:%d/%m/%Y}"
    return clean_text(str(value))
