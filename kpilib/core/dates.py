"""Dates as the quality office writes them in its registers (review dates, due dates, verifications)."""

from __future__ import annotations

import datetime as dt

REGISTER_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def register_date(text: str) -> dt.date:
    """``30/09/2025``, ``2025-09-30``, ``30-09-2025`` or ``30.09.2025`` as a date; anything else: ValueError.

    >>> register_date("30/09/2025"), register_date("2025-09-30")
    (datetime.date(2025, 9, 30), datetime.date(2025, 9, 30))
    """
    for pattern in REGISTER_DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(text).strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)
