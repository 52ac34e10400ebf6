"""Validating measurements: text cells in, accepted measurements and rejects out.

:func:`validate_measurements` is the pure heart. Every record it is given ends in
exactly one of its two outputs; rejects carry a reason a clerk can act on, in Italian.
"""

from __future__ import annotations

import math

import pandas as pd

from ..catalog.versions import version_at, versions_by_indicator
from ..core.labels import UNIT_NAME_IT
from ..core.periods import (
    BASIS_FREQ,
    FIRST_YEAR,
    ITALIAN_FREQ,
    LAST_YEAR,
    MONTHS_IN,
    PeriodOutOfRange,
    parse_period,
)
from ..core.rejects import reject, rejects_frame, sort_rejects
from ..core.text import format_number_it
from ..core.vocabulary import DURATION_UNITS, Unit, is_missing
from .numbers import POINT, NotANumber, Written, decimal_style, is_not_available, read_number

MEASUREMENT_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "note", "source", "row"]
# The note of a value declared not available without a word of why.
NOT_AVAILABLE_NOTE = "non disponibile"
RATIO_TOLERANCE = 0.05  # percentage points between a reported value and numerator/denominator


class Rejected(Exception):
    """A record that cannot be used; the message is the reason, in Italian."""


def _number(record: dict, field: str, what: str, decimal: str | None) -> Written | None:
    """A number cell of the record; a cell that held a number (not text) in a workbook is unambiguous."""
    style = POINT if field in str(record.get("typed", "")).split() else decimal
    try:
        return read_number(record[field], style)
    except NotANumber as reason:
        text = str(reason)
        raise Rejected(
            text if not text.startswith("non è un numero") else f"{what} non numerico: '{record[field]}'"
        ) from None


def _it(value: float) -> str:
    return format_number_it(value, 4)


