"""Italian words and number formats for what Milan's staff read."""

from __future__ import annotations

from .text import format_number_it
from .vocabulary import DURATION_UNITS, Assurance, Status, Unit, Variation, is_missing

STATUS_IT = {
    Status.MET: "Raggiunto",
    Status.NOT_MET: "Non raggiunto",
    Status.NO_DATA: "Senza dati",
    Status.NO_TARGET: "Senza target",
}
STATUS_COLOURS = {
    Status.MET: "#d8f0dc",
    Status.NOT_MET: "#f9d6d5",
    Status.NO_DATA: "#eeeeee",
    Status.NO_TARGET: "#eeeeee",
}
VARIATION_IT = {
    Variation.COMMON_CAUSE: "Variabilità ordinaria",
    Variation.IMPROVEMENT: "Miglioramento anomalo",
    Variation.CONCERN: "Peggioramento anomalo",
    "": "Serie troppo breve",
}
ASSURANCE_IT = {
    Assurance.CONSISTENTLY_MET: "Target sempre raggiunto",
    Assurance.HIT_AND_MISS: "Target a volte sì a volte no",
    Assurance.CONSISTENTLY_FAILING: "Target mai raggiungibile",
    Assurance.INSUFFICIENT_DATA: "Dati insufficienti (<12)",
}
STATE_IT = {
    "senza_azione": "Senza azione",
    "in_corso": "Azione in corso",
    "azione_scaduta": "Azione scaduta",
    "chiusa": "Chiusa",
}
UNIT_NAME_IT = {
    Unit.PERCENT: "percentuale",
    Unit.DAYS: "giorni",
    Unit.WORKING_DAYS: "giorni lavorativi",
    Unit.HOURS: "ore",
    Unit.NUMBER: "numero",
    "": "unità non definita",
}
UNIT_IT = {
    Unit.PERCENT: "%",
    Unit.DAYS: "giorni",
    Unit.WORKING_DAYS: "giorni lavorativi",
    Unit.HOURS: "ore",
    Unit.NUMBER: "numero",
    "": "",
}


def value_it(value, unit: str, decimals: int = 1) -> str:
    """``92,5%``, ``12 giorni``, ``3,5 giorni lavorativi``, ``14``; a dash when missing."""
    if is_missing(value):
        return "—"
    number = format_number_it(float(value), decimals)
    if unit == Unit.PERCENT:
        return f"{number}%"
    if unit in DURATION_UNITS:
        return f"{number} {UNIT_IT[unit]}"
    return number


COMPARATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def target_it(op: str, value, unit: str) -> str:
    """A threshold as the published table writes it: ``≥10``, ``≥80%``, ``≤12 giorni``.

    >>> target_it(">=", 80.0, "percent"), target_it("<=", 12.0, "days")
    ('≥80%', '≤12 giorni')
    """
    return f"{COMPARATOR_SIGNS.get(op, op)}{value_it(value, unit, decimals=2)}"


def margin_it(value, unit: str) -> str:
    """Signed margin: ``+2,5 punti``, ``-3 giorni``."""
    if is_missing(value):
        return "—"
    sign = "+" if value > 0 else ""
    number = format_number_it(float(value), 1)
    if unit == Unit.PERCENT:
        return f"{sign}{number} punti"
    if unit in DURATION_UNITS:
        return f"{sign}{number} {UNIT_IT[unit]}"
    return f"{sign}{number}"


def date_it(text: str) -> str:
    """``2025-12-07`` as ``07/12/2025``; empty stays empty."""
    if is_missing(text):
        return ""
    year, month, day = str(text)[:10].split("-")
    return f"{day}/{month}/{year}"


def indicator_label(row: dict) -> str:
    """An indicator as a reader names it: its text, and the part of a compound target after a dash.

    >>> indicator_label({"indicator": "NUMERO TESI", "sub_indicator": "PREMIO MARRA"})
    'NUMERO TESI — PREMIO MARRA'
    """
    part = row.get("sub_indicator")
    return str(row["indicator"]) + (f" — {part}" if not is_missing(part) else "")
