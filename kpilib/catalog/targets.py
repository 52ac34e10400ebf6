"""The grammar of published targets: ``"53 GG"``, ``"≥80%"``, ``"≥10 ≥10"``, ``"MAX 3 GG. LAVORATIVI"``.

A target cell holds one or more thresholds. Each threshold is an optional comparator
(symbol or word), a number with decimal comma or point, and an optional unit. Without a
comparator a duration is a maximum (lower is better) and a percentage or a count a
minimum (higher is better); an explicit comparator decides the polarity.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..core.labels import target_it, value_it
from ..core.numbers import COMMA, read_number
from ..core.text import collapse_whitespace
from ..core.vocabulary import DURATION_UNITS, Comparator, Polarity, Status, Unit, is_missing, meets

_AT_LEAST, _AT_MOST = Comparator.AT_LEAST, Comparator.AT_MOST
_COMPARATORS = {
    "≥": _AT_LEAST,
    ">=": _AT_LEAST,
    "=>": _AT_LEAST,
    "⩾": _AT_LEAST,
    "≤": _AT_MOST,
    "<=": _AT_MOST,
    "=<": _AT_MOST,
    "⩽": _AT_MOST,
    ">": Comparator.MORE_THAN,
    "<": Comparator.LESS_THAN,
    "=": Comparator.EQUAL,
    "max": _AT_MOST,
    "max.": _AT_MOST,
    "massimo": _AT_MOST,
    "non oltre": _AT_MOST,
    "entro": _AT_MOST,
    "min": _AT_LEAST,
    "min.": _AT_LEAST,
    "minimo": _AT_LEAST,
    "almeno": _AT_LEAST,
    "non meno di": _AT_LEAST,
}
_COMPARATOR_PATTERN = "|".join(re.escape(token) for token in sorted(_COMPARATORS, key=len, reverse=True))
# Digits with decimal comma or point, or Italian thousands (1.000, 1.234,5): read by core.numbers.
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_UNIT = r"%|gg\.?|giorn[oi]|ore|ora"
_THRESHOLD = re.compile(
    rf"(?P<cmp>{_COMPARATOR_PATTERN})?\s*(?P<num>{_NUMBER})\s*"
    rf"(?P<unit>(?:{_UNIT})(?:\s*lavorativ[oi])?)?(?![a-z0-9])",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"^[\s;,/]*(?:e\s+)?[\s;,/]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """One machine-checkable threshold."""

    op: str
    value: float
    unit: str
    polarity: str

    def is_met(self, measured: float) -> bool:
        """Whether ``measured`` satisfies the threshold, following the comparator exactly.

        >>> parse_target("≥80%")[0].is_met(80), parse_target("53 GG")[0].is_met(54)
        (True, False)
        """
        return meets(measured, self.op, self.value)

    @classmethod
    def of(cls, row) -> Target | None:
        """The target a row of ``indicators.csv`` or ``evaluation.csv`` holds (its four target columns), or
        ``None`` where it has none (a target that could not be parsed).

        >>> Target.of({"target_op": ">=", "target_value": 80, "target_unit": "percent", "polarity": "higher"})
        Target(op='>=', value=80.0, unit='percent', polarity='higher')
        """
        if is_missing(row.get("target_op")) or is_missing(row.get("target_value")):
            return None
        return cls(row["target_op"], float(row["target_value"]), row["target_unit"], row["polarity"])

    def status(self, measured: float) -> Status:
        """``met`` / ``not_met`` by the comparator exactly; ``no_data`` without a value.

        >>> t = parse_target("≥80%")[0]
        >>> t.status(80), t.status(79.9), t.status(float("nan"))
        ('met', 'not_met', 'no_data')
        """
        if is_missing(measured):
            return Status.NO_DATA
        return Status.MET if self.is_met(float(measured)) else Status.NOT_MET

    def margin(self, measured: float) -> float:
        """Signed distance to the threshold in its unit, positive when better.

        >>> parse_target("≥80%")[0].margin(85), parse_target("12 GG")[0].margin(15)
        (5.0, -3.0)
        """
        if is_missing(measured):
            return math.nan
        difference = float(measured) - self.value
        return difference if self.polarity == Polarity.HIGHER else -difference

    def relative_margin(self, measured: float) -> float:
        """The margin as a share of the threshold (``0.0625``: 6.25% better); NaN for a zero threshold."""
        margin = self.margin(measured)
        if is_missing(margin) or self.value == 0:
            return math.nan
        return margin / abs(self.value)

    def shown(self) -> str:
        """The threshold as a reader sees it: ``≥80%``, ``≤53 gg``."""
        return target_it(self.op, self.value, self.unit)


def parse_number(text: str) -> float:
    """A number of a published target, read as the measurements are (:func:`~kpilib.core.numbers.read_number`)
    in a table that writes decimals with a comma: ``1.000`` is a thousand, ``1.234,5`` 1234.5, and a lone
    point is a decimal point only where it cannot group thousands (``92.5``).

    >>> parse_number("92,5"), parse_number("12"), parse_number("1.000"), parse_number("1.234,5"), parse_number("92.5")
    (92.5, 12.0, 1000.0, 1234.5, 92.5)
    """
    return read_number(text, COMMA).value


def unit_of(unit_text: str | None) -> Unit:
    """The canonical unit of a unit token (``None`` or empty: a plain number)."""
    if not unit_text:
        return Unit.NUMBER
    token = unit_text.casefold()
    if token == "%":
        return Unit.PERCENT
    if token.startswith(("ore", "ora")):
        return Unit.HOURS
    return Unit.WORKING_DAYS if "lavorativ" in token else Unit.DAYS


def default_polarity(unit: str) -> Polarity:
    return Polarity.LOWER if unit in DURATION_UNITS else Polarity.HIGHER


def polarity_of(op: str, unit: str) -> Polarity:
    if op in (Comparator.AT_LEAST, Comparator.MORE_THAN):
        return Polarity.HIGHER
    if op in (Comparator.AT_MOST, Comparator.LESS_THAN):
        return Polarity.LOWER
    return default_polarity(unit)


def parse_target(cell: object) -> list[Target]:
    """Every threshold of a target cell, in order; an empty list when it cannot be parsed.

    >>> parse_target("53 GG")
    [Target(op='<=', value=53.0, unit='days', polarity='lower')]
    >>> [t.op for t in parse_target("≥10 ≥10")]
    ['>=', '>=']
    >>> parse_target("DA DEFINIRE")
    []
    """
    text = collapse_whitespace(cell)
    thresholds: list[Target] = []
    position = 0
    for match in _THRESHOLD.finditer(text):
        if not _SEPARATORS.match(text[position : match.start()]):
            return []
        unit = unit_of(match["unit"])
        comparator = match["cmp"]
        if comparator:
            op = _COMPARATORS[collapse_whitespace(comparator).casefold()]
        else:
            op = _AT_MOST if unit in DURATION_UNITS else _AT_LEAST
        thresholds.append(Target(op, parse_number(match["num"]), unit, polarity_of(op, unit)))
        position = match.end()
    if not thresholds or not _SEPARATORS.match(text[position:]):
        return []
    return thresholds


_COMPARATOR_WORDS = {
    Comparator.AT_LEAST: "almeno",
    Comparator.MORE_THAN: "più di",
    Comparator.AT_MOST: "al massimo",
    Comparator.LESS_THAN: "meno di",
    Comparator.EQUAL: "uguale a",
}


def describe_target(op: str, value: float, unit: str) -> str:
    """The target written out in Italian, as offices read it: ``"almeno 80%"``.

    >>> describe_target(">=", 80, "percent"), describe_target("", None, "")
    ('almeno 80%', 'target non definito')
    """
    if not op:
        return "target non definito"
    return f"{_COMPARATOR_WORDS[Comparator(op)]} {value_it(value, unit, decimals=2)}"


def target_shown(row) -> str:
    """The target as published, or, for one part of a compound target, that part's own threshold.

    >>> target_shown({"sub_indicator": "PREMIO MARRA", "target_raw": "≥10 ≥10", "target_op": ">=",
    ...               "target_value": 10.0, "target_unit": "number", "polarity": "higher"})
    '≥10'
    """
    held = Target.of(row)
    if is_missing(row.get("sub_indicator")) or held is None:
        return row["target_raw"]
    return held.shown()
