"""The vocabulary: members are their CSV values; is_missing and meets on the edge cases."""

import math

import pandas as pd
import pytest

from kpilib.core.vocabulary import Comparator, Status, Unit, is_missing, meets


def test_members_are_their_values_in_frames_and_files():
    frame = pd.DataFrame({"status": [Status.MET, Status.NO_DATA], "unit": [Unit.PERCENT, Unit.WORKING_DAYS]})
    assert frame.to_csv(index=False) == "status,unit\nmet,percent\nno_data,working_days\n"
    assert Status("not_met") is Status.NOT_MET and Status.MET == "met" and repr(Status.MET) == "'met'"


@pytest.mark.parametrize(
    ("value", "missing"),
    [
        (None, True),
        (math.nan, True),
        ("", True),
        (pd.NA, True),
        (pd.NaT, True),
        (0, False),
        (0.0, False),
        ("0", False),
        ("n.d.", False),
        (False, False),
    ],
)
def test_is_missing(value, missing):
    assert is_missing(value) is missing


@pytest.mark.parametrize(
    ("value", "op", "target", "expected"),
    [
        (80, ">=", 80, True),
        (80, ">", 80, False),
        (12, "<=", 12, True),
        (12, "<", 12, False),
        (5, "=", 5, True),
        (5.1, "=", 5, False),
    ],
)
def test_meets_follows_the_comparator_exactly(value, op, target, expected):
    assert meets(value, op, target) is expected


def test_an_unknown_comparator_is_an_error_not_a_silent_miss():
    with pytest.raises(ValueError):
        meets(1, "≥", 0)
    assert [c.value for c in Comparator] == [">=", ">", "<=", "<", "="]
