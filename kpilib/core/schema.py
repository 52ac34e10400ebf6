"""Tables declared once: the columns of a file, the headings a person may write, types, missing values.

A :class:`Schema` is the contract of one file between two stages. Its reader
(:meth:`Schema.read`), its writer (:meth:`Schema.csv_bytes`), the heading recognition of the
input readers (:meth:`Schema.locate`), the column tables of ``docs/reference.md`` (checked by
a test) and the published Frictionless Table Schema (:meth:`Schema.table_schema`) all derive
from the declaration, so a heading alias, a missing-value rule or an allowed value changes in
one place. The declarations themselves are in :mod:`kpilib.core.schemas`.

Missing values: only an empty cell is missing. ``N/A``, ``NA``, ``null`` or ``n.d.`` written by
a person are text (a note, or a value declared not available), never turned into "no value".
Text columns read back as ``""`` where empty, number columns as NaN.

This module imports neither pandas nor NumPy at the top: ``kpi events`` uses the declarations
without loading them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import KpiError
from .text import plain_key

if TYPE_CHECKING:
    import pandas as pd

# Frictionless field types; "period" is a string in a canonical period form (CONTRACT, Periods).
TYPES = ("string", "integer", "number", "boolean", "date", "period")
_NUMERIC = ("integer", "number")


@dataclass(frozen=True)
class Column:
    """One column: its name in files the project writes, and what a person may write as its heading."""

    name: str
    description: str = ""
    type: str = "string"
    headings: tuple[str, ...] = ()  # other headings accepted on input (Italian first), matched by plain_key
    required: bool = False
    allowed: type[StrEnum] | tuple[str, ...] | None = None
    unit: str = ""  # a Unit, where the column holds values in one

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")

    @property
    def keys(self) -> frozenset[str]:
        """The heading keys (:func:`~.text.plain_key`) that name this column."""
        return frozenset(plain_key(text) for text in (self.name, *self.headings))

    @property
    def values(self) -> tuple[str, ...]:
        """The allowed values, in their declared order (empty: any)."""
        if self.allowed is None:
            return ()
        return tuple(str(v) for v in self.allowed)

    def renamed(self, name: str, description: str | None = None, **changes) -> Column:
        """The same concept under another name in another file (``first_period`` is a period too)."""
        if description is not None:
            changes["description"] = description
        return Column(**{**self.__dict__, "name": name, **changes})


class DuplicateHeading(KpiError):
    """Two columns of one header mean the same thing."""


@dataclass(frozen=True)
class Schema:
    """The columns of one file, in order."""

    name: str  # the file's name (``measurements.csv``) or, for inputs, what it is
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns whose values identify a row
    sorted_by: tuple[str, ...] = ()
    added: tuple[str, ...] = ()  # columns a file written by an earlier version may lack (read back empty)
    _by_name: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {column.name: column for column in self.columns})
        if len(self._by_name) != len(self.columns):
            raise ValueError(f"{self.name}: a column is declared twice")

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def extended(self, name: str, description: str, *columns: Column, **changes) -> Schema:
        """This schema with more columns after its own (a file that adds to another's columns)."""
        return Schema(name, description, (*self.columns, *columns), **changes)

    # Input: which cell of a header is which column.

    def locate(self, header: Sequence[object]) -> dict[str, int]:
        """Column name -> position in ``header`` for every heading recognised (case, accents, spaces
        and punctuation do not matter). Two headings for one column raise :class:`DuplicateHeading`.

        >>> from kpilib.core.schemas import DELIVERY
        >>> DELIVERY.locate(["Codice indicatore", "Periodo", "Valore (%)", "Ufficio"])
        {'indicator_id': 0, 'period': 1, 'value': 2}
        """
        found: dict[str, int] = {}
        for position, cell in enumerate(header):
            name = self.column_of(cell)
            if name is None:
                continue
            if name in found:
                raise DuplicateHeading(
                    f"two columns mean {name}: '{header[found[name]]}' and '{cell}' (keep one, rename the other)"
                )
            found[name] = position
        return found

    def record(self, cells: Sequence[str], positions: dict[str, int]) -> dict[str, str]:
        """A row's cells by column name, stripped (``positions`` from :meth:`locate`; a column the header
        lacks, or a short row, gives an empty cell).

        >>> from kpilib.core.schemas import CHANGES
        >>> CHANGES.record([" kpi-1 ", "2025-01"], {"indicator_id": 0, "period": 1})
        {'indicator_id': 'kpi-1', 'period': '2025-01', 'reason': ''}
        """
        return {
            name: (str(cells[positions[name]]).strip() if positions.get(name, len(cells)) < len(cells) else "")
            for name in self.names
        }

    def column_of(self, heading: object) -> str | None:
        """The column a heading names, or ``None``; a heading carrying a unit in brackets counts too."""
        text = str(heading)
        for candidate in (text, text.split("(")[0], text.split("[")[0]):
            key = plain_key(candidate)
            if not key:
                continue
            for column in self.columns:
                if key in column.keys:
                    return column.name
        return None

    def is_header(self, header: Sequence[object]) -> bool:
        """Whether ``header`` names every required column (duplicates raise, as in :meth:`locate`)."""
        found = self.locate(header)
        return all(name in found for name in self.required)

    def missing_headings(self, header: Sequence[object]) -> list[str]:
        found = self.locate(header)
        return [name for name in self.required if name not in found]

    def heading_help(self) -> str:
        """The required columns as a person may write them: ``indicator_id (indicatore), period (periodo)``."""
        parts = []
        for name in self.required:
            column = self[name]
            parts.append(f"{name} ({column.headings[0]})" if column.headings else name)
        return ", ".join(parts)

    # Processed files: read and write.

    def read(self, path: Path, missing_ok: bool = False, hint: str = "") -> pd.DataFrame:
        """The file as the project wrote it, with the declared types. A column declared ``added`` that the
        file lacks (written by an earlier version) is read as empty; any other missing column, an empty or
        unreadable file is one :class:`KpiError` naming the file. ``hint``: the command that writes it."""
        import pandas as pd

        path = Path(path)
        if not path.exists():
            if missing_ok:
                return self.empty()
            raise KpiError(f"{path}: not found" + (f"; run '{hint}' first" if hint else ""))
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
        except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise KpiError(f"{path}: unreadable ({_first_line(exc)}); run '{hint or 'kpi run'}' again") from None
        absent = [name for name in self.names if name not in frame.columns and name not in self.added]
        if absent:
            raise KpiError(
                f"{path}: column(s) {', '.join(absent)} missing (damaged or from another program); "
                f"run '{hint or 'kpi run'}' again"
            )
        try:
            return self.typed(frame)
        except ValueError as exc:
            row, column, text = _first_bad_period(frame, self)
            raise KpiError(
                f"{path}: row {row}: {column} {text!r} is not a period ({exc}); run '{hint or 'kpi run'}' again"
            ) from None

    def typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A new frame with the declared columns first, in order, each of its declared type."""
        import pandas as pd

        out = {}
        for column in self.columns:
            values = frame[column.name] if column.name in frame.columns else pd.Series("", index=frame.index)
            out[column.name] = _typed(values, column.type)
        extra = {name: frame[name] for name in frame.columns if name not in self._by_name}
        return pd.DataFrame({**out, **extra}, index=frame.index)

    def empty(self) -> pd.DataFrame:
        import pandas as pd

        return self.typed(pd.DataFrame(columns=self.names))

    def select(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The declared columns of ``frame``, in order (what the file holds)."""
        missing = [name for name in self.names if name not in frame.columns]
        if missing:
            raise KeyError(f"{self.name}: the frame lacks {', '.join(missing)}")
        return frame[self.names]

    def csv_bytes(self, frame: pd.DataFrame) -> bytes:
        """The file's bytes: the declared columns, UTF-8, ``\\n``, floats as :func:`~.files.csv_bytes`."""
        from .files import csv_bytes

        return csv_bytes(self.select(frame))

    # Published metadata.

    def table_schema(self, titles: dict[str, str] | None = None) -> dict:
        """A Frictionless Table Schema descriptor for the file."""
        fields = []
        for column in self.columns:
            descriptor = {"name": (titles or {}).get(column.name, column.name), "type": _frictionless(column.type)}
            if column.description:
                descriptor["description"] = column.description
            if column.values:
                descriptor["constraints"] = {"enum": list(column.values)}
            if column.type == "period":
                descriptor["constraints"] = {"pattern": r"\d{4}(-(0[1-9]|1[0-2]|S[12]|Q[1-4]))?"}
            fields.append(descriptor)
        schema: dict = {"fields": fields, "missingValues": [""]}
        if self.key:
            schema["primaryKey"] = [(titles or {}).get(name, name) for name in self.key]
        return schema


def _first_bad_period(frame: pd.DataFrame, schema: Schema) -> tuple[int, str, str]:
    """The file row (header = 1), column and text of the first period cell that does not parse."""
    from .periods import parse_period

    for column in schema.columns:
        if column.type != "period" or column.name not in frame.columns:
            continue
        for position, text in enumerate(frame[column.name]):
            try:
                if text:
                    parse_period(text)
            except ValueError:
                return position + 2, column.name, text
    return 0, "", ""


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _frictionless(kind: str) -> str:
    return "string" if kind == "period" else kind


def _typed(values: pd.Series, kind: str) -> pd.Series:
    import pandas as pd

    if kind in _NUMERIC:
        text = values.astype(object).where(values.astype(str).str.strip() != "", None)
        number = pd.to_numeric(text, errors="coerce")
        return number.astype("Int64") if kind == "integer" else number.astype(float)
    if kind == "boolean":
        words = values.astype(str).str.strip().str.lower()
        return words.map({"true": True, "false": False, "1": True, "0": False}).astype("boolean")
    import numpy as np

    from .files import undefuse

    # each distinct text read once: a column of a hundred thousand rows holds a few dozen periods or offices
    codes, distinct = pd.factorize(values)  # a missing cell: code -1, read as ""
    texts = [undefuse(str(value)) for value in distinct] + [""]
    if kind == "period":
        from .periods import periods_or_blank

        return pd.Series(np.array(periods_or_blank(texts), dtype=object)[codes], index=values.index, dtype=object)
    return pd.Series(np.array(texts, dtype=object)[codes], index=values.index, dtype="str")


def column_table(schema: Schema) -> list[tuple[str, str]]:
    """``(column, description)`` rows, as the reference documents the file."""
    return [(column.name, column.description) for column in schema.columns]


def all_headings(schemas: Iterable[Schema]) -> dict[str, set[str]]:
    """Per column name, every heading key any schema accepts for it (one vocabulary across readers)."""
    found: dict[str, set[str]] = {}
    for schema in schemas:
        for column in schema.columns:
            found.setdefault(column.name, set()).update(column.keys)
    return found
