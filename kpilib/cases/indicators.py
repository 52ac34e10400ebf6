"""The catalog as ``kpi events`` needs it: how each indicator is computed from cases.

``indicators.csv`` is read with the ``csv`` module (the command never loads pandas); each
indicator's latest version decides its kind, unit, deadline and percentile, which come
from its text and so do not change between versions without changing its id.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..catalog.wording import duration_statistic
from ..core.errors import KpiError
from ..core.periods import BASIS_FREQ, MONTHS_IN
from ..core.vocabulary import DURATION_UNITS, Unit, is_missing

_NUMBERS = ("target_value", "deadline_value", "percentile")


def read_case_catalog(path: Path) -> list[dict]:
    """The rows of ``indicators.csv`` needed here: the latest version of each indicator, numbers as floats."""
    if not Path(path).exists():
        raise KpiError(f"{path}: not found; run 'kpi catalog' first")
    latest: dict[str, tuple[int, dict]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            for column in _NUMBERS:
                record[column] = float(record[column]) if record.get(column) else None
            start = int(record["valid_from"]) if record.get("valid_from") else -1
            if record["indicator_id"] not in latest or start >= latest[record["indicator_id"]][0]:
                latest[record["indicator_id"]] = (start, record)
    return [record for _, record in sorted(latest.values(), key=lambda pair: pair[1]["indicator_id"])]


def case_kind(indicator: dict) -> str | None:
    """How an indicator is computed from cases, or ``None`` when it cannot be."""
    unit = indicator["target_unit"]
    if unit == Unit.PERCENT and indicator.get("deadline_unit") and not is_missing(indicator.get("deadline_value")):
        return "share"
    if unit in DURATION_UNITS:
        if not is_missing(indicator.get("percentile")):
            return "percentile"
        return "mean" if duration_statistic(indicator.get("indicator", "")) == "mean" else "max"
    if unit == Unit.NUMBER:
        return "count"
    return None


_UNIT_WORDS = {"days": "giorni di calendario", "working_days": "giorni lavorativi", "hours": "ore"}


def calculation_it(indicator: dict) -> str:
    """How ``kpi events`` computes the indicator from its cases, in words (each case counts in the period it
    was opened in).

    >>> calculation_it({"target_unit": "days", "percentile": 90.0, "indicator": "TEMPO PER IL 90% DEI CASI"})
    '90° percentile (rango più vicino) della durata in giorni di calendario dei casi aperti nel periodo e già chiusi'
    """
    kind = case_kind(indicator)
    unit = _UNIT_WORDS.get(indicator.get("deadline_unit") if kind == "share" else indicator["target_unit"], "")
    if kind == "share":
        deadline = f"{float(indicator['deadline_value']):g}".replace(".", ",")
        return (
            f"percentuale dei casi aperti nel periodo chiusi entro {deadline} {unit}: i chiusi entro il termine sul "
            "totale dei chiusi e degli ancora aperti già oltre il termine"
        )
    if kind == "percentile":
        return (
            f"{float(indicator['percentile']):g}° percentile (rango più vicino) della durata in {unit} dei casi "
            "aperti nel periodo e già chiusi"
        )
    if kind == "max":
        return f"durata massima in {unit} dei casi aperti nel periodo e già chiusi"
    if kind == "mean":
        return f"durata media in {unit} dei casi aperti nel periodo e già chiusi"
    if kind == "count":
        return "numero dei casi aperti nel periodo"
    return "non calcolabile dai casi (unità non riconosciuta)"


def case_table(indicators: list[dict], freq: str | None) -> list[dict]:
    """Per indicator: kind, unit of elapsed time, deadline, percentile and the period length (``freq``
    given, else the indicator's basis, else a month)."""
    rows = []
    for indicator in indicators:
        kind = case_kind(indicator)
        unit = indicator["deadline_unit"] if kind == "share" else indicator["target_unit"]
        chosen = freq or BASIS_FREQ.get(indicator["basis"], "month")
        rows.append(
            {
                "indicator_id": indicator["indicator_id"].lower(),
                "kind": kind or "",
                "unit": unit if kind in ("share", "max", "mean", "percentile") else "",
                "deadline": float(indicator["deadline_value"]) if kind == "share" else None,
                "percentile": float(indicator["percentile"]) if kind == "percentile" else None,
                "target": float(indicator["target_value"])
                if kind in ("max", "mean", "percentile") and not is_missing(indicator.get("target_value"))
                else None,
                "op": indicator.get("target_op") or "",
                "months": MONTHS_IN[chosen],
                "freq": chosen,
            }
        )
    return rows