def parse_record(record: dict, indicator: dict | None, decimal: str | None = None) -> dict:
    """One accepted measurement from one record, or :class:`Rejected` with the reason.

    ``decimal``: the decimal separator the record's file shows (:func:`~.numbers.decimal_style`).
    """
    if not is_missing(record.get("problem")):
        raise Rejected(record["problem"])
    if not record["indicator_id"]:
        raise Rejected("indicatore mancante")
    if indicator is None:
        raise Rejected(f"indicatore sconosciuto: '{record['indicator_id']}' non è nel catalogo")
    if not record["period"]:
        raise Rejected("periodo mancante")
    try:
        period = parse_period(record["period"])
    except PeriodOutOfRange:
        raise Rejected(
            f"periodo fuori dagli anni gestiti ({FIRST_YEAR}-{LAST_YEAR}): '{record['period']}' (errore di battitura?)"
        ) from None
    except ValueError:
        raise Rejected(
            f"periodo non riconosciuto: '{record['period']}' (esempi: 2025-S1, 1° semestre 2025, gennaio 2025, 2025-03)"
        ) from None
    basis_freq = BASIS_FREQ.get(indicator["basis"])
    if basis_freq and MONTHS_IN[period.freq] > MONTHS_IN[basis_freq]:
        raise Rejected(
            f"periodo {period} più ampio della base dell'indicatore ({ITALIAN_FREQ[basis_freq]}): "
            f"servono valori per ogni periodo {ITALIAN_FREQ[basis_freq]}"
        )
    _check_in_force(indicator, period)

    unit = indicator["target_unit"]
    if is_not_available(record["value"]):
        if record["numerator"] or record["denominator"]:
            raise Rejected(
                f"valore dichiarato non disponibile ('{record['value']}') ma numeratore o denominatore scritti"
            )
        declared = _measurement(indicator, period, math.nan, None, None, record)
        return {**declared, "note": declared["note"] or NOT_AVAILABLE_NOTE}
    value = _number(record, "value", "valore", decimal)
    numerator = _number(record, "numerator", "numeratore", decimal)
    denominator = _number(record, "denominator", "denominatore", decimal)
    if value and value.unit and unit and value.unit != unit:
        raise Rejected(
            f"valore in {UNIT_NAME_IT[value.unit]} ('{record['value']}') per un indicatore espresso in "
            f"{UNIT_NAME_IT[unit]}"
        )
    for part, what in ((numerator, "numeratore"), (denominator, "denominatore")):
        if part and part.unit:
            raise Rejected(
                f"{what} con un'unità di misura ('{record['numerator' if part is numerator else 'denominator']}'): scrivere solo il numero dei casi"
            )
    ratio = None
    if numerator or denominator:
        if unit not in (Unit.PERCENT, ""):
            raise Rejected(
                f"numeratore e denominatore valgono solo per indicatori in percentuale, non in {UNIT_NAME_IT[unit]}"
            )
        if numerator is None or denominator is None:
            raise Rejected("manca il " + ("numeratore" if numerator is None else "denominatore"))
        if denominator.value <= 0:
            raise Rejected(f"denominatore non positivo: {_it(denominator.value)}")
        if numerator.value < 0:
            raise Rejected(f"numeratore negativo: {_it(numerator.value)}")
        if numerator.value > denominator.value:
            raise Rejected(f"numeratore ({_it(numerator.value)}) maggiore del denominatore ({_it(denominator.value)})")
        ratio = 100 * numerator.value / denominator.value
    if value is None and ratio is None:  # a row left empty (a template's period not measured): missing, not wrong
        return {**_measurement(indicator, period, math.nan, None, None, record), "_filled": False}
    if value is not None and ratio is not None and abs(value.value - ratio) > RATIO_TOLERANCE + 1e-9:
        raise Rejected(
            f"valore {_it(value.value)} non coerente con numeratore/denominatore "
            f"({_it(numerator.value)}/{_it(denominator.value)} = {_it(ratio)}%)"
        )
    measured = value.value if value is not None else ratio
    if unit == Unit.PERCENT and not 0 <= measured <= 100:
        raise Rejected(f"percentuale fuori dall'intervallo 0-100: {_it(measured)}")
    if unit in (*DURATION_UNITS, Unit.NUMBER) and measured < 0:
        raise Rejected(f"valore negativo non ammesso per {UNIT_NAME_IT[unit]}: {_it(measured)}")
    return _measurement(indicator, period, measured, numerator, denominator, record)


def _measurement(indicator: dict, period, value: float, numerator, denominator, record: dict) -> dict:
    return {
        "indicator_id": indicator["indicator_id"],
        "period": str(period),
        "value": value,
        "numerator": numerator.value if numerator else math.nan,
        "denominator": denominator.value if denominator else math.nan,
        "note": str(record.get("note") or ""),
    }


def _check_in_force(indicator: dict, period) -> None:
    """A value for a period in which no version of the catalog lists the indicator is not expected:
    rejected, saying when the indicator is in force (``indicator["_versions"]``: its versions)."""
    versions = indicator.get("_versions") or []
    if not versions or version_at(versions, period) is not None:
        return
    year = period.end.year
    ended = [int(v["valid_to"]) for v in versions if not is_missing(v["valid_to"]) and int(v["valid_to"]) < year]
    if ended:
        raise Rejected(f"indicatore ritirato dal catalogo dopo il {max(ended)}: nessun valore atteso per {period}")
    starts = [int(v["valid_from"]) for v in versions if not is_missing(v["valid_from"])]
    raise Rejected(f"indicatore non ancora nel catalogo nel {period}: è in vigore dal {min(starts)}")


