"""Reading ``measurements.csv`` (and what its rejects say of the files) back: what every analysis and
report starts from.

Apart from :mod:`.ingest`, which writes it, so that reading it loads neither the case-record
engine nor the spreadsheet readers (0.1 s a command, and in every report's kernel).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.schemas import MEASUREMENTS


def read_measurements(path: Path) -> pd.DataFrame:
    """``measurements.csv`` as written by ``kpi ingest`` (only an empty cell is missing: a note ``N/A`` is text)."""
    return MEASUREMENTS.read(path, hint="kpi ingest")[MEASUREMENTS.names]


def unread_files(rejects: pd.DataFrame) -> list[str]:
    """The delivered files that could not be read (their one reject in ``measurement_rejects.csv``)."""
    return sorted(set(rejects.loc[rejects["code"] == "unreadable_file", "source"].astype(str)))
