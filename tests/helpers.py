"""Small builders shared by the tests."""

from __future__ import annotations

import pandas as pd

from kpilib.catalog.indicators import INDICATOR_COLUMNS
from kpilib.measurements.files import RAW_COLUMNS


def indicator(indicator_id: str, unit: str = "percent", op: str = ">=", value: float = 80, basis: str = "", **extra):
    row = dict.fromkeys(INDICATOR_COLUMNS, "")
    polarity = "lower" if op.startswith("<") else "higher"
    row.update(
        indicator_id=indicator_id,
        direction="DIREZIONE TEST",
        office="UFFICIO",
        process="PROCESSO",
        indicator=f"INDICATORE {indicator_id}",
        target_op=op,
        target_value=value,
        target_unit=unit,
        polarity=polarity,
        basis=basis,
        deadline_value=None,
        percentile=None,
    )
    row.update(extra)
    return row


def catalog(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=INDICATOR_COLUMNS)


def records(*rows, source="misure.csv") -> pd.DataFrame:
    """Text records as a measurement file gives them: (indicator, period, value[, numerator, denominator])."""
    out = []
    for number, cells in enumerate(rows, start=2):
        cells = ([*list(cells), "", "", ""])[:5]
        out.append(
            {
                "source": source,
                "row": number,
                "indicator_id": cells[0],
                "period": cells[1],
                "value": cells[2],
                "numerator": cells[3],
                "denominator": cells[4],
                "note": "",
                "typed": "",
                "problem": "",
                "problem_detail": "",
                "raw": " | ".join(cells),
            }
        )
    return pd.DataFrame(out, columns=RAW_COLUMNS)


# Opportunity kinds from most to least urgent, as kpilib.analysis.opportunities documents them.
KINDS_IN_ORDER = [
    "consistently_failing",
    "special_cause_concern",
    "deteriorating",
    "not_met",
    "hit_and_miss",
    "missing_data",
    "raise_target",
]