def validate_measurements(
    records: pd.DataFrame, indicators: pd.DataFrame, versions: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted measurements and rejects from text records (``measurement_files.RAW_COLUMNS``).

    Conflicting values for one indicator and period reject every copy, each naming the
    others; later copies of an identical measurement are rejected as duplicates.
    ``versions``: every version of the catalog (``read_indicator_versions``); a value for a
    period in which none lists the indicator is rejected.
    """
    groups = versions_by_indicator(versions) if versions is not None else []
    by_id = {group[0]["indicator_id"].casefold(): group for group in groups}
    catalog = {
        row["indicator_id"].casefold(): {**row, "_versions": by_id.get(row["indicator_id"].casefold(), [])}
        for row in indicators.to_dict("records")
    }
    styles = _decimal_styles(records)
    parsed: list[dict] = []
    rejects: list[dict] = []
    for record in records.to_dict("records"):
        indicator = catalog.get(str(record["indicator_id"]).strip().casefold())
        try:
            parsed.append(
                {
                    **parse_record(record, indicator, styles.get(record["source"])),
                    "source": record["source"],
                    "row": record["row"],
                    "raw": record["raw"],
                }
            )
        except Rejected as reason:
            rejects.append(_reject(record, str(reason)))

    accepted: list[dict] = []
    by_key: dict[tuple, list[dict]] = {}
    for measurement in parsed:
        by_key.setdefault((measurement["indicator_id"], measurement["period"]), []).append(measurement)
    for copies in by_key.values():
        filled = [copy for copy in copies if copy.get("_filled", True)]
        if filled and len(filled) < len(copies):  # an empty row gives way to the value written elsewhere
            for copy in copies:
                if not copy.get("_filled", True):
                    rejects.append(_reject(copy, f"riga non compilata: il valore del periodo è in {_where(filled[0])}"))
            copies = filled
        distinct = {_signature(copy) for copy in copies}
        if len(distinct) > 1:
            for copy in copies:
                rejects.append(_reject(copy, _conflict(copy, copies)))
            continue
        accepted.append(copies[0])
        for copy in copies[1:]:
            rejects.append(_reject(copy, f"copia identica di {_where(copies[0])}"))

    measurements = pd.DataFrame(accepted, columns=MEASUREMENT_COLUMNS)
    measurements = measurements.sort_values(["indicator_id", "period"], kind="stable").reset_index(drop=True)
    return measurements, sort_rejects(rejects_frame(rejects))


# A conflict names at most this many other copies: 2,000 copies naming each other would be 4 million names.
CONFLICTS_NAMED = 3


def _conflict(copy: dict, copies: list[dict]) -> str:
    """The reason of one conflicting copy: the first few others, and how many more there are."""
    others = [other for other in copies if other is not copy]
    named = "; ".join(f"{_where(other)} (valore {_value_it(other['value'])})" for other in others[:CONFLICTS_NAMED])
    more = len(others) - CONFLICTS_NAMED
    tail = f" e altre {more} righe" if more > 0 else ""
    return f"valori in conflitto per lo stesso indicatore e periodo: {named}{tail}"


def _value_it(value: float) -> str:
    return "non disponibile" if is_missing(value) else _it(value)


def _decimal_styles(records: pd.DataFrame) -> dict[str, str | None]:
    """Per source file, the decimal separator its text number cells show (cells that held numbers left out)."""
    styles = {}
    for source, rows in records.groupby("source", sort=False):
        texts = [
            row[field]
            for row in rows.to_dict("records")
            for field in ("value", "numerator", "denominator")
            if field not in str(row.get("typed", "")).split()
        ]
        styles[source] = decimal_style(texts)
    return styles


def _where(record: dict) -> str:
    """Where a record came from, as a person would look for it."""
    if is_missing(record.get("row")):
        return f"{record['source']} (valore calcolato dai casi)"
    return f"{record['source']} riga {record['row']}"


def _signature(measurement: dict) -> tuple:
    return tuple(
        None if is_missing(measurement[k]) else round(float(measurement[k]), 9)
        for k in ("value", "numerator", "denominator")
    )


def _reject(record: dict, reason: str) -> dict:
    return reject(record["source"], record["row"], reason, record["raw"])
