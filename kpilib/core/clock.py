"""Milan's clock and holidays, without NumPy: what ``kpi events`` needs before any array.

:mod:`kpilib.core.workdays` builds the vectorized working-day calendar on the same
holidays; this module keeps ``kpi events`` from loading NumPy or pandas for it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .settings import today_override

MILAN = ZoneInfo("Europe/Rome")


def milan_today() -> dt.date:
    """Today in Milan, whatever the machine's time zone (``KPI_TODAY=YYYY-MM-DD`` overrides it, for tests)."""
    return today_override() or dt.datetime.now(MILAN).date()


def holiday_dates(first_year: int, last_year: int) -> list[dt.date]:
    """Milan's public holidays (Italy's, and Sant'Ambrogio on 7 December) from ``first_year`` to ``last_year``, sorted.

    >>> [d.isoformat() for d in holiday_dates(2025, 2025) if d.month == 12]
    ['2025-12-07', '2025-12-08', '2025-12-25', '2025-12-26']
    """
    import holidays  # 0.1 s: only when a working-day count is needed

    return sorted(holidays.Italy(subdiv="MI", years=range(first_year, last_year + 1)))
