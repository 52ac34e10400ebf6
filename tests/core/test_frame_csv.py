"""The column-by-column CSV writer gives pandas' own bytes (to_csv with the project's float format,
text defused) on every column type processed files hold, and hostile cells."""

import numpy as np
import pandas as pd
import pytest

from kpilib.core import files
from kpilib.core.frame_csv import frame_csv_bytes
from kpilib.core.periods import Period


def pandas_bytes(frame: pd.DataFrame) -> bytes:
    """What pandas writes, texts defused first as the project asks (the reference)."""
    defused = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_object_dtype(frame[name]) or pd.api.types.is_string_dtype(frame[name]):
            defused[name] = [files.defuse(v) if isinstance(v, str) else v for v in frame[name]]
    return defused.to_csv(index=False, lineterminator="\n", float_format=files._float_format).encode("utf-8")


HOSTILE = pd.DataFrame(
    {
        "number": [1.0, -0.0, np.nan, 0.0, 1e-12, 123456789012.5],
        "text": ["=SUM(A1),x", 'a "quoted" word', "two\nlines", "", None, "-5 per ritardo"],
        "count": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        "flag": pd.array([True, None, False, True, True, False], dtype="boolean"),
        "period": [Period(2025, "month", 1), "", Period(2025, "year"), "+1", "@x", ""],
        "plain_flag": [True, False] * 3,
        "plain_count": [1, 2, 3, 4, 5, 6],
        "string": pd.Series(["=a", "b", "\tc", None, "", "d;e"], dtype="str"),
    }
)


def test_every_column_type_and_hostile_cell_as_pandas_writes_it():
    assert frame_csv_bytes(HOSTILE, files._float_format, files.defuse) == pandas_bytes(HOSTILE)
    assert files.csv_bytes(HOSTILE) == pandas_bytes(HOSTILE)
    assert b"\n-0," in files.csv_bytes(
        HOSTILE
    )  # a negative zero stays one (margins of exactly 0 where lower is better)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"only": ["", "x", ""]}),  # a lone empty field is written ""
        pd.DataFrame(columns=["a", "b"]),
        pd.DataFrame({"a": [0.1, 0.2, 0.30000000000000004], "b": ["x", "x", "y"]}),
    ],
)
def test_edge_frames_as_pandas_writes_them(frame):
    assert files.csv_bytes(frame) == pandas_bytes(frame)


def test_a_column_of_another_type_is_left_to_pandas():
    mixed = pd.DataFrame({"a": [1.5, "=x"], "when": pd.to_datetime(["2025-01-01", "2025-02-01"])})
    assert frame_csv_bytes(mixed, files._float_format, files.defuse) is None
    assert files.csv_bytes(mixed) == pandas_bytes(mixed)


def test_rows_written_in_parts_give_the_same_bytes(monkeypatch):
    from kpilib.core import frame_csv

    monkeypatch.setattr(frame_csv, "_CHUNK", 4)  # HOSTILE's six rows in two parts
    assert files.csv_bytes(HOSTILE) == pandas_bytes(HOSTILE)
    later = pd.DataFrame({"a": ["x", "y", "z", "w", 1.5]})  # a value of another type in the second part only
    assert frame_csv_bytes(later, files._float_format, files.defuse) is None
    assert files.csv_bytes(later) == pandas_bytes(later)
