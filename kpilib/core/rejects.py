"""The one schema of every rejects file: ``source``, ``row``, ``reason``, ``raw``.

``row`` is the line or spreadsheet row a person sees in ``source`` (header = 1), empty for
values computed from case records; ``reason`` is in Italian; ``raw`` is what the row said.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a frame is made: `kpi events` runs without it
    import pandas as pd

REJECT_COLUMNS = ["source", "row", "reason", "raw"]


def reject(source: str, row: object, reason: str, raw: str) -> dict:
    """One rejects record."""
    return {"source": source, "row": row, "reason": reason, "raw": raw}


def rejects_frame(records: list[dict] | None = None) -> pd.DataFrame:
    """Rejects as a frame with the shared columns (empty when there are none)."""
    import pandas as pd

    return pd.DataFrame(records or [], columns=REJECT_COLUMNS)


def sort_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejects in file order: by source, then row number (rows without a number first)."""
    return rejects.sort_values(["source", "row"], kind="stable", key=_natural).reset_index(drop=True)


def _natural(column: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(column, errors="coerce").fillna(-1) if column.name == "row" else column


def rejects_of(source, row, reason, raw) -> pd.DataFrame:
    """Rejects from four equally long columns (or scalars broadcast over them)."""
    import pandas as pd

    return pd.DataFrame(dict(zip(REJECT_COLUMNS, (source, row, reason, raw), strict=True)))
