"""Deliveries: each file an office sends is one delivery, dated, so that a later one can correct an earlier one.

A delivery's date is the one a clerk writes at the start of the file name (``2026-01-15_misure.xlsx``,
also ``20260115`` or ``15-01-2026``), else the date the workbook was last saved, from its document
properties (XLSX ``docProps/core.xml``, ODS ``meta.xml``). Never the file's modification time: a
copy or a clone resets it. A CSV without a date in its name is undated.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

# A name starting with a date: 2026-01-15_…, 2026_01_15 …, 20260115-…, 15-01-2026_…
_NAME_DATES = (
    (re.compile(r"^(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?:[\s_\-.]|$)"), ("y", "m", "d")),
    (re.compile(r"^(\d{2})[-_.](\d{2})[-_.](\d{4})(?:[\s_\-.]|$)"), ("d", "m", "y")),
)
# Saved dates in the document properties.
_XLSX_SAVED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")
_XLSX_CREATED = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")
_ODS_SAVED = re.compile(rb"<dc:date>([^<]+)</dc:date>")
_ODS_CREATED = re.compile(rb"<meta:creation-date>([^<]+)</meta:creation-date>")
# The stamp `kpi template` writes (deterministic bytes): a template never saved by an office is undated.
_TEMPLATE_STAMP = dt.date(2000, 1, 1)


def date_in_name(name: str) -> dt.date | None:
    """The date a clerk put at the start of a file name, if it is a real date.

    >>> date_in_name("2026-01-15_misure.xlsx"), date_in_name("20260115 misure.csv"), date_in_name("15-01-2026_x.ods")
    (datetime.date(2026, 1, 15), datetime.date(2026, 1, 15), datetime.date(2026, 1, 15))
    >>> date_in_name("misure_2026.xlsx"), date_in_name("2026-13-01_x.csv")
    (None, None)
    """
    for pattern, order in _NAME_DATES:
        match = pattern.match(Path(name).name)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


def saved_date(path: Path) -> dt.date | None:
    """The date a workbook was last saved (else created), from its document properties; ``None`` for a
    text file, an unreadable property, or the fixed stamp of a template never saved by an office."""
    suffix = Path(path).suffix.lower()
    member, patterns = {
        ".xlsx": ("docProps/core.xml", (_XLSX_SAVED, _XLSX_CREATED)),
        ".xlsm": ("docProps/core.xml", (_XLSX_SAVED, _XLSX_CREATED)),
        ".ods": ("meta.xml", (_ODS_SAVED, _ODS_CREATED)),
    }.get(suffix, ("", ()))
    if not member:
        return None
    try:
        with zipfile.ZipFile(path) as book:
            properties = book.read(member)
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    for pattern in patterns:
        match = pattern.search(properties)
        if match:
            found = _iso_date(match.group(1).decode("ascii", "replace"))
            if found and found != _TEMPLATE_STAMP:
                return found
    return None


def delivery_date(path: Path) -> dt.date | None:
    """The delivery's date: in its name, else the saved date of the workbook (:mod:`module doc <.deliveries>`)."""
    return date_in_name(Path(path).name) or saved_date(path)


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
