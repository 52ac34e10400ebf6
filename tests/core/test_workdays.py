"""Milan's working days, against cases worked out by hand on a calendar."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.core.workdays import add_working_days, is_working_day
from tests.reference_events import working_days_between


@pytest.mark.parametrize(
    ("opened", "closed", "expected", "why"),
    [
        ("2025-12-05", "2025-12-09", 1, "Fri → Tue: Sun 7 Sant'Ambrogio, Mon 8 Immacolata"),
        ("2026-12-04", "2026-12-09", 1, "Fri → Wed: Mon 7 Sant'Ambrogio and Tue 8 Immacolata both off"),
        ("2025-04-17", "2025-04-22", 2, "Thu → Tue: Fri 18 works, Easter Sunday and Monday off"),
        ("2025-04-24", "2025-04-28", 1, "Thu → Mon: Fri 25 April off"),
        ("2025-04-30", "2025-05-02", 1, "Wed → Fri: Thu 1 May off"),
        ("2025-05-30", "2025-06-03", 1, "Fri → Tue: Mon 2 June off"),
        ("2025-08-14", "2025-08-18", 1, "Thu → Mon: Fri 15 August off"),
        ("2025-12-24", "2026-01-02", 4, "Christmas, St Stephen, New Year off: 29, 30, 31 Dec and 2 Jan"),
        ("2025-12-31", "2026-01-07", 3, "New Year and Epiphany off: 2, 5, 7 Jan"),
        ("2025-03-03", "2025-03-03", 0, "same day"),
        ("2025-03-08", "2025-03-10", 1, "Sat → Mon"),
        ("2025-03-07", "2025-03-14", 5, "one ordinary week"),
    ],
)
def test_working_days_by_hand(opened, closed, expected, why):
    assert int(working_days_between(np.datetime64(opened), np.datetime64(closed))) == expected, why


def test_holidays_are_not_working_days():
    for day in ["2025-12-08", "2025-04-21", "2025-04-25", "2025-05-01", "2025-06-02", "2025-08-15", "2026-12-07"]:
        assert not is_working_day(dt.date.fromisoformat(day)), day
    assert is_working_day(dt.date(2025, 12, 9))


def test_vectorized_over_arrays():
    opened = np.array(["2025-12-05", "2025-04-17"], dtype="datetime64[D]")
    closed = np.array(["2025-12-09", "2025-04-22"], dtype="datetime64[D]")
    np.testing.assert_array_equal(working_days_between(opened, closed), [1, 2])


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(min_value=0, max_value=40))
def test_property_add_then_count_round_trips(opened, count):
    closed = add_working_days(opened, count)
    assert int(working_days_between(np.datetime64(opened), np.datetime64(closed))) == count
    if count:
        assert is_working_day(closed)
