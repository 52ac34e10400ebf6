"""The one schema of every rejects file (:data:`~.schemas.REJECTS`): ``source``, ``row``, ``code``,
``reason``, ``indicator_id``, ``period``, ``raw``.

``row`` is the line or spreadsheet row a person sees in ``source`` (header = 1), empty for
values computed from case records; ``code`` is a stable identifier from :mod:`.codes`,
``reason`` its Italian text with the row's particulars; ``indicator_id`` and ``period`` are
filled wherever the row names them, so that every reject finds its direction's report; ``raw``
is what the row said. In memory a rejects frame also carries ``suggestion`` (what the office
can do, for the return workbook); the file holds only the schema's columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .codes import reason_of, suggestion_of
from .schemas import REJECTS

if TYPE_CHECKING:  # pandas is imported where a frame is made: `kpi events` runs without it
    import pandas as pd

REJECT_COLUMNS = REJECTS.names
FRAME_COLUMNS = [*REJECT_COLUMNS, "suggestion"]


class Rejected(Exception):
    """A row that cannot be used: its code and the particulars its reason names."""

    def __init__(self, code: str, /, **particulars: object):
        self.code, self.particulars = code, particulars
        super().__init__(reason_of(code, **particulars))

    @property
    def reason(self) -> str:
        return str(self)


def reject(
    source: str, row: object, code: str, raw: str, indicator_id: str = "", period: str = "", /, **particulars: object
) -> dict:
    """One rejects record, its reason rendered from ``code`` and ``particulars`` (which may name an
    ``indicator`` or a ``period`` as written, beside the record's own ``indicator_id`` and ``period``)."""
    return {
        "source": source,
        "row": row,
        "code": code,
        "reason": reason_of(code, **particulars),
        "indicator_id": indicator_id,
        "period": str(period),  # as written: a rejected row's period may not read as one
        "raw": raw,
        "suggestion": suggestion_of(code, **particulars),
    }


def rejected(source: str, row: object, raw: str, error: Rejected, indicator_id: str = "", period: str = "") -> dict:
    """The rejects record of a :class:`Rejected` raised for a row naming ``indicator_id`` and ``period``."""
    return reject(source, row, error.code, raw, indicator_id, period, **error.particulars)


class RejectColumns:
    """Rejects kept column by column as they are made: a million of them never sit in memory as dicts."""

    def __init__(self):
        self.columns: dict[str, list] = {name: [] for name in FRAME_COLUMNS}

    def append(self, record: dict) -> None:
        for name, values in self.columns.items():
            values.append(record.get(name, ""))

    def extend(self, records) -> None:
        for record in records:
            self.append(record)

    def __iadd__(self, records):
        self.extend(records)
        return self

    def __len__(self) -> int:
        return len(self.columns["source"])


def rejects_frame(records: list[dict] | RejectColumns | None = None) -> pd.DataFrame:
    """Rejects as a frame with the shared columns (empty when there are none)."""
    import pandas as pd

    if isinstance(records, RejectColumns) and len(records):
        return pd.DataFrame(records.columns)
    if isinstance(records, RejectColumns):
        records = []
    records = records or []
    # column by column: a million rejects as a list of dicts handed to pandas at once would double in memory
    frame = pd.DataFrame({name: [record.get(name, "") for record in records] for name in FRAME_COLUMNS})
    return frame.astype({name: object for name in ("code", "indicator_id", "period", "suggestion")})


def sort_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejects in file order: by source, then row number (rows without a number first)."""
    return rejects.sort_values(["source", "row"], kind="stable", key=_natural).reset_index(drop=True)


def _natural(column: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(column, errors="coerce").fillna(-1) if column.name == "row" else column


def rejects_bytes(rejects: pd.DataFrame) -> bytes:
    """A rejects file's bytes: the schema's columns (the in-memory suggestion left out)."""
    return REJECTS.csv_bytes(rejects)
