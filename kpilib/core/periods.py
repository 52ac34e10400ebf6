"""Periods: canonical forms (``2025``, ``2025-S1``, ``2025-Q3``, ``2025-07``) and the forms
written in Italian offices (``1° semestre 2025``, ``gennaio 2025``, ``II trimestre 2025``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .text import fold, strip_accents
from .vocabulary import PERIOD_LENGTHS

FREQS = tuple(freq for freq, _, _, _ in PERIOD_LENGTHS)
# The years the project handles: Milan's working-day calendar is built for them, and a period
# read from a file or an argument outside them is a typo ("0000-01", "9999-S2"), not data.
FIRST_YEAR, LAST_YEAR = 1990, 2100
# Derived from the one table of period lengths (kpilib.core.vocabulary.PERIOD_LENGTHS).
MONTHS_IN = {freq: months for freq, _, months, _ in PERIOD_LENGTHS}
BASIS_FREQ = {basis: freq for freq, basis, _, _ in PERIOD_LENGTHS}
FREQ_BASIS = {freq: basis for freq, basis, _, _ in PERIOD_LENGTHS}
ITALIAN_FREQ = {freq: italian for freq, _, _, italian in PERIOD_LENGTHS}

MONTH_NAMES = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)
_MONTH_LOOKUP = {name: i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTH_LOOKUP.update({name[:3]: i for i, name in enumerate(MONTH_NAMES, start=1)})
_MONTH_LOOKUP["sett"] = 9
_ORDINALS = {
    **{str(n): n for n in range(1, 5)},
    **{roman: n for n, roman in enumerate(("i", "ii", "iii", "iv"), start=1)},
    **{word: n for n, word in enumerate(("primo", "secondo", "terzo", "quarto"), start=1)},
}
_FREQ_WORDS = {"semestre": "semester", "trimestre": "quarter", "sem": "semester", "trim": "quarter"}


@dataclass(frozen=True, eq=False)
class Period:
    """A calendar period: ``year``, ``freq`` and the 1-based ``index`` inside the year.

    The value that travels between stages: the readers of processed files turn a ``period``
    column into Periods once (:func:`periods`), and functions take and return Periods. A Period
    is equal to its canonical text and hashes like it, so a frame, a dict or ``isin`` keyed by
    either agrees with one keyed by the other; it orders chronologically (:attr:`sort_key`).

    >>> Period(2025, "semester", 2) == "2025-S2", {Period(2025, "month", 7): 1}["2025-07"]
    (True, 1)
    >>> sorted([Period(2025, "month", 7), Period(2025, "semester", 2), Period(2025, "year")])
    [Period('2025'), Period('2025-S2'), Period('2025-07')]
    """

    year: int
    freq: str
    index: int = 1
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.freq not in FREQS:
            raise ValueError(f"unknown frequency {self.freq!r}")
        if not 1 <= self.index <= 12 // MONTHS_IN[self.freq]:
            raise ValueError(f"{self.freq} {self.index} does not exist")
        object.__setattr__(self, "text", _canonical_text(self.year, self.freq, self.index))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Period({self.text!r})"

    def __eq__(self, other: object) -> bool:
        # the common case first: analyses compare millions of Periods with one another
        if type(other) is Period:
            return self.text == other.text
        if isinstance(other, Period | str):
            return self.text == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    @property
    def first_month(self) -> int:
        return (self.index - 1) * MONTHS_IN[self.freq] + 1

    # start, end and sort_key are computed once per Period: a column's Periods are shared objects (one per
    # distinct text), compared hundreds of thousands of times in an analysis
    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @cached_property
    def end(self) -> dt.date:
        """The last day of the period."""
        last = self.first_month + MONTHS_IN[self.freq] - 1
        following = dt.date(self.year + last // 12, last % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @cached_property
    def sort_key(self) -> tuple[dt.date, int]:
        return (self.start, -MONTHS_IN[self.freq])

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def split(self, freq: str) -> list[Period]:
        """The periods of ``freq`` inside this one (``freq`` must be as fine or finer)."""
        step = MONTHS_IN[freq]
        if step > MONTHS_IN[self.freq]:
            raise ValueError(f"{self} cannot be split into {freq}s")
        first = (self.first_month - 1) // step + 1
        return [Period(self.year, freq, first + i) for i in range(MONTHS_IN[self.freq] // step)]

    def enclosing(self, freq: str) -> Period:
        """The period of ``freq`` that contains this one's start."""
        return period_of(self.start, freq)

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods later (earlier when negative), same frequency."""
        per_year = 12 // MONTHS_IN[self.freq]
        position = self.year * per_year + self.index - 1 + steps
        return Period(position // per_year, self.freq, position % per_year + 1)

    def label_it(self) -> str:
        """Italian label: ``1° semestre 2025``, ``gennaio 2025``."""
        if self.freq == "year":
            return f"anno {self.year}"
        if self.freq == "month":
            return f"{MONTH_NAMES[self.index - 1]} {self.year}"
        word = "semestre" if self.freq == "semester" else "trimestre"
        return f"{self.index}° {word} {self.year}"


def _canonical_text(year: int, freq: str, index: int) -> str:
    if freq == "year":
        return f"{year}"
    if freq == "month":
        return f"{year}-{index:02d}"
    return f"{year}-{'S' if freq == 'semester' else 'Q'}{index}"


def periods(texts: Iterable[object]) -> list[Period]:
    """The Periods of a column of canonical or Italian texts, each distinct text parsed once.

    >>> periods(["2025-S1", "2025-S1", "gennaio 2025"])
    [Period('2025-S1'), Period('2025-S1'), Period('2025-01')]
    """
    parsed: dict[object, Period] = {}
    out = []
    for text in texts:
        if text not in parsed:
            parsed[text] = text if isinstance(text, Period) else parse_period(text)
        out.append(parsed[text])
    return out


def period_of(date: dt.date, freq: str) -> Period:
    """The period of ``freq`` containing ``date``."""
    return Period(date.year, freq, (date.month - 1) // MONTHS_IN[freq] + 1)


def due_periods(basis: str, period: Period) -> list[Period]:
    """Periods at an indicator's basis that end inside ``period`` (``period`` itself without basis).

    >>> [str(p) for p in due_periods("quarterly", Period(2025, "semester", 2))]
    ['2025-Q3', '2025-Q4']
    >>> [str(p) for p in due_periods("annual", Period(2025, "semester", 2))]
    ['2025']
    """
    freq = BASIS_FREQ.get(basis)
    if not freq:
        return [period]
    if MONTHS_IN[freq] <= MONTHS_IN[period.freq]:
        return period.split(freq)
    enclosing = period.enclosing(freq)
    return [enclosing] if period.start <= enclosing.end <= period.end else []


_CANONICAL = re.compile(r"^(\d{4})(?:-(?:(\d{2})|([sq])([1-4])))?$")


class PeriodOutOfRange(ValueError):
    """A period written correctly but outside the years handled (:data:`FIRST_YEAR`-:data:`LAST_YEAR`)."""


def parse_period(text: object) -> Period:
    """A period from its canonical or Italian form; ``ValueError`` when not understood,
    :class:`PeriodOutOfRange` when outside the years handled.

    >>> [str(parse_period(t)) for t in ["2025-S1", "1° semestre 2025", "gennaio 2025", "II trimestre 2025", "anno 2025"]]
    ['2025-S1', '2025-S1', '2025-01', '2025-Q2', '2025']
    """
    if isinstance(text, Period):
        return text
    if isinstance(text, dt.datetime | dt.date):
        if text.day != 1:
            raise ValueError(f"{text:%d/%m/%Y} is a date, not a period")
        period = Period(text.year, "month", text.month)
    else:
        period = _parse_text(text if isinstance(text, str) else str(text))
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        raise PeriodOutOfRange(f"period {text!s} is outside the years handled ({FIRST_YEAR}-{LAST_YEAR})")
    return period


# A month a spreadsheet turned into its first day ("dic 2025" typed becomes 01/12/2025; saved as text in a CSV).
_FIRST_OF_MONTH = re.compile(r"^\s*0?1[/.-](\d{1,2})[/.-](\d{4})\s*$|^\s*(\d{4})-(\d{2})-01\s*$")


@lru_cache(maxsize=4096)
def _parse_text(original: str) -> Period:
    """
    >>> [str(_parse_text(t)) for t in ("01/12/2025", "1.3.2025", "2025-12-01")]  # a month's first day
    ['2025-12', '2025-03', '2025-12']
    """
    first = _FIRST_OF_MONTH.match(original)
    if first:
        month, year = (first[1], first[2]) if first[1] else (first[4], first[3])
        if 1 <= int(month) <= 12:
            return Period(int(year), "month", int(month))
    words = strip_accents(fold(original)).replace("°", " ").replace("º", " ")
    words = re.sub(r"[\s_/.]+", " ", words.replace("-", " - ")).strip()
    compact = words.replace(" ", "")
    match = _CANONICAL.match(compact)
    if match:
        year, month, kind, index = match.groups()
        if month:
            return Period(int(year), "month", int(month))
        if kind:
            return Period(int(year), "semester" if kind == "s" else "quarter", int(index))
        return Period(int(year), "year")
    tokens = [token for token in words.split(" ") if token not in {"-", "del", "di", "anno"}]
    if len(tokens) == 1 and re.fullmatch(r"\d{4}", tokens[0]) and "anno" in words:
        return Period(int(tokens[0]), "year")
    if len(tokens) == 2:
        first, second = tokens
        if re.fullmatch(r"\d{4}", first):
            first, second = second, first
        if re.fullmatch(r"\d{4}", second):
            year = int(second)
            if first in _MONTH_LOOKUP:
                return Period(year, "month", _MONTH_LOOKUP[first])
            if re.fullmatch(r"\d{1,2}", first) and 1 <= int(first) <= 12:
                return Period(year, "month", int(first))
            half = re.fullmatch(r"([sqt])([1-4])|([1-4])([sqt])", first)
            if half:
                kind = half[1] or half[4]
                return Period(year, "semester" if kind == "s" else "quarter", int(half[2] or half[3]))
    if len(tokens) == 3 and re.fullmatch(r"\d{4}", tokens[2]):
        ordinal, word, year = tokens
        ordinal = ordinal.rstrip("o") if ordinal[:-1].isdigit() else ordinal
        if ordinal in _ORDINALS and word in _FREQ_WORDS:
            return Period(int(year), _FREQ_WORDS[word], _ORDINALS[ordinal])
    hint = original.replace("O", "0").replace("o", "0")
    if hint != original and _CANONICAL.match(hint.replace(" ", "").lower()):
        raise ValueError(f"period not understood: {original!r} (letter O for zero? {hint!r})")
    raise ValueError(f"period not understood: {original!r}")


def with_periods(frame, *columns: str):
    """``frame`` with its period columns (default ``period``) as :class:`Period` values, each
    distinct text parsed once; a blank cell stays ``""``. A frame read through its schema already
    has them and is returned as it is; a frame built by hand with texts gets them here.

    >>> import pandas as pd
    >>> with_periods(pd.DataFrame({"period": ["2025-S1", ""]}))["period"].tolist()
    [Period('2025-S1'), '']
    """
    wanted = [c for c in columns or ("period",) if c in frame.columns]
    pending = [c for c in wanted if not _all_periods(frame[c].tolist())]
    if not pending:
        return frame
    return frame.assign(**{c: periods_or_blank(frame[c]) for c in pending})


def _all_periods(values: list) -> bool:
    """Whether every value is a Period or blank (``""``): by the values' types, for a column of a hundred
    thousand rows."""
    kinds = set(map(type, values))
    if kinds <= {Period}:
        return True
    return kinds <= {Period, str} and all(type(v) is Period or v == "" for v in values)


def periods_or_blank(values) -> list:
    """:func:`periods` of the filled cells; a blank (empty, ``None``, NaN) stays ``""``."""
    parsed = iter(periods(v for v in values if v != "" and v is not None and v == v))
    return [next(parsed) if v != "" and v is not None and v == v else "" for v in values]


def per_distinct(values: Iterable, function) -> list:
    """``function`` of each value, computed once per distinct value object: a column of a few dozen
    periods (one object per distinct text, as the readers make them) repeated over a hundred thousand
    rows costs a few dozen calls.

    >>> per_distinct(periods(["2025-01", "2025-08", "2025-01"]), Period(2025, "semester", 1).contains)
    [True, False, True]
    """
    values = list(values)  # held, so that no value's id is reused while the table keys on it
    keys = list(map(id, values))  # by identity: a Period's own hash is Python code, id()'s is not
    table = {key: function(value) for key, value in dict(zip(keys, values, strict=True)).items()}
    return list(map(table.__getitem__, keys))
