"""Italian words and number formats for what Milan's staff read."""

from __future__ import annotations

import math

from .text import format_number_it

STATUS_IT = {"met": "Raggiunto", "not_met": "Non raggiunto", "no_data": "Senza dati", "no_target": "Senza target"}
STATUS_COLOURS = {"met": "#d8f0dc", "not_met": "#f9d6d5", "no_data": "#eeeeee", "no_target": "#eeeeee"}
VARIATION_IT = {"common_cause": "Variabilità ordinaria", "improvement": "Miglioramento anomalo",
                "concern": "Peggioramento anomalo", "": "Serie troppo breve"}  # fmt: skip
ASSURANCE_IT = {"consistently_met": "Target sempre raggiunto", "hit_and_miss": "Target a volte sì a volte no",
                "consistently_failing": "Target mai raggiungibile", "insufficient_data": "Dati insufficienti (<12)"}  # fmt: skip
STATE_IT = {"senza_azione": "Senza azione", "in_corso": "Azione in corso", "azione_scaduta": "Verifica scaduta",
            "rientrata": "Rientrata"}  # fmt: skip
UNIT_IT = {"percent": "%", "days": "giorni", "working_days": "giorni lavorativi", "hours": "ore", "number": "numero",
           "": ""}  # fmt: skip


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def value_it(value, unit: str, decimals: int = 1) -> str:
    """``92,5%``, ``12 giorni``, ``3,5 giorni lavorativi``, ``14``; a dash when missing."""
    if missing(value):
        return "—"
    number = format_number_it(float(value), decimals)
    if unit == "percent":
        return f"{number}%"
    if unit in ("days", "working_days", "hours"):
        return f"{number} {UNIT_IT[unit]}"
    return number


def margin_it(value, unit: str) -> str:
    """Signed margin: ``+2,5 punti``, ``-3 giorni``."""
    if missing(value):
        return "—"
    sign = "+" if value > 0 else ""
    number = format_number_it(float(value), 1)
    if unit == "percent":
        return f"{sign}{number} punti"
    if unit in ("days", "working_days", "hours"):
        return f"{sign}{number} {UNIT_IT[unit]}"
    return f"{sign}{number}"


def date_it(text: str) -> str:
    """``2025-12-07`` as ``07/12/2025``; empty stays empty."""
    if not text or missing(text):
        return ""
    year, month, day = str(text)[:10].split("-")
    return f"{day}/{month}/{year}"
