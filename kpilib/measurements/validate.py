"""Validating measurements: text cells in, accepted measurements and rejects out.

:func:`validate_measurements` is the pure heart. Every record it is given ends in
exactly one of its two outputs; rejects carry a reason a clerk can act on, in Italian.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

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

MEASUREMENT_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "source", "row"]
RATIO_TOLERANCE = 0.05  # percentage points between a reported value and numerator/denominator


class Rejected(Exception):
    """A record that cannot be used; the message is the reason, in Italian."""


@dataclass(frozen=True)
class ParsedNumber:
    value: float
    percent_sign: bool


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_measured_number(text: str) -> ParsedNumber | None:
    """A number as offices write it: ``92,5``, ``92.5``, ``92,5%``, ``1.234,5``; ``None`` when empty.

    Raises :class:`Rejected` when the text is not a number.

    >>> parse_measured_number("92,5%")
    ParsedNumber(value=92.5, percent_sign=True)
    >>> parse_measured_number("1.234,5").value
    1234.5
    """
    cleaned = str(text).replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned:
        return None
    percent = cleaned.endswith("%")
    cleaned = cleaned.rstrip("%")
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        cleaned = cleaned.replace(thousands, "")
    if not _NUMBER.match(cleaned):
        raise Rejected(f"non è un numero: '{text}'")
    number = float(cleaned.replace(",", "."))
    if not math.isfinite(number):
        raise Rejected(f"non è un numero: '{text}'")
    return ParsedNumber(number, percent)


def _number(text: str, what: str) -> ParsedNumber | None:
    try:
        return parse_measured_number(text)
    except Rejected:
        raise Rejected(f"{what} non numerico: '{text}'") from None


def _it(value: float) -> str:
    return format_number_it(value, 4)


def parse_record(record: dict, indicator: dict | None) -> dict:
    """One accepted measurement from one record, or :class:`Rejected` with the reason."""
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

    unit = indicator["target_unit"]
    value = _number(record["value"], "valore")
    numerator = _number(record["numerator"], "numeratore")
    denominator = _number(record["denominator"], "denominatore")
    if value and value.percent_sign and unit not in (Unit.PERCENT, ""):
        raise Rejected(
            f"valore in percentuale ('{record['value']}') per un indicatore espresso in {UNIT_NAME_IT[unit]}"
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
    if value is None and ratio is None:
        raise Rejected("valore mancante (né valore né numeratore e denominatore)")
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
    return {
        "indicator_id": indicator["indicator_id"],
        "period": str(period),
        "value": measured + 0.0,  # -0 is 0
        "numerator": numerator.value if numerator else math.nan,
        "denominator": denominator.value if denominator else math.nan,
    }


def validate_measurements(records: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted measurements and rejects from text records (``measurement_files.RAW_COLUMNS``).

    Conflicting values for one indicator and period reject every copy, each naming the
    others; later copies of an identical measurement are rejected as duplicates.
    """
    catalog = {row["indicator_id"].casefold(): row for row in indicators.to_dict("records")}
    parsed: list[dict] = []
    rejects: list[dict] = []
    for record in records.to_dict("records"):
        indicator = catalog.get(str(record["indicator_id"]).strip().casefold())
        try:
            parsed.append(
                {
                    **parse_record(record, indicator),
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
        distinct = {_signature(copy) for copy in copies}
        if len(distinct) > 1:
            for copy in copies:
                others = "; ".join(
                    f"{_where(other)} (valore {_it(other['value'])})" for other in copies if other is not copy
                )
                rejects.append(_reject(copy, f"valori in conflitto per lo stesso indicatore e periodo: {others}"))
            continue
        accepted.append(copies[0])
        for copy in copies[1:]:
            rejects.append(_reject(copy, f"copia identica di {_where(copies[0])}"))

    measurements = pd.DataFrame(accepted, columns=MEASUREMENT_COLUMNS)
    measurements = measurements.sort_values(["indicator_id", "period"], kind="stable").reset_index(drop=True)
    return measurements, sort_rejects(rejects_frame(rejects))


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
