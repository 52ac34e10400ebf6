import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilib.core.periods import FREQS, Period, parse_period, period_of


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2025", "2025"),
        ("anno 2025", "2025"),
        ("Anno 2025", "2025"),
        ("2025-S1", "2025-S1"),
        ("2025-s2", "2025-S2"),
        ("S1 2025", "2025-S1"),
        ("2025 S2", "2025-S2"),
        ("1° semestre 2025", "2025-S1"),
        ("2° semestre 2025", "2025-S2"),
        ("I semestre 2025", "2025-S1"),
        ("II semestre 2025", "2025-S2"),
        ("primo semestre 2025", "2025-S1"),
        ("1o semestre 2025", "2025-S1"),
        ("2025-Q3", "2025-Q3"),
        ("II trimestre 2025", "2025-Q2"),
        ("IV trimestre 2024", "2024-Q4"),
        ("3° trimestre 2025", "2025-Q3"),
        ("Q4 2025", "2025-Q4"),
        ("2025-01", "2025-01"),
        ("gennaio 2025", "2025-01"),
        ("Dicembre 2024", "2024-12"),
        ("gen 2025", "2025-01"),
        ("set-2025", "2025-09"),
        ("01/2025", "2025-01"),
        ("12/2024", "2024-12"),
        (dt.datetime(2025, 3, 1), "2025-03"),
    ],
)
def test_period_forms(text, canonical):
    assert str(parse_period(text)) == canonical


@pytest.mark.parametrize(
    "text", ["", "2025-13", "3° semestre 2025", "2025-Q5", "semestre", "luglio", "13/2025", "abc 2025", "25"]
)
def test_periods_not_understood(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_a_date_that_is_not_a_month_start_is_not_a_period():
    with pytest.raises(ValueError, match="is a date"):
        parse_period(dt.date(2025, 3, 15))


def test_bounds_split_and_containment():
    semester = Period(2025, "semester", 2)
    assert (semester.start, semester.end) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert [str(p) for p in semester.split("quarter")] == ["2025-Q3", "2025-Q4"]
    assert len(semester.split("month")) == 6
    assert semester.contains(Period(2025, "month", 7)) and not semester.contains(Period(2025, "month", 6))
    assert Period(2024, "month", 2).end == dt.date(2024, 2, 29)
    assert str(Period(2025, "quarter", 1).shift(-1)) == "2024-Q4"
    assert Period(2025, "semester", 1).label_it() == "1° semestre 2025"
    with pytest.raises(ValueError):
        Period(2025, "month", 1).split("year")


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from(FREQS))
def test_property_every_date_lies_in_its_period_and_the_label_round_trips(date, freq):
    period = period_of(date, freq)
    assert period.start <= date <= period.end
    assert parse_period(str(period)) == period
    assert parse_period(period.label_it()) == period


@pytest.mark.parametrize("text", ["0000-01", "0001-S1", "9999-S2", "1989-12", "2101"])
def test_periods_outside_the_years_handled_are_refused(text):
    from kpilib.core.periods import PeriodOutOfRange

    with pytest.raises(PeriodOutOfRange, match="outside the years handled"):
        parse_period(text)
    assert str(parse_period("1990-01")) == "1990-01" and str(parse_period("2100-S2")) == "2100-S2"
