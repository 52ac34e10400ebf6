"""Numbers as an office wrote them: decimal comma or point, thousands, ``%``, a unit, "n.d.".

A file writes its decimals one way. :func:`decimal_style` finds which from the cells that
show it (``92,5`` or ``1.234,5``: a decimal comma; ``92.5``: a decimal point). A number whose
reading depends on it, one separator followed by exactly three digits, is read as the file
means it: ``1.200`` is twelve hundred in a file with decimal commas, one point two in one
with decimal points, and ambiguous (rejected, never guessed) in a file that shows neither.
Digits separated by spaces (``12 5``) are rejected, not joined.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .codes import reason_of
from .text import fold, strip_accents
from .vocabulary import Unit

COMMA, POINT = ",", "."
# What an office writes to say "not available"; the row is kept, without a value, with its note.
NOT_AVAILABLE = frozenset({"n.d.", "n.d", "nd", "n/d", "non disponibile", "-", "–", "—"})
UNIT_WORDS = {
    "%": Unit.PERCENT,
    "gg": Unit.DAYS,
    "g": Unit.DAYS,
    "giorno": Unit.DAYS,
    "giorni": Unit.DAYS,
    "gg lavorativi": Unit.WORKING_DAYS,
    "gg lav": Unit.WORKING_DAYS,
    "giorni lavorativi": Unit.WORKING_DAYS,
    "giorno lavorativo": Unit.WORKING_DAYS,
    "ore": Unit.HOURS,
    "ora": Unit.HOURS,
    "h": Unit.HOURS,
}
_WRITTEN = re.compile(r"^(?P<sign>[+-]?)\s*(?P<body>[\d.,\s]*\d[\d.,]*|[.,]\d+)\s*(?P<unit>[^\d\s.,].*)?$")


class NotANumber(ValueError):
    """Text that cannot be read as a number: a reject code (:mod:`kpilib.core.codes`) and its particulars;
    the message is the Italian reason."""

    def __init__(self, code: str, **particulars: object):
        self.code, self.particulars = code, particulars
        super().__init__(
            reason_of(code, **particulars) if code != "not_a_number" else f"non è un numero: '{particulars['written']}'"
        )


@dataclass(frozen=True)
class Written:
    """A number read from a cell, and the unit written beside it (``None`` when none)."""

    value: float
    unit: Unit | None = None


def is_not_available(text: str) -> bool:
    """Whether a cell declares the value not available.

    >>> [is_not_available(t) for t in ("n.d.", "ND", "Non disponibile", "-", "0", "")]
    [True, True, True, True, False, False]
    """
    return fold(text) in NOT_AVAILABLE


def decimal_style(texts: Iterable[str]) -> str | None:
    """The decimal separator a file's numbers show (``","`` or ``"."``), ``None`` when none or both.

    >>> decimal_style(["12", "92,5", "1.200"]), decimal_style(["92.5", "1,200"]), decimal_style(["1.200", "7"])
    (',', '.', None)
    """
    seen = {found for text in texts if (found := _shown_decimal(text))}
    return seen.pop() if len(seen) == 1 else None


def _shown_decimal(text: str) -> str | None:
    match = _WRITTEN.match(str(text).strip())
    if not match or re.search(r"\d\s+\d", match["body"]):
        return None
    body = match["body"].replace(" ", "")
    if COMMA in body and POINT in body:
        return COMMA if body.rfind(COMMA) > body.rfind(POINT) else POINT
    for separator, other in ((COMMA, POINT), (POINT, COMMA)):
        if body.count(separator) > 1:
            return other if _grouped(body, separator) else None
        if body.count(separator) == 1:
            integer, _, fraction = body.partition(separator)
            could_group = len(fraction) == 3 and 1 <= len(integer) <= 3 and not integer.startswith("0")
            return None if could_group else separator
    return None


def _grouped(integer: str, separator: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(separator)}\d{{3}})+", integer) is not None


def read_number(text: str, decimal: str | None) -> Written | None:
    """The number a cell holds, read with the file's ``decimal`` separator; ``None`` when empty.

    Raises :class:`NotANumber` with the reason (Italian) for text that is not a number, for
    digits separated by spaces and for a number the file's style leaves ambiguous.

    >>> read_number("1.234,5", None), read_number("1.200", ","), read_number("1.200", ".")
    (Written(value=1234.5, unit=None), Written(value=1200.0, unit=None), Written(value=1.2, unit=None))
    >>> read_number("48 gg", ","), read_number("92,5 %", None)
    (Written(value=48.0, unit='days'), Written(value=92.5, unit='percent'))
    """
    written = str(text).strip()
    if not written:
        return None
    match = _WRITTEN.match(written)
    if not match:
        raise NotANumber("not_a_number", written=written)
    unit = None
    if match["unit"]:
        unit = UNIT_WORDS.get(_unit_key(match["unit"]))
        if unit is None:
            raise NotANumber("not_a_number_unit", written=written, unit=match["unit"].strip())
    body = match["body"].strip()
    if re.search(r"\d\s+\d", body):
        raise NotANumber("digits_split_by_spaces", written=written, joined=body.replace(" ", ""))
    if re.search(r"\s", body):
        raise NotANumber("not_a_number", written=written)
    try:
        value = _value(body, decimal, written)
    except ValueError as error:  # a shape the checks above let through: never a traceback, never a guess
        if isinstance(error, NotANumber):
            raise
        raise NotANumber("not_a_number", written=written) from None
    if match["sign"] == "-":
        value = -value
    if not math.isfinite(value):
        raise NotANumber("not_a_number", written=written)
    return Written(value + 0.0, unit)  # + 0.0: -0 is 0


def _unit_key(unit: str) -> str:
    return " ".join(strip_accents(fold(unit)).replace(".", " ").split())


def _value(body: str, decimal: str | None, written: str) -> float:
    commas, points = body.count(COMMA), body.count(POINT)
    if commas and points:
        last = COMMA if body.rfind(COMMA) > body.rfind(POINT) else POINT
        thousands = POINT if last == COMMA else COMMA
        integer, _, fraction = body.rpartition(last)
        if not (_grouped(integer, thousands) or thousands not in integer) or thousands in fraction:
            raise NotANumber("invalid_thousands", written=written)
        return float(integer.replace(thousands, "") + "." + fraction)
    separator = COMMA if commas else POINT if points else None
    if separator is None:
        return float(body)
    if body.count(separator) > 1:
        if not _grouped(body, separator) or separator == decimal:
            raise NotANumber("not_a_number", written=written)
        return float(body.replace(separator, ""))
    integer, _, fraction = body.partition(separator)
    could_group = len(fraction) == 3 and 1 <= len(integer) <= 3 and not integer.startswith("0")
    if not could_group or separator == decimal:
        return float(f"{integer or '0'}.{fraction}")
    if decimal is not None:  # the file writes decimals with the other separator: this one groups thousands
        return float(integer + fraction)
    as_decimal = f"{float(f'{integer}.{fraction}'):g}".replace(POINT, COMMA)
    raise NotANumber("ambiguous_number", written=written, grouped=integer + fraction, decimal=as_decimal)
