"""Measurements derived from case records (issue 4 fills this in)."""

from __future__ import annotations

import pandas as pd

DERIVED_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "cases", "open_cases", "source"]


def derive_from_folder(paths, indicators: pd.DataFrame) -> pd.DataFrame:
    """Derived measurements for every events file of the root (none yet)."""
    return pd.DataFrame(columns=DERIVED_COLUMNS)
