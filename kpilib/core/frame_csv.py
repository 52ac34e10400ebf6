"""A frame as the CSV bytes of a processed file, written column by column.

What ``DataFrame.to_csv(index=False, lineterminator="\\n", float_format=...)`` writes, byte for
byte, texts passed through a function first (defused), for the column types processed files
hold (floats, integers, booleans, texts, periods), at a fraction of its cost: each column's
cells are made once per distinct value (a column of 60,000 rows holds a few dozen periods,
offices or statuses) and the rows go through the same ``csv`` writer pandas uses. Any other
column type is left to pandas.
"""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def frame_csv_bytes(frame: pd.DataFrame, float_format, text=str, delimiter: str = ",") -> bytes | None:
    """``frame`` as UTF-8 CSV (header, ``\\n`` line ends, floats through ``float_format``, texts through
    ``text``, missing empty); ``None`` where a column is of a type this module leaves to pandas."""
    if not frame.columns.is_unique or any(_cells(frame[name].iloc[:0], float_format, text) is None for name in frame):
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", delimiter=delimiter)
    writer.writerow([str(name) for name in frame.columns])
    for start in range(0, len(frame), _CHUNK):  # the cells of a million rows never all at once
        part = frame.iloc[start : start + _CHUNK]
        columns = [_cells(part[name], float_format, text) for name in frame.columns]
        if any(cells is None for cells in columns):  # an object column with other values further down
            return None
        if len(columns) == 1:  # csv writes a lone empty field as "": pandas' rows go through the same path
            writer.writerows([cell] for cell in columns[0])
        else:
            writer.writerows(zip(*columns, strict=True))
    return out.getvalue().encode("utf-8")


_CHUNK = 100_000


def _cells(column: pd.Series, float_format, text) -> list[str] | None:
    """The column's cells as pandas writes them, or ``None`` for a type this module does not know."""
    import numpy as np
    import pandas as pd

    from .periods import Period

    kind = column.dtype
    if pd.api.types.is_object_dtype(kind):
        if not set(map(type, column.tolist())) <= {str, Period}:
            return None
        return _per_distinct(column, lambda value: text(value) if isinstance(value, str) else str(value))
    if pd.api.types.is_string_dtype(kind):
        return _per_distinct(column, text)
    if pd.api.types.is_bool_dtype(kind) or pd.api.types.is_integer_dtype(kind):
        return _per_distinct(column, str)
    if kind == np.float64:
        values = column.to_numpy()
        if np.any((values == 0) & np.signbit(values)):  # -0.0 is written "-0": distinct from 0.0 to a writer only
            return ["" if math.isnan(v) else float_format(v) for v in values.tolist()]
        return _per_distinct(column, float_format)
    return None


def _per_distinct(column: pd.Series, cell) -> list[str]:
    """``cell`` of each distinct value of ``column`` (missing values empty), spread over its rows."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    cells = np.array([cell(value) for value in distinct] + [""], dtype=object)  # code -1: missing
    return cells[codes].tolist()
