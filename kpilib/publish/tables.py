"""The open-data tables of a period, from its analysis: one frame per file of :mod:`.schemas`.

Plain values for whoever reuses them: Italian words for statuses and comparators, ISO dates,
periods in their canonical text, ``true``/``false``, each value and target in the column of its
unit. The nonconformities leave out who owns the action (a person's name is not open data).
"""

from __future__ import annotations

import pandas as pd

from ..core.labels import BASIS_IT, STATE_IT
from ..core.periods import Period, per_distinct
from ..core.vocabulary import Comparator, Polarity, Status, is_missing
from .schemas import DELIVERY_NAMES, OPEN_DELIVERIES, OPEN_INDICATORS, OPEN_NONCONFORMITIES, OPEN_RESULTS, UNIT_SUFFIX

STATUS_WORDS = {
    Status.MET: "raggiunto",
    Status.NOT_MET: "non raggiunto",
    Status.PENDING: "da confermare",
    Status.NO_DATA: "senza dati",
    Status.NO_TARGET: "senza target",
}
COMPARATOR_WORDS = {
    Comparator.AT_LEAST: "almeno",
    Comparator.MORE_THAN: "più di",
    Comparator.AT_MOST: "al massimo",
    Comparator.LESS_THAN: "meno di",
    Comparator.EQUAL: "uguale a",
}
POLARITY_WORDS = {Polarity.HIGHER: "più alto", Polarity.LOWER: "più basso"}
CLOSED_BY_WORDS = {"target": "ritorno al target", "registro": "decisione registrata"}


def indicator_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """``indicatori.csv``: the indicators in force at the end of the period, with their target."""
    frame = pd.DataFrame(
        {
            "id_indicatore": indicators["indicator_id"],
            "direzione": indicators["direction"],
            "area": indicators["area"],
            "ufficio": indicators["office"],
            "processo": indicators["process"],
            "indicatore": indicators["indicator"],
            "sotto_indicatore": indicators["sub_indicator"],
            "target_pubblicato": indicators["target_raw"],
            "confronto": indicators["target_op"].map(lambda op: COMPARATOR_WORDS.get(op, "")),
            **_by_unit("target", indicators["target_value"], indicators["target_unit"]),
            "migliore": indicators["polarity"].map(lambda p: POLARITY_WORDS.get(p, "")),
            "frequenza": indicators["basis"].map(lambda b: BASIS_IT.get(b, "")),
            "in_vigore_dal": _years(indicators, "valid_from"),
            "in_vigore_fino_al": _years(indicators, "valid_to"),
        }
    )
    return _plain(frame.sort_values("id_indicatore"), OPEN_INDICATORS.names)


def result_table(evaluation: pd.DataFrame, evaluated: Period) -> pd.DataFrame:
    """``risultati.csv``: each indicator's rows of the period and of the periods inside it (and of the period
    it requires when that lies before it: an annual indicator in a first semester)."""
    periods = evaluation["period"].tolist()
    inside = pd.Series(per_distinct(periods, evaluated.contains), index=evaluation.index, dtype=bool)
    rows = evaluation[inside | evaluation["required"].astype(bool)]
    spans = per_distinct(rows["period"].tolist(), lambda p: (p.start.isoformat(), p.end.isoformat()))
    frame = pd.DataFrame(
        {
            "id_indicatore": rows["indicator_id"],
            "periodo": [str(p) for p in rows["period"]],
            "data_inizio": [start for start, _ in spans],
            "data_fine": [end for _, end in spans],
            **_by_unit("valore", rows["value"], rows["target_unit"], keep_unknown=True),
            "numeratore": rows["numerator"],
            "denominatore": rows["denominator"],
            **_by_unit("target", rows["target_value"], rows["target_unit"]),
            "esito": rows["status"].map(lambda s: STATUS_WORDS.get(s, "")),
            "periodi_raggiunti": rows["periods_met"].astype("Int64"),
            "periodi_attesi": rows["periods_expected"].astype("Int64"),
            "periodi_mancanti": rows["periods_missing"].astype("Int64"),
            "da_periodi_brevi": _words(rows["rolled_up"]),
        },
        index=rows.index,
    )
    return _plain(frame, OPEN_RESULTS.names)


def nonconformity_table(nonconformities: pd.DataFrame) -> pd.DataFrame:
    """``non_conformita.csv``: the episodes up to the period, without who owns the action."""
    found = nonconformities
    frame = pd.DataFrame(
        {
            "id_indicatore": found["indicator_id"],
            "primo_periodo": [str(p) for p in found["first_period"]],
            "ultimo_periodo": [str(p) for p in found["last_period"]],
            "periodi_non_raggiunti": found["periods_not_met"].astype("Int64"),
            "aperta": _words(found["open"]),
            "periodo_chiusura": [str(p) for p in found["closed_period"]],
            "chiusa_da": found["closed_by"].map(lambda c: CLOSED_BY_WORDS.get(c, "")),
            "causa": found["cause"],
            "correzione": found["correction"],
            "azione": found["action"],
            "data_verifica": found["review_date"],
            "efficacia": found["effectiveness"],
            "verificata_il": found["verified_on"],
            "scaduta": _words(found["overdue"]),
            "stato": found["state"].map(lambda state: STATE_IT.get(state, state).lower()),
            "ultimo_valore": found["last_value"],
            "target_pubblicato": found["target_raw"],
        }
    )
    return _plain(frame, OPEN_NONCONFORMITIES.names)


def delivery_table(status: pd.DataFrame) -> pd.DataFrame:
    """``consegne.csv``: where each office's delivery of the period stands (``delivery_status.csv`` in Italian)."""
    frame = pd.DataFrame({name: status[source] for source, (name, _) in DELIVERY_NAMES.items()})
    frame["periodo"] = [str(p) for p in frame["periodo"]]
    frame["scadenza"] = frame["scadenza"].astype(str)
    frame["in_ritardo"] = _words(frame["in_ritardo"])
    for column in OPEN_DELIVERIES.columns:
        if column.type == "integer":
            frame[column.name] = frame[column.name].astype("Int64")
    return _plain(frame, OPEN_DELIVERIES.names)


def _by_unit(prefix: str, values: pd.Series, units: pd.Series, keep_unknown: bool = False) -> dict[str, list]:
    """One column per unit, each row's value in its unit's column. A value without a unit (an indicator
    whose target could not be read) has no column to go to but ``<prefix>_unita_non_definita``."""
    columns = {f"{prefix}_{suffix}": [] for suffix in UNIT_SUFFIX.values()}
    unknown = []
    for value, unit in zip(values.tolist(), units.tolist(), strict=True):
        suffix = UNIT_SUFFIX.get(unit)
        for name, column in columns.items():
            column.append(value if name == f"{prefix}_{suffix}" else float("nan"))
        unknown.append(value if suffix is None else float("nan"))
    if keep_unknown:
        columns[f"{prefix}_unita_non_definita"] = unknown
    return {name: pd.Series(column, index=values.index, dtype=float) for name, column in columns.items()}


def _years(indicators: pd.DataFrame, column: str) -> pd.Series:
    if column not in indicators:
        return pd.Series(pd.NA, index=indicators.index, dtype="Int64")
    return indicators[column].astype("Int64")


def _words(flags: pd.Series) -> list[str]:
    """``true``/``false`` as Frictionless and most readers take them (empty where unknown)."""
    return ["" if is_missing(flag) else "true" if bool(flag) else "false" for flag in flags.tolist()]


def _plain(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    return frame[names].reset_index(drop=True)
