"""Milan's working-day calendar.

Working days are Monday to Friday, less Italian public holidays and Milan's patron day
(Sant'Ambrogio, 7 December), from ``holidays.Italy(subdiv="MI")``. Elapsed working days
between an opening date ``s`` and a closing date ``e`` count the working days ``d`` with
``s < d <= e``: opened Friday 5 December 2025 and closed Tuesday 9 December 2025 is 1
working day (Monday 8 is the Immacolata, Sunday 7 Sant'Ambrogio).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from .clock import holiday_dates, milan_today
from .periods import FIRST_YEAR, LAST_YEAR

__all__ = ["add_working_days", "is_working_day", "milan_holidays", "milan_today", "working_days_between"]

EPOCH = np.datetime64(f"{FIRST_YEAR}-01-01", "D")


@lru_cache(maxsize=1)
def milan_holidays() -> np.ndarray:
    """Every public holiday in Milan from 1990 to 2100, as sorted ``datetime64[D]``."""
    return np.array(holiday_dates(FIRST_YEAR, LAST_YEAR), dtype="datetime64[D]")


@lru_cache(maxsize=1)
def working_day_index() -> np.ndarray:
    """Cumulative count of working days from 1990-01-01 up to and including each day."""
    days = np.arange(EPOCH, np.datetime64(f"{LAST_YEAR + 1}-01-01", "D"))
    working = np.is_busday(days, holidays=milan_holidays())
    return np.cumsum(working).astype(np.int32)


def is_working_day(date: dt.date) -> bool:
    return bool(np.is_busday(np.datetime64(date, "D"), holidays=milan_holidays()))


def working_days_between(opened, closed) -> np.ndarray:
    """Working days ``d`` with ``opened < d <= closed``, element-wise (``datetime64[D]`` arrays).

        Vectorized through a cumulative calendar: one lookup per date, no per-row loop.

        >>> import numpy as np

    from .periods import FIRST_YEAR, LAST_YEAR
        >>> int(working_days_between(np.datetime64("2025-12-05"), np.datetime64("2025-12-09")))
        1
    """
    index = working_day_index()
    start = (np.asarray(opened, dtype="datetime64[D]") - EPOCH).astype(np.int64)
    end = (np.asarray(closed, dtype="datetime64[D]") - EPOCH).astype(np.int64)
    if np.any((start < 0) | (end < 0) | (start >= len(index)) | (end >= len(index))):
        raise ValueError(f"dates must lie between {FIRST_YEAR} and {LAST_YEAR}")
    return index[end] - index[start]


def add_working_days(opened: dt.date, count: int) -> dt.date:
    """The date ``count`` working days after ``opened`` (``count`` >= 0)."""
    if count == 0:
        return opened
    result = np.busday_offset(np.datetime64(opened, "D"), count, roll="forward", holidays=milan_holidays())
    if not is_working_day(opened):
        result = np.busday_offset(np.datetime64(opened, "D"), count - 1, roll="forward", holidays=milan_holidays())
    return result.astype(dt.date)
