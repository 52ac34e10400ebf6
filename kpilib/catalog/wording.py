"""What an indicator's Italian text says beyond its target.

The measurement basis ("su base mensile", "calcolo semestrale", "in un anno"), the
deadline of a share-within-deadline indicator ("entro 3 gg. lavorativi", "entro il
termine di 15 gg.", "entro un giorno", "entro 48 ore") and the percentile of a
"maximum time for P% of cases" indicator ("per il 90% della corrispondenza"), and the
labels of the parts of a compound indicator ("PREMIO MARRA: … PREMIO AMBROSOLI: …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.text import collapse_whitespace, fold, strip_accents
from ..core.vocabulary import Basis
from .targets import parse_number, unit_of

_BASIS_PATTERNS = (
    (Basis.MONTHLY, r"\bmensil(?:e|i|mente)\b|\bogni mese\b|\bal mese\b|\bper mese\b"),
    (Basis.QUARTERLY, r"\btrimestral(?:e|i|mente)\b|\bogni trimestre\b"),
    (Basis.SEMIANNUAL, r"\bsemestral(?:e|i|mente)\b|\bogni semestre\b"),
    (
        Basis.ANNUAL,
        r"\bannual(?:e|i|mente)\b|\bin un anno\b|\bnell\W?\s*anno\b|\ball\W?\s*anno\b|\bogni anno\b",
    ),
)

ITALIAN_NUMBERS = {
    "un": 1,
    "uno": 1,
    "una": 1,
    "due": 2,
    "tre": 3,
    "quattro": 4,
    "cinque": 5,
    "sei": 6,
    "sette": 7,
    "otto": 8,
    "nove": 9,
    "dieci": 10,
    "undici": 11,
    "dodici": 12,
    "tredici": 13,
    "quattordici": 14,
    "quindici": 15,
    "sedici": 16,
    "diciassette": 17,
    "diciotto": 18,
    "diciannove": 19,
    "venti": 20,
    "ventuno": 21,
    "ventidue": 22,
    "ventitre": 23,
    "ventiquattro": 24,
    "venticinque": 25,
    "ventisei": 26,
    "ventisette": 27,
    "ventotto": 28,
    "ventinove": 29,
    "trenta": 30,
}
_WORD_NUMBER = "|".join(sorted(ITALIAN_NUMBERS, key=len, reverse=True))
_DEADLINE = re.compile(
    r"\bentro\s+(?:(?:il|un)\s+(?:termine|tempo)\s+(?:massimo\s+)?(?:di\s+)?)?"
    rf"(?P<n>\d+(?:[.,]\d+)?|{_WORD_NUMBER})\s*"
    r"(?P<unit>gg\.?|giorn[oi]|ore|ora)(?P<working>\s*lavorativ[oi])?(?![a-z])"
)
_PERCENTILE = re.compile(r"\bper\s+(?:il\s+|l\W?\s*)(?P<p>\d+(?:[.,]\d+)?)\s*%")


@dataclass(frozen=True)
class Deadline:
    value: float
    unit: str


def _searchable(text: str) -> str:
    return strip_accents(fold(text))


def basis_of(indicator_text: str) -> str:
    """The measurement basis named in the text, or ``""``.

    >>> basis_of("NUMERO DI INVII NEWSLETTER SU BASE MENSILE")
    'monthly'
    >>> basis_of("PERCENTUALE DI RICHIESTE SODDISFATTE IN UN ANNO")
    'annual'
    """
    text = _searchable(indicator_text)
    found = [(match.start(), basis) for basis, pattern in _BASIS_PATTERNS if (match := re.search(pattern, text))]
    return min(found)[1] if found else ""


def deadline_of(indicator_text: str) -> Deadline | None:
    """The "within N days/working days/hours" deadline named in the text, if any.

    >>> deadline_of("RICHIESTE EVASE ENTRO 3 GG. LAVORATIVI DALLA RICEZIONE")
    Deadline(value=3.0, unit='working_days')
    >>> deadline_of("NEWS PUBBLICATE ENTRO UN GIORNO DALLA RICEZIONE")
    Deadline(value=1.0, unit='days')
    """
    match = _DEADLINE.search(_searchable(indicator_text))
    if not match:
        return None
    number = match["n"]
    value = float(ITALIAN_NUMBERS[number]) if number in ITALIAN_NUMBERS else parse_number(number)
    unit_text = match["unit"] + (" lavorativi" if match["working"] else "")
    return Deadline(value, unit_of(unit_text))


def percentile_of(indicator_text: str) -> float | None:
    """P of "for P% of the cases" wording, if any.

    >>> percentile_of("TEMPO MASSIMO DI INOLTRO PER IL 90% DELLA CORRISPONDENZA")
    90.0
    """
    match = _PERCENTILE.search(_searchable(indicator_text))
    return parse_number(match["p"]) if match else None


_MEAN = re.compile(r"\b(?:tempo|tempi|durata|giorni|ore)\s+medi[oa]?\b|\bmedia\b|\bin\s+media\b")
_MAXIMUM = re.compile(r"\bmassim[oa]\b|\bmax\b|\bentro\b|\bnon\s+oltre\b|\bmassimo\b")
_DURATION_WORDS = re.compile(r"\btemp[oi]\b|\bdurata\b|\bgiorni\b|\bore\b|\battesa\b|\bevasion[ei]\b|\brispost[ae]\b")


def duration_statistic(indicator_text: str) -> str | None:
    """What a duration target is held against, from the indicator's wording: ``percentile`` ("per il 90% dei
    casi"), ``mean`` ("tempo medio"), ``max`` ("tempo massimo", "entro", or a time with no word for how it is
    summarised), or ``None`` when the text names no time at all (the catalog warns; it is treated as a maximum).

    >>> duration_statistic("TEMPO MEDIO DI EVASIONE DELLE PRATICHE"), duration_statistic("TEMPO MASSIMO DI RISPOSTA")
    ('mean', 'max')
    >>> duration_statistic("TEMPO MASSIMO DI INOLTRO PER IL 90% DELLA CORRISPONDENZA"), duration_statistic("NUMERO TESI")
    ('percentile', None)
    """
    text = _searchable(indicator_text)
    if _PERCENTILE.search(text):
        return "percentile"
    if _MEAN.search(text):
        return "mean"
    if _MAXIMUM.search(text) or _DURATION_WORDS.search(text):
        return "max"
    return None


def sub_indicator_labels(indicator_text: str, count: int) -> list[str]:
    """Labels of the ``count`` parts of a compound indicator.

    Taken from ``LABEL:`` segments when the text has exactly ``count`` of them, else
    ``"1"`` … ``"count"``.

    >>> sub_indicator_labels("PREMIO MARRA: N° DI TESI PREMIO AMBROSOLI: N° DI TESI", 2)
    ['PREMIO MARRA', 'PREMIO AMBROSOLI']
    """
    numbered = [str(i) for i in range(1, count + 1)]
    segments = collapse_whitespace(indicator_text).split(":")
    if len(segments) != count + 1:
        return numbered
    first = segments[0].strip()
    if not first or len(first.split()) > 6:
        return numbered
    labels = [first]
    first_word = first.split()[0]
    width = len(first.split())
    for segment in segments[1:-1]:
        words = segment.split()
        positions = [i for i, word in enumerate(words) if word == first_word and i > 0]
        start = positions[-1] if positions else max(len(words) - width, 1)
        labels.append(" ".join(words[start:]))
    if any(not label for label in labels) or len(set(map(fold, labels))) != count:
        return numbered
    return labels
