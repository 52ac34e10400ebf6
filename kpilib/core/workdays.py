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

__all__ = ["add_working_days", "is_working_day", "milan_holidays", "milan_today"]


@lru_cache(maxsize=1)
def milan_holidays() -> np.ndarray:
    """Every public holiday in Milan from 1990 to 2100, as sorted ``datetime64[D]``."""
    return np.array(holiday_dates(FIRST_YEAR, LAST_YEAR), dtype="datetime64[D]")


def is_working_day(date: dt.date) -> bool:
    return bool(np.is_busday(np.datetime64(date, "D"), holidays=milan_holidays()))


def add_working_days(opened: dt.date, count: int) -> dt.date:
    """The date ``count`` working days after ``opened`` (``count`` >= 0)."""
    if count == 0:
        return opened
    result = np.busday_offset(np.datetime64(opened, "D"), count, roll="forward", holidays=milan_holidays())
    if not is_working_day(opened):
        result = np.busday_offset(np.datetime64(opened, "D"), count - 1, roll="forward", holidays=milan_holidays())
    return result.astype(dt.date)
