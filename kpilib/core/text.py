"""Normalizing names and text: whitespace, case folding, slugs, Italian numbers."""

from __future__ import annotations

import re
import unicodedata

from .vocabulary import is_missing

_SPACES = re.compile(r"\s+")
# Characters a person cannot see or that break a line inside a cell: format characters (zero-width space,
# BOM, direction marks) are removed; control characters and the line separators splitlines() obeys
# (vertical tab, form feed, U+0085, U+2028, U+2029) become a space. Tab, line feed and CR are kept.
_FORMAT_RANGES = (
    (0xAD, 0xAD),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0xFEFF, 0xFEFF),
)
_INVISIBLE = dict.fromkeys([c for first, last in _FORMAT_RANGES for c in range(first, last + 1)], None)
_BREAKING = {c: " " for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029] if c not in (9, 10, 13)}
_CLEAN = {**_INVISIBLE, **_BREAKING}


def clean_text(text: str) -> str:
    r"""Text as read at the edge: invisible characters removed, control characters and odd line breaks spaced.

    >>> clean_text("kpi-1\u200b"), clean_text("riga\vcon tab"), clean_text("\ufeffindicatore;periodo\n")
    ('kpi-1', 'riga con tab', 'indicatore;periodo\n')
    """
    return text.translate(_CLEAN)


def collapse_whitespace(text: object) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) into one space.

    >>> collapse_whitespace("  UFFICIO\\u00a0 CERIMONIALE\\t ")
    'UFFICIO CERIMONIALE'
    """
    if is_missing(text):
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text))).strip()


def fold(text: object) -> str:
    """A comparison key: whitespace collapsed and case folded.

    >>> fold("Area  Comunicazione") == fold("AREA COMUNICAZIONE")
    True
    """
    return collapse_whitespace(text).casefold()


def strip_accents(text: str) -> str:
    """Remove combining accents: ``"UNITÀ"`` becomes ``"UNITA"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain_key(text: object) -> str:
    """Lower-case ASCII letters and digits only, for matching column headers.

    >>> plain_key("UNITÀ/UFFICIO")
    'unitaufficio'
    """
    return re.sub(r"[^a-z0-9]", "", strip_accents(fold(text)))


def slugify(text: object, max_length: int = 60) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes, never empty.

    No path separator or ``..`` can survive.

    >>> slugify("Direzione <b>Cultura</b> ../../etc")
    'direzione-b-cultura-b-etc'
    """
    ascii_text = strip_accents(fold(text))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or "senza-nome"


def format_number_it(value: float | None, decimals: int = 1) -> str:
    """Italian number format: decimal comma, dot for thousands, no trailing ``,0``.

    >>> format_number_it(92.5), format_number_it(1234.0), format_number_it(None)
    ('92,5', '1.234', '')
    """
    if is_missing(value):
        return ""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
