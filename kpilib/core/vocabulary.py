"""The project's words, declared once: every value a status, unit or comparator column can hold.

Each is a :class:`~enum.StrEnum`, so a member *is* its CSV value (``Status.MET == "met"``)
and the files read the same whatever code wrote them. The Italian words for them are in
:mod:`kpilib.core.labels`.
"""

from __future__ import annotations

import math
from enum import StrEnum


class Word(StrEnum):
    """A member is its value: it compares, hashes, prints and shows (``repr``) as the plain string."""

    def __repr__(self) -> str:
        return repr(self.value)


class Status(Word):
    """How a period stands against its target."""

    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"
    PENDING = "pending"  # computed from case records still open, which could yet change the verdict


class Polarity(Word):
    """Which way is better."""

    HIGHER = "higher"
    LOWER = "lower"


class Unit(Word):
    """The unit of a target and of the values held against it."""

    PERCENT = "percent"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    HOURS = "hours"
    NUMBER = "number"


DURATION_UNITS = (Unit.DAYS, Unit.WORKING_DAYS, Unit.HOURS)


class Comparator(Word):
    """How a value is compared with a target."""

    AT_LEAST = ">="
    MORE_THAN = ">"
    AT_MOST = "<="
    LESS_THAN = "<"
    EQUAL = "="


class Basis(Word):
    """The measurement basis an indicator's text names."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


class Freq(Word):
    """The length of a period, as ``--freq`` and the period forms name it."""

    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"


# One table of period lengths: frequency, the catalog's basis word, months, the Italian adjective.
PERIOD_LENGTHS = (
    (Freq.MONTH, Basis.MONTHLY, 1, "mensile"),
    (Freq.QUARTER, Basis.QUARTERLY, 3, "trimestrale"),
    (Freq.SEMESTER, Basis.SEMIANNUAL, 6, "semestrale"),
    (Freq.YEAR, Basis.ANNUAL, 12, "annuale"),
)


class Variation(Word):
    """What an XmR chart says of a point."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL_HIGH = "neutral_high"  # a special cause where the indicator has no target or polarity
    NEUTRAL_LOW = "neutral_low"


SPECIAL_CAUSES = frozenset({Variation.IMPROVEMENT, Variation.CONCERN, Variation.NEUTRAL_HIGH, Variation.NEUTRAL_LOW})


class LimitKind(Word):
    """How far a segment's process limits can be trusted."""

    STABLE = "stable"  # from MIN_POINTS points
    TRIAL = "trial"  # from TRIAL_MIN_POINTS to MIN_POINTS - 1: computed, used, marked provisional


class Assurance(Word):
    """Where a target lies relative to the process limits."""

    CONSISTENTLY_MET = "consistently_met"
    HIT_AND_MISS = "hit_and_miss"
    CONSISTENTLY_FAILING = "consistently_failing"
    INSUFFICIENT_DATA = "insufficient_data"


def is_missing(value: object) -> bool:
    """No value: ``None``, NaN, ``pd.NA``/``NaT`` or an empty string.

    >>> [is_missing(v) for v in (None, float("nan"), "", 0, "0")]
    [True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, int):
        return False
    import pandas as pd  # here, not at the top: `kpi events` never loads pandas

    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def meets(value: float, op: str, target: float) -> bool:
    """Whether ``value`` satisfies ``op target``, following the comparator exactly.

    >>> meets(80, ">=", 80), meets(80, ">", 80), meets(2.5, "<=", 3)
    (True, False, True)
    """
    comparator = Comparator(op)
    if comparator is Comparator.AT_LEAST:
        return value >= target
    if comparator is Comparator.MORE_THAN:
        return value > target
    if comparator is Comparator.AT_MOST:
        return value <= target
    if comparator is Comparator.LESS_THAN:
        return value < target
    return value == target
