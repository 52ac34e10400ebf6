"""Italian words and number formats for what Milan's staff read."""

from __future__ import annotations

from .text import format_number_it
from .vocabulary import DURATION_UNITS, Assurance, Status, Unit, Variation, is_missing

STATUS_IT = {
    Status.MET: "Raggiunto",
    Status.NOT_MET: "Non raggiunto",
    Status.NO_DATA: "Senza dati",
    Status.NO_TARGET: "Senza target",
    Status.PENDING: "Da confermare",
}
STATUS_COLOURS = {
    Status.MET: "#d8f0dc",
    Status.NOT_MET: "#f9d6d5",
    Status.NO_DATA: "#eeeeee",
    Status.NO_TARGET: "#eeeeee",
    Status.PENDING: "#fff3c4",
}
VARIATION_IT = {
    Variation.COMMON_CAUSE: "Variabilità ordinaria",
    Variation.IMPROVEMENT: "Miglioramento anomalo",
    Variation.CONCERN: "Peggioramento anomalo",
    Variation.NEUTRAL_HIGH: "Valore anomalo alto (senza target: né meglio né peggio)",
    Variation.NEUTRAL_LOW: "Valore anomalo basso (senza target: né meglio né peggio)",
    "": "Serie troppo breve",
}
ASSURANCE_IT = {
    Assurance.CONSISTENTLY_MET: "Target sempre raggiunto",
    Assurance.HIT_AND_MISS: "Target a volte sì a volte no",
    Assurance.CONSISTENTLY_FAILING: "Target mai raggiungibile",
    Assurance.INSUFFICIENT_DATA: "Dati insufficienti (<6)",
}
STATE_IT = {
    "senza_azione": "Senza azione",
    "in_corso": "Azione in corso",
    "azione_scaduta": "Azione scaduta",
    "azione_non_efficace": "Azione non efficace",
    "chiusa": "Chiusa",
    "chiusa_senza_analisi": "Chiusa senza analisi",
}
UNIT_NAME_IT = {
    Unit.PERCENT: "percentuale",
    Unit.DAYS: "giorni",
    Unit.WORKING_DAYS: "giorni lavorativi",
    Unit.HOURS: "ore",
    Unit.NUMBER: "numero",
    "": "unità non definita",
}
BASIS_IT = {"monthly": "mensile", "quarterly": "trimestrale", "semiannual": "semestrale", "annual": "annuale"}
FREQ_ADJECTIVE_IT = {"month": "mensile", "quarter": "trimestrale", "semester": "semestrale", "year": "annuale"}
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


# Italian agreement: the words a count takes (singular, plural), for every generated sentence.
COUNTED_IT = {
    "met": ("raggiunto", "raggiunti"),
    "not_met": ("non raggiunto", "non raggiunti"),
    "no_data": ("senza dati", "senza dati"),
    "no_target": ("senza target", "senza target"),
    "pending": ("da confermare", "da confermare"),
    "senza_azione": ("senza azione", "senza azione"),
    "in_corso": ("con azione in corso", "con azione in corso"),
    "azione_scaduta": ("con azione scaduta", "con azione scaduta"),
    "chiusa": ("chiusa", "chiuse"),
    "chiusa_senza_analisi": ("chiusa senza analisi", "chiuse senza analisi"),
    "azione_non_efficace": ("con azione non efficace", "con azione non efficace"),
    "direzione": ("direzione", "direzioni"),
    "semestre": ("semestre", "semestri"),
    "indicatore": ("indicatore", "indicatori"),
    "month": ("mese", "mesi"),
    "quarter": ("trimestre", "trimestri"),
    "semester": ("semestre", "semestri"),
    "year": ("anno", "anni"),
    "periodo": ("periodo", "periodi"),
    "valore": ("valore", "valori"),
    "misura": ("misura", "misure"),
    "modifica": ("modifica", "modifiche"),
    "decisione": ("decisione", "decisioni"),
    "caso aperto": ("caso aperto", "casi aperti"),
    "azione aperta": ("azione aperta", "azioni aperte"),
    "valore non inviato": ("valore non ancora inviato", "valori non ancora inviati"),
    "valore scartato": ("valore inviato non utilizzabile", "valori inviati non utilizzabili"),
}
# Verbs and words that agree with a count they do not follow: the singular and the plural.
AGREEING_IT = {"manca": "mancano", "risulta": "risultano", "chiusa": "chiuse", "dichiarato": "dichiarati"}


def agree_it(number: int, singular: str) -> str:
    """The form of ``singular`` (a key of :data:`AGREEING_IT`) that agrees with ``number``.

    >>> agree_it(1, "manca"), agree_it(3, "manca"), agree_it(2, "risulta")
    ('manca', 'mancano', 'risultano')
    """
    return singular if number == 1 else AGREEING_IT[singular]


def count_it(number: int, word: str) -> str:
    """``number`` and the word agreeing with it (``word``: a key of :data:`COUNTED_IT`, else itself).

    >>> count_it(1, "met"), count_it(11, "met"), count_it(21, "chiusa"), count_it(1, "direzione")
    ('1 raggiunto', '11 raggiunti', '21 chiuse', '1 direzione')
    """
    singular, plural = COUNTED_IT.get(word, (word, word))
    return f"{number} {singular if number == 1 else plural}"


def in_period_it(period) -> str:
    """«in» a period, with the article Italian wants: ``nel 2° semestre 2025``, ``nell'anno 2025``.

    >>> from kpilib.core.periods import parse_period
    >>> [in_period_it(parse_period(p)) for p in ("2025-S2", "2025", "2025-07", "2025-Q1")]
    ['nel 2° semestre 2025', "nell'anno 2025", 'nel luglio 2025', 'nel 1° trimestre 2025']
    """
    label = period.label_it()
    return f"nell'{label}" if label[:1].lower() in "aeiou" else f"nel {label}"
