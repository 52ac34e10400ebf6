"""CSV written without pandas: the same bytes as pandas writes (``kpi events`` relies on it)."""

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kpilib.core.files import csv_bytes, rows_csv_bytes

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_NUMBER = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=64), st.integers(-(10**6), 10**6))


@given(st.lists(st.tuples(_TEXT, _NUMBER, st.integers(-(10**9), 10**9), _TEXT), max_size=6))
def test_plain_rows_are_written_byte_for_byte_as_pandas_writes_the_frame(rows):
    """``kpi events`` writes its CSV without pandas: the bytes must be those of ``csv_bytes``."""
    columns = ["name", "value", "count", "note"]
    frame = pd.DataFrame(rows, columns=columns).astype({"value": float, "count": "int64"})
    assert rows_csv_bytes(columns, rows, frozenset({"value"})) == csv_bytes(frame)
