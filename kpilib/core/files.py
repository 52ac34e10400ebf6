"""Reading input files safely and writing outputs atomically and deterministically."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from .errors import KpiError


def read_text(path: Path) -> str:
    """Text of ``path``: UTF-8 (BOM allowed), else Windows-1252 with a warning.

    Raises :class:`KpiError` for a missing, empty or binary file.
    """
    data = read_bytes(path)
    if b"\x00" in data:
        raise KpiError(f"{path}: not a text file (binary content or UTF-16); save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise KpiError(f"{path}: unreadable text: neither UTF-8 nor Windows-1252 (byte {exc.start})") from None
    print(f"warning: {path}: not UTF-8, read as Windows-1252", file=sys.stderr)
    return text


DELIMITERS = (";", ",", "\t")


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a CSV file as Italian Excel or anyone else saves it: ``;``, ``,`` or tab.

    >>> sniff_delimiter("indicatore;periodo;valore"), sniff_delimiter("a,b")
    (';', ',')
    """
    return max(DELIMITERS, key=first_line.count)


def read_csv_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV file as text cells (encoding as :func:`read_text`, delimiter sniffed)."""
    text = read_text(path)
    first = next((line for line in text.splitlines() if line.strip()), "")
    return list(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first)))


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


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as UTF-8 CSV atomically; same frame, byte-identical file."""
    text = frame.to_csv(index=False, lineterminator="\n", float_format=_float_format)
    write_atomic_bytes(path, text.encode("utf-8"))


def _float_format(value: float) -> str:
    return f"{value:.10g}"


def list_inputs(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """Input files of ``folder`` with one of ``suffixes``, sorted by name; hidden files skipped."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith((".", "~$")) and path.suffix.lower() in suffixes
    )


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


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


def read_workbook(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of an ``.xlsx`` file as rows of the text a person sees in the cells."""
    from openpyxl import load_workbook  # here, not at the top: 0.2 s that commands without workbooks never pay

    read_bytes(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise KpiError(f"{path}: not a readable Excel workbook ({exc.__class__.__name__})") from None
    sheets = {
        sheet.title: [
            [cell_text(cell.value, getattr(cell, "number_format", "")) for cell in row] for row in sheet.iter_rows()
        ]
        for sheet in workbook.worksheets
    }
    workbook.close()
    return sheets


def cell_text(value: object, number_format: str | None = "") -> str:
    """The text a person sees in a spreadsheet cell, percentages as ``"92.5%"``.

    >>> cell_text(0.925, "0.0%"), cell_text(12.0, "General"), cell_text(None)
    ('92.5%', '12', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            return f"{value * 100:.12g}%"
        return f"{value:.15g}"
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y-%m}" if value.day == 1 else f"{value:%d/%m/%Y}"
    return str(value)
